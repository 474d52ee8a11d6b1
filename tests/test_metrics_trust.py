"""Tests any reader can believe: the metrics on real avatars and known corruptions of them.

They use the feature network shipped in data/feature_network/ and 1,000 real avatars
(seed 100, never used for training it), split into two disjoint halves.
"""

import shutil

import numpy as np
import pytest

from ganlab import data, features, metrics


@pytest.fixture(scope="module")
def network():
    return features.load_feature_network()


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    images = data.load_avatars(1000, 64, seed=100, cache_dir=tmp_path_factory.mktemp("cache"),
                               progress=False).images
    return images[:500], images[500:]


@pytest.fixture(scope="module")
def real_features(network, halves):
    return [features.extract_features(network, half) for half in halves]


def fid_against(network, reference_features, images):
    return metrics.frechet_distance(reference_features, features.extract_features(network, images))


def test_fid_of_a_set_with_itself_is_zero_and_fid_is_symmetric(real_features):
    a, b = real_features
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-9)


def test_real_splits_far_below_blur_far_below_noise_and_monotone(network, halves, real_features):
    a, _ = real_features
    _, other = halves
    real = metrics.frechet_distance(a, real_features[1])
    blurred = [fid_against(network, a, metrics.blur(other, radius)) for radius in (0.5, 1, 2)]
    noisy = [fid_against(network, a, metrics.add_noise(other, sigma)) for sigma in (0.05, 0.1, 0.3)]
    assert blurred == sorted(blurred) and noisy == sorted(noisy), (blurred, noisy)
    # How far "blur" is from "noise" depends on the strengths chosen; these are the
    # ones of the trust table in data/README.md.
    assert real * 5 < blurred[1] < noisy[2], (real, blurred, noisy)


def test_kid_of_two_real_samples_is_zero_within_its_std(real_features):
    mean, std = metrics.kernel_inception_distance(*real_features, subset_size=250, subsets=50)
    assert abs(mean) <= 2 * std, (mean, std)


def test_precision_of_real_against_real_is_about_one(real_features):
    precision, recall = metrics.precision_recall(*real_features)
    assert precision > 0.9 and recall > 0.9, (precision, recall)


def test_a_collapsed_sample_has_low_coverage_and_low_recall(network, halves):
    real, other = halves
    result = metrics.evaluate(network, real, metrics.collapse(other), kid_subset_size=250)
    assert result["recall"] < 0.05
    assert result["classes_produced"] < 0.3
    assert result["total_variation"] > 0.6
    fine = metrics.evaluate(network, real, other, kid_subset_size=250)
    assert fine["classes_produced"] > 0.9 and fine["total_variation"] < 0.15


def test_coverage_separates_real_blurred_three_faces_and_collapsed(network, halves):
    """Where recall reads 0 for everything but real avatars, coverage keeps an order:
    real > blurred > three faces > one face, with the shipped generator near real."""
    real, other = halves
    reference = features.extract_features(network, real)
    coverage = {name: metrics.density_coverage(reference, features.extract_features(network, images))[1]
                for name, images in {"real": other, "blur": metrics.blur(other, 1),
                                     "three": metrics.collapse(other, faces=3),
                                     "one": metrics.collapse(other)}.items()}
    assert coverage["real"] > 0.9 and coverage["blur"] < 0.6, coverage
    assert coverage["three"] < 0.05 and coverage["one"] < coverage["three"], coverage
    from ganlab import recipes
    shipped = recipes.generate(recipes.load_shipped_generator(), 500, seed=100)
    density, shipped_coverage = metrics.density_coverage(reference, features.extract_features(network, shipped))
    assert shipped_coverage > 0.8 and shipped_coverage > coverage["blur"], shipped_coverage


def test_the_shipped_network_recognises_the_committed_sample(network):
    sample = data.load_avatars(64, 64, seed=0, progress=False, workers=1)
    predicted = features.predict_attributes(network, sample.images)
    for name in ("skin_tone", "hat", "accessory", "background"):
        accuracy = np.mean((predicted[name] == sample.label(name))[sample.visible(name)])
        assert accuracy > 0.9, (name, accuracy)


def test_inputs_may_be_uint8_or_minus_one_to_one_and_32_px(network, halves):
    images = halves[0][:8]
    as_uint8 = features.extract_features(network, images)
    as_float = features.extract_features(network, images.astype(np.float32) / 127.5 - 1.0)
    assert np.allclose(as_uint8, as_float, atol=1e-4)
    small = images[:, ::2, ::2]
    assert features.extract_features(network, small).shape == (8, features.FEATURE_DIM)
    with pytest.raises(ValueError, match=r"float images must be in \[-1, 1\]"):
        features.extract_features(network, images.astype(np.float32))


def test_missing_or_damaged_weights_say_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m ganlab features --train"):
        features.load_feature_network(tmp_path)
    shutil.copytree(features.FOLDER, tmp_path / "copy")
    weights = tmp_path / "copy" / features.WEIGHTS
    weights.write_bytes(weights.read_bytes()[:-100] + b"\0" * 100)
    with pytest.raises(ValueError, match="damaged or was changed.*python -m ganlab features --train"):
        features.load_feature_network(tmp_path / "copy")
