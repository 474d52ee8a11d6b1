"""Datasets for the course: generated avatars (cached), the learner's own images, tf.data.

    avatars = load_avatars(n=10_000, size=64, seed=0)   # renders once, then reloads
    avatars.images            # uint8 [n, 64, 64, 3]
    avatars.table()           # one row per avatar, attribute names as categories
    dataset = avatars.tf_dataset(batch_size=64)         # float32 in [-1, 1]

Taught in 00_start_here.ipynb.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import metadata
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ganlab import avatars as artwork
from ganlab.avatars import ATTRIBUTE_NAMES, ATTRIBUTES
from ganlab.folder import load_image_folder  # noqa: F401  (re-exported: the course reads folders through data)
from ganlab.tooling import checks

# Bump when a change to sampling or rendering changes pixels or labels: old caches
# are then ignored instead of silently reused.
DATASET_VERSION = 2  # 2: hair:hat and hair:astronaut are labelled as headwear
_CHUNK = 64  # avatars per task sent to a worker process


@dataclasses.dataclass
class AvatarDataset:
    """Rendered avatars with their attributes.

    Attributes:
        images: uint8 [n, size, size, 3], RGB.
        labels: int16 [n, len(ATTRIBUTE_NAMES)], column j is attribute ATTRIBUTE_NAMES[j].
        seed: the seed they were drawn from.
        probabilities: attribute -> class probabilities they were drawn with.
    """

    images: np.ndarray
    labels: np.ndarray
    seed: int
    probabilities: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.images)

    @property
    def size(self) -> int:
        return self.images.shape[1]

    def label(self, attribute: str) -> np.ndarray:
        """Integer labels [n] of one attribute; class names are ATTRIBUTES[attribute]."""
        if attribute not in ATTRIBUTES:
            raise ValueError(f"unknown attribute {attribute!r}; known: {list(ATTRIBUTE_NAMES)}")
        return self.labels[:, ATTRIBUTE_NAMES.index(attribute)].astype(np.int64)

    def visible(self, attribute: str) -> np.ndarray:
        """Boolean mask [n]: can `attribute` be seen in each image (see avatars.visible)."""
        return artwork.visible(attribute, self.labels)

    def table(self):
        """A pandas DataFrame, one row per avatar, each attribute a categorical column."""
        import pandas as pd

        return pd.DataFrame({
            name: pd.Categorical.from_codes(self.label(name), categories=list(ATTRIBUTES[name]))
            for name in ATTRIBUTE_NAMES
        })

    def tf_dataset(self, batch_size: int = 64, attributes: Sequence[str] = (), **options):
        """A tf.data pipeline of these images (and labels of `attributes`, if any).

        See `ganlab.tooling.batches.make_tf_dataset` for the options.
        """
        from ganlab.tooling.batches import make_tf_dataset  # here: rendering and caching need no TensorFlow

        if isinstance(attributes, str):
            attributes = [attributes]
        labels = {name: self.label(name) for name in attributes}
        return make_tf_dataset(self.images, labels or None, batch_size=batch_size, **options)


def load_avatars(n: int = 10_000, size: int = 64, seed: int = 0,
                 weights: Mapping[str, object] | None = None, *,
                 cache_dir: str | os.PathLike | None = None, workers: int | None = None,
                 progress: bool = True) -> AvatarDataset:
    """Generate `n` avatars from `seed`, or reload them from the cache if made before.

    Same arguments, same pixels and labels, on any run and any number of workers.

    Args:
        n: number of avatars (> 0).
        size: image side in pixels, one of `ganlab.tooling.checks.SUPPORTED_SIZES` (32, 64).
        seed: any non-negative integer.
        weights: attribute distribution, e.g. {"skin_tone": {"pale": 9, "black": 1}};
            see `ganlab.avatars.normalize_weights`.
        cache_dir: where rendered sets are kept; default `default_cache_dir()`.
            None of the cache is needed: delete it and it is rebuilt.
        workers: processes that render; default one per CPU core.
        progress: show a progress bar while rendering.

    Taught in 00_start_here.ipynb.
    """
    if _starting_a_worker():
        raise SystemExit  # quietly; the parent process renders on one core instead
    checks.positive_integer(n, "n")
    checks.image_size(size)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}.")
    probabilities = artwork.normalize_weights(weights)
    path = cache_path(n, size, int(seed), probabilities, cache_dir)
    cached = _read_cache(path, n, size)
    if cached is not None:
        return AvatarDataset(cached[0], cached[1], int(seed), probabilities)
    _prepare_folder(path.parent)  # fail now, not after minutes of rendering
    labels = artwork.sample_labels(n, int(seed), probabilities)
    images = render_avatars(labels, size, workers=workers, progress=progress)
    _write_cache(path, images, labels)
    return AvatarDataset(images, labels, int(seed), probabilities)


def render_avatars(labels: np.ndarray, size: int, *, workers: int | None = None,
                   progress: bool = True) -> np.ndarray:
    """Render avatars for a label array [n, A] into uint8 [n, size, size, 3].

    Uses `workers` processes (default: one per core). Worker processes are started
    fresh ("spawn"), never forked, so this is safe after TensorFlow was imported.
    """
    workers = (os.cpu_count() or 1) if workers is None else workers
    checks.positive_integer(workers, "workers")
    chunks = [labels[start:start + _CHUNK] for start in range(0, len(labels), _CHUNK)]
    images = np.empty((len(labels), size, size, 3), dtype=np.uint8)
    # In a log file (no terminal) redraw rarely: every redraw there is a new line of text.
    bar = tqdm(total=len(labels), desc=f"rendering {size}x{size} avatars", unit="img",
               disable=not progress, mininterval=0.1 if _interactive() else 10.0)
    if workers > 1 and len(chunks) > 1 and _main_is_unreadable():
        warnings.warn("this script was read from standard input, so no worker process can start; "
                      "rendering on one core.", stacklevel=3)
        workers = 1
    if workers == 1 or len(chunks) == 1:
        _collect(map(_render_chunk, chunks, [size] * len(chunks)), images, bar)
    else:
        try:
            _render_in_processes(chunks, size, workers, images, bar)
        except BrokenProcessPool:
            warnings.warn(_NO_WORKERS, stacklevel=3)
            bar.reset()
            _collect(map(_render_chunk, chunks, [size] * len(chunks)), images, bar)
    bar.close()
    return images


_NO_WORKERS = (
    "could not start worker processes, most likely because this script calls ganlab "
    "without an `if __name__ == \"__main__\":` guard, which parallel rendering needs. "
    "Rendering on one core instead (about half the speed). Put the script's code under "
    "that guard, or pass workers=1 to render on one core without this warning.")


def _render_in_processes(chunks, size, workers, images, bar) -> None:
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        _collect(pool.map(_render_chunk, chunks, [size] * len(chunks)), images, bar)
    finally:
        # On an interrupt (Ctrl-C, the notebook's stop button) drop the queued chunks
        # instead of rendering them all before the interrupt gets through.
        pool.shutdown(wait=True, cancel_futures=True)


def _main_is_unreadable() -> bool:
    """A main script that a spawned worker cannot re-read (`python - < script.py`)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return getattr(main, "__spec__", None) is None and path is not None and not os.path.isfile(path)


