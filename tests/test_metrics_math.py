"""The metrics on synthetic features, where the right answer is known in closed form."""

import numpy as np
import pytest

from ganlab import metrics


def gaussian(n, mean, scale, d=8, seed=0):
    return np.random.default_rng(seed).normal(mean, scale, size=(n, d))


def test_fid_matches_the_closed_form_for_gaussians():
    """Isotropic Gaussians: FID = ||mu_a - mu_b||^2 + d (s_a - s_b)^2."""
    a, b = gaussian(20_000, 0.0, 1.0, seed=1), gaussian(20_000, 0.5, 2.0, seed=2)
    expected = 8 * 0.5 ** 2 + 8 * (1.0 - 2.0) ** 2
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=0.03)


def test_fid_is_zero_for_identical_sets_and_symmetric():
    a, b = gaussian(500, 0.0, 1.0, seed=3), gaussian(500, 0.2, 1.5, seed=4)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-9)


def test_fid_is_real_and_finite_for_singular_covariances():
    """Fewer samples than dimensions, and a constant feature: covariances are singular."""
    few = gaussian(5, 0.0, 1.0, d=32, seed=5)
    few[:, 0] = 3.0
    other = gaussian(6, 1.0, 1.0, d=32, seed=6)
    value = metrics.frechet_distance(few, other)
    assert isinstance(value, float) and np.isfinite(value) and value > 0


def test_kid_is_about_zero_for_one_distribution_and_positive_for_two():
    a, b = gaussian(600, 0.0, 1.0, seed=7), gaussian(600, 0.0, 1.0, seed=8)
    mean, std = metrics.kernel_inception_distance(a, b, subset_size=200, subsets=50)
    assert abs(mean) < 2 * std
    shifted = gaussian(600, 0.5, 1.0, seed=9)
    far_mean, far_std = metrics.kernel_inception_distance(a, shifted, subset_size=200, subsets=50)
    assert far_mean > 5 * far_std


def test_precision_recall_see_quality_and_coverage_separately():
    real = gaussian(800, 0.0, 1.0, d=2, seed=10)
    same = gaussian(800, 0.0, 1.0, d=2, seed=11)
    precision, recall = metrics.precision_recall(real, same)
    assert precision > 0.9 and recall > 0.9
    # collapsed: every sample near one real point -> realistic but covers nothing
    collapsed = real[:1] + 0.01 * gaussian(800, 0.0, 1.0, d=2, seed=12)
    precision, recall = metrics.precision_recall(real, collapsed)
    assert precision > 0.9 and recall < 0.05
    # off the manifold: far away -> neither
    precision, recall = metrics.precision_recall(real, real + 20.0)
    assert precision == 0.0 and recall == 0.0


def test_density_and_coverage_use_real_balls_only():
    real = gaussian(800, 0.0, 1.0, d=2, seed=10)
    density, coverage = metrics.density_coverage(real, gaussian(800, 0.0, 1.0, d=2, seed=11))
    assert 0.8 < density < 1.2 and coverage > 0.9
    # In 16 dimensions, a cloud half as wide as the real one, in its middle (the pattern
    # of the avatar generators): recall about 0, because its own balls are tiny, while
    # coverage sees that it reaches nearly every real ball and density that it crowds.
    real16 = gaussian(800, 0.0, 1.0, d=16, seed=10)
    tight = 0.5 * gaussian(800, 0.0, 1.0, d=16, seed=12)
    assert metrics.precision_recall(real16, tight)[1] < 0.1
    density, coverage = metrics.density_coverage(real16, tight)
    assert density > 3.0 and coverage > 0.9
    # collapsed onto one real point: a handful of real balls reached
    density, coverage = metrics.density_coverage(real, real[:1] + 0.001 * gaussian(800, 0.0, 1.0, d=2, seed=13))
    assert coverage < 0.02
    assert metrics.density_coverage(real, real + 20.0) == (0.0, 0.0)


def test_attribute_coverage_shows_collapse():
    real = {"skin_tone": np.arange(700) % 7}
    collapsed = {"skin_tone": np.zeros(700, dtype=int)}
    table = metrics.attribute_coverage(real, collapsed)
    row = table.iloc[0]
    assert row.classes_in_real == 7
    assert row.classes_produced == pytest.approx(1 / 7)
    assert row.total_variation == pytest.approx(6 / 7)
    assert metrics.attribute_coverage(real, real).iloc[0].total_variation == 0.0


def test_nearest_training_images_finds_copies():
    training = gaussian(300, 0.0, 1.0, seed=13)
    generated = training[[5, 17, 42]] + 1e-6
    indices, distances = metrics.nearest_training_images(generated, training)
    assert list(indices) == [5, 17, 42] and distances.max() < 1e-4


def test_too_few_samples_are_explained():
    with pytest.raises(ValueError, match="at least 2 feature vectors"):
        metrics.frechet_distance(np.zeros((1, 4)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="with k=5 needs more than 5 samples"):
        metrics.precision_recall(np.zeros((5, 2)), np.zeros((10, 2)))
    with pytest.raises(ValueError, match="with k=5 needs more than 5 samples"):
        metrics.density_coverage(np.zeros((5, 2)), np.zeros((10, 2)))


def test_32_px_images_enter_the_feature_network_as_2x2_blocks_not_blurred():
    from ganlab import features

    images = np.random.default_rng(0).integers(0, 256, size=(2, 32, 32, 3), dtype=np.uint8)
    enlarged = features.to_network_input(images)
    expected = np.repeat(np.repeat(images, 2, axis=1), 2, axis=2).astype(np.float32) / 127.5 - 1.0
    assert enlarged.shape == (2, 64, 64, 3)
    np.testing.assert_allclose(enlarged, expected, atol=1e-6)
