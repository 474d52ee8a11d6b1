"""Set-up shared by every chapter: a quiet TensorFlow import, seeds, and a report of
the machine a chapter ran on.

TensorFlow writes start-up notices (oneDNN, CUDA drivers) from C++ straight to the
process's stderr while it is imported. JupyterLab and papermill capture that stream
into the notebook, pytest does not, so a notebook saved in one and checked by nbval in
the other would differ. `setup()` imports TensorFlow with stderr pointed at /dev/null
for the import only; errors raised later still show.

Taught in 00_start_here.ipynb.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import warnings


def setup(seed: int = 0) -> None:
    """Import TensorFlow quietly, make runs repeatable from `seed`, hide known noise.

    Taught in 00_start_here.ipynb (every chapter begins with it).
    """
    import_tensorflow_quietly()
    import keras

    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators
    # Keras 3.15 calls numpy's __array__ without `copy=` when saving a model; numpy 2.4
    # warns about it, naming a file path that differs between machines.
    warnings.filterwarnings("ignore", message=r".*__array__ implementation doesn't accept a copy keyword",
                            category=DeprecationWarning)
    # Sampling from several generators in a row (chapters 04 and 05 compare three) makes
    # TensorFlow log that predict() was traced again for each new model: expected, not a fault.
    tensorflow_log = logging.getLogger("tensorflow")
    if not any(isinstance(f, _RetracingNotice) for f in tensorflow_log.filters):
        tensorflow_log.addFilter(_RetracingNotice())


class _RetracingNotice(logging.Filter):
    """Drops TensorFlow's "... triggered tf.function retracing" notice, and nothing else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def import_tensorflow_quietly() -> None:
    """Import TensorFlow and Keras without their C++ start-up lines on stderr.

    TensorFlow prints them (oneDNN, CUDA drivers, CPU features) through absl before its
    log level applies, so `TF_CPP_MIN_LOG_LEVEL` alone does not hide them; stderr is
    pointed at /dev/null for the import only. Later C++ lines below FATAL are hidden by
    the log level, set here unless the user set it. Used by `setup()` and the command line.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO, WARNING and ERROR lines
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import tensorflow  # noqa: F401  (the notices are printed by this import)
        import keras  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def keras_error(error: Exception) -> str:
    """The line of a Keras error message that says what went wrong, without the
    terminal colour codes and the "Exception encountered when calling ..." framing.

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    import re

    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(error).splitlines()]
    lines = [line for line in lines if line and not line.startswith(("Exception encountered",
                                                                     "Arguments received", "•"))]
    return lines[0] if lines else type(error).__name__


def environment_report() -> dict:
    """Versions, cores and the precision training will use on this machine.

    Taught in 00_start_here.ipynb.
    """
    import keras
    import numpy
    import tensorflow

    from ganlab.tooling import precision

    return {
        "python": platform.python_version(),
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "cpu cores": os.cpu_count(),
        "gpus": len(tensorflow.config.list_physical_devices("GPU")),
        "training precision": precision.detect_precision(),
    }


def write_results(path, results: dict) -> None:
    """Write a chapter's key numbers as JSON to `path` (the `results_path` parameter).

    For papermill runs: `papermill NN.ipynb out.ipynb -p results_path run.json` leaves
    the numbers in a file a script can read. Nothing is written when `path` is None.

    Taught in 00_start_here.ipynb (every chapter ends with it).
    """
    if path is None:
        return
    import json
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=2, default=float) + "\n", encoding="utf-8")


def load_experiment(name: str, folder=None) -> tuple[dict, "np.ndarray"]:
    """The record and the sample grid (RGB floats) that `benchmarks/experiments.py NAME` wrote.

    `folder` defaults to the records shipped with the course (data/experiments in a
    checkout, or inside the installed package). Taught in 06_challenges.ipynb.
    """
    import json
    from pathlib import Path

    import matplotlib.pyplot as plt

    from ganlab.tooling import shipped

    folder = shipped.DATA / "experiments" if folder is None else Path(folder)
    if not (folder / f"{name}.json").is_file():
        raise FileNotFoundError(f"no recorded experiment {name!r} in {folder}; make it with "
                                f"`python benchmarks/experiments.py {name}`.")
    record = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return record, plt.imread(folder / f"{name}.png")


def load_record(name: str):
    """A benchmark's record that the chapters quote (data/records/NAME.json), as JSON:
    "time_to_quality" (benchmarks/time_to_quality.py) or "recipes" (benchmarks/recipes.py).

    Taught in 04_training.ipynb.
    """
    import json

    from ganlab.tooling import shipped

    path = shipped.DATA / "records" / f"{name}.json"
    if not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.json"))
        raise FileNotFoundError(f"no record {name!r} in {path.parent}; the records are: {', '.join(known)}.")
    return json.loads(path.read_text(encoding="utf-8"))


def metrics_row(record: dict) -> dict:
    """One table row of a recorded experiment: steps, minutes and its metrics. Taught in 06_challenges.ipynb."""
    m = record["metrics"]
    return {"steps": record["steps"], "minutes": record["minutes"], "Avatar-FID": m["avatar_fid"],
            "KID": m["kid_mean"], "precision": m["precision"], "recall": m["recall"],
            "classes produced": m["classes_produced"], "total variation": m["total_variation"]}
