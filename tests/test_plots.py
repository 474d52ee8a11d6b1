import numpy as np
import pytest
from PIL import Image

from ganlab import plots


def test_image_grid_places_images_row_by_row_with_padding():
    images = np.stack([np.full((4, 4, 3), value, np.uint8) for value in (10, 20, 30)])
    grid = plots.image_grid(images, columns=2, padding=1, fill=255)
    assert grid.shape == (2 * 5 + 1, 2 * 5 + 1, 3)
    assert (grid[1:5, 1:5] == 10).all() and (grid[1:5, 6:10] == 20).all()
    assert (grid[6:10, 1:5] == 30).all()
    assert (grid[6:10, 6:10] == 255).all()  # the empty cell of the last row
    assert (grid[0] == 255).all()


def test_save_image_grid_scales_and_writes_png(tmp_path):
    images = np.zeros((3, 8, 8, 3), np.uint8)
    path = plots.save_image_grid(images, tmp_path / "sub" / "grid.png", columns=3, scale=2)
    with Image.open(path) as picture:
        assert picture.size == ((3 * 10 + 2) * 2, 12 * 2)


@pytest.mark.parametrize("bad", [np.zeros((0, 4, 4, 3), np.uint8), np.zeros((2, 4, 4, 3)),
                                 np.zeros((4, 4, 3), np.uint8)])
def test_image_grid_rejects_what_is_not_a_stack_of_uint8_images(bad):
    with pytest.raises(ValueError, match="uint8 array"):
        plots.image_grid(bad)


def test_moving_average_uses_what_is_there_at_the_start():
    assert np.allclose(plots.moving_average(np.array([2.0, 4.0, 6.0, 8.0]), 2), [2.0, 3.0, 5.0, 7.0])


def test_loss_curves_are_drawn(tmp_path):
    rows = [{"step": s, "d_loss": 1.0, "g_loss": 2.0, "d_real": 0.6, "d_fake": 0.4} for s in range(1, 40)]
    with Image.open(plots.save_loss_curves(rows, tmp_path / "l.png")) as picture:
        assert picture.size == (800, 500)
