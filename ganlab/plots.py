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

    Taught in 00_start_here.ipynb.
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


def save_animation(frames: list, path: str | os.PathLike, milliseconds_per_frame: int = 300,
                   max_frames: int = 100) -> Path:
    """An animated GIF from PNG frames (e.g. a run's samples/step-*.png), last frame held.

    At most `max_frames` frames, evenly spaced and always including the first and last,
    so a long run still gives a small file.
    """
    frames = [Path(frame) for frame in frames]
    if not frames:
        raise ValueError("no frames to animate.")
    if len(frames) > max_frames:
        frames = [frames[round(i * (len(frames) - 1) / (max_frames - 1))] for i in range(max_frames)]
    images = []
    for frame in frames:
        with Image.open(frame) as picture:  # close each file once its pixels are read
            images.append(picture.convert("RGB"))
    durations = [milliseconds_per_frame] * (len(images) - 1) + [milliseconds_per_frame * 5]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)
    return path


def labelled_rows(images: np.ndarray, row_names: list[str], title: str, columns: int = 8):
    """A matplotlib figure of `image_grid(images, columns)`, each row named on the left.

    `images` holds len(row_names) rows of `columns` uint8 images. Taught in
    07_social_media_applications.ipynb.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    if len(images) != len(row_names) * columns:
        raise ValueError(f"{len(row_names)} rows of {columns} images need {len(row_names) * columns} images; "
                         f"got {len(images)}.")
    padding = 2
    pitch = images.shape[1] + padding
    figure, axis = plt.subplots(figsize=(columns * 1.1, len(row_names) * 1.1 + 0.5))
    axis.imshow(image_grid(images, columns=columns, padding=padding))
    axis.set_yticks(pitch * np.arange(len(row_names)) + padding + images.shape[1] / 2, row_names)
    axis.set_xticks([])
    axis.set_title(title, fontsize=10)
    return figure


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last `window` values at each position (fewer at the start).

    Taught in 04_training.ipynb.
    """
    totals = np.cumsum(np.insert(np.asarray(values, dtype=float), 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (totals[1:] - totals[np.arange(1, len(values) + 1) - counts]) / counts


def save_loss_curves(rows: list[dict], path: str | os.PathLike) -> Path:
    """Plot d_loss and g_loss (top) and mean D(x), D(G(z)) (bottom) against the step:
    each step faintly, a 25-step moving average boldly.

    Used by `callbacks.LossHistory`, which writes losses.png (chapter 04 draws its own).
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


# 2-D toy GAN views (GAN Lab's colours: real data green, generated data purple)
REAL_COLOUR, FAKE_COLOUR = "#1b7837", "#762a83"
_TOY_TITLES = ("the points\nreal green, generated purple",
               "D's view: D(x) on the plane\ngreen \"real\", purple \"fake\"",
               "G's view: its noise grid\n[-1, 1]\u00b2 mapped through G", "losses")
_TOY_TICKS = (-2, 0, 2)  # the ring has radius 2; the grid spans [-2, 2]


def draw_toy_views(snapshots, figure=None):
    """Four views of a 2-D GAN per snapshot (`ganlab.toy.ToySnapshot`), one row each:
    the points; D's decision surface with the points on it; the noise grid mapped
    through G; the loss curves up to that step (x axis shared by the rows).

    Returns a matplotlib Figure (no pyplot). Taught in 01_background_and_concepts.ipynb.
    """
    from matplotlib.figure import Figure

    snapshots = list(snapshots) if isinstance(snapshots, (list, tuple)) else [snapshots]
    if figure is None:
        figure = Figure(figsize=(12, 3.0 * len(snapshots)), layout="constrained")
    last_step = max(max(snapshot.step for snapshot in snapshots), 1)
    axes_rows = figure.subplots(len(snapshots), 4, squeeze=False)
    for row, axes in enumerate(axes_rows):
        snapshot = snapshots[row]
        if row:
            axes[3].sharey(axes_rows[0][3])  # one loss scale for all rows
        _draw_toy_points(axes[0], snapshot)
        image = _draw_toy_surface(axes[1], snapshot)
        _draw_toy_warped_grid(axes[2], snapshot)
        _draw_toy_losses(axes[3], snapshot, last_step)
        figure.colorbar(image, ax=axes[1], shrink=0.8, ticks=[0, 0.5, 1])
        axes[0].set_ylabel(f"step {snapshot.step}", fontsize=12, fontweight="bold")
        if row == 0:
            axes[3].legend(loc="upper right", fontsize=9)
        for column, title in enumerate(_TOY_TITLES if row == 0 else ()):
            axes[column].set_title(title, fontsize=12)
    return figure


def _square(axes, snapshot) -> None:
    limit = float(snapshot.surface_axis[-1])
    axes.set_xlim(-limit, limit)
    axes.set_ylim(-limit, limit)
    axes.set_aspect("equal")
    axes.set_xticks(_TOY_TICKS)
    axes.set_yticks(_TOY_TICKS)
    axes.tick_params(labelsize=10)


def _draw_toy_points(axes, snapshot) -> None:
    axes.scatter(*snapshot.real_points.T, s=3, color=REAL_COLOUR, alpha=0.6)
    axes.scatter(*snapshot.generated_points.T, s=3, color=FAKE_COLOUR, alpha=0.6)
    _square(axes, snapshot)


def _draw_toy_surface(axes, snapshot):
    from matplotlib import colormaps

    # purple (D says "fake") - white (1/2) - green (D says "real"), in 10 bands: read like contours
    colours = colormaps["PRGn"].resampled(10)
    limit = float(snapshot.surface_axis[-1])
    image = axes.imshow(snapshot.surface, origin="lower", extent=(-limit, limit, -limit, limit),
                        cmap=colours, vmin=0.0, vmax=1.0, alpha=0.8, interpolation="bilinear")
    for points, colour in ((snapshot.real_points, REAL_COLOUR), (snapshot.generated_points, FAKE_COLOUR)):
        axes.scatter(*points.T, s=5, color=colour, edgecolors="white", linewidths=0.3)
    _square(axes, snapshot)
    return image


def _draw_toy_warped_grid(axes, snapshot) -> None:
    axes.scatter(*snapshot.real_points.T, s=2, color=REAL_COLOUR, alpha=0.25)
    half = len(snapshot.warped_grid) // 2
    for index, line in enumerate(snapshot.warped_grid):  # horizontal lines dark, vertical light
        axes.plot(*line.T, color=FAKE_COLOUR, linewidth=0.8, alpha=1.0 if index < half else 0.45)
    _square(axes, snapshot)


def _draw_toy_losses(axes, snapshot, last_step: int) -> None:
    steps = np.arange(1, snapshot.step + 1)
    for name, values, colour in (("D loss", snapshot.d_losses, "C0"), ("G loss", snapshot.g_losses, "C1")):
        axes.plot(steps, values, color=colour, linewidth=0.5, alpha=0.3)  # every step: noisy
        axes.plot(steps, moving_average(values, 25), color=colour, linewidth=1.5, label=f"{name} (mean of 25)")
    if snapshot.loss in ("minimax", "non_saturating"):  # cross-entropy D loss when D(x) = 1/2 everywhere
        axes.axhline(2 * np.log(2), color="grey", linestyle="--", linewidth=1, label="2 log 2")
    if not len(snapshot.d_losses):
        axes.text(0.5, 0.25, "no steps yet", transform=axes.transAxes, ha="center", color="grey")
    axes.set_xlim(0, last_step)
    axes.set_xlabel("step")

