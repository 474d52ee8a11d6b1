"""`python -m ganlab train` and `sample`: a tiny run, its resumption, and refusals."""

import pytest
from PIL import Image

from ganlab import checkpoints, cli, recipes

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
