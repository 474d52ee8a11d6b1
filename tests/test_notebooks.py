"""Papermill smoke runs: every chapter under small, fast parameters, asserting on the
numbers it writes to `results_path`. (nbval checks the committed notebooks at their
default parameters; see pyproject.toml.)"""

import json
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _start_here(results):
    assert results["n_avatars"] == 200 and results["image_size"] == 32
    assert len(results["skin_tone_shares"]) == 7 and abs(sum(results["skin_tone_shares"]) - 1) < 1e-3
    assert 0.8 < results["skewed_pale_share"] <= 1.0


def _background_and_concepts(results):
    assert results["dataset"] == "grid" and results["loss"] == "hinge" and results["steps"] == 50
    assert results["modes"] == 25 and results["end_modes_covered"] <= 25
    assert abs(results["real_mean_distance"] - 0.05 * (3.14159 / 2) ** 0.5) < 0.01  # sigma sqrt(pi/2)
    assert results["end_modes_covered"] > results["start_modes_covered"]  # G spread onto the data


def _loss_math(results):
    assert -1.3863 < results["v_at_best_discriminator"] < 0  # between -log 4 and 0
    assert results["non_saturating_steps_to_half"] < 10
    minimax = results["minimax_steps_to_half"]
    assert minimax is None or minimax > results["non_saturating_steps_to_half"]


def _article_networks(results):
    assert results["article_discriminator_parameters"] == 69_848_193
    assert results["on_one_pixel"] == 52_432_896
    assert results["trained"] == {"corrected dense G + conv D": 4, "DCGAN G + D": 4}


def _training(results):
    assert results["steps"] == 40 and results["rows_logged"] == 40  # each step logged once
    assert results["resumed_from"] == 20 and results["frames"] >= 2
    assert results["recipe"] == "hinge_sn" and results["image_size"] == 32
    assert results["avatar_fid"] > results["fid_floor"] > 0  # 40 steps are far from real avatars
    assert results["folder_images"] == 80 and results["folder_steps"] == 4
    assert results["folder_skipped"] == ["half_downloaded.png", "shopping_list.png"]


def _evaluating(results):
    assert results["n_samples"] == 200 and results["n_training"] == 1000
    by_size = results["fid_by_samples_real_vs_real"]
    assert by_size[0] > by_size[-1] > 0  # FID of real vs real is biased upwards at small n
    assert abs(results["kid_real_vs_real"]) < results["kid_generated"]
    collapsed = results["trust"]["real vs collapsed"]
    assert collapsed["precision"] > 0.99 and collapsed["recall"] < 0.05
    assert results["trust"]["real vs real"]["avatar_fid"] < results["trust"]["real vs blur 2px"]["avatar_fid"]
    coverage = {name: row["coverage"] for name, row in results["trust"].items()}
    assert coverage["real vs real"] > coverage["real vs blur 1px"] > coverage["real vs three faces"]
    assert coverage["real vs three faces"] < 0.2 and coverage["real vs collapsed"] < 0.05  # 200 samples: large balls
    nearest = results["nearest_median"]
    assert nearest["memoriser"] < nearest["held-out real"] / 4  # copies sit on their training image
    by_minutes = results["fid_by_minutes"]
    assert list(by_minutes) == ["3 min", "10 min", "60 min"]
    assert by_minutes["3 min"] > by_minutes["60 min"]  # the shipped snapshots: more training, lower FID


def _challenges(results):
    assert results["toy_steps"] == 100 and len(results["toy"]) == 6
    assert all(0 <= row["modes at the end"] <= 8 for row in results["toy"])
    assert set(results["width_fid"]) == {"16", "32", "64"}  # JSON keys are strings
    assert results["width_fid"]["64"] < results["width_fid"]["16"]  # recorded runs: wider is better
    assert set(results["ablation_fid"]) == {"tutorial", "ns", "ns_ema", "ns_r1", "hinge_sn", "wgan_gp"}
    assert 0.6 < results["light_share"]["training data (skewed)"] < 0.8  # 71% drawn, read by the network


