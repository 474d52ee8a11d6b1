"""Train a tiny GAN for one epoch under MirroredStrategy on two logical CPU devices.

Run by tests/test_training.py in its own process: logical devices can only be set up
before TensorFlow starts. Arguments: "ema" or "plain", then a cache folder.
"""
import sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
import numpy as np
from ganlab import data, models, training

if __name__ == "__main__":
    ema = sys.argv[1] == "ema"
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    avatars = data.load_avatars(32, 32, seed=3, cache_dir=sys.argv[2], workers=1, progress=False)
    with strategy.scope():
        gan = training.GAN(models.dcgan_generator(latent_dim=8, size=32, width=4),
                           models.dcgan_discriminator(size=32, width=4), ema_decay=0.9 if ema else None)
        gan.compile()
    history = gan.fit(avatars.tf_dataset(batch_size=16), epochs=1, verbose=0)
    print("replicas", strategy.num_replicas_in_sync, "steps", int(gan.generator_optimizer.iterations.numpy()),
          "g_loss", round(history.history["g_loss"][0], 4))
