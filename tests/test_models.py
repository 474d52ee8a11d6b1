"""The article's networks as printed, their corrections, DCGAN, conditional variants."""

import keras
import numpy as np
import pytest

from ganlab import anatomy, models
from ganlab.tooling.layers import MinibatchStdDev

def assert_all_named(build):
    """Every layer has a name of ours: Keras' automatic names change from build to build."""
    first, second = build(), build()
    names = [layer.name for layer in first.layers]
    assert len(names) == len(set(names)), "layer names repeat"
    assert names == [layer.name for layer in second.layers], "some layers have automatic names"
    assert first.name == second.name and not first.name.startswith("functional")


def test_seed_generator_fails_with_keras_own_reshape_error():
    with pytest.raises(ValueError, match=r"total size of the tensor must be unchanged.*"
                                         r"input_shape=\(2,\), target_shape=\(64, 64, 3\)"):
        models.seed_dense_generator()


def test_seed_generator_stack_up_to_the_reshape_matches_the_article():
    generator = models.seed_dense_generator(latent_dim=100, reshape=False)
    dense = [layer for layer in generator.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [128, 256, 512, 1024, 1024, 512, 256, 128,
                                                64, 32, 16, 8, 4, 2]
    assert [layer.name for layer in dense] == [f"h{i}" for i in range(14)]
    assert dense[0].activation(np.array([-1.0])).numpy()[0] == pytest.approx(-0.2)  # tf.nn.leaky_relu
    assert dense[-1].activation.__name__ == "tanh"
    assert generator.output.shape == (None, 2), "each sample ends as 2 numbers; an image needs 12,288"
    assert_all_named(lambda: models.seed_dense_generator(reshape=False))


def test_seed_discriminator_builds_with_the_article_parameter_count():
    discriminator = models.seed_conv_discriminator()
    assert discriminator.count_params() == 69_848_193
    convs = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [c.filters for c in convs] == [64, 128, 256, 512] + [512] * 10
    assert {(c.kernel_size, c.strides, c.padding) for c in convs} == {((5, 5), (2, 2), "same")}
    assert discriminator.output.shape == (None, 1)
    assert_all_named(models.seed_conv_discriminator)


def test_layer_table_shows_the_wasted_layers():
    table = anatomy.layer_table(models.seed_conv_discriminator())
    convs = table[table.kind == "Conv2D"].reset_index(drop=True)
    on_one_pixel = convs[convs.input_size == 1]
    assert list(on_one_pixel.layer) == [f"h{i}" for i in range(6, 14)]  # the article's layers 7-14
    assert on_one_pixel.parameters.sum() == 52_432_896
    assert set(on_one_pixel.live_taps) == {"1x1 of 5x5"}
    assert (on_one_pixel.live_parameters == 512 * 512 + 512).all()  # centre tap + bias
    assert convs.live_taps[5] == "2x2 of 5x5"  # h5 reads a 2x2 map
    assert list(convs.receptive_field[:5]) == [5, 13, 29, 61, 125]  # r' = r + (k - 1) * jump
    assert table.parameters.sum() == 69_848_193


@pytest.mark.parametrize("side, kernel, stride, padding, expected", [
    (64, 5, 2, "same", (5, 32)), (2, 5, 2, "same", (2, 1)), (1, 5, 2, "same", (1, 1)),
    (8, 4, 2, "same", (4, 4)), (7, 3, 1, "valid", (3, 5)),
])
def test_live_taps(side, kernel, stride, padding, expected):
    assert anatomy.live_taps(side, kernel, stride, padding) == expected


@pytest.mark.parametrize("size", [32, 64])
def test_corrected_pair_makes_images_and_logits(size):
    generator = models.dense_generator(latent_dim=16, size=size, hidden_units=(32, 64))
    discriminator = models.conv_discriminator(size=size, filters=(8, 16, 32, 64))
    images = generator(np.random.default_rng(0).normal(size=(3, 16)).astype("float32"))
    assert images.shape == (3, size, size, 3)
    assert np.abs(images.numpy()).max() <= 1.0
    logits = discriminator(images)
    assert logits.shape == (3, 1)
    convs = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs[-1].output.shape[1] == 4, "stops at 4x4, never runs on 1x1 maps"
    assert discriminator.get_layer("logit").activation.__name__ == "linear"
    assert_all_named(lambda: models.dense_generator(size=size, hidden_units=(8,)))
    assert_all_named(lambda: models.conv_discriminator(size=size))


@pytest.mark.parametrize("size", [32, 64])
@pytest.mark.parametrize("upsample", ["transposed", "nearest"])
def test_dcgan_pair_shapes_and_width(size, upsample):
    generator = models.dcgan_generator(latent_dim=32, size=size, width=8, upsample=upsample)
    discriminator = models.dcgan_discriminator(size=size, width=8)
    images = generator(np.zeros((2, 32), "float32"))
    assert images.shape == (2, size, size, 3)
    assert discriminator(images).shape == (2, 1)
    wider = models.dcgan_generator(latent_dim=32, size=size, width=16, upsample=upsample)
    assert wider.count_params() > 2 * generator.count_params()
    assert_all_named(lambda: models.dcgan_generator(size=size, width=8, upsample=upsample))
    assert_all_named(lambda: models.dcgan_discriminator(size=size, width=8))


def test_dcgan_channels_follow_the_width():
    generator = models.dcgan_generator(size=64, width=32)
    channels = [layer.output.shape[-1] for layer in generator.layers if "relu" in layer.name]
    assert channels == [256, 128, 64, 32]
    discriminator = models.dcgan_discriminator(size=64, width=32)
    convs = [layer.output.shape[-1] for layer in discriminator.layers if layer.name.startswith("conv_")]
    assert convs == [32, 64, 128, 256]


def test_discriminator_options():
    plain = models.dcgan_discriminator(size=32, width=8, normalization=None)
    assert not models.has_batch_norm(plain)
    assert models.has_batch_norm(models.dcgan_discriminator(size=32, width=8))
    spectral = models.dcgan_discriminator(size=32, width=8, normalization=None, spectral_norm=True)
    wrapped = [l for l in spectral.layers if isinstance(l, keras.layers.SpectralNormalization)]
    assert len(wrapped) == 4  # 3 convolutions and the logit
    layered = models.dcgan_discriminator(size=32, width=8, normalization="layer", minibatch_stddev=True)
    assert layered.get_layer("minibatch_stddev").output.shape[-1] == 32 + 1
    assert layered(np.zeros((4, 32, 32, 3), "float32")).shape == (4, 1)
    assert_all_named(lambda: models.dcgan_discriminator(size=32, width=8, spectral_norm=True,
                                                        minibatch_stddev=True))


def test_conditional_pair_uses_the_labels():
    conditions = {"skin_tone": 7, "hair_color": 10}
    generator = models.dcgan_generator(latent_dim=8, size=32, width=8, conditions=conditions)
    discriminator = models.dcgan_discriminator(size=32, width=8, normalization=None,
                                               conditions=conditions)
    latent = np.random.default_rng(1).normal(size=(2, 8)).astype("float32")
    as_tensor = keras.ops.convert_to_tensor  # Keras will not mix numpy and tensors in a dict
    first = {"latent": as_tensor(latent), "skin_tone": as_tensor([0, 0]),
             "hair_color": as_tensor([3, 3])}
    second = {**first, "skin_tone": as_tensor([6, 6])}
    images_first, images_second = generator(first), generator(second)
    assert images_first.shape == (2, 32, 32, 3)
    assert not np.allclose(images_first, images_second), "the label must change the image"
    logits = [discriminator({"image": images_first, "skin_tone": labels["skin_tone"],
                             "hair_color": labels["hair_color"]}) for labels in (first, second)]
    assert logits[0].shape == (2, 1)
    assert not np.allclose(logits[0], logits[1]), "the label must change the logit"
    assert_all_named(lambda: models.dcgan_generator(size=32, width=8, conditions=conditions))
    assert_all_named(lambda: models.dcgan_discriminator(size=32, width=8, conditions=conditions))


@pytest.mark.parametrize("call, message", [
    (lambda: models.dcgan_generator(size=48), r"image size 48 is not supported; use one of \[32, 64\]"),
    (lambda: models.dcgan_generator(width=0), "width must be a positive integer"),
    (lambda: models.dcgan_generator(upsample="bilinear"), "upsample must be 'transposed' or 'nearest'"),
    (lambda: models.dcgan_discriminator(normalization="group"), "normalization must be"),
    (lambda: models.dcgan_discriminator(conditions={"skin_tone": 0}), "conditions\\['skin_tone'\\]"),
    (lambda: models.seed_dense_generator(latent_dim=-1), "latent_dim must be a positive integer"),
])
def test_bad_arguments_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_minibatch_stddev_matches_numpy_and_serialises():
    batch = np.random.default_rng(2).normal(size=(5, 3, 3, 2)).astype("float32")
    out = MinibatchStdDev(name="mbstd")(batch).numpy()
    expected = np.sqrt(batch.var(axis=0) + 1e-8).mean()
    assert out.shape == (5, 3, 3, 3)
    assert np.allclose(out[..., -1], expected, atol=1e-6)
    assert np.array_equal(out[..., :2], batch)
    same = np.repeat(batch[:1], 5, axis=0)  # a collapsed batch
    assert MinibatchStdDev()(same).numpy()[..., -1].max() < 1e-3
    copy = MinibatchStdDev.from_config(MinibatchStdDev(epsilon=1e-6, name="m").get_config())
    assert copy.epsilon == 1e-6 and copy.name == "m"


def test_models_run_under_mixed_bfloat16():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        generator = models.dcgan_generator(latent_dim=8, size=32, width=8)
        discriminator = models.dcgan_discriminator(size=32, width=8, spectral_norm=True,
                                                   minibatch_stddev=True)
        images = generator(np.zeros((2, 8), "float32"))
        logits = discriminator(images)
        assert images.dtype == "float32" and logits.dtype == "float32"  # outputs stay float32
        assert generator.get_layer("up_0_transposed_conv").compute_dtype == "bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")
