"""Checkpoints of a GAN run: everything needed to carry on exactly where it stopped.

A checkpoint holds every variable of the GAN (generator, discriminator, EMA copy, the
noise seed's state) and of both optimizers (their step counts and moment estimates),
plus the step. The data position needs no saving: `batches.step_batches` makes the
batch of step s from s alone. Files are written under a temporary name and then
renamed, so a run killed at any moment (even with kill -9) leaves either the old
checkpoint or the new one, never half a file.

Taught in 04_training.ipynb.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

PATTERN = "checkpoint-{step:08d}.npz"
KEEP = 2  # the newest two, in case the newest was being read when the machine died


def state_variables(gan) -> list:
    """The GAN's variables and both optimizers', in a fixed order, each once."""
    seen, ordered = set(), []
    for variable in [*gan.variables, *gan.generator_optimizer.variables,
                     *gan.discriminator_optimizer.variables]:
        if id(variable) not in seen:
            seen.add(id(variable))
            ordered.append(variable)
    return ordered


def save_checkpoint(gan, folder: str | os.PathLike, step: int, config=None) -> Path:
    """Write checkpoint-<step>.npz atomically into `folder`; keep the newest two.

    `config`: the run's `recipes.RunConfig` (stored as its `to_dict()`) or any JSON dict.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    variables = state_variables(gan)
    arrays = {f"v{index:04d}": np.asarray(variable) for index, variable in enumerate(variables)}
    config = config.to_dict() if hasattr(config, "to_dict") else (config or {})
    meta = {"step": int(step), "config": config,
            "variables": [[variable.path, list(np.shape(arrays[f"v{index:04d}"]))]
                          for index, variable in enumerate(variables)]}
    path = folder / PATTERN.format(step=step)
    partial = folder / f".{path.name}.partial"
    with open(partial, "wb") as file:
        np.savez(file, meta=np.array(json.dumps(meta)), **arrays)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
    for old in checkpoints(folder)[:-KEEP]:
        old.unlink(missing_ok=True)
    return path


def checkpoints(folder: str | os.PathLike) -> list[Path]:
    """The finished checkpoints in `folder`, oldest first.

    Taught in 04_training.ipynb.
    """
    folder = Path(folder)
    return sorted(folder.glob("checkpoint-*.npz")) if folder.is_dir() else []


def latest_checkpoint(folder: str | os.PathLike) -> Path | None:
    """The newest finished checkpoint in `folder`, or None if there is none.

    Taught in 04_training.ipynb.
    """
    found = checkpoints(folder)
    return found[-1] if found else None


def read_meta(path: str | os.PathLike) -> dict:
    """The step, the run's settings and the variable list stored in a checkpoint.

    Taught in 04_training.ipynb.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {str(path)!r} does not exist.")
    try:
        with np.load(path, allow_pickle=False) as stored:
            return json.loads(str(stored["meta"]))
    except Exception as error:
        raise ValueError(f"{path.name} is not a readable ganlab checkpoint ({error}).") from None


def restore_checkpoint(gan, path: str | os.PathLike) -> int:
    """Load a checkpoint into `gan` (built and compiled the same way); returns its step.

    Raises FileNotFoundError if it is missing and ValueError if it was written by a
    different setup (other sizes, widths, loss options or optimizers), naming the first
    variable that does not fit.
    """
    meta = read_meta(path)
    variables = state_variables(gan)
    stored = meta["variables"]
    if len(stored) != len(variables):
        raise ValueError(f"{Path(path).name} holds {len(stored)} variables but this GAN has "
                         f"{len(variables)}: it was written by a different setup. Rebuild the GAN "
                         "with the run's settings, or start a new run folder.")
    with np.load(path, allow_pickle=False) as arrays:
        values = [arrays[f"v{index:04d}"] for index in range(len(variables))]
    for variable, (stored_path, shape), value in zip(variables, stored, values):
        if tuple(shape) != tuple(variable.shape):
            raise ValueError(f"{Path(path).name} does not fit this GAN: {stored_path} has shape "
                             f"{tuple(shape)} there but {variable.path} has {tuple(variable.shape)} "
                             "here. Rebuild the GAN with the run's settings, or start a new run folder.")
    for variable, value in zip(variables, values):
        variable.assign(value)
    return int(meta["step"])
