"""The morph-and-edit widget of chapter 07, driven from Python: setting a slider's value
fires the same callbacks as dragging it in the browser (tests/browser drives it in JupyterLab)."""

import io

import numpy as np
import pytest

from ganlab import course

course.setup(seed=0)  # quiet TensorFlow import before the generator is built

from PIL import Image  # noqa: E402

from ganlab import data, latent, recipes  # noqa: E402
from ganlab.widgets import AvatarMorph  # noqa: E402


@pytest.fixture(scope="module")
def generator():
    return recipes.load_shipped_generator()


@pytest.fixture(scope="module")
def direction():
    return np.random.default_rng(5).normal(size=128) * 0.3  # any vector of the noise space will do


def _shown(view) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(bytes(view.value))))[::2, ::2]  # drawn at scale 2


def test_the_ends_are_the_avatars_of_the_two_seeds(generator, direction):
    morph = AvatarMorph(generator, direction, seed_a=3, seed_b=8, scale=2)
    avatar_a, avatar_b = (data.to_uint8(recipes.generate(generator, 1, seed=s))[0] for s in (3, 8))
    assert np.array_equal(_shown(morph.views["a"]), avatar_a)
    assert np.array_equal(_shown(morph.views["b"]), avatar_b)
    assert np.array_equal(_shown(morph.views["now"]), avatar_a)  # morph 0
    morph.morph.value = 1.0  # what dragging the slider to the right end sends
    assert np.abs(_shown(morph.views["now"]).astype(int) - avatar_b).max() <= 1  # slerp's round-off at t = 1


def test_the_morph_follows_the_arc_and_the_edit_the_direction(generator, direction):
    morph = AvatarMorph(generator, direction, "the test direction", seed_a=3, seed_b=8, scale=2)
    z_a, z_b = morph.noise(3), morph.noise(8)
    before = bytes(morph.views["now"].value)
    morph.morph.value = 0.5
    np.testing.assert_allclose(morph.latent(), latent.slerp(z_a, z_b, 0.5), atol=1e-6)
    halfway = bytes(morph.views["now"].value)
    assert halfway != before
    expected = data.to_uint8(generator.predict(latent.slerp(z_a, z_b, 0.5)[None].astype("float32"), verbose=0))[0]
    assert np.array_equal(_shown(morph.views["now"]), expected)

    morph.edit.value = 2.0
    np.testing.assert_allclose(morph.latent(), latent.slerp(z_a, z_b, 0.5) + 2.0 * direction, atol=1e-5)
    assert bytes(morph.views["now"].value) != halfway
    assert morph.edit.description == "along the test direction"
    ends = bytes(morph.views["a"].value), bytes(morph.views["b"].value)
    assert ends == (bytes(morph.views["a"].value), bytes(morph.views["b"].value))  # the ends stay

    morph.seed_b.value = 9  # a new avatar B: its picture and the morph change
    assert bytes(morph.views["b"].value) != ends[1] and bytes(morph.views["a"].value) == ends[0]


def test_without_a_direction_there_is_no_edit_slider(generator):
    morph = AvatarMorph(generator)
    assert morph.edit not in morph.children and morph.direction is None
    assert len(repr(morph)) < 110  # ipywidgets cuts a longer text short


def test_a_conditional_generator_needs_labels_and_keeps_them():
    conditional = recipes.load_shipped_generator(recipes.SHIPPED.parent / "conditional_generator")
    with pytest.raises(ValueError, match="give labels for both avatars"):
        AvatarMorph(conditional)
    labels = {"skin_tone": 6, "hair_color": 1, "accessory": 6}
    morph = AvatarMorph(conditional, labels=labels, seed_a=2, scale=2)
    expected = recipes.generate(conditional, 1, seed=2, labels={k: np.array([v]) for k, v in labels.items()})
    assert np.array_equal(_shown(morph.views["a"]), data.to_uint8(expected)[0])
