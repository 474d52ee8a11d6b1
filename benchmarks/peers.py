"""The two DCGANs a learner would otherwise pick, rebuilt for the time-to-quality benchmark.

Both keep their published layers, losses, optimisers, batch sizes and update order. What
changed, for both: the data (the course's 10,000 avatars at 64 x 64, from memory, in
place of CelebA or MNIST files), the length of training (a wall-clock budget in place of
a number of epochs), and their image-saving callbacks (the benchmark samples and
measures every system the same way). They train in float32, as published.

KERAS_IO: "DCGAN to generate face images" (François Chollet, keras.io, last modified
2023-12-21; examples/generative/dcgan_overriding_train_step.py), written for CelebA at
64 x 64 with Keras 3 already. Changes besides the three above: none. Its generator
ends in a sigmoid ([0, 1] images); the benchmark maps its samples to [-1, 1].

TF_TUTORIAL: the TensorFlow tutorial "Deep Convolutional Generative Adversarial Network"
(tensorflow.org/tutorials/generative/dcgan), written for 28 x 28 MNIST digits. Changes
to reach 64 x 64 x 3, each the smallest that does: the projection makes 8 x 8 x 256
(not 7 x 7 x 256); one more 5 x 5 stride-2 transposed convolution (32 channels, batch
norm, leaky ReLU), so 8 -> 16 -> 32 -> 64; the last layer makes 3 channels; the
discriminator takes 64 x 64 x 3 inputs (its layers unchanged). `tf.keras` became
`keras`. Its loop (two tapes, both networks updated from one forward pass) is kept.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

KERAS_IO_LATENT = 128
TF_TUTORIAL_LATENT = 100


# ---- keras.io: DCGAN to generate face images ------------------------------------

def keras_io_discriminator() -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=(64, 64, 3)),
        layers.Conv2D(64, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Flatten(), layers.Dropout(0.2), layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")


def keras_io_generator() -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=(KERAS_IO_LATENT,)),
        layers.Dense(8 * 8 * 128), layers.Reshape((8, 8, 128)),
        layers.Conv2DTranspose(128, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(256, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(512, kernel_size=4, strides=2, padding="same"), layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(3, kernel_size=5, padding="same", activation="sigmoid"),
    ], name="generator")


class KerasIoGAN(keras.Model):
    """The example's `fit`-driven GAN: one discriminator step on generated (label 1) and
    real (label 0) images with 0.05 uniform label noise, then one generator step."""

    def __init__(self, seed: int = 1337):
        super().__init__()
        self.discriminator, self.generator = keras_io_discriminator(), keras_io_generator()
        self.latent_dim = KERAS_IO_LATENT
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self):
        super().compile()
        self.d_optimizer = keras.optimizers.Adam(learning_rate=0.0001)
        self.g_optimizer = keras.optimizers.Adam(learning_rate=0.0001)
        self.loss_fn = keras.losses.BinaryCrossentropy()

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        combined = tf.concat([self.generator(noise), real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * tf.random.uniform(tf.shape(labels))
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(combined))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(tf.zeros((batch_size, 1)), self.discriminator(self.generator(noise)))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


def keras_io_dataset(images, seed: int) -> tf.data.Dataset:
    """Batches of 32 in [0, 1], shuffled, repeated (the example reads CelebA files in batches of 32)."""
    dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).repeat()
    return dataset.batch(32).map(lambda x: tf.cast(x, "float32") / 255.0).prefetch(2)


# ---- tensorflow.org: the DCGAN tutorial, at 64 x 64 x 3 --------------------------

def tf_tutorial_generator() -> keras.Model:
    def block(filters, strides):
        return [layers.Conv2DTranspose(filters, (5, 5), strides=strides, padding="same", use_bias=False),
                layers.BatchNormalization(), layers.LeakyReLU()]

    return keras.Sequential([
        keras.Input(shape=(TF_TUTORIAL_LATENT,)),
        layers.Dense(8 * 8 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((8, 8, 256)),
        *block(128, (1, 1)), *block(64, (2, 2)), *block(32, (2, 2)),  # the last block is the added one
        layers.Conv2DTranspose(3, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"),
    ], name="generator")


def tf_tutorial_discriminator() -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=(64, 64, 3)),
        layers.Conv2D(64, (5, 5), strides=(2, 2), padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, (5, 5), strides=(2, 2), padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ], name="discriminator")


class TfTutorialGAN:
    """The tutorial's pieces: two networks, two Adam(1e-4), cross-entropy on logits, and its
    `train_step` (one forward pass, two tapes, both networks updated at once)."""

    BATCH_SIZE = 256

    def __init__(self):
        self.generator, self.discriminator = tf_tutorial_generator(), tf_tutorial_discriminator()
        self.cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        self.generator_optimizer = keras.optimizers.Adam(1e-4)
        self.discriminator_optimizer = keras.optimizers.Adam(1e-4)
        self.train_step = tf.function(self._train_step)

    def _train_step(self, images):
        noise = tf.random.normal([tf.shape(images)[0], TF_TUTORIAL_LATENT])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated = self.generator(noise, training=True)
            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated, training=True)
            gen_loss = self.cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = (self.cross_entropy(tf.ones_like(real_output), real_output)
                         + self.cross_entropy(tf.zeros_like(fake_output), fake_output))
        gen_grads = gen_tape.gradient(gen_loss, self.generator.trainable_variables)
        disc_grads = disc_tape.gradient(disc_loss, self.discriminator.trainable_variables)
        self.generator_optimizer.apply_gradients(zip(gen_grads, self.generator.trainable_variables))
        self.discriminator_optimizer.apply_gradients(zip(disc_grads, self.discriminator.trainable_variables))
        return gen_loss, disc_loss


def tf_tutorial_dataset(images, seed: int) -> tf.data.Dataset:
    """Batches of 256 in [-1, 1], shuffled, repeated (the tutorial: (x - 127.5) / 127.5)."""
    dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=seed).repeat()
    return dataset.batch(TfTutorialGAN.BATCH_SIZE).map(lambda x: (tf.cast(x, "float32") - 127.5) / 127.5).prefetch(2)
