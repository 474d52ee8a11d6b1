"""The tf.data pipeline: scaled to [-1, 1], batched, shuffled from a seed."""

import numpy as np
import pytest

from ganlab import data
from ganlab.tooling import batches


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    pictures = rng.integers(0, 256, size=(40, 8, 8, 3), dtype=np.uint8)
    pictures[0] = 0
    pictures[1] = 255
    return pictures


def test_batches_are_float32_in_minus_one_to_one(images):
    dataset = batches.make_tf_dataset(images, batch_size=16, shuffle=False)
    arrays = [batch.numpy() for batch in dataset]
    assert len(arrays) == 2  # 40 // 16, the remainder is dropped
    assert arrays[0].dtype == np.float32 and arrays[0].shape == (16, 8, 8, 3)
    assert np.all(arrays[0][0] == -1.0) and np.all(arrays[0][1] == 1.0)
    assert np.allclose(arrays[0], images[:16] / 127.5 - 1.0, atol=1e-6)
    assert np.array_equal(data.to_uint8(arrays[0]), images[:16])


def test_shuffle_follows_the_seed_and_changes_each_epoch(images):
    def first_batch(dataset):
        return next(iter(dataset)).numpy()

    one = batches.make_tf_dataset(images, batch_size=8, seed=3)
    two = batches.make_tf_dataset(images, batch_size=8, seed=3)
    assert np.array_equal(first_batch(one), first_batch(two))
    epochs = [np.concatenate([b.numpy() for b in one]) for _ in range(2)]
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(first_batch(one), images[:8] / 127.5 - 1.0)


def test_labels_travel_with_their_images(cache_dir):
    avatars = data.load_avatars(12, 32, seed=1, cache_dir=cache_dir, workers=1, progress=False)
    dataset = avatars.tf_dataset(batch_size=12, attributes=["skin_tone", "hat"], seed=5)
    batch_images, batch_labels = next(iter(dataset))
    assert set(batch_labels) == {"skin_tone", "hat"}
    _, only_tone = next(iter(avatars.tf_dataset(batch_size=4, attributes="skin_tone")))
    assert set(only_tone) == {"skin_tone"}
    # find each shuffled image in the original set and check its label came along
    for image, tone in zip(data.to_uint8(batch_images.numpy()), batch_labels["skin_tone"].numpy()):
        (index,) = [i for i, original in enumerate(avatars.images) if np.array_equal(original, image)]
        assert avatars.label("skin_tone")[index] == tone


def test_bad_inputs_are_explained(images):
    with pytest.raises(ValueError, match="batch_size 64 is larger than the 40 images"):
        batches.make_tf_dataset(images, batch_size=64)
    with pytest.raises(ValueError, match="uint8"):
        batches.make_tf_dataset(images.astype(np.float32))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        batches.make_tf_dataset(images, batch_size=0)


def test_pipelines_run_without_the_autotuner(images):
    """Its thread can hold fit() up after the last step (see batches.without_autotuning)."""
    steps = batches.step_batches(images, batch_size=8, seed=0, start_step=0, steps=3)
    for dataset in (batches.make_tf_dataset(images, batch_size=16), steps):
        assert dataset.options().autotune.enabled is False
    assert len(list(steps)) == 3


def test_to_unit_range_takes_arrays_and_tensors_alike(images):
    import tensorflow as tf

    expected = images.astype(np.float32) / 127.5 - 1.0
    assert np.array_equal(batches.to_unit_range(images), expected)
    from_tensor = batches.to_unit_range(tf.constant(images))
    assert tf.is_tensor(from_tensor) and np.array_equal(from_tensor.numpy(), expected)
