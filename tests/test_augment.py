"""DiffAugment: each change does what it says, gradients flow through it, GAN and recipes take it."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab import augment, models, recipes, training
from ganlab.tooling import checkpoints


def _seed(value=0):
    return keras.random.SeedGenerator(value)


def test_policies_are_checked_and_normalised():
    assert augment.parse_policy(" color, cutout ") == ("color", "cutout")
    assert augment.parse_policy(None) == () and augment.parse_policy("") == ()
    with pytest.raises(ValueError, match="unknown augmentation 'flip'.*color, translation, cutout"):
        augment.parse_policy("color,flip")


def test_translation_moves_a_dot_by_at_most_an_eighth_and_fills_with_grey():
    images = -np.ones((64, 32, 32, 3), "float32")
    images[:, 16, 16, :] = 1.0  # one white dot on black
    moved = augment.diff_augment(tf.constant(images), "translation", _seed()).numpy()
    assert moved.shape == images.shape
    for image in moved:
        y, x = np.argwhere(image[..., 0] == 1.0)[0]
        assert abs(y - 16) <= 4 and abs(x - 16) <= 4  # 32 / 8 = 4 pixels each way
        assert set(np.unique(image)) <= {-1.0, 0.0, 1.0}  # pixels moved, gap filled with 0
    shifts = {tuple(np.argwhere(image[..., 0] == 1.0)[0]) for image in moved}
    assert len(shifts) > 10  # each image its own shift


def test_cutout_blanks_one_square_of_half_the_size():
    images = np.ones((16, 32, 32, 3), "float32")
    holed = augment.diff_augment(tf.constant(images), "cutout", _seed()).numpy()
    blank = (holed[..., 0] == 0.0)
    for mask in blank:
        rows, columns = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        assert mask.sum() == len(rows) * len(columns)  # a rectangle (clipped at the border)
        assert len(rows) <= 16 and len(columns) <= 16 and mask.sum() > 0


def test_grey_squares_are_counted_in_uint8_and_float_images():
    images = np.full((4, 32, 32, 3), 200, np.uint8)
    images[1, 5:13, 5:13] = 128  # an 8 x 8 mid-grey square
    images[2, 5:12, 5:13] = 128  # one row short
    assert augment.grey_square_share(images) == 0.25
    holed = augment.diff_augment(tf.constant(np.ones((8, 32, 32, 3), "float32")), "cutout", _seed()).numpy()
    assert augment.grey_square_share(holed) == 1.0  # every cutout hole is 16 x 16 (clipped at the border)


def test_color_changes_each_image_differently_and_keeps_the_shape():
    images = tf.random.stateless_uniform((8, 16, 16, 3), seed=(1, 2), minval=-1, maxval=1)
    coloured = augment.diff_augment(images, "color", _seed()).numpy()
    assert coloured.shape == (8, 16, 16, 3)
    brightness_change = (coloured - images.numpy()).mean(axis=(1, 2, 3))
    assert np.std(brightness_change) > 0.05


def test_same_seed_same_changes_and_gradients_flow_back_to_the_images():
    images = tf.random.stateless_uniform((4, 16, 16, 3), seed=(3, 4), minval=-1, maxval=1)
    policy = "color,translation,cutout"
    first = augment.diff_augment(images, policy, _seed(5))
    assert np.array_equal(first.numpy(), augment.diff_augment(images, policy, _seed(5)).numpy())
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(augment.diff_augment(images, policy, _seed(5)) ** 2)
    gradient = tape.gradient(total, images)
    assert gradient is not None and float(tf.reduce_sum(tf.abs(gradient))) > 0


def _tiny_gan(**options):
    generator = models.dcgan_generator(latent_dim=8, size=32, width=4)
    discriminator = models.dcgan_discriminator(size=32, width=4, normalization=None)
    gan = training.GAN(generator, discriminator, **options)
    gan.compile()
    return gan


def test_gan_with_diffaugment_and_r1_trains_and_differs_from_no_augmentation():
    images = tf.random.stateless_uniform((8, 32, 32, 3), seed=(5, 6), minval=-1, maxval=1)
    plain, augmented = _tiny_gan(r1_weight=1.0), _tiny_gan(r1_weight=1.0, augment="translation,cutout")
    augmented.set_weights(plain.get_weights())
    plain_logs, augmented_logs = plain.train_step(images), augmented.train_step(images)
    assert all(np.isfinite(float(value)) for value in augmented_logs.values())
    assert float(plain_logs["d_loss"]) != pytest.approx(float(augmented_logs["d_loss"]))
    with pytest.raises(ValueError, match="unknown augmentation 'blur'"):
        _tiny_gan(augment="blur")


def test_the_augmentation_is_stored_in_a_run_and_rebuilt_from_it(tmp_path):
    settings = recipes.run_settings("ns_r1", size=32, width=4, latent_dim=8, augment="cutout, color")
    assert settings.augment == "cutout,color"
    gan = recipes.build_gan(settings)
    assert gan.augment == "cutout,color"
    images = np.random.default_rng(0).integers(0, 256, (64, 32, 32, 3), dtype=np.uint8)
    training.train(gan, images, steps=2, batch_size=8, run_dir=tmp_path, config=settings,
                   checkpoint_every=1, sample_every=1, progress=False)
    restored = recipes.build_gan(checkpoints.read_meta(checkpoints.latest_checkpoint(tmp_path))["config"])
    assert restored.augment == "cutout,color"
    assert recipes.load_generator(checkpoints.latest_checkpoint(tmp_path)).output.shape[1] == 32
