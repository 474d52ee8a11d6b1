"""What a GAN run writes while it trains: checkpoints, sample grids, the loss history.

All of them go into one run folder:

    run/checkpoint-00001200.npz   (the newest two)
    run/samples/step-00001200.png (a grid from fixed latent vectors; frames for an animation)
    run/samples/latest.png
    run/losses.csv, run/losses.png

Taught in 04_training.ipynb.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import keras
import numpy as np
from PIL import Image

from ganlab import data, plots
from ganlab.tooling import checkpoints


def current_step(gan) -> int:
    """Generator updates so far: the run's step count (restored with a checkpoint)."""
    return int(np.asarray(gan.generator_optimizer.iterations))


class Checkpointer(keras.callbacks.Callback):
    """Save a checkpoint every `every` steps and when training ends."""

    def __init__(self, folder, every: int, config: dict | None = None):
        super().__init__()
        self.folder, self.every, self.config = Path(folder), every, config

    def on_train_batch_end(self, batch, logs=None):
        step = current_step(self.model)
        if step % self.every == 0:
            checkpoints.save_checkpoint(self.model, self.folder, step, self.config)

    def on_train_end(self, logs=None):
        step = current_step(self.model)
        if not (self.folder / checkpoints.PATTERN.format(step=step)).exists():
            checkpoints.save_checkpoint(self.model, self.folder, step, self.config)


class SampleGrid(keras.callbacks.Callback):
    """Every `every` steps, a grid of images from the same latent vectors (and labels).

    Watching the same latent vectors over time shows learning, and mode collapse, as
    faces that change or stop changing. Frames are kept as samples/step-<step>.png, and
    when training ends they are joined into samples/training.gif.
    """

    def __init__(self, folder, latent: np.ndarray, every: int, labels: dict | None = None,
                 columns: int = 8):
        super().__init__()
        self.folder = Path(folder) / "samples"
        self.latent, self.labels, self.every, self.columns = latent, labels or {}, every, columns

    def on_train_batch_end(self, batch, logs=None):
        step = current_step(self.model)
        if step % self.every == 0:
            self.write(step)

    def on_train_end(self, logs=None):
        self.write(current_step(self.model))
        plots.save_animation(sorted(self.folder.glob("step-*.png")), self.folder / "training.gif")

    def write(self, step: int) -> Path:
        inputs = {"latent": self.latent, **self.labels} if self.labels else self.latent
        images = np.asarray(self.model(keras.ops.convert_to_tensor(inputs) if not self.labels
                                       else {k: keras.ops.convert_to_tensor(v) for k, v in inputs.items()}))
        grid = data.to_uint8(images)
        scale = 2 if grid.shape[1] <= 32 else 1  # 32 px faces are too small to judge at 1x
        path = plots.save_image_grid(grid, self.folder / f"step-{step:08d}.png", self.columns, scale)
        plots.save_image_grid(grid, self.folder / "latest.png", self.columns, scale)
        return path


class LossHistory(keras.callbacks.Callback):
    """Append each step's numbers to losses.csv; draw losses.png when training ends.

    On a resumed run, rows after the restored step (written after the last checkpoint,
    before the run was stopped) are dropped first, so every step appears once.
    """

    COLUMNS = ("step", "d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, folder, start_step: int = 0):
        super().__init__()
        self.path = Path(folder) / "losses.csv"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = [row for row in read_losses(self.path) if row["step"] <= start_step]
        with open(self.path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(self.COLUMNS)
            writer.writerows([[row[name] for name in self.COLUMNS] for row in kept])

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        with open(self.path, "a", newline="", encoding="utf-8") as file:
            csv.writer(file, lineterminator="\n").writerow(
                [current_step(self.model)] + [f"{float(logs.get(name, np.nan)):.6g}" for name in self.COLUMNS[1:]])

    def on_train_end(self, logs=None):
        plots.save_loss_curves(read_losses(self.path), self.path.with_suffix(".png"))


class TensorBoardLog(keras.callbacks.Callback):
    """Each step's numbers as TensorBoard scalars, and each sample grid as an image, in
    <run_dir>/tensorboard (`tensorboard --logdir runs/`). Put it after SampleGrid, whose
    PNG of a step it reads rather than generating the grid twice."""

    def __init__(self, folder, every: int):
        super().__init__()
        self.folder, self.every, self.writer = Path(folder), every, None

    def on_train_begin(self, logs=None):
        import tensorflow as tf

        self.writer = tf.summary.create_file_writer(str(self.folder / "tensorboard"))

    def on_train_batch_end(self, batch, logs=None):
        import tensorflow as tf

        step = current_step(self.model)
        with self.writer.as_default(step=step):
            for name in LossHistory.COLUMNS[1:]:
                if name in (logs or {}):
                    tf.summary.scalar(name, float(logs[name]))
            frame = self.folder / "samples" / f"step-{step:08d}.png"
            if step % self.every == 0 and frame.exists():
                with Image.open(frame) as picture:
                    tf.summary.image("samples", np.asarray(picture.convert("RGB"))[None])

    def on_train_end(self, logs=None):
        self.writer.close()


def read_losses(path) -> list[dict]:
    """Rows of a losses.csv as dicts of numbers (an empty list if there is none).

    Taught in 04_training.ipynb.
    """
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as file:
        for row in csv.DictReader(file):
            try:
                rows.append({key: (int(value) if key == "step" else float(value))
                             for key, value in row.items()})
            except (TypeError, ValueError):
                continue  # a line cut short by a kill mid-write
    return rows


class ProgressBar(keras.callbacks.Callback):
    """A tqdm.auto bar over the run's steps with the latest losses: a widget in a notebook,
    a text bar in a terminal. When training ends it also prints one summary line, which
    stays readable where the bar does not (a saved notebook viewed without its widgets)."""

    def __init__(self, total: int | None, initial: int = 0):
        super().__init__()
        self.total, self.initial, self.bar = total, initial, None
        self.started, self.logs = 0.0, {}

    def on_train_begin(self, logs=None):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=self.total, initial=self.initial, unit="step", desc="training")
        self.started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.logs = logs or {}
        self.bar.set_postfix({name: f"{float(self.logs[name]):.3f}" for name in ("d_loss", "g_loss")
                              if name in self.logs}, refresh=False)
        self.bar.update(1)

    def on_train_end(self, logs=None):
        self.bar.close()
        done = self.bar.n - self.initial
        seconds = time.perf_counter() - self.started
        losses = "".join(f", {name} {float(self.logs[name]):.3f}" for name in ("d_loss", "g_loss")
                         if name in self.logs)
        print(f"trained steps {self.initial + 1}-{self.bar.n} in {seconds:.0f} s "
              f"({done / max(seconds, 1e-9):.1f} steps/s){losses}", flush=True)


class TimeBudget(keras.callbacks.Callback):
    """Stop training after `seconds` of wall time (checked after every step).

    In a multi-worker run the workers vote every `every` steps, and all stop when one's
    time is up: a worker that stopped alone would leave the others waiting for it.
    """

    def __init__(self, seconds: float, strategy=None, every: int = 10):
        super().__init__()
        self.seconds, self.started, self.strategy, self.every = seconds, None, strategy, every

    def on_train_begin(self, logs=None):
        import time

        self.started = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        import time

        from ganlab.tooling import distribute

        over = time.monotonic() - self.started >= self.seconds
        if self.strategy is not None and distribute.is_multi_worker(self.strategy):
            if current_step(self.model) % self.every:
                return
            over = distribute.agree(self.strategy, over)
        if over:
            self.model.stop_training = True
