"""Benchmark: images/s of ganlab's GAN training step vs the TensorFlow tutorial's loop.

    python benchmarks/train_throughput.py [--size 64] [--width 32] [--batch 64] [--steps 60]

Both train the same DCGAN pair (batch norm in D, non-saturating loss, Adam 2e-4) on
the same batch of avatars, in this one process:
  reference: the tutorial's style, a tf.function with two GradientTapes, float32, one
             forward pass shared by both updates (simultaneous updates);
  ganlab:    GAN.fit() with the precision `choose_precision("auto")` picks (bf16 on
             this CPU), twice: with update="simultaneous", the same algorithm as the
             reference (like for like), and with the default alternating updates (D,
             then G against the updated D, which costs one more generator and
             discriminator pass per step).
Prints images/s for each, after warm-up steps that trace and compile, and the ratios.
"""

import argparse
import time

import keras
import numpy as np
import tensorflow as tf

from ganlab import data, losses, models, training


def reference_images_per_second(images, size, width, steps, latent_dim=128):
    keras.mixed_precision.set_global_policy("float32")
    generator = models.dcgan_generator(latent_dim, size, width)
    discriminator = models.dcgan_discriminator(size, width)
    g_optimizer, d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)
    batch = len(images)

    @tf.function
    def step(real):
        noise = tf.random.normal([batch, latent_dim])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(noise, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            g_loss = losses.non_saturating_generator_loss(fake_logits)
            d_loss = losses.cross_entropy_discriminator_loss(real_logits, fake_logits)
        g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                                        generator.trainable_variables))
        d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                                        discriminator.trainable_variables))
        return g_loss

    real = tf.constant(images)
    for _ in range(5):
        step(real)
    started = time.perf_counter()
    for _ in range(steps):
        loss = step(real)
    float(loss)
    return steps * batch / (time.perf_counter() - started)


def ganlab_images_per_second(images, size, width, steps, update, latent_dim=128):
    policy = training.choose_precision("auto")
    gan = training.GAN(models.dcgan_generator(latent_dim, size, width),
                       models.dcgan_discriminator(size, width), loss="non_saturating", update=update)
    gan.compile()
    batches = tf.data.Dataset.from_tensors(tf.constant(images)).repeat()
    gan.fit(batches, epochs=1, steps_per_epoch=5, verbose=0)  # trace and compile
    started = time.perf_counter()
    gan.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
    seconds = time.perf_counter() - started
    keras.mixed_precision.set_global_policy("float32")
    return steps * len(images) / seconds, policy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64, choices=(32, 64))
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    avatars = data.load_avatars(args.batch, args.size, seed=0, progress=False, workers=1)
    images = (avatars.images.astype(np.float32) / 127.5 - 1.0)
    keras.utils.set_random_seed(0)
    reference = reference_images_per_second(images, args.size, args.width, args.steps)
    simultaneous, policy = ganlab_images_per_second(images, args.size, args.width, args.steps, "simultaneous")
    alternating, _ = ganlab_images_per_second(images, args.size, args.width, args.steps, "alternating")
    print(f"DCGAN {args.size}x{args.size}, width {args.width}, batch {args.batch}, {args.steps} timed steps")
    print(f"{'reference (tutorial loop, float32)':50} {reference:8.1f} img/s")
    print(f"{'ganlab GAN.fit, simultaneous (' + policy + ')':50} {simultaneous:8.1f} img/s   "
          f"{simultaneous / reference:5.2f}x  (like for like; target >= 1.5x)")
    print(f"{'ganlab GAN.fit, alternating (' + policy + ')':50} {alternating:8.1f} img/s   "
          f"{alternating / reference:5.2f}x  (the default algorithm)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
