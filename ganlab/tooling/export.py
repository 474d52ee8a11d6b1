"""A trained generator, exported for use outside ganlab.

    export_generator("data/generator", "runs/export/generator.onnx", "onnx")

Three formats, each written by Keras' own saving and export (`Model.save`,
`Model.export`), so nothing here converts a network by hand:

  keras       one `.keras` file: the Keras model itself (`keras.saving.load_model`)
  savedmodel  a TensorFlow SavedModel folder with a `serve` function (TensorFlow Serving,
              TFLite's converter, `tf.saved_model.load`)
  onnx        one `.onnx` file (Keras' export through tf2onnx): onnxruntime in Python, C++,
              or in a web browser (onnxruntime-web; the avatar maker page uses it)

Every export is loaded back at once and run on the same noise as the Keras generator;
the largest difference per pixel is printed and written to the card beside it
(`<file>.json`), with the inputs the model takes, the class names of its labels, and
what its output means.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

FORMATS = {"keras": ".keras", "savedmodel": "", "onnx": ".onnx"}  # format -> file suffix ("" is a folder)
TOLERANCE = 1e-4  # largest difference per pixel (images in [-1, 1]) an export may show against Keras
CHECK_IMAGES = 16


def default_path(format: str) -> Path:
    """Where `python -m ganlab export` writes a format when no --out is given."""
    _check_format(format)
    return Path("runs/export") / ("generator_savedmodel" if format == "savedmodel" else f"generator{FORMATS[format]}")


def export_generator(source, out, format: str) -> dict:
    """Export the generator at `source` (a run checkpoint, a .keras file or a shipped
    generator's folder, as `recipes.load_generator` reads them) to `out` in `format`.

    The generator is rebuilt in float32 whatever precision it trained in, so that the
    export runs anywhere. `out` must not exist yet (nothing is overwritten). Returns the
    card that is also written to `<out>.json`.

    Raises:
        ValueError: unknown format, a file name that does not fit it, `out` exists, or
            the exported model gives other images than the Keras one.
    """
    from ganlab import recipes
    from ganlab.tooling import precision

    _check_format(format)
    out = Path(out)
    _check_out(out, format)
    with precision.dtype_policy("float32"):
        generator = recipes.load_generator(source)
    if generator.dtype_policy.name != "float32":  # a .keras file keeps the policy it was saved with
        raise ValueError(f"{str(source)!r} computes in {generator.dtype_policy.name}; export its run's "
                         "checkpoint (.npz) or a shipped folder instead, which are rebuilt in float32.")
    inputs = check_inputs(generator, CHECK_IMAGES)
    expected = np.asarray(generator.predict(inputs, verbose=0))  # also a first call, which Keras' export needs
    out.parent.mkdir(parents=True, exist_ok=True)
    if format == "keras":
        generator.save(out)
    else:
        with warnings.catch_warnings():  # Keras' tf2onnx bridge asks numpy about np.object, which warns
            warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)
            generator.export(str(out), format={"savedmodel": "tf_saved_model", "onnx": "onnx"}[format],
                             verbose=False)
    difference = float(np.abs(run_exported(out, format, inputs) - expected).max())
    if not difference <= TOLERANCE:
        raise ValueError(f"the exported {format} model gives other images than the Keras generator "
                         f"(largest difference {difference:.2g} per pixel, more than {TOLERANCE:g}); "
                         "please report this with the versions of keras, tensorflow and tf2onnx.")
    card = _card(generator, out, format, source, difference)
    card_path(out).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def card_path(out) -> Path:
    """The card written beside an export: generator.onnx -> generator.onnx.json."""
    out = Path(out)
    return out.with_name(out.name + ".json")


def check_inputs(generator, n: int, seed: int = 0):
    """n latent vectors (and, for a conditional generator, labels covering its classes):
    the inputs an export is compared on."""
    from ganlab import recipes

    latent_dim = (generator.input["latent"] if isinstance(generator.input, dict) else generator.input).shape[-1]
    latent = np.random.default_rng(seed).normal(size=(n, latent_dim)).astype("float32")
    labels = recipes.balanced_labels(generator, n, seed)
    return {"latent": latent, **labels} if labels else latent


def run_exported(path, format: str, inputs) -> np.ndarray:
    """Images from an exported generator, loaded the way a user outside ganlab would
    load it: keras.saving.load_model, tf.saved_model.load, onnxruntime."""
    _check_format(format)
    path = Path(path)
    if format == "keras":
        import keras

        return np.asarray(keras.saving.load_model(path, compile=False).predict(inputs, verbose=0))
    if format == "savedmodel":
        import tensorflow as tf

        loaded = tf.saved_model.load(str(path))  # kept: its serve function needs the object alive
        return np.asarray(loaded.serve(inputs))
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feed = inputs if isinstance(inputs, dict) else {session.get_inputs()[0].name: inputs}
    return session.run(None, {name: np.asarray(value) for name, value in feed.items()})[0]


def _card(generator, out: Path, format: str, source, difference: float) -> dict:
    from ganlab import recipes
    from ganlab.avatars import ATTRIBUTES

    conditions = recipes.conditions_of(generator)
    latent_dim = (generator.input["latent"] if conditions else generator.input).shape[-1]
    inputs = {"latent": {"shape": [None, int(latent_dim)], "dtype": "float32",
                         "meaning": "noise: standard normal numbers, one row per image"}}
    inputs.update({name: {"shape": [None], "dtype": "int32", "meaning": f"class index of {name}, 0 to {classes - 1}"}
                   for name, classes in conditions.items()})
    size = int(generator.output.shape[1])
    return {"format": format, "file": out.name, "source": str(source),
            "inputs": inputs,
            "labels": {name: list(ATTRIBUTES[name]) for name in conditions},
            "output": {"shape": [None, size, size, 3], "dtype": "float32",
                       "meaning": "RGB images in [-1, 1] (tanh); (x + 1) * 127.5 gives 0-255"},
            "check": {"images": CHECK_IMAGES, "max_abs_difference": difference, "tolerance": TOLERANCE}}


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}.")


def _check_out(out: Path, format: str) -> None:
    suffix = FORMATS[format]
    if suffix and out.suffix != suffix:
        raise ValueError(f"the {format} format writes one file, ending in {suffix}; got {str(out)!r}.")
    if not suffix and out.suffix in (".keras", ".onnx", ".h5"):
        raise ValueError(f"a SavedModel is a folder; give a folder name, not {str(out)!r}.")
    for path in (out, card_path(out)):
        if path.exists():
            raise ValueError(f"{str(path)!r} already exists; give another --out, or delete it first "
                             "(an export never overwrites).")
