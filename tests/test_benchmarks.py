"""The throughput benchmark runs, and its reference is Keras' own layers (no timing here)."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab.tooling import layers as ganlab_layers
from ganlab import models

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_models_have_keras_batch_norm_and_the_same_architecture():
    throughput = _load("train_throughput")
    ours = models.dcgan_discriminator(size=32, width=8)
    twin = throughput.with_keras_batch_norm(ours)
    norms = [layer for layer in twin.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms and not any(isinstance(layer, ganlab_layers.BatchNormalization) for layer in norms)
    assert [layer.name for layer in twin.layers] == [layer.name for layer in ours.layers]
    assert twin.count_params() == ours.count_params()


def test_benchmark_prints_every_figure_and_ratio(monkeypatch, capsys):
    throughput = _load("train_throughput")
    monkeypatch.setattr(sys, "argv", ["train_throughput.py", "--size", "32", "--width", "8",
                                      "--batch", "8", "--steps", "2"])
    assert throughput.main() == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "img/s" in line]
    assert len(lines) == 4
    rates = [float(re.search(r"([\d.]+) img/s", line).group(1)) for line in lines]
    assert all(rate > 0 for rate in rates)
    assert all(re.search(r"\d\.\d\dx", line) for line in lines[1:])
    assert keras.mixed_precision.global_policy().name == "float32"  # left as it found it


def test_the_simultaneous_step_takes_both_gradients_before_either_network_moves():
    """G's step must not depend on D's learning rate: its gradient is taken against the old D."""
    throughput = _load("train_throughput")
    images = np.random.default_rng(0).uniform(-1, 1, size=(16, 32, 32, 3)).astype("float32")
    generators = []
    for d_rate in (0.0, 0.5):
        keras.utils.set_random_seed(0)
        gan = throughput.SimultaneousGAN(models.dcgan_generator(latent_dim=8, size=32, width=4),
                                         models.dcgan_discriminator(size=32, width=4))
        gan.compile(generator_optimizer=keras.optimizers.SGD(0.1),
                    discriminator_optimizer=keras.optimizers.SGD(d_rate))
        gan.fit(tf.data.Dataset.from_tensors(images), epochs=1, verbose=0)
        assert int(gan.generator_optimizer.iterations) == int(gan.discriminator_optimizer.iterations) == 1
        generators.append(gan.generator.get_weights())
    for still, moved in zip(*generators):
        np.testing.assert_allclose(still, moved, rtol=1e-5, atol=1e-6)


def test_the_simultaneous_step_refuses_what_it_does_not_do():
    throughput = _load("train_throughput")
    with pytest.raises(ValueError, match="takes only loss, seed and name; got r1_weight"):
        throughput.SimultaneousGAN(models.dcgan_generator(latent_dim=8, size=32, width=4),
                                   models.dcgan_discriminator(size=32, width=4, normalization=None),
                                   r1_weight=1.0)


def test_an_experiment_and_a_vae_experiment_run_measure_and_ship_end_to_end(tmp_path, monkeypatch):
    """benchmarks/experiments.py on tiny specs: trained, measured in float32 (the global dtype
    policy left as training set it), recorded and shipped into a temporary tree."""
    experiments = _load("experiments")
    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(experiments, "ROOT", tmp_path)
    monkeypatch.setattr(experiments, "OUT", tmp_path / "records")
    tiny = dict(size=32, width=4, steps=2, n_images=64)
    monkeypatch.setattr(experiments, "EXPERIMENTS", {
        "tiny": dict(recipe="ns_r1", conditions={"skin_tone": 7}, ship="generator", **tiny),
        "tiny_vae": dict(model="vae", sigma=0.2, ship="vae", **tiny)})
    try:
        record = experiments.run("tiny")
        assert record["settings"]["conditions"] == {"skin_tone": 7} and record["steps"] == 2
        assert keras.mixed_precision.global_policy().name == record["dtype_policy"]
        assert 0.0 <= record["requested_accuracy"]["skin_tone"] <= 1.0
        assert (tmp_path / "data" / "generator" / "card.json").is_file()
        vae_record = experiments.run_vae("tiny_vae")
        assert vae_record["metrics"]["avatar_fid"] > 0
        assert (tmp_path / "data" / "vae" / "card.json").is_file()
        assert sorted(path.name for path in (tmp_path / "records").iterdir()) == [
            "tiny.json", "tiny.png", "tiny_vae.json", "tiny_vae.png"]
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_time_to_quality_trains_measures_and_tabulates_every_system(tmp_path, monkeypatch, capsys):
    """benchmarks/time_to_quality.py with seconds for minutes and a few images: every system
    trains, is snapshotted at each budget, measured and recorded; the table has the ratios."""
    ttq = _load("time_to_quality")
    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(ttq, "ROOT", tmp_path)
    monkeypatch.setattr(ttq, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(ttq, "GRIDS", tmp_path / "grids")
    monkeypatch.setattr(ttq, "N_IMAGES", 256)
    monkeypatch.setattr(ttq, "N_MEASURE", 64)
    try:
        assert ttq.main(["--seeds", "0", "--minutes", "0.01", "0.02", "--precision", "float32", "--keep"]) == 0
    finally:
        keras.mixed_precision.set_global_policy("float32")
    rows = json.loads((tmp_path / "results.json").read_text())
    assert [(r["system"], r["minutes"]) for r in rows] == [
        (system, minutes) for system in ttq.SYSTEMS for minutes in (0.01, 0.02)]
    for row in rows:
        assert row["steps"] >= 1 and row["seconds"] >= 60 * row["minutes"]
        assert row["avatar_fid"] > 0 and 0 <= row["coverage"] <= 1
        assert (tmp_path / row["grid"]).is_file()
    printed = capsys.readouterr().out
    assert "| keras_io | 0.02 | 1 |" in printed and "FID / ganlab" in printed
    ratio = float(printed.split("| tf_tutorial | 0.02 |")[1].split("|")[-2])
    fids = {r["system"]: r["avatar_fid"] for r in rows if r["minutes"] == 0.02}
    assert ratio == pytest.approx(fids["tf_tutorial"] / fids["ganlab"], abs=0.01)

    # --ship turns a kept snapshot into a shipped generator with its card; a peer's row has none
    from ganlab import recipes

    assert ttq.main(["--ship", "ganlab", "0", "0.02", str(tmp_path / "shipped")]) == 0
    card = json.loads((tmp_path / "shipped" / "card.json").read_text())
    ganlab_row = next(r for r in rows if r["system"] == "ganlab" and r["minutes"] == 0.02)
    assert card["metrics"]["avatar_fid"] == ganlab_row["avatar_fid"] and card["steps"] == ganlab_row["steps"]
    assert "0.02-minute snapshot" in card["command"]
    readme = (tmp_path / "shipped" / "README.md").read_text()
    assert readme.startswith("# Model card: the default recipe after 0.02 minutes")
    assert f"| {ganlab_row['avatar_fid']:.1f} |" in readme
    assert recipes.generate(recipes.load_shipped_generator(tmp_path / "shipped"), 2, seed=0).shape == (2, 64, 64, 3)
    with pytest.raises(SystemExit, match="no row keras_io seed 0 at 0.02 min with a checkpoint"):
        ttq.main(["--ship", "keras_io", "0", "0.02", str(tmp_path / "nowhere")])

    # --real records the floor: fresh real avatars measured the same way
    assert ttq.main(["--real"]) == 0
    floor = json.loads((tmp_path / "results.json").read_text())[-1]
    assert floor["label"] == "real" and floor["minutes"] == 0 and floor["avatar_fid"] < ganlab_row["avatar_fid"]


def test_time_to_quality_variants_change_only_ganlab_and_name_unknown_settings():
    ttq = _load("time_to_quality")
    config = ttq.variant_config({"r1_weight": 0.1, "batch_size": 32}, seed=1, policy="float32")
    from ganlab import recipes

    assert config.batch_size == 32 and config.seed == 1 and config.size == 64
    assert recipes.RECIPES[config.recipe].r1_weight == 0.1
    assert recipes.RECIPES[config.recipe].loss == recipes.RECIPES[recipes.DEFAULT_RECIPE].loss
    with pytest.raises(SystemExit, match="unknown setting.s. r2_weight"):
        ttq.variant_config({"r2_weight": 1.0}, seed=0, policy="float32")
    with pytest.raises(SystemExit, match="pass --systems ganlab"):
        ttq.main(["--set", "r1_weight=0.1"])
    assert ttq.parse_overrides(["ema_decay=null", "upsample=nearest"]) == {"ema_decay": None,
                                                                          "upsample": "nearest"}
