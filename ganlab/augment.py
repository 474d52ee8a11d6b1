"""Differentiable augmentation (DiffAugment, Zhao et al. 2020) for training on few images.

    gan = GAN(generator, discriminator, augment="color,translation,cutout")

The discriminator sees every image, real and generated, through the same random
changes (colour, a shift, a hole), and the generator's gradient flows back through
them. Because fakes are changed exactly as reals are, the generator is not rewarded
for drawing the changes: augmenting only the training set, as the article suggests,
teaches it to draw shifted, recoloured, holed avatars.

Taught in 08_faq.ipynb.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ganlab.tooling.batches import to_unit_range
from ganlab.tooling.distribute import replica_rows  # on several replicas, the whole batch's draws
from keras import ops

POLICIES = ("color", "translation", "cutout")


def parse_policy(policy: str | None) -> tuple[str, ...]:
    """"color,translation" -> ("color", "translation"); None or "" -> (); unknown names are a ValueError."""
    names = tuple(name.strip() for name in (policy or "").split(",") if name.strip())
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise ValueError(f"unknown augmentation {', '.join(map(repr, unknown))}; choose from "
                         f"{', '.join(POLICIES)}, joined by commas (e.g. 'color,translation,cutout').")
    return names


def diff_augment(images, policy: str, seed):
    """`images` [b, h, w, c] in [-1, 1], changed at random per image by each part of `policy`.

    color: brightness + U(-0.5, 0.5); saturation x U(0, 2) around the grey level;
    contrast x U(0.5, 1.5) around the image mean. translation: a shift of up to 1/8 of
    the size each way, the gap filled with 0 (mid-grey). cutout: a square of half the
    size, anywhere, set to 0. `seed` is a keras.random.SeedGenerator.

    Taught in 08_faq.ipynb.
    """
    for name in parse_policy(policy):
        images = {"color": _color, "translation": _translation, "cutout": _cutout}[name](images, seed)
    return images


def _uniform(images, seed, low, high):
    batch = ops.shape(images)[0]
    values = replica_rows(lambda shape: keras.random.uniform(shape, low, high, seed=seed), batch, (1, 1, 1))
    return ops.cast(values, images.dtype)


def _color(images, seed):
    images = images + _uniform(images, seed, -0.5, 0.5)  # brightness
    grey = ops.mean(images, axis=-1, keepdims=True)
    images = (images - grey) * _uniform(images, seed, 0.0, 2.0) + grey  # saturation
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * _uniform(images, seed, 0.5, 1.5) + mean  # contrast


def _translation(images, seed, ratio: float = 0.125):
    size = images.shape[1]
    reach = max(1, int(size * ratio + 0.5))
    batch = ops.shape(images)[0]
    padded = ops.pad(images, [[0, 0], [reach, reach], [reach, reach], [0, 0]])
    shifts = replica_rows(lambda shape: keras.random.randint(shape, -reach, reach + 1, seed=seed), batch, (2,))
    # output pixel (y, x) of image i is padded pixel (y + reach - shift_y, x + reach - shift_x)
    rows = ops.arange(size)[None, :] + reach - shifts[:, :1]
    columns = ops.arange(size)[None, :] + reach - shifts[:, 1:]
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(shifted, columns, axis=2, batch_dims=1)


def _cutout(images, seed, ratio: float = 0.5):
    size = images.shape[1]
    half = int(size * ratio + 0.5) // 2
    batch = ops.shape(images)[0]
    centres = replica_rows(lambda shape: keras.random.randint(shape, 0, size, seed=seed), batch, (2,))
    rows = ops.abs(ops.arange(size)[None, :] - centres[:, :1]) < half  # [b, h]: inside the hole
    columns = ops.abs(ops.arange(size)[None, :] - centres[:, 1:]) < half  # [b, w]
    hole = ops.logical_and(rows[:, :, None], columns[:, None, :])[..., None]
    return ops.where(hole, ops.zeros_like(images), images)


def grey_square_share(images, side_ratio: float = 0.25) -> float:
    """Share of images holding a mid-grey square a quarter of their side wide (8 px at 32 px).

    The mark that translation and cutout leave (they fill with 0, mid-grey on the
    [-1, 1] scale); a pixel counts as grey when all three channels are within 0.1 of 0.
    `images`: uint8, or floats in [-1, 1], [n, h, w, 3].

    Taught in 08_faq.ipynb.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = to_unit_range(images)
    grey = np.all(np.abs(images) < 0.1, axis=-1).astype(np.int32)  # [n, h, w]
    side = max(1, int(images.shape[1] * side_ratio))
    totals = np.pad(grey.cumsum(axis=1).cumsum(axis=2), [(0, 0), (1, 0), (1, 0)])
    windows = (totals[:, side:, side:] - totals[:, :-side, side:] - totals[:, side:, :-side]
               + totals[:, :-side, :-side])  # grey pixels in every side x side window
    return round(float(np.mean((windows == side * side).any(axis=(1, 2)))), 4)
