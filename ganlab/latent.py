"""Paths through a generator's noise space (straight lines and arcs), and searching it.

    frames = generator.predict(np.stack([slerp(z0, z1, t) for t in np.linspace(0, 1, 8)]))

A standard normal z in d dimensions lies close to a shell of radius sqrt(d), and the
generator was trained only there. Linear interpolation cuts inside the shell (two
independent z are nearly perpendicular, so the midpoint is about sqrt(d / 2) long);
spherical interpolation follows the arc and keeps the length (White 2016).
`invert` finds the z of a given image by gradient descent (chapter 08: a GAN has no
encoder).

Taught in 07_social_media_applications.ipynb (invert: 08_faq.ipynb).
"""

from __future__ import annotations

import numpy as np

from ganlab.tooling.batches import to_unit_range


def lerp(z0, z1, t):
    """Linear interpolation (1 - t) z0 + t z1, for vectors (or rows of vectors) z0, z1 and a number t.

    Taught in 07_social_media_applications.ipynb.
    """
    z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
    return (1 - t) * z0 + t * z1


def slerp(z0, z1, t):
    """Spherical interpolation along the arc from z0 to z1, for vectors or rows of vectors.

    With W the angle between z0 and z1: sin((1 - t) W) / sin W z0 + sin(t W) / sin W z1.
    Where z0 and z1 point the same way (W about 0) this is the straight line.

    Taught in 07_social_media_applications.ipynb.
    """
    z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
    cosine = np.sum(z0 * z1, axis=-1, keepdims=True) / (np.linalg.norm(z0, axis=-1, keepdims=True)
                                                         * np.linalg.norm(z1, axis=-1, keepdims=True))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    sine = np.sin(angle)
    parallel = sine < 1e-6
    safe = np.where(parallel, 1.0, sine)
    arc = (np.sin((1 - t) * angle) * z0 + np.sin(t * angle) * z1) / safe
    return np.where(parallel, lerp(z0, z1, t), arc)


def invert(generator, images, steps: int = 300, learning_rate: float = 0.05, seed: int = 0):
    """The latent vectors whose images come closest to `images`: a GAN has no encoder, so search.

    Starts from z ~ N(0, I) and runs Adam on the mean squared pixel error
    ||G(z) - x||^2 / pixels. `images`: uint8 [n, h, w, 3]. Returns (z [n, latent_dim],
    errors [steps]: the mean squared error, images in [-1, 1], at each step).

    Taught in 08_faq.ipynb.
    """
    import keras
    import tensorflow as tf

    targets = tf.constant(to_unit_range(np.asarray(images)))
    latent_dim = int(generator.input.shape[-1])
    z = tf.Variable(np.random.default_rng(seed).normal(size=(len(targets), latent_dim)).astype("float32"))
    optimizer = keras.optimizers.Adam(learning_rate)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            error = tf.reduce_mean(tf.square(tf.cast(generator(z, training=False), tf.float32) - targets))
        optimizer.apply_gradients([(tape.gradient(error, z), z)])
        return error

    errors = [float(step()) for _ in range(steps)]
    return z.numpy(), np.array(errors)
