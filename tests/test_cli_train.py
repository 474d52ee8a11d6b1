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


def _folder_of_avatars(folder, n=40, size=32):
    """n rendered avatars as PNG files, plus two files that are not images."""
    from ganlab import data

    folder.mkdir()
    for index, image in enumerate(data.load_avatars(n, size, seed=5, progress=False).images):
        Image.fromarray(image).save(folder / f"me_{index:02d}.png")
    (folder / "broken.png").write_bytes(b"not a picture")
    (folder / "notes.txt").write_text("my avatars")
    return folder


def test_train_on_a_folder_skips_broken_files_resumes_and_measures_against_the_folder(tmp_path, cache, capsys):
    import json

    folder = _folder_of_avatars(tmp_path / "mine")
    run = tmp_path / "run"
    with pytest.warns(UserWarning, match=r"skipped 2 of 42 file\(s\).*broken.png \(not an image\)"):
        assert cli.main(["train", "--run-dir", str(run), "--steps", "2", "--images", str(folder), *TINY]) == 0
    assert "training on 40 images" in capsys.readouterr().out
    config = checkpoints.read_meta(checkpoints.latest_checkpoint(run))["config"]
    assert config["images"] == str(folder.resolve()) and config["n_images"] == 40  # not --n-images 64

    Image.open(folder / "me_00.png").save(folder / "me_40.png")  # the learner adds an image
    with pytest.warns(UserWarning, match="skipped 2"):
        assert cli.main(["train", "--run-dir", str(run), "--resume", "--steps", "4", "--evaluate"]) == 0
    out = capsys.readouterr().out
    assert "now holds 41 usable images; the run began with 40" in out
    assert "compare these numbers between runs on the same folder only" in out
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["avatar_fid"] > 0 and 0 <= metrics["coverage"] <= 1
    assert "attributes" not in metrics and "classes_produced" not in metrics  # avatar attributes only

    folder.rename(tmp_path / "moved")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["train", "--run-dir", str(run), "--resume", "--steps", "6"])
    assert stopped.value.code == 2 and "which is no longer there" in capsys.readouterr().err
    assert checkpoints.latest_checkpoint(run).name == "checkpoint-00000004.npz", "nothing lost"


def test_conditional_training_and_sampling_by_class_name(tmp_path, cache, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--steps", "2", "--conditions", "skin_tone,accessory",
                     *TINY]) == 0
    checkpoint = checkpoints.latest_checkpoint(run)
    assert checkpoints.read_meta(checkpoint)["config"]["conditions"] == {"skin_tone": 7, "accessory": 10}
    capsys.readouterr()

    grid = tmp_path / "brown.png"
    assert cli.main(["sample", "--checkpoint", str(checkpoint), "--n", "8", "--label", "skin_tone=brown",
                     "--out", str(grid)]) == 0
    assert "labels: skin_tone=brown, accessory drawn at random" in capsys.readouterr().out
    assert grid.exists()

    for args, message in (
        (["sample", "--checkpoint", str(checkpoint), "--label", "skin_tone=purple"],
         "unknown skin_tone 'purple'; the skin_tone classes are: pale, light, yellow, tanned, brown"),
        (["sample", "--checkpoint", str(checkpoint), "--label", "eyes=happy"],
         "this generator takes no label 'eyes'; it takes: skin_tone, accessory"),
        (["sample", "--checkpoint", str(checkpoint), "--label", "skin_tone"], "must be ATTRIBUTE=CLASS"),
        (["sample", "--checkpoint", str(checkpoint), "--label", "skin_tone=pale", "--label", "skin_tone=black"],
         "each attribute may be given once"),
        (["train", "--run-dir", str(tmp_path / "x"), "--steps", "2", "--conditions", "skin,hair", *TINY],
         "unknown attribute 'skin', 'hair'; the avatars' attributes are: skin_tone, hair_color"),
        (["train", "--run-dir", str(tmp_path / "x"), "--steps", "2", "--conditions", "skin_tone",
          "--images", str(tmp_path), *TINY], "a folder of images has none"),
    ):
        with pytest.raises(SystemExit) as stopped:
            cli.main(args)
        assert stopped.value.code == 2
        assert message in capsys.readouterr().err


def test_sample_refuses_labels_for_a_generator_that_takes_none(tmp_path, cache, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--steps", "2", *TINY]) == 0
    with pytest.raises(SystemExit):
        cli.main(["sample", "--checkpoint", str(checkpoints.latest_checkpoint(run)), "--label", "skin_tone=pale"])
    assert "this generator is not conditional" in capsys.readouterr().err


def test_labels_by_name_gives_the_named_class_and_draws_the_rest():
    generator = recipes.load_generator(recipes.shipped.DATA / "conditional_generator")
    labels = recipes.labels_by_name(generator, {"skin_tone": "brown", "accessory": "sunglasses"}, 50, seed=3)
    assert list(labels) == ["skin_tone", "hair_color", "accessory"]
    assert set(labels["skin_tone"]) == {4} and set(labels["accessory"]) == {6}  # ATTRIBUTES order
    assert len(set(labels["hair_color"])) > 5  # drawn at random over 10 colours
    again = recipes.labels_by_name(generator, {"skin_tone": "brown", "accessory": "sunglasses"}, 50, seed=3)
    assert (again["hair_color"] == labels["hair_color"]).all()  # from the seed
    balanced = recipes.balanced_labels(generator, 70)
    assert all((sorted(set(v)) == list(range(k))) for v, k in zip(balanced.values(), (7, 10, 10)))
    assert (balanced["hair_color"] != balanced["accessory"]).any()  # shuffled apart


def test_a_run_folder_stands_for_its_newest_checkpoint(tmp_path, cache, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--steps", "4", *TINY]) == 0
    from_folder, from_file = tmp_path / "folder.png", tmp_path / "file.png"
    assert cli.main(["sample", "--checkpoint", str(run), "--n", "8", "--out", str(from_folder)]) == 0
    assert cli.main(["sample", "--checkpoint", str(run / "checkpoint-00000004.npz"), "--n", "8",
                     "--out", str(from_file)]) == 0
    assert from_folder.read_bytes() == from_file.read_bytes()
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit):
        cli.main(["sample", "--checkpoint", str(tmp_path / "empty")])
    assert "holds neither a run's checkpoints nor a shipped generator" in capsys.readouterr().err
