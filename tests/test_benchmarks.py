"""The throughput benchmark runs, and its reference is Keras' own layers (no timing here)."""

import importlib.util
import re
import sys
from pathlib import Path

import keras

from ganlab import layers as ganlab_layers
from ganlab import models

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reference_models_have_keras_batch_norm_and_the_same_architecture():
    throughput = _load("train_throughput")
    ours = models.dcgan_discriminator(size=32, width=8)
    twin = throughput.with_keras_batch_norm(ours)
    norms = [layer for layer in twin.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms and not any(isinstance(layer, ganlab_layers.BatchNormalization) for layer in norms)
    assert [layer.name for layer in twin.layers] == [layer.name for layer in ours.layers]
    assert twin.count_params() == ours.count_params()


def test_benchmark_prints_every_figure_and_ratio(monkeypatch, capsys):
    throughput = _load("train_throughput")
    monkeypatch.setattr(sys, "argv", ["train_throughput.py", "--size", "32", "--width", "8",
                                      "--batch", "8", "--steps", "2"])
    assert throughput.main() == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "img/s" in line]
    assert len(lines) == 4
    rates = [float(re.search(r"([\d.]+) img/s", line).group(1)) for line in lines]
    assert all(rate > 0 for rate in rates)
    assert all(re.search(r"\d\.\d\dx", line) for line in lines[1:])
    assert keras.mixed_precision.global_policy().name == "float32"  # left as it found it
