"""Benchmark: images/s of ganlab's GAN training step vs the TensorFlow tutorial's loop.

    python benchmarks/train_throughput.py [--size 64] [--width 32] [--batch 64] [--steps 40] [--rounds 3]

Both train the same DCGAN pair (batch norm in D, non-saturating loss, Adam 2e-4) on
the same batch of avatars, in this one process:
  reference: the tutorial's style, a tf.function with two GradientTapes, float32, one
             forward pass shared by both updates (simultaneous updates), and Keras' own
             BatchNormalization layers where ganlab's models have ganlab's (the same
             layer on TensorFlow's fused kernel);
  ganlab:    GAN.fit() with the precision `choose_precision("auto")` picks (bf16 on
             this CPU), twice: as `SimultaneousGAN` below, the same algorithm as the
             reference (like for like), and as ganlab's own GAN with its alternating
             updates (D, then G against the updated D, which costs one more generator
             and discriminator pass per step).
The reference loop runs a second time with ganlab's batch norm, to show what the fused
kernel alone is worth in float32. After warm-up steps that trace and compile, the four
take turns for a few rounds; it prints each one's median images/s, and its ratio to
the reference (the medians', and the lowest and highest of the rounds').
"""

import argparse
import time

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ganlab import data, losses, models, training
from ganlab.tooling import batches, precision
from ganlab.tooling import layers as ganlab_layers


def with_keras_batch_norm(model):
    """`model` with each of ganlab's BatchNormalization layers replaced by Keras' own."""

    def clone(layer):
        if isinstance(layer, ganlab_layers.BatchNormalization):
            return keras.layers.BatchNormalization.from_config(layer.get_config())
        return layer.__class__.from_config(layer.get_config())

    twin = keras.models.clone_model(model, clone_function=clone)
    assert not any(isinstance(layer, ganlab_layers.BatchNormalization) for layer in twin.layers)
    return twin


def reference_trainer(images, size, width, latent_dim=128, keras_batch_norm=True):
    """A function that runs n steps of the tutorial's loop (float32) and waits for them."""
    keras.mixed_precision.set_global_policy("float32")
    generator = models.dcgan_generator(latent_dim, size, width)
    discriminator = models.dcgan_discriminator(size, width)
    if keras_batch_norm:
        generator, discriminator = with_keras_batch_norm(generator), with_keras_batch_norm(discriminator)
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

    def run(steps):
        for _ in range(steps):
            loss = step(real)
        float(loss)

    return run


class SimultaneousGAN(training.GAN):
    """ganlab's GAN with the TensorFlow DCGAN tutorial's update: one batch of fakes, both
    gradients taken at the same point, both networks updated together. Cheaper than the
    alternating step, since G and D run forward once; here to time like against like, so
    it takes only what the tutorial has (no penalties, augmentation, EMA or labels)."""

    def __init__(self, generator, discriminator, **kwargs):
        unsupported = sorted(set(kwargs) - {"loss", "seed", "name"})
        if unsupported:
            raise ValueError(f"SimultaneousGAN takes only loss, seed and name; got {', '.join(unsupported)}.")
        super().__init__(generator, discriminator, **kwargs)

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        self.reset_metrics()
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fake_images = self.generate(batch_size, {})
            real_logits, fake_logits = self.judge(real_images, {}), self.judge(fake_images, {})
            d_loss = self.discriminator_loss(real_logits, fake_logits)
            g_loss = self.generator_loss(fake_logits)
        # The tapes hold the values of the one forward pass, so G's gradient is taken against
        # D as it was, although D's update is applied first (tests/test_benchmarks.py checks it).
        training.update_weights(self.discriminator, self.discriminator_optimizer, discriminator_tape, d_loss)
        training.update_weights(self.generator, self.generator_optimizer, generator_tape, g_loss)
        for name, value in (("d_loss", d_loss), ("g_loss", g_loss)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def ganlab_trainer(images, size, width, gan_class, latent_dim=128):
    """A function that runs n steps of GAN.fit() in the precision "auto" picks; and that precision."""
    policy = precision.choose_precision("auto")
    gan = gan_class(models.dcgan_generator(latent_dim, size, width),
                    models.dcgan_discriminator(size, width), loss="non_saturating")
    gan.compile()
    keras.mixed_precision.set_global_policy("float32")
    repeated = batches.without_autotuning(tf.data.Dataset.from_tensors(tf.constant(images)).repeat())

    def run(steps):
        keras.mixed_precision.set_global_policy(policy)  # as when it was built
        gan.fit(repeated, epochs=1, steps_per_epoch=steps, verbose=0)
        keras.mixed_precision.set_global_policy("float32")

    return run, policy


def images_per_second(trainers, batch, steps, rounds):
    """Each trainer's images/s in each round; the trainers take turns, so that a change in
    the machine's speed during the run (other tenants, clocks) falls on all of them alike."""
    for run in trainers.values():
        run(5)  # trace and compile
    rates = {name: [] for name in trainers}
    for _ in range(rounds):
        for name, run in trainers.items():
            started = time.perf_counter()
            run(steps)
            rates[name].append(steps * batch / (time.perf_counter() - started))
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64, choices=(32, 64))
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=40, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    avatars = data.load_avatars(args.batch, args.size, seed=0, progress=False, workers=1)
    images = (avatars.images.astype(np.float32) / 127.5 - 1.0)
    keras.utils.set_random_seed(0)
    simultaneous, policy = ganlab_trainer(images, args.size, args.width, SimultaneousGAN)
    alternating, _ = ganlab_trainer(images, args.size, args.width, training.GAN)
    trainers = {
        "reference (tutorial loop, float32)": reference_trainer(images, args.size, args.width),
        "  the same loop, ganlab batch norm (float32)":
            reference_trainer(images, args.size, args.width, keras_batch_norm=False),
        f"ganlab GAN.fit, simultaneous ({policy})": simultaneous,
        f"ganlab GAN.fit, alternating ({policy})": alternating,
    }
    notes = ["", "the kernel alone, float32", "like for like; target >= 1.5x", "the default algorithm"]
    rates = images_per_second(trainers, args.batch, args.steps, args.rounds)
    reference = rates[next(iter(rates))]
    print(f"DCGAN {args.size}x{args.size}, width {args.width}, batch {args.batch}; "
          f"{args.rounds} rounds of {args.steps} timed steps, medians (per-round ratios)")
    for (name, rate), note in zip(rates.items(), notes):
        line = f"{name:50} {np.median(rate):8.1f} img/s"
        if rate is not reference:
            ratios = [mine / theirs for mine, theirs in zip(rate, reference)]
            line += (f"   {np.median(rate) / np.median(reference):5.2f}x "
                     f"({min(ratios):.2f}-{max(ratios):.2f})  {note}")
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