def _social_media(results):
    assert results["n_per_class"] == 20 and results["n_detector"] == 400
    assert set(results["read_back"]) == {"skin_tone", "hair_color", "accessory"}
    assert all(0 <= share <= 1 for share in results["read_back"].values())
    assert results["read_back"]["accessory"] > 0.5  # the labels do something even at small n
    fid = results["midpoint_fid"]
    assert fid["linear midpoints"] > fid["spherical midpoints"]  # the line leaves the shell
    shares = results["accessory_share_by_multiple"]
    assert shares["2"] > shares["0"] > shares["-2"]  # the direction switches accessories on and off
    checker = results["spectrum_checkerboard"]
    assert checker["generated"] > checker["real"] + 1  # the transposed-convolution fingerprint
    assert set(results["detectors"]) == {"CNN on pixels", "logistic on the spectrum"}


def _faq(results):
    assert results["n_samples"] == 300 and results["toy_steps"] == 400
    assert set(results["comparison"]) == {"GAN", "VAE, same minutes", "VAE, 2,080 steps (recorded)"}
    assert all(row["Avatar-FID"] > 0 for row in results["comparison"].values())
    errors = results["reconstruction_error"]
    assert errors["VAE, one pass"] < 0.1  # the encoder rebuilds held-out avatars
    assert list(results["gap_to_optimal"].values())[1] < list(results["gap_to_optimal"].values())[0]  # D alone -> D*
    assert results["bridges"]["real points"] < 0.05
    assert 0 <= results["toy_final"]["JSD"] <= 0.7


# notebook -> (small parameters, a check of its results dict)
SMOKE_RUNS = {
    "00_start_here": (dict(n_avatars=200, image_size=32, seed=3), _start_here),
    "01_background_and_concepts": (dict(steps=50, dataset="grid", loss="hinge", seed=1),
                                   _background_and_concepts),
    "02_loss_math": (dict(generated_mean=1.0, generator_steps=40, seed=1), _loss_math),
    "03_dense_generator_and_conv_discriminator": (
        dict(dense_steps=4, dcgan_steps=4, n_avatars=256, seed=1), _article_networks),
    "04_training": (dict(steps=40, manual_steps=3, n_avatars=256, recipe="hinge_sn", seed=1, n_measure=100,
                         run_dir="RUN_DIR", n_folder=80, folder_steps=4, folder_dir="FOLDER_DIR"), _training),
    "05_evaluating_gans": (dict(n_samples=200, n_training=1000, seed=1), _evaluating),
    "06_challenges": (dict(toy_steps=100, check_every=50, seed=1), _challenges),
    "07_social_media_applications": (dict(n_per_class=20, n_pairs=100, n_direction=400, n_shifted=100, n_detector=400,
                                          detector_epochs=2, n_training=1000, seed=1), _social_media),
    "08_faq": (dict(n_samples=300, n_shown=4, inversion_steps=30, n_scored=50, toy_steps=400, check_every=100,
                    d_alone_steps=200, seed=1), _faq),
}


@pytest.mark.parametrize("name", sorted(SMOKE_RUNS))
def test_notebook_runs_with_other_parameters(name, tmp_path):
    parameters, check = SMOKE_RUNS[name]
    results_path = tmp_path / "results.json"
    folders = {"RUN_DIR": str(tmp_path / "run"), "FOLDER_DIR": str(tmp_path / "images")}  # placeholders
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"), str(tmp_path / f"{name}.out.ipynb"),
        parameters={**{key: folders.get(value, value) for key, value in parameters.items()},
                    "results_path": str(results_path)},
        kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
    check(json.loads(results_path.read_text()))


def test_every_notebook_has_a_smoke_run():
    committed = sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert committed == sorted(SMOKE_RUNS)
