"""Measuring a generator: Avatar-FID, KID, precision/recall, density/coverage, attribute
coverage, memorisation.

All functions here work on feature vectors (numpy [n, d]) or predicted attributes;
`evaluate` goes from images to all of them at once:

    network = features.load_feature_network()
    table = evaluate(network, real_images, generated_images)

Images may be uint8 in [0, 255] or float in [-1, 1] (what generators output), 32 or
64 px; they are converted as `ganlab.features.to_network_input` says.

Taught in 05_evaluating_gans.ipynb.
"""

from __future__ import annotations

import numpy as np

from ganlab import features as feature_network
from ganlab.tooling import checks


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """FID between two sets of features (Heusel et al. 2017):

        ||mu_a - mu_b||^2 + tr(C_a) + tr(C_b) - 2 tr((C_a^1/2 C_b C_a^1/2)^1/2)

    The last term is usually written tr((C_a C_b)^1/2), whose matrix square root can
    come out complex from round-off. We use the equal, symmetric form: C_a^1/2 C_b C_a^1/2
    is symmetric positive semi-definite, so its eigenvalues are real and >= 0 up to
    round-off; numpy's `eigh` computes them and tiny negative ones are set to 0. Nearly
    singular covariances (fewer samples than dimensions, or constant features) are
    therefore safe, though FID from few samples is biased upwards: compare like with like.

    Taught in 05_evaluating_gans.ipynb.
    """
    mean_a, cov_a = _moments(features_a)
    mean_b, cov_b = _moments(features_b)
    root_a = _psd_sqrt(cov_a)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0, None)).sum()
    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * cross
    return float(max(distance, 0.0))


