"""Generated avatar sets: caching, workers, argument checks, the committed sample."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import REPO
from ganlab import avatars, data
from ganlab.avatars import ATTRIBUTE_NAMES, ATTRIBUTES


def test_cache_round_trip_reloads_without_rendering(cache_dir, monkeypatch):
    first = data.load_avatars(20, 32, seed=1, cache_dir=cache_dir, workers=1, progress=False)
    files = list(cache_dir.iterdir())
    assert len(files) == 1 and files[0].suffix == ".npz"

    def no_rendering(*args, **kwargs):
        raise AssertionError("should have come from the cache")

    monkeypatch.setattr(data, "render_avatars", no_rendering)
    again = data.load_avatars(20, 32, seed=1, cache_dir=cache_dir, progress=False)
    assert np.array_equal(first.images, again.images)
    assert np.array_equal(first.labels, again.labels)


def test_cache_file_depends_on_everything_that_changes_pixels(cache_dir):
    uniform = avatars.normalize_weights(None)
    skewed = avatars.normalize_weights({"skin_tone": {"pale": 1}})
    paths = {
        data.cache_path(10, 64, 0, uniform, cache_dir),
        data.cache_path(10, 64, 1, uniform, cache_dir),
        data.cache_path(10, 32, 0, uniform, cache_dir),
        data.cache_path(11, 64, 0, uniform, cache_dir),
        data.cache_path(10, 64, 0, skewed, cache_dir),
    }
    assert len(paths) == 5


def test_damaged_cache_is_rebuilt_with_a_warning(cache_dir):
    made = data.load_avatars(8, 32, seed=2, cache_dir=cache_dir, workers=1, progress=False)
    (path,) = cache_dir.iterdir()
    path.write_bytes(path.read_bytes()[:1000])  # as if the disk filled up mid-write
    with pytest.warns(UserWarning, match="damaged avatar cache"):
        rebuilt = data.load_avatars(8, 32, seed=2, cache_dir=cache_dir, workers=1, progress=False)
    assert np.array_equal(made.images, rebuilt.images)
    assert np.load(path)["images"].shape == (8, 32, 32, 3)  # and the cache is whole again


def test_no_partial_file_is_left_behind(cache_dir):
    data.load_avatars(4, 32, seed=3, cache_dir=cache_dir, workers=1, progress=False)
    assert [p.name for p in cache_dir.iterdir() if "partial" in p.name] == []


def test_two_worker_processes_give_the_same_pixels_as_one():
    labels = avatars.sample_labels(130, 4, avatars.normalize_weights(None))
    one = data.render_avatars(labels, 32, workers=1, progress=False)
    two = data.render_avatars(labels, 32, workers=2, progress=False)  # 3 chunks, spawned
    assert np.array_equal(one, two)


def test_committed_sample_is_reproduced_pixel_for_pixel():
    """data/sample was written by `make sample`: seed 0, 64 avatars, 64x64."""
    rows = list(csv.DictReader(open(REPO / "data/sample/attributes.csv", encoding="utf-8")))
    made = data.load_avatars(len(rows), 64, seed=0, cache_dir=None, workers=1, progress=False)
    table = made.table()
    for index, row in enumerate(rows):
        with Image.open(REPO / "data/sample" / row["file"]) as stored:
            assert np.array_equal(np.asarray(stored), made.images[index]), row["file"]
        assert {name: row[name] for name in ATTRIBUTE_NAMES} == dict(table.iloc[index].astype(str))


def test_table_and_labels(cache_dir):
    made = data.load_avatars(6, 32, seed=5, cache_dir=cache_dir, workers=1, progress=False)
    table = made.table()
    assert list(table.columns) == list(ATTRIBUTE_NAMES) and len(table) == 6
    assert list(table["skin_tone"].cat.categories) == list(ATTRIBUTES["skin_tone"])
    assert np.array_equal(table["top"].cat.codes.to_numpy(), made.label("top"))
    assert len(made) == 6 and made.size == 32
    with pytest.raises(ValueError, match="unknown attribute 'age'"):
        made.label("age")


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 0}, "n must be a positive integer; got 0"),
    ({"n": -5}, "n must be a positive integer"),
    ({"n": 2.5}, "n must be a positive integer"),
    ({"size": 48}, r"image size 48 is not supported; use one of \[32, 64\]"),
    ({"size": 64.0}, r"image size 64.0 is not supported"),
    ({"weights": "skin_tone"}, "weights must be a dict such as"),
    ({"weights": {"skin_tone": "pale"}}, "skin_tone weights must be a list of 7 numbers or a"),
    ({"weights": {"skin_tone": {"pale", "black"}}}, "skin_tone weights must be a list"),
    ({"weights": {"skin_tone": {"pale": "lots"}}}, "skin_tone weights must be numbers"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"workers": 0}, "workers must be a positive integer"),
    ({"weights": {"skin_tone": [1]}}, "need 7 numbers"),
])
def test_bad_arguments_are_explained(kwargs, message, cache_dir):
    arguments = {"n": 4, "size": 32, "seed": 0, "cache_dir": cache_dir, "progress": False}
    with pytest.raises(ValueError, match=message):
        data.load_avatars(**{**arguments, **kwargs})


def test_default_cache_dir_can_be_moved(monkeypatch, tmp_path):
    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path))
    assert data.default_cache_dir() == tmp_path
    monkeypatch.delenv("GANLAB_CACHE")
    assert data.default_cache_dir() == REPO / "data" / "cache"
    assert os.path.exists(REPO / ".gitignore")
    assert "data/cache/" in (REPO / ".gitignore").read_text().split()


def test_dataset_card_lists_every_attribute_with_its_class_count():
    card = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    for name, classes in ATTRIBUTES.items():
        assert f"| `{name}` | {len(classes)} |" in card, f"data/README.md is stale for {name}"


def test_an_interrupted_render_leaves_no_cache_file(cache_dir, monkeypatch):
    real_collect = data._collect

    def interrupt_after_first_chunk(rendered, images, bar):
        next(iter(rendered))
        raise KeyboardInterrupt

    monkeypatch.setattr(data, "_collect", interrupt_after_first_chunk)
    with pytest.raises(KeyboardInterrupt):
        data.load_avatars(640, 32, seed=6, cache_dir=cache_dir, workers=2, progress=False)
    assert not cache_dir.exists() or list(cache_dir.iterdir()) == []
    monkeypatch.setattr(data, "_collect", real_collect)
    again = data.load_avatars(64, 32, seed=6, cache_dir=cache_dir, workers=1, progress=False)
    assert len(again) == 64


def test_a_script_without_main_guard_still_works_on_one_core(tmp_path):
    """Spawned workers re-run the main script; unguarded, that used to crash the pool."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from ganlab.data import load_avatars\n"
        f"made = load_avatars(130, 32, seed=1, cache_dir={str(tmp_path / 'cache')!r}, workers=2)\n"
        "print('made', len(made))\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "made 130" in result.stdout
    assert "without an `if __name__" in result.stderr
    assert "Traceback" not in result.stderr
    labels = avatars.sample_labels(130, 1, avatars.normalize_weights(None))
    with np.load(next((tmp_path / "cache").iterdir())) as stored:
        assert np.array_equal(stored["images"], data.render_avatars(labels, 32, workers=1,
                                                                    progress=False))


def test_only_the_weighted_attribute_changes(cache_dir):
    """Each attribute has its own random draw: skewing skin tone leaves the rest alone."""
    plain = avatars.sample_labels(300, 0, avatars.normalize_weights(None))
    skewed = avatars.sample_labels(300, 0, avatars.normalize_weights({"skin_tone": {"pale": 1}}))
    others = [j for j, name in enumerate(ATTRIBUTE_NAMES) if name != "skin_tone"]
    assert np.array_equal(plain[:, others], skewed[:, others])


def test_a_script_read_from_stdin_renders_on_one_core(tmp_path):
    code = ("from ganlab.data import load_avatars\n"
            f"made = load_avatars(130, 32, seed=1, cache_dir={str(tmp_path)!r}, workers=2)\n"
            "print('made', len(made))\n")
    result = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0 and "made 130" in result.stdout
    assert "read from standard input" in result.stderr and "Traceback" not in result.stderr
