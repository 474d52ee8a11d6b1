"""What is inside a network: a per-layer table of shapes, parameters and what they see.

    layer_table(seed_conv_discriminator())

For each layer: its output shape, its parameters, the receptive field (how many input
pixels, per side, can influence one output value), and for convolutions how many of
the kernel's taps ever touch real data rather than padding. On a 1 x 1 map with
"same" padding only the centre tap of a 5x5 kernel does: the other 24 multiply zeros.

Taught in 03_dense_generator_and_conv_discriminator.ipynb.
"""

from __future__ import annotations

import math

import keras
from keras import layers


def layer_table(model: keras.Model):
    """A pandas DataFrame with one row per layer of a chain-shaped `model`.

    Columns: layer, kind, input_size (side of the square map it reads, None if not
    spatial), output_shape, parameters, receptive_field (pixels per side of the
    model's input that reach one output value), live_taps ("1x1 of 5x5"), and
    live_parameters (parameters that multiply real data somewhere).

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    import pandas as pd

    side, field, jump = _input_side(model), 1, 1
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        conv = _convolution(layer)
        parameters = layer.count_params()
        row = {"layer": layer.name, "kind": type(conv or layer).__name__, "input_size": side,
               "output_shape": tuple(layer.output.shape[1:]), "parameters": parameters,
               "receptive_field": None, "live_taps": None, "live_parameters": parameters}
        if conv is not None and side is not None:
            kernel, stride = conv.kernel_size[0], conv.strides[0]
            taps, out_side = live_taps(side, kernel, stride, conv.padding)
            field, jump = field + (kernel - 1) * jump, jump * stride  # r' = r + (k-1) j
            in_channels, out_channels = conv.kernel.shape[2], conv.kernel.shape[3]
            bias = out_channels if conv.use_bias else 0
            row.update(receptive_field=field, live_taps=f"{taps}x{taps} of {kernel}x{kernel}",
                       live_parameters=taps * taps * in_channels * out_channels + bias
                       + (parameters - conv.count_params()))  # wrapper weights (spectral norm)
            side = out_side
        elif len(layer.output.shape) != 4:
            side = None  # flattened: no longer a map
        elif side is not None:
            row["receptive_field"] = field
        rows.append(row)
    whole_numbers = {"input_size": "Int64", "receptive_field": "Int64"}  # None shows as <NA>
    return pd.DataFrame(rows).astype(whole_numbers)


def live_taps(side: int, kernel: int, stride: int, padding: str) -> tuple[int, int]:
    """Kernel taps (per side) that touch real input somewhere, and the output side.

    Padding as TensorFlow does it: "same" gives ceil(side / stride) outputs and puts
    the extra padding row at the end; "valid" pads nothing.

    Used by `layer_table` (chapter 03 shows its column).
    """
    if padding == "same":
        out_side = math.ceil(side / stride)
        before = max((out_side - 1) * stride + kernel - side, 0) // 2
    else:
        out_side, before = (side - kernel) // stride + 1, 0
    used = {tap for position in range(out_side) for tap in range(kernel)
            if 0 <= position * stride - before + tap < side}
    return len(used), out_side


def multiply_adds(model: keras.Model) -> int:
    """Multiply-adds to run `model` on one input: the usual measure of compute cost.

    Dense: inputs x units. Conv2D: output positions x kernel area x in x out channels.
    Conv2DTranspose: input positions x kernel area x in x out channels. (Biases,
    activations and normalization are a few percent more and are not counted.)

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    total = 0
    for layer in model.layers:
        inner = getattr(layer, "layer", layer)  # through SpectralNormalization
        if isinstance(inner, layers.Dense):
            total += inner.kernel.shape[0] * inner.kernel.shape[1]
        elif isinstance(inner, (layers.Conv2D, layers.Conv2DTranspose)):
            spatial = layer.input.shape if isinstance(inner, layers.Conv2DTranspose) else layer.output.shape
            total += spatial[1] * spatial[2] * math.prod(inner.kernel.shape)
    return int(total)


def _convolution(layer):
    """The Conv2D inside `layer` (itself, or wrapped by SpectralNormalization), else None."""
    inner = getattr(layer, "layer", layer)
    return inner if isinstance(inner, layers.Conv2D) and not isinstance(inner, layers.Conv2DTranspose) else None


def _input_side(model: keras.Model):
    shape = model.inputs[0].shape
    return shape[1] if len(shape) == 4 else None