def _moments(features: np.ndarray):
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"need at least 2 feature vectors [n, d]; got shape {features.shape}.")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def kernel_inception_distance(features_a, features_b, subset_size: int = 1000,
                              subsets: int = 100, seed: int = 0) -> tuple[float, float]:
    """KID (Binkowski et al. 2018): unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3.

    Averaged over `subsets` random subsets of `subset_size` from each set (smaller if a
    set is smaller). Returns (mean, std over subsets). Unbiased: about 0 (within the
    std) for two samples of one distribution, and it can come out slightly negative.

    Taught in 05_evaluating_gans.ipynb.
    """
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError("KID needs at least 2 samples in each set.")
    rng = np.random.default_rng(seed)
    dimension = a.shape[1]
    estimates = []
    for _ in range(subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        k_xx, k_yy, k_xy = [(p @ q.T / dimension + 1.0) ** 3 for p, q in ((x, x), (y, y), (x, y))]
        # unbiased: leave out the diagonal k(x_i, x_i) terms
        within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (size * (size - 1))
        estimates.append(within - 2.0 * k_xy.mean())
    return float(np.mean(estimates)), float(np.std(estimates))


def precision_recall(real_features, generated_features, k: int = 5) -> tuple[float, float]:
    """Improved precision and recall (Kynkaanniemi et al. 2019), with k = 5 neighbours.

    Each real sample gets a ball reaching its k-th nearest real neighbour; the union of
    the balls estimates the real manifold (the same for generated samples).
    Precision: the share of generated samples inside the real manifold (are they
    realistic?). Recall: the share of real samples inside the generated manifold (is
    all of the data covered?). A collapsed generator has high precision, low recall.

    The paper uses k = 3 with 50,000 samples. With the few thousand a course can afford,
    in 256 dimensions, k = 3 balls are too small: two real samples of 500 to 1,000
    avatars scored 0.84 to 0.87 against each other; k = 5 gives 0.94, k = 10 0.98.

    Taught in 05_evaluating_gans.ipynb.
    """
    real, generated = np.asarray(real_features, np.float64), np.asarray(generated_features, np.float64)
    precision = _share_inside(generated, real, _kth_neighbour_radius(real, k))
    recall = _share_inside(real, generated, _kth_neighbour_radius(generated, k))
    return precision, recall


def density_coverage(real_features, generated_features, k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020), with k = 5 neighbours as in the paper.

    Both use balls around the *real* samples only (radius: the distance to the k-th
    nearest real neighbour), so a tight cloud of generated samples is not punished for
    its own small balls, which is what makes recall read 0 for every generator here.
    Coverage: the share of real samples whose ball holds at least one generated sample
    (is all of the data reached?); from 0 to 1. Density: how many real balls hold each
    generated sample, on average, divided by k (about 1 for samples spread like the
    real ones; above 1 where they crowd into dense real regions, below where they fall
    outside). A collapsed generator gets low coverage whatever its density.

    Taught in 05_evaluating_gans.ipynb.
    """
    real, generated = np.asarray(real_features, np.float64), np.asarray(generated_features, np.float64)
    radii = _kth_neighbour_radius(real, k)
    balls_holding, covered = np.zeros(len(generated)), np.zeros(len(real), bool)
    for start in range(0, len(generated), 1024):
        inside = _squared_distances(generated[start:start + 1024], real) <= radii[None, :]
        balls_holding[start:start + 1024] = inside.sum(axis=1)
        covered |= inside.any(axis=0)
    return float(balls_holding.mean() / k), float(covered.mean())


def _squared_distances(x, y):
    return np.maximum((x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2.0 * x @ y.T, 0.0)


def _kth_neighbour_radius(points, k, batch=1024):
    """Squared distance of each point to its k-th nearest other point."""
    if len(points) <= k:
        raise ValueError(f"precision/recall with k={k} needs more than {k} samples per set.")
    radii = [np.partition(_squared_distances(points[s:s + batch], points), k, axis=1)[:, k]
             for s in range(0, len(points), batch)]  # column 0 is the point itself
    return np.concatenate(radii)


def _share_inside(queries, centres, radii, batch=1024):
    inside = [(_squared_distances(queries[s:s + batch], centres) <= radii[None, :]).any(axis=1)
              for s in range(0, len(queries), batch)]
    return float(np.concatenate(inside).mean())


def attribute_coverage(real_predictions: dict, generated_predictions: dict):
    """Per attribute: how the generated distribution of predicted classes compares with the real.

    Both sides are the classifier's predictions, so its own mistakes affect both alike.
    Columns: classes_in_real (classes predicted for at least one real image),
    classes_produced (share of those that appear among the generated), and
    total_variation (half the L1 distance between the two class distributions: 0 is
    the same mix, 1 is no overlap). Mode collapse shows as few classes and a large TV.

    Taught in 05_evaluating_gans.ipynb.
    """
    import pandas as pd

    from ganlab.avatars import ATTRIBUTES

    rows = []
    for name in real_predictions:
        classes = len(ATTRIBUTES[name])
        real = np.bincount(real_predictions[name], minlength=classes) / len(real_predictions[name])
        fake = np.bincount(generated_predictions[name], minlength=classes) / len(generated_predictions[name])
        present = real > 0
        rows.append({"attribute": name, "classes_in_real": int(present.sum()),
                     "classes_produced": float((fake[present] > 0).mean()),
                     "total_variation": float(0.5 * np.abs(real - fake).sum())})
    return pd.DataFrame(rows)


def nearest_training_images(generated_features, training_features) -> tuple[np.ndarray, np.ndarray]:
    """For each generated sample, the index of the closest training image (in feature
    space) and the distance to it. Tiny distances, compared with the distances between
    training images themselves, suggest the generator copies its training data.

    Taught in 05_evaluating_gans.ipynb.
    """
    generated = np.asarray(generated_features, np.float64)
    training = np.asarray(training_features, np.float64)
    indices, distances = [], []
    for start in range(0, len(generated), 1024):
        squared = _squared_distances(generated[start:start + 1024], training)
        nearest = squared.argmin(axis=1)
        indices.append(nearest)
        distances.append(np.sqrt(squared[np.arange(len(nearest)), nearest]))
    return np.concatenate(indices), np.concatenate(distances)


def evaluate(network, real_images, generated_images, kid_subset_size: int = 1000,
             progress: bool | None = None) -> dict:
    """All metrics of `generated_images` against `real_images` in one dictionary.

    Keys: avatar_fid, kid_mean, kid_std, precision, recall, density, coverage,
    classes_produced (mean over attributes), total_variation (mean over attributes), and
    attributes (the per-attribute table of `attribute_coverage`).

    Taught in 08_faq.ipynb.
    """
    real = feature_network.features_and_attributes(network, real_images, 256, progress)
    generated = feature_network.features_and_attributes(network, generated_images, 256, progress)
    return compare(real, generated, kid_subset_size)


def compare(real: tuple, generated: tuple, kid_subset_size: int = 1000) -> dict:
    """`evaluate` on features already extracted: each argument is the pair
    (features, predicted attributes) that `features.features_and_attributes` returns.
    Use it to score several generated sets against one real set without extracting
    the real set's features again.

    Taught in 05_evaluating_gans.ipynb.
    """
    (real_features, real_predicted), (fake_features, fake_predicted) = real, generated
    kid_mean, kid_std = kernel_inception_distance(real_features, fake_features, kid_subset_size)
    precision, recall = precision_recall(real_features, fake_features)
    density, coverage = density_coverage(real_features, fake_features)
    attributes = attribute_coverage(real_predicted, fake_predicted)
    return {"avatar_fid": frechet_distance(real_features, fake_features),
            "kid_mean": kid_mean, "kid_std": kid_std, "precision": precision, "recall": recall,
            "density": density, "coverage": coverage,
            "classes_produced": float(attributes.classes_produced.mean()),
            "total_variation": float(attributes.total_variation.mean()), "attributes": attributes}


# ---- trust checks: what the metrics say about known corruptions of real images ----

def blur(images: np.ndarray, radius: float) -> np.ndarray:
    """uint8 images blurred with a Gaussian of `radius` pixels (Pillow's GaussianBlur).

    Taught in 05_evaluating_gans.ipynb.
    """
    from PIL import Image, ImageFilter

    return np.stack([np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(radius)))
                     for image in images])


def add_noise(images: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """uint8 images plus Gaussian noise of std `sigma` on the [-1, 1] scale, clipped.

    Taught in 05_evaluating_gans.ipynb.
    """
    noise = np.random.default_rng(seed).normal(0.0, sigma * 127.5, size=images.shape)
    return np.clip(np.rint(images.astype(np.float64) + noise), 0, 255).astype(np.uint8)


def collapse(images: np.ndarray, faces: int = 1) -> np.ndarray:
    """The first `faces` images repeated to the length of `images`: what a generator in
    total (faces=1) or nearly total mode collapse produces.

    Taught in 05_evaluating_gans.ipynb.
    """
    checks.positive_integer(faces, "faces")
    return np.resize(images[:faces], images.shape)


def trust_table(network, real_a: np.ndarray, real_b: np.ndarray, kid_subset_size: int = 500):
    """Metrics of known comparisons, for judging the metrics themselves.

    real_a against: real_b (a disjoint real sample), real_b blurred (radius 1 and 2 px),
    real_b with noise (std 0.1 and 0.3), three images of real_b repeated, and one
    repeated (collapse).

    Taught in 05_evaluating_gans.ipynb.
    """
    import pandas as pd

    cases = {"real vs real": real_b, "real vs blur 1px": blur(real_b, 1), "real vs blur 2px": blur(real_b, 2),
             "real vs noise 0.1": add_noise(real_b, 0.1), "real vs noise 0.3": add_noise(real_b, 0.3),
             "real vs three faces": collapse(real_b, faces=3), "real vs collapsed": collapse(real_b)}
    reference = feature_network.features_and_attributes(network, real_a, progress=False)
    rows = []
    for name, images in cases.items():
        result = compare(reference, feature_network.features_and_attributes(network, images, progress=False),
                         kid_subset_size)
        rows.append({"comparison": name, **{k: v for k, v in result.items() if k != "attributes"}})
    return pd.DataFrame(rows)
