"""The avatar picker of chapter 07, driven from Python: setting a dropdown's or slider's value
fires the same callbacks as a choice in the browser (tests/browser drives it in JupyterLab)."""

import io

import numpy as np
import pytest

from ganlab import course

course.setup(seed=0)  # quiet TensorFlow import before the generator is built

from PIL import Image  # noqa: E402

from ganlab import models, recipes  # noqa: E402

from ganlab.widgets import AvatarControls  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def generator():
    """The shipped conditional generator (skin tone, hair colour, accessory; 64 px)."""
    return recipes.load_shipped_generator(recipes.SHIPPED.parent / "conditional_generator")


@pytest.fixture
def controls(generator):
    return AvatarControls(generator, seed=0, scale=2)


def _picture(controls) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(bytes(controls.view.value))))


def test_it_starts_with_a_picture_of_the_first_classes(controls):
    assert bytes(controls.view.value).startswith(PNG_SIGNATURE)
    assert _picture(controls).shape == (128, 128, 3)  # 64 px, scale 2
    assert controls.labels == {"skin_tone": 0, "hair_color": 0, "accessory": 0}
    assert [controls.pickers[name].description for name in controls.conditions] == [
        "skin tone", "hair color", "accessory"]


def test_each_dropdown_redraws_with_its_label(controls):
    for name, index in [("skin_tone", 6), ("hair_color", 8), ("accessory", 6)]:
        before = bytes(controls.view.value)
        controls.pickers[name].value = index  # what choosing an option in the browser sends
        assert controls.labels[name] == index
        assert bytes(controls.view.value) != before, f"changing {name} did not change the picture"
    assert controls.given_text() == ("generator input: skin_tone=6 (black), hair_color=8 (red), "
                                     "accessory=6 (sunglasses)")
    assert "accessory=6 (sunglasses)" in controls.given.value and controls.given in controls.children


def test_the_input_line_names_each_index_by_the_attribute_lists_position(controls):
    from ganlab.avatars import ATTRIBUTES

    controls.pickers["hair_color"].value = ATTRIBUTES["hair_color"].index("blonde")
    assert f"hair_color={ATTRIBUTES['hair_color'].index('blonde')} (blonde)" in controls.given.value


def test_the_picture_is_what_recipes_generate_makes(controls, generator):
    controls.pickers["accessory"].value = 6
    controls.noise_seed.value = 17
    labels = {"skin_tone": np.array([0]), "hair_color": np.array([0]), "accessory": np.array([6])}
    expected = (np.clip(np.rint((recipes.generate(generator, 1, seed=17, labels=labels)[0] + 1) * 127.5), 0, 255)
                .astype(np.uint8))
    assert np.array_equal(controls.image(), expected)
    assert np.array_equal(_picture(controls)[::2, ::2], expected)  # enlarged without smoothing


def test_seed_slider_changes_the_noise_and_coming_back_restores_the_picture(controls):
    first = bytes(controls.view.value)
    controls.noise_seed.value = 5
    assert bytes(controls.view.value) != first
    controls.noise_seed.value = 0
    assert bytes(controls.view.value) == first  # same settings, same avatar


def test_same_seed_keeps_the_noise_when_a_label_changes(controls):
    """Only the label changes: most pixels stay close (what the chapter's grids show)."""
    controls.pickers["skin_tone"].value = 2
    before = controls.image().astype(int)
    controls.pickers["accessory"].value = 1  # an eyepatch
    after = controls.image().astype(int)
    assert 0 < np.mean(np.abs(after - before) > 40) < 0.5


def test_controls_carry_css_classes_for_browser_tests(controls):
    assert "ganlab-avatar" in controls._dom_classes
    assert "ganlab-avatar-skin-tone" in controls.pickers["skin_tone"]._dom_classes
    assert "ganlab-avatar-seed" in controls.noise_seed._dom_classes
    assert "ganlab-avatar-view" in controls.view._dom_classes
    assert "ganlab-avatar-given" in controls.given._dom_classes


def test_saved_notebooks_show_a_sentence_not_the_widget_tree(controls):
    assert repr(controls).startswith("[the avatar picker:")


def test_an_unconditional_generator_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="conditional generator"):
        AvatarControls(models.dcgan_generator(latent_dim=8, size=32, width=8))


def test_labels_the_avatars_do_not_have_are_refused():
    generator = models.dcgan_generator(latent_dim=8, size=32, width=8, conditions={"mood": 3})
    with pytest.raises(ValueError, match="mood"):
        AvatarControls(generator)