def _starting_a_worker() -> bool:
    """True while a spawned worker re-runs the main script that started it.

    A script without an `if __name__ == "__main__":` guard then calls load_avatars
    again, inside the worker. multiprocessing marks this start-up phase with the same
    flag (it checks it in `spawn._check_not_importing_main`).
    """
    return getattr(multiprocessing.current_process(), "_inheriting", False)


def _interactive() -> bool:
    """A terminal or a notebook (where tqdm.auto draws a widget), not a log file."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def _collect(rendered, images: np.ndarray, bar) -> None:
    start = 0
    for chunk in rendered:
        images[start:start + len(chunk)] = chunk
        start += len(chunk)
        bar.update(len(chunk))


def _render_chunk(label_rows: np.ndarray, size: int) -> np.ndarray:
    return np.stack([artwork.render_avatar(row, size) for row in label_rows])


# ---- cache ------------------------------------------------------------------------

def default_cache_dir() -> Path:
    """`$GANLAB_CACHE`, else `data/cache` in a source checkout, else `~/.cache/ganlab`."""
    if os.environ.get("GANLAB_CACHE"):
        return Path(os.environ["GANLAB_CACHE"])
    from ganlab.tooling import shipped

    if shipped.IN_CHECKOUT:
        return shipped.CHECKOUT_DATA / "cache"
    return Path.home() / ".cache" / "ganlab"


def cache_path(n: int, size: int, seed: int, probabilities: Mapping[str, np.ndarray],
               cache_dir: str | os.PathLike | None = None) -> Path:
    """The cache file for these arguments; its name changes with anything that changes pixels."""
    recipe = {
        "version": DATASET_VERSION,
        "python_avatars": metadata.version("python-avatars"),
        "resvg_py": metadata.version("resvg-py"),
        "attributes": ATTRIBUTES,
        "probabilities": {k: np.round(v, 12).tolist() for k, v in sorted(probabilities.items())},
    }
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:10]
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return folder / f"avatars-{size}px-n{n}-seed{seed}-{digest}.npz"


def _read_cache(path: Path, n: int, size: int):
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            images, labels = stored["images"], stored["labels"]
        if images.shape != (n, size, size, 3) or labels.shape != (n, len(ATTRIBUTE_NAMES)):
            raise ValueError(f"unexpected shapes {images.shape} and {labels.shape}")
        return images, labels
    except Exception as error:  # a damaged cache is only a cache: rebuild it
        warnings.warn(f"ignoring damaged avatar cache {path.name} ({error}); rendering again.",
                      stacklevel=3)
        return None


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise NotADirectoryError(f"cache folder {str(folder)!r} cannot be created: a file is in "
                                 "the way. Pass another cache_dir (or --cache-dir).") from None


def _write_cache(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """Write to a temporary name, then rename: a killed run never leaves half a file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as file:
        np.savez(file, images=images, labels=labels)  # uncompressed: reloads in ~0.1 s
    os.replace(partial, path)


def to_uint8(images) -> np.ndarray:
    """Undo the [-1, 1] scaling: float images -> uint8 [0, 255] (clipped, rounded).

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    array = np.asarray(images, dtype=np.float32)
    return np.clip(np.rint((array + 1.0) * 127.5), 0, 255).astype(np.uint8)
