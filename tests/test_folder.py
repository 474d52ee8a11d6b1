"""The learner's own images: every format and mode, and every way a folder can be wrong."""

import hashlib
import warnings

import numpy as np
import pytest
from PIL import Image

from conftest import REPO
from ganlab import data

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def thirds(width=90, height=30):
    """A wide picture: red, green and blue thirds. Its centre square is all green."""
    array = np.zeros((height, width, 3), np.uint8)
    array[:, : width // 3] = RED
    array[:, width // 3: 2 * width // 3] = GREEN
    array[:, 2 * width // 3:] = BLUE
    return Image.fromarray(array)


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "my_photos"
    (folder / "holiday").mkdir(parents=True)
    thirds().save(folder / "a_wide.png")
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(folder / "b_transparent.png")
    Image.new("L", (40, 70), 128).save(folder / "c_gray.jpg", quality=100)
    frames = [Image.new("P", (20, 20), 0), Image.new("P", (20, 20), 1)]
    for frame in frames:
        frame.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    frames[0].save(folder / "d_anim.gif", save_all=True, append_images=frames[1:])
    Image.new("RGB", (64, 64), BLUE).save(folder / "holiday" / "e.webp", lossless=True)
    Image.fromarray(np.full((16, 16), 65535, np.uint16)).save(folder / "f_16bit.png")
    (folder / "g_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (folder / "notes.txt").write_text("not a picture")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    return folder


def fingerprint(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.exists() else "link to " + str(p.readlink())
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


def test_every_format_and_mode_becomes_rgb_at_the_training_size(mixed_folder):
    with pytest.warns(UserWarning) as caught:
        loaded = data.load_image_folder(mixed_folder, size=32)
    assert loaded.images.shape == (6, 32, 32, 3) and loaded.images.dtype == np.uint8
    image = dict(zip(loaded.paths, loaded.images))
    # centre crop, not squashed (Lanczos-3 rings up to 3 pixels in from the cut edges;
    # squashing would instead paint the left and right 10 columns red and blue)
    assert np.all(image["a_wide.png"][:, 4:-4] == GREEN)
    assert np.abs(image["a_wide.png"].astype(int) - GREEN).max() < 60
    assert np.all(image["b_transparent.png"] == 255)  # transparency on white
    assert np.all(np.abs(image["c_gray.jpg"].astype(int) - 128) <= 2)
    assert np.all(image["d_anim.gif"] == RED)  # first frame only
    assert np.all(image["holiday/e.webp"] == BLUE)  # subfolders are read too
    assert np.all(image["f_16bit.png"] == 255)  # 16-bit white stays white
    messages = [str(w.message) for w in caught]
    assert sum(m.startswith("skipped") for m in messages) == 1, "all skipped files are named in one warning"
    (enlarged,) = [m for m in messages if "enlarged" in m]
    assert "3 image(s)" in enlarged and "a_wide.png (30 px)" in enlarged
    assert "d_anim.gif (20 px)" in enlarged and "f_16bit.png (16 px)" in enlarged


def test_bad_files_are_skipped_listed_and_left_alone(mixed_folder):
    (mixed_folder / "h_gone.png").symlink_to(mixed_folder / "deleted.png")
    before = fingerprint(mixed_folder)
    with pytest.warns(UserWarning) as caught:
        loaded = data.load_image_folder(mixed_folder, size=32)
    (message,) = [str(w.message) for w in caught if str(w.message).startswith("skipped")]
    assert "skipped 3 of 9 file(s)" in message
    assert "g_broken.png" in message and "notes.txt (not an image)" in message
    assert "h_gone.png (broken link)" in message
    assert ".DS_Store" not in message
    assert [name for name, _ in loaded.skipped] == ["g_broken.png", "h_gone.png", "notes.txt"]
    assert fingerprint(mixed_folder) == before, "loading must not change the folder"


def test_folder_images_make_a_tf_dataset(mixed_folder):
    with pytest.warns(UserWarning):
        loaded = data.load_image_folder(mixed_folder, size=32)
    batch = next(iter(loaded.tf_dataset(batch_size=4, shuffle=False))).numpy()
    assert batch.shape == (4, 32, 32, 3) and batch.min() >= -1.0 and batch.max() <= 1.0


def test_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        data.load_image_folder(tmp_path / "nowhere")


def test_a_file_is_not_a_folder(tmp_path):
    picture = tmp_path / "one.png"
    thirds().save(picture)
    with pytest.raises(NotADirectoryError, match="one.png"):
        data.load_image_folder(picture)


def test_empty_folder_names_the_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text("")
    with pytest.raises(ValueError, match="empty.*is empty"):
        data.load_image_folder(tmp_path / "empty")


def test_folder_of_only_bad_files(tmp_path):
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"not really a jpeg")
    (folder / "b.txt").write_text("hello")
    with pytest.raises(ValueError, match=r"no usable image in .*junk.*all 2 file\(s\) were skipped"):
        data.load_image_folder(folder)


def test_unsupported_size_says_which_sizes_work(mixed_folder):
    with pytest.raises(ValueError, match=r"48 is not supported; use one of \[32, 64\]"):
        data.load_image_folder(mixed_folder, size=48)


def test_committed_sample_folder_loads_cleanly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = data.load_image_folder(REPO / "data" / "sample" / "images", size=64)
    assert len(loaded) == 64 and loaded.skipped == []
    with Image.open(REPO / "data/sample/images/avatar_00000.png") as first:
        assert np.array_equal(loaded.images[0], np.asarray(first))
