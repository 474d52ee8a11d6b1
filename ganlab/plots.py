"""Pictures: image grids for sample sheets and previews.

Taught in 00_start_here.ipynb.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image


def image_grid(images: np.ndarray, columns: int = 8, padding: int = 2,
               fill: int = 255) -> np.ndarray:
    """Tile uint8 images [n, h, w, 3] into one uint8 picture, row by row.

    The last row is padded with `fill` when n is not a multiple of `columns`.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.dtype != np.uint8 or len(images) == 0:
        raise ValueError(f"images must be a non-empty uint8 array [n, h, w, c]; got "
                         f"{images.dtype} {images.shape}.")
    count, height, width, channels = images.shape
    columns = max(1, min(columns, count))
    rows = -(-count // columns)  # ceiling division
    grid = np.full((rows * (height + padding) + padding, columns * (width + padding) + padding,
                    channels), fill, dtype=np.uint8)
    for index, image in enumerate(images):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        grid[top:top + height, left:left + width] = image
    return grid


def save_image_grid(images: np.ndarray, path: str | os.PathLike, columns: int = 8,
                    scale: int = 1) -> Path:
    """Write `image_grid(images, columns)` as a PNG, each pixel `scale` x `scale`."""
    grid = Image.fromarray(image_grid(images, columns))
    if scale > 1:
        grid = grid.resize((grid.width * scale, grid.height * scale), Image.Resampling.NEAREST)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    grid.save(path)
    return path


def nearest_neighbour_grid(generated: np.ndarray, training: np.ndarray, indices: np.ndarray,
                           pairs_per_row: int = 4) -> np.ndarray:
    """Pairs side by side: each generated image, then its nearest training image.

    `indices` comes from `ganlab.metrics.nearest_training_images`. Both image sets are
    uint8 of the same size. Taught in 05_evaluating_gans.ipynb.
    """
    pairs = np.stack([image for pair in zip(generated, training[indices]) for image in pair])
    return image_grid(pairs, columns=2 * pairs_per_row)


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last `window` values at each position (fewer at the start)."""
    totals = np.cumsum(np.insert(np.asarray(values, dtype=float), 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (totals[1:] - totals[np.arange(1, len(values) + 1) - counts]) / counts


def save_loss_curves(rows: list[dict], path: str | os.PathLike) -> Path:
    """Plot d_loss and g_loss (top) and mean D(x), D(G(z)) (bottom) against the step:
    each step faintly, a 25-step moving average boldly.

    Taught in 04_training_on_avatars.ipynb.
    """
    from matplotlib.figure import Figure  # no pyplot: nothing is shown, no backend is changed

    figure = Figure(figsize=(8, 5), layout="constrained")
    losses_axes, d_axes = figure.subplots(2, 1, sharex=True)
    steps = [row["step"] for row in rows]
    for index, (name, axes) in enumerate((("d_loss", losses_axes), ("g_loss", losses_axes),
                                          ("d_real", d_axes), ("d_fake", d_axes))):
        values = np.array([row[name] for row in rows], dtype=float)
        colour = f"C{index % 2}"
        axes.plot(steps, values, color=colour, linewidth=0.5, alpha=0.3)  # every step: noisy
        axes.plot(steps, moving_average(values, 25), color=colour, linewidth=1.5, label=f"{name} (mean of 25 steps)")
    losses_axes.set_ylabel("loss")
    d_axes.set_ylabel("mean D (probability real)")
    d_axes.set_xlabel("step")
    for axes in (losses_axes, d_axes):
        axes.legend(loc="upper right")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    return path
