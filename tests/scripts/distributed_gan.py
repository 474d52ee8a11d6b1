"""Train a tiny GAN a few steps on one device, under MirroredStrategy on two logical CPUs,
or as one worker of a MultiWorkerMirroredStrategy cluster (TF_CONFIG), and save its weights.

Run by tests/test_distribute.py in its own processes (logical devices can only be set
up before TensorFlow starts). Arguments: one|mirrored|multiworker, the run folder, the
avatar cache folder, the steps to reach, the optimizer (sgd or adam), and optionally
seconds to wait after each step (so that a test can kill a worker mid-run).
Writes <run folder>/weights-<task>.npz: every variable of the GAN and its optimizers.
"""
import sys

mode, run_dir, cache, steps, optimizer = sys.argv[1:6]
delay = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
import time

import tensorflow as tf

if mode == "mirrored":
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
import numpy as np

from ganlab import data, models, training
from ganlab.tooling import checkpoints, distribute

if __name__ == "__main__":
    strategy = {"one": lambda: distribute.make_strategy("none"),
                "mirrored": lambda: tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]),
                "multiworker": lambda: distribute.make_strategy("multiworker")}[mode]()
    avatars = data.load_avatars(64, 32, seed=3, cache_dir=cache, workers=1, progress=False)
    with strategy.scope():
        keras.utils.set_random_seed(7)  # the same initial weights everywhere
        # batch norm in G, R1 every 2nd step, EMA and DiffAugment: each draw and batch
        # statistic must be the global batch's
        gan = training.GAN(models.dcgan_generator(latent_dim=8, size=32, width=4),
                           models.dcgan_discriminator(size=32, width=4, normalization=None),
                           r1_weight=1.0, r1_every=2, ema_decay=0.9, augment="color,translation,cutout")
        make = (lambda: keras.optimizers.SGD(0.05)) if optimizer == "sgd" else (lambda: keras.optimizers.Adam(1e-3))
        gan.compile(make(), make())
    wait = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: time.sleep(delay))
    step = training.train(gan, avatars.images, steps=int(steps), batch_size=16, run_dir=run_dir,
                          checkpoint_every=2, sample_every=4, progress=False, strategy=strategy,
                          callbacks=[wait] if delay else [])
    task = "chief" if distribute.is_chief(strategy) else "other"
    np.savez(f"{run_dir}/weights-{task}.npz", *[np.asarray(v) for v in checkpoints.state_variables(gan)])
    print("replicas", strategy.num_replicas_in_sync, "step", step, "chief", distribute.is_chief(strategy))
