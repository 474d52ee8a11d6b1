"""Chapter 07's helpers: latent paths, spectrum fingerprints, the detector, labelled rows, visible hair."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganlab import detection, features, latent, plots  # noqa: E402
from ganlab.avatars import ATTRIBUTES  # noqa: E402


def test_lerp_and_slerp_start_and_end_at_the_two_vectors():
    z0, z1 = np.random.default_rng(0).normal(size=(2, 3, 128))
    for path in (latent.lerp, latent.slerp):
        assert np.allclose(path(z0, z1, 0.0), z0)
        assert np.allclose(path(z0, z1, 1.0), z1)


def test_slerp_keeps_the_length_where_lerp_cuts_inside_the_shell():
    z0, z1 = np.random.default_rng(1).normal(size=(2, 500, 128))
    z1 *= (np.linalg.norm(z0, axis=1) / np.linalg.norm(z1, axis=1))[:, None]  # same length at both ends
    length = np.linalg.norm(z0, axis=1)
    assert np.allclose(np.linalg.norm(latent.slerp(z0, z1, 0.5), axis=1), length)
    middle = np.linalg.norm(latent.lerp(z0, z1, 0.5), axis=1) / length
    assert np.median(middle) == pytest.approx(1 / np.sqrt(2), abs=0.03)  # nearly perpendicular pairs


def test_slerp_of_a_right_angle_by_hand():
    z = latent.slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 1 / 3)
    assert np.allclose(z, [np.cos(np.pi / 6), np.sin(np.pi / 6)])  # a third of the way round


def test_slerp_of_parallel_vectors_is_the_straight_line():
    z0 = np.array([1.0, 2.0, 2.0])
    assert np.allclose(latent.slerp(z0, 2 * z0, 0.5), 1.5 * z0)
    assert np.all(np.isfinite(latent.slerp(z0, z0, 0.3)))


def _checkerboard(n=1, size=64):
    signs = np.add.outer(np.arange(size), np.arange(size)) % 2
    return np.repeat((signs * 255).astype(np.uint8)[None, :, :, None], 3, axis=-1).repeat(n, axis=0)


def test_log_spectrum_puts_a_checkerboard_in_the_corner_and_brightness_in_the_centre():
    spectrum = detection.log_spectrum(_checkerboard())[0]
    assert spectrum.shape == (64, 64)
    # half the pixels white: the mean (centre) and the checkerboard (corner) both get 64 * 64 / 2
    assert spectrum[0, 0] == pytest.approx(np.log(2048), abs=1e-3)
    assert spectrum[32, 32] == pytest.approx(np.log(2048), abs=1e-3)
    others = np.delete(spectrum.ravel(), [0, 32 * 64 + 32])
    assert others.max() == pytest.approx(np.log(1e-3), abs=1e-2)  # nothing anywhere else


def test_log_spectrum_refuses_float_images_with_the_reason():
    with pytest.raises(ValueError, match="uint8"):
        detection.log_spectrum(np.zeros((2, 64, 64, 3), dtype=np.float32))


def test_radial_profile_averages_rings_like_a_hand_written_loop():
    images = np.random.default_rng(2).integers(0, 256, size=(3, 64, 64, 3), dtype=np.uint8)
    profile = detection.radial_profile(images)
    assert profile.shape == (3, 46)
    spectra = detection.log_spectrum(images)
    rings = detection.ring_index(64)
    for r in (0, 1, 17, 45):
        assert np.allclose(profile[:, r], spectra[:, rings == r].mean(axis=1), atol=1e-5)
    assert rings[32, 32] == 0 and rings[0, 0] == 45 and rings[32, 0] == 32


def test_detector_gives_one_logit_per_uint8_image():
    detector = detection.build_detector(size=32)
    logits = detector.predict(_checkerboard(4, size=32), verbose=0)
    assert logits.shape == (4, 1) and np.all(np.isfinite(logits))


def test_labelled_rows_names_each_row_at_its_centre():
    images = np.zeros((6, 64, 64, 3), dtype=np.uint8)
    figure = plots.labelled_rows(images, ["first", "second"], "title", columns=3)
    axis = figure.axes[0]
    assert [label.get_text() for label in axis.get_yticklabels()] == ["first", "second"]
    assert list(axis.get_yticks()) == [34, 100]  # 2 px padding, then 64 px rows every 66 px
    with pytest.raises(ValueError, match="need 9 images"):
        plots.labelled_rows(images, ["a", "b", "c"], "title", columns=3)


def test_hair_visible_follows_the_hair_style_read():
    tops = list(ATTRIBUTES["top"])
    read = ["hair:bob", "hair:none", "hat:hijab", "hair:long_hair_curly", "hat:winter_hat_1"]
    shows = features.hair_visible({"top": np.array([tops.index(name) for name in read])})
    assert shows.tolist() == [True, False, False, True, False]  # bald and hats hide the colour
