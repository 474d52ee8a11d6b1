"""`python -m ganlab train` and `sample`: a tiny run, its resumption, and refusals."""

import pytest
from PIL import Image

from ganlab import recipes
from ganlab.tooling import checkpoints, cli

TINY = ["--size", "32", "--width", "4", "--n-images", "64", "--batch-size", "16",
        "--checkpoint-every", "2", "--sample-every", "2", "--precision", "float32"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))


def test_train_resume_and_sample(tmp_path, cache, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--steps", "4", *TINY]) == 0
    assert checkpoints.latest_checkpoint(run).name == "checkpoint-00000004.npz"
    assert (run / "samples" / "latest.png").exists() and (run / "losses.png").exists()
    meta = checkpoints.read_meta(run / "checkpoint-00000004.npz")
    assert meta["config"]["recipe"] == recipes.DEFAULT_RECIPE and meta["config"]["size"] == 32

    assert cli.main(["train", "--run-dir", str(run), "--resume", "--steps", "6"]) == 0
    assert "resuming" in capsys.readouterr().out
    assert checkpoints.latest_checkpoint(run).name == "checkpoint-00000006.npz"

    grid = tmp_path / "grid.png"
    assert cli.main(["sample", "--checkpoint", str(run / "checkpoint-00000006.npz"), "--n", "16",
                     "--out", str(grid)]) == 0
    with Image.open(grid) as picture:  # 8 x 2 images of 32 px, drawn 2x
        assert picture.size == ((8 * 34 + 2) * 2, (2 * 34 + 2) * 2)


def test_train_refuses_to_overwrite_a_run_and_explains(tmp_path, cache, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--steps", "2", *TINY]) == 0
    for args, message in (
        (["train", "--run-dir", str(run), "--steps", "4", *TINY], "already holds a run"),
        (["train", "--run-dir", str(tmp_path / "new"), "--resume", "--steps", "4"], "no checkpoint"),
        (["train", "--run-dir", str(tmp_path / "x"), *TINY], "give --steps, --minutes, or both"),
        (["train", "--run-dir", str(tmp_path / "x"), "--minutes", "-1", *TINY], "--minutes must be"),
        (["train", "--run-dir", str(tmp_path / "x"), "--steps", "2", "--augment", "flip", *TINY],
         "unknown augmentation 'flip'"),
        (["sample", "--checkpoint", str(tmp_path / "none.npz")], "does not exist"),
    ):
        with pytest.raises(SystemExit) as stopped:
            cli.main(args)
        assert stopped.value.code == 2
        assert message in capsys.readouterr().err
    assert checkpoints.latest_checkpoint(run).name == "checkpoint-00000002.npz", "nothing lost"


def test_unknown_recipe_and_negative_steps_are_refused_by_the_parser():
    from test_cli import run_module

    result = run_module("train", "--run-dir", "x", "--recipe", "magic", "--steps", "3")
    assert result.returncode == 2 and "invalid choice: 'magic'" in result.stderr
    result = run_module("train", "--run-dir", "x", "--steps", "-3")
    assert result.returncode == 2 and "--steps: must be a positive integer, got -3" in result.stderr


def test_a_run_leaves_an_animation_and_tensorboard_logs(tmp_path, cache):
    import tensorflow as tf

    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--steps", "4", *TINY]) == 0
    with Image.open(run / "samples" / "training.gif") as animation:
        assert animation.n_frames == 2  # the grids of steps 2 and 4
    events = list((run / "tensorboard").glob("events.out.tfevents.*"))
    assert len(events) == 1
    tags = {}
    for record in tf.data.TFRecordDataset(str(events[0])):
        event = tf.compat.v1.Event.FromString(record.numpy())
        for value in event.summary.value:
            tags.setdefault(value.tag, []).append(event.step)
    assert tags["d_loss"] == [1, 2, 3, 4] and tags["g_loss"] == [1, 2, 3, 4]
    assert tags["samples"] == [2, 4]


def test_options_come_from_a_config_file_and_the_command_line_wins(tmp_path, cache, capsys):
    config = tmp_path / "run.yaml"
    config.write_text("size: 32\nwidth: 4\nn-images: 64\nbatch_size: 16\nsteps: 4\n"
                      "checkpoint-every: 2\nsample-every: 2\nprecision: float32\nrecipe: hinge_sn\n")
    run = tmp_path / "run"
    assert cli.main(["train", "--config", str(config), "--run-dir", str(run), "--steps", "2"]) == 0
    meta = checkpoints.read_meta(checkpoints.latest_checkpoint(run))
    assert meta["step"] == 2 and meta["config"]["recipe"] == "hinge_sn" and meta["config"]["width"] == 4

    for text, message in (("colour: red\n", "unknown option 'colour'"),
                          ("evaluate: 3\n", "evaluate must be true or false"),
                          ("- size\n", "must hold 'option: value' pairs")):
        config.write_text(text)
        with pytest.raises(SystemExit):
            cli.main(["train", "--config", str(config), "--run-dir", str(tmp_path / "other")])
        assert message in capsys.readouterr().err
    config.write_text("size: 48\n")  # argparse checks a file's values like typed ones
    with pytest.raises(SystemExit):
        cli.main(["train", "--config", str(config), "--run-dir", str(tmp_path / "other"), "--steps", "2"])
    assert "invalid choice: 48" in capsys.readouterr().err


def test_the_command_line_prints_no_tensorflow_log_lines_and_says_where_it_trains(tmp_path):
    """TensorFlow's C++ start-up lines ('I0000 ... oneDNN custom operations', 'E0000 ...
    failed call to cuInit') read as errors to a newcomer; the CLI hides them and says in
    one plain line where it trains instead."""
    import os
    import re
    import subprocess
    import sys

    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    environment["GANLAB_CACHE"] = str(tmp_path / "cache")
    result = subprocess.run([sys.executable, "-m", "ganlab", "train", "--run-dir", str(tmp_path / "run"),
                             "--steps", "2", *TINY], capture_output=True, text=True, timeout=300,
                            env=environment)
    assert result.returncode == 0, result.stderr
    log_lines = [line for line in result.stderr.replace("\r", "\n").splitlines()
                 if re.match(r"[IWEF]\d{4} ", line) or "absl" in line or "oneDNN" in line
                 or "cpu_feature_guard" in line or "cuda" in line.lower()]
    assert not log_lines, log_lines
    assert re.search(r"^training on (the CPU \(\d+ cores; no GPU found\)|\d+ GPUs?), precision float32$",
                     result.stdout, re.MULTILINE), result.stdout
