"""`python -m ganlab data`: what it writes and how it refuses bad arguments."""

import csv
import json
import subprocess
import sys

import pytest
from PIL import Image

from ganlab.tooling import cli


def test_data_command_writes_cache_preview_and_export(tmp_path, capsys):
    args = ["data", "--n", "20", "--size", "32", "--seed", "3", "--workers", "1",
            "--cache-dir", str(tmp_path / "cache"), "--preview", str(tmp_path / "p.png"),
            "--export", str(tmp_path / "export")]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "20 avatars, 32x32, seed 3" in printed
    assert len(list((tmp_path / "cache").glob("avatars-32px-n20-seed3-*.npz"))) == 1
    with Image.open(tmp_path / "p.png") as preview:  # 8 columns x 3 rows, drawn 2x
        assert preview.size == ((8 * 34 + 2) * 2, (3 * 34 + 2) * 2)
    rows = list(csv.DictReader(open(tmp_path / "export" / "attributes.csv", encoding="utf-8")))
    assert len(rows) == 20 and rows[0]["file"] == "images/avatar_00000.png"
    assert (tmp_path / "export" / rows[-1]["file"]).exists()


def run_module(*args):
    return subprocess.run([sys.executable, "-m", "ganlab", *args], capture_output=True,
                          text=True, timeout=60)


def test_help_describes_the_data_command():
    result = run_module("data", "--help")
    assert result.returncode == 0
    for option in ("--n", "--size", "--seed", "--preview", "--export"):
        assert option in result.stdout


@pytest.mark.parametrize("args, message", [
    (["data", "--n", "-3"], "--n: must be a positive integer, got -3"),
    (["data", "--n", "ten"], "--n: must be a whole number, got 'ten'"),
    (["data", "--size", "48"], "--size: invalid choice: 48"),
    (["data", "--seed", "-1"], "--seed: must be zero or more"),
    (["paint"], "invalid choice: 'paint'"),
    (["data", "--weights", "[1,2"], "--weights: not valid JSON"),
    (["data", "--weights", "[1, 2]"], "--weights: must be a JSON object"),
    (["data", "--weights", '{"skin_tone": {"pail": 1}}'], "unknown skin_tone class(es) ['pail']"),
    (["data", "--preview", "grid.txt"], "--preview 'grid.txt' must be a .png file name"),
])
def test_bad_arguments_exit_2_with_a_message(args, message):
    result = run_module(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_bad_output_paths_are_refused_before_rendering(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.png").write_text("x")
    for args, message in (
        (["--export", str(a_file)], "is a file; give a new or empty folder"),
        (["--export", str(tmp_path / "full")], "is not empty"),
        (["--cache-dir", str(a_file)], "a file is in the way"),
    ):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["data", "--n", "5", "--preview", str(tmp_path / "p.png"), *args])
        assert stopped.value.code == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists(), "nothing is rendered or written"
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["old.png"]


def test_weights_option_changes_the_mix(tmp_path):
    args = ["data", "--n", "30", "--size", "32", "--workers", "1", "--cache-dir", str(tmp_path),
            "--preview", str(tmp_path / "p.png"), "--export", str(tmp_path / "out"),
            "--weights", '{"skin_tone": {"black": 1}}']
    assert cli.main(args) == 0
    rows = list(csv.DictReader(open(tmp_path / "out" / "attributes.csv", encoding="utf-8")))
    assert {row["skin_tone"] for row in rows} == {"black"}


def test_evaluate_a_folder_of_images_prints_and_writes_json(tmp_path, capsys, monkeypatch):
    from conftest import REPO

    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "metrics.json"
    args = ["evaluate", "--images", str(REPO / "data/sample/images"), "--n", "64", "--json", str(out)]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    for name in ("avatar_fid", "kid_mean", "precision", "recall", "classes_produced", "skin_tone"):
        assert name in printed
    results = json.loads(out.read_text())
    assert results["avatar_fid"] >= 0 and len(results["attributes"]) > 5


def test_evaluate_a_saved_generator(tmp_path, capsys, monkeypatch):
    from ganlab import models

    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "generator.keras"
    models.dcgan_generator(latent_dim=8, size=32, width=4).save(path)
    assert cli.main(["evaluate", "--checkpoint", str(path), "--n", "40", "--size", "32"]) == 0
    assert "avatar_fid" in capsys.readouterr().out


def test_evaluate_refuses_a_missing_checkpoint(tmp_path):
    result = run_module("evaluate", "--checkpoint", str(tmp_path / "nope.keras"), "--n", "8")
    assert result.returncode == 2
    assert "nope.keras' does not exist" in result.stderr


def test_features_command_needs_the_train_flag():
    result = run_module("features")
    assert result.returncode == 2 and "--train" in result.stderr


def test_evaluate_reference_prints_the_trust_table(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    assert cli.main(["evaluate", "--reference", "--n", "60", "--size", "32"]) == 0
    printed = capsys.readouterr().out
    for row in ("real vs real", "real vs blur 1px", "real vs noise 0.3", "real vs collapsed"):
        assert row in printed


def test_sample_and_evaluate_take_the_shipped_generator_folder(tmp_path, capsys, monkeypatch):
    from conftest import REPO

    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "shipped.png"
    assert cli.main(["sample", "--checkpoint", str(REPO / "data/generator"), "--n", "8", "--out", str(out)]) == 0
    assert out.is_file() and "8 images" in capsys.readouterr().out
    assert cli.main(["evaluate", "--checkpoint", str(REPO / "data/generator"), "--n", "40"]) == 0
    assert "avatar_fid" in capsys.readouterr().out


def test_demo_renders_then_trains_and_carries_on_an_existing_run(tmp_path, monkeypatch):
    """`python -m ganlab demo` is `make demo` without make: the data command, then the
    train command with --evaluate, adding --resume once the run has a checkpoint."""
    import argparse

    from ganlab.tooling import checkpoints

    calls = []
    monkeypatch.setattr(cli, "main", lambda argv: calls.append(argv) or 0)
    demo = argparse.Namespace(minutes=0.5, folder=tmp_path / "demo")
    assert cli._run_demo(demo) == 0
    assert calls[0] == ["data", "--n", "10000", "--size", "64", "--seed", "0",
                        "--preview", str(tmp_path / "demo" / "avatars.png")]
    assert calls[1] == ["train", "--run-dir", str(tmp_path / "demo" / "run"), "--minutes", "0.5", "--evaluate"]

    monkeypatch.setattr(checkpoints, "latest_checkpoint", lambda folder: tmp_path / "checkpoint-00000200.npz")
    calls.clear()
    assert cli._run_demo(demo) == 0
    assert calls[1][-1] == "--resume"


@pytest.mark.parametrize("minutes, message", [("0", "--minutes: must be more than 0, got 0"),
                                               ("-2", "--minutes: must be more than 0, got -2"),
                                               ("three", "--minutes: must be a number, got 'three'")])
def test_demo_refuses_a_time_that_is_not_a_positive_number(minutes, message):
    result = run_module("demo", "--minutes", minutes)
    assert result.returncode == 2
    assert message in result.stderr
