"""`python -m ganlab export`: each format gives the Keras generator's images, loaded the
way a user outside ganlab loads it (keras.saving.load_model, tf.saved_model.load,
onnxruntime), within export.TOLERANCE per pixel."""

import json

import numpy as np
import pytest

from ganlab import recipes
from ganlab.tooling import cli, export, shipped

SHIPPED = shipped.DATA / "generator"
CONDITIONAL = shipped.DATA / "conditional_generator"
OUT = {"keras": "generator.keras", "savedmodel": "generator_savedmodel", "onnx": "generator.onnx"}


@pytest.mark.parametrize("format", list(export.FORMATS))
def test_each_format_gives_the_keras_generators_images(tmp_path, format):
    out = tmp_path / OUT[format]
    card = export.export_generator(SHIPPED, out, format)
    assert out.exists() and json.loads(export.card_path(out).read_text()) == card
    assert card["check"]["max_abs_difference"] <= export.TOLERANCE
    assert list(card["inputs"]) == ["latent"] and card["labels"] == {}
    assert card["output"]["shape"] == [None, 64, 64, 3]

    generator = recipes.load_generator(SHIPPED)
    latent = np.random.default_rng(11).normal(size=(5, 128)).astype("float32")  # not the export's own check
    expected = generator.predict(latent, verbose=0)
    images = export.run_exported(out, format, latent)
    assert images.shape == (5, 64, 64, 3)
    assert np.abs(images - expected).max() <= export.TOLERANCE
    assert images.std() > 0.1  # avatars, not a constant


def test_a_conditional_export_takes_labels_by_index_and_they_take_effect(tmp_path):
    out = tmp_path / "conditional.onnx"
    card = export.export_generator(CONDITIONAL, out, "onnx")
    assert list(card["inputs"]) == ["latent", "skin_tone", "hair_color", "accessory"]
    assert card["labels"]["skin_tone"][4] == "brown" and len(card["labels"]["accessory"]) == 10

    generator = recipes.load_generator(CONDITIONAL)
    latent = np.random.default_rng(3).normal(size=(4, 128)).astype("float32")
    for chosen in ({"skin_tone": "brown", "accessory": "sunglasses"}, {"skin_tone": "pale", "accessory": "none"}):
        labels = recipes.labels_by_name(generator, chosen, 4, seed=1)
        inputs = {"latent": latent, **labels}
        images = export.run_exported(out, "onnx", inputs)
        assert np.abs(images - generator.predict(inputs, verbose=0)).max() <= export.TOLERANCE
    brown = export.run_exported(out, "onnx", {"latent": latent, **recipes.labels_by_name(
        generator, {"skin_tone": "brown"}, 4, seed=1)})
    pale = export.run_exported(out, "onnx", {"latent": latent, **recipes.labels_by_name(
        generator, {"skin_tone": "pale"}, 4, seed=1)})
    assert np.abs(brown - pale).mean() > 0.02  # the same noise, another skin tone: another picture


def test_the_command_exports_checks_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "g.onnx"
    assert cli.main(["export", "--checkpoint", str(SHIPPED), "--format", "onnx", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "checked: the same 16 images as the Keras generator" in printed and "g.onnx.json" in printed
    written = out.read_bytes()
    for args, message in (
        (["--format", "onnx", "--out", str(out)], "already exists; give another --out"),
        (["--format", "onnx", "--out", str(tmp_path / "g.keras")], "one file, ending in .onnx"),
        (["--format", "savedmodel", "--out", str(tmp_path / "g.onnx2.keras")], "a SavedModel is a folder"),
    ):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["export", "--checkpoint", str(SHIPPED), *args])
        assert stopped.value.code == 2 and message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["export", "--checkpoint", str(tmp_path / "missing.npz"), "--format", "keras",
                  "--out", str(tmp_path / "m.keras")])
    assert "does not exist" in capsys.readouterr().err
    assert out.read_bytes() == written, "nothing overwritten"
    assert not (tmp_path / "m.keras").exists()
