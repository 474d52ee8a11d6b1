"""A tiny GAN run for the kill-and-resume test: train(...) to 12 steps, checkpoint every 3.

Arguments: run folder, cache folder, seconds to sleep after each step (to give the
test time to kill it). Prints a fingerprint of every weight when it finishes.
"""
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from ganlab import data, models, training


class Slow(keras.callbacks.Callback):
    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(self.seconds)


if __name__ == "__main__":
    run_dir, cache, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(0)
    avatars = data.load_avatars(64, 32, seed=3, cache_dir=cache, workers=1, progress=False)
    gan = training.GAN(models.dcgan_generator(latent_dim=8, size=32, width=4),
                       models.dcgan_discriminator(size=32, width=4), ema_decay=0.9)
    gan.compile()
    original_fit = gan.fit
    gan.fit = lambda *a, callbacks=(), **k: original_fit(*a, callbacks=[*callbacks, Slow(pause)], **k)
    step = training.train(gan, avatars.images, steps=12, batch_size=8, run_dir=run_dir,
                          checkpoint_every=3, sample_every=6, progress=False)
    weights = np.concatenate([np.ravel(w) for w in gan.generator.get_weights()
                              + gan.discriminator.get_weights() + gan.ema_generator.get_weights()])
    print("step", step, "fingerprint", repr(float(np.sum(np.abs(weights.astype(np.float64))))))
