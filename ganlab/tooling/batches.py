"""tf.data pipelines that feed training: shuffled batches, and step-indexed batches that
make a resumed run see exactly the data it would have seen.

    dataset = make_tf_dataset(images, batch_size=64)     # float32 in [-1, 1], reshuffled
    batches = step_batches(images, batch_size=64, seed=0, start_step=500, steps=1000)

Run tooling: chapters call them through `AvatarDataset.tf_dataset` and `training.train`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import tensorflow as tf

from ganlab.tooling import checks


def make_tf_dataset(images: np.ndarray, labels: Mapping[str, np.ndarray] | None = None, *,
                    batch_size: int = 64, shuffle: bool = True, seed: int = 0,
                    drop_remainder: bool = True):
    """Batches of images as float32 in [-1, 1] (x / 127.5 - 1), shuffled and prefetched.

    Args:
        images: uint8 [n, h, w, 3].
        labels: optional attribute -> int labels [n]; batches are then (images, labels).
        batch_size: images per batch, at most n when drop_remainder is True.
        shuffle: reshuffle every epoch, from `seed`.
        drop_remainder: keep every batch the same size (what GAN training wants).
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 [n, h, w, 3]; got {images.dtype} {images.shape}.")
    checks.positive_integer(batch_size, "batch_size")
    if drop_remainder and batch_size > len(images):
        raise ValueError(f"batch_size {batch_size} is larger than the {len(images)} images; "
                         "use a smaller batch or drop_remainder=False.")
    elements = images if labels is None else (images, dict(labels))
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.map(to_unit_range if labels is None else _scale_first, num_parallel_calls=2)
    return without_autotuning(dataset.prefetch(2))


def without_autotuning(dataset):
    """`dataset` with tf.data's autotuning off, so that fit() ends when training does.

    The autotuner is a thread that wakes after 10 ms, 20 ms, 40 ms, ... Measured here
    (TF 2.21), deleting an iterator it tunes sometimes waits for its next wake-up: in
    4 of 6 runs a 40-step fit() returned 1.3-1.8 s after its last step, 5.11 s after
    it began; an iterator deleted after 6 s took 4.3 s, so the wait grows with the run.
    The pipelines here only cut and scale tensors in memory, so fixed parallelism (2
    map calls, 2 batches prefetched) costs nothing.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def to_unit_range(images):
    """uint8 pixels [0, 255] -> float32 [-1, 1] (x / 127.5 - 1): what the generator's tanh
    outputs and the discriminator takes. NumPy arrays and tensors alike."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0 if tf.is_tensor(images) \
        else np.asarray(images, np.float32) / 127.5 - 1.0


def _scale_first(images, labels):
    return to_unit_range(images), labels


def step_batches(images, labels=None, *, batch_size: int, seed: int, start_step: int, steps: int,
                 parts: int = 1, first_part: int = 0, local_parts: int = 1):
    """The batches of steps start_step ... steps - 1, each made from its step number alone.

    Step s belongs to epoch e = s // (n // batch_size); each epoch is its own random
    permutation of the images (a stateless shuffle keyed by (seed, e)), cut into
    batches. So a resumed run continues with exactly the batches it would have seen,
    and nothing about the data needs saving in a checkpoint. The last n % batch_size
    images of each epoch's permutation are skipped.

    Yields float32 images in [-1, 1] (and {attribute: labels} if `labels` is given).

    For training on several replicas (`distribute.distributed_batches`), each global batch
    is cut into `parts` equal shares; this pipeline then yields shares first_part ...
    first_part + local_parts - 1 of step start_step, then of the next step, and so on.
    """
    images = np.asarray(images)
    count = len(images)
    per_epoch = count // batch_size
    share = batch_size // parts
    pixels = tf.constant(images)
    label_tensors = {name: tf.constant(np.asarray(value)) for name, value in (labels or {}).items()}

    def batch_of(index):
        step, part = index // local_parts, first_part + index % local_parts
        epoch, position = step // per_epoch, step % per_epoch
        slots = position * batch_size + part * share + tf.range(share, dtype=tf.int64)
        order = tf.random.experimental.index_shuffle(slots, seed=tf.stack([tf.constant(seed, tf.int64), epoch]),
                                                     max_index=count - 1)
        batch = to_unit_range(tf.gather(pixels, order))
        if not label_tensors:
            return batch
        return batch, {name: tf.gather(value, order) for name, value in label_tensors.items()}

    if parts < 1 or batch_size % parts or not 0 <= first_part < first_part + local_parts <= parts:
        raise ValueError(f"cannot cut batches of {batch_size} into {parts} shares and yield shares "
                         f"{first_part} to {first_part + local_parts - 1} of them.")
    steps_left = tf.data.Dataset.range(start_step * local_parts, steps * local_parts)
    return without_autotuning(steps_left.map(batch_of, num_parallel_calls=2).prefetch(2))
