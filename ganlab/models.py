"""Generators and discriminators: the article's networks as printed, corrected, DCGAN.

    seed_dense_generator()      the article's 14 dense layers; building it fails, as it must
    seed_conv_discriminator()   the article's 14 stride-2 convolutions; 69.8 M parameters
    dense_generator() / conv_discriminator()   the same ideas, corrected so they train
    dcgan_generator() / dcgan_discriminator()  the workhorse pair, optionally conditional

Discriminators end in a logit (no sigmoid; the losses in `ganlab.losses` take logits),
except the seed discriminator, which keeps the article's sigmoid. Output layers are
float32 under mixed precision. `ganlab.anatomy.layer_table` explains any of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import keras
from keras import layers

from ganlab.tooling import checks
from ganlab.tooling.distribute import synchronized_batch_norm  # statistics over all replicas
from ganlab.tooling.layers import BatchNormalization, MinibatchStdDev

LEAKY_SLOPE = 0.2  # tf.nn.leaky_relu's default, which the article's code relies on
SEED_GENERATOR_UNITS = (128, 256, 512, 1024, 1024, 512, 256, 128, 64, 32, 16, 8, 4)
SEED_DISCRIMINATOR_FILTERS = (64, 128, 256, 512) + (512,) * 10


def seed_dense_generator(latent_dim: int = 100, reshape: bool = True) -> keras.Model:
    """The article's generator (section 4), layer for layer: it cannot make an image.

    Thirteen dense layers (128 ... 1024, 1024 ... 4 units, leaky ReLU 0.2), a 2-unit
    tanh layer, then a reshape to 64 x 64 x 3. Each sample ends as 2 numbers and an
    image needs 12,288, so building the reshape raises Keras' own ValueError ("The
    total size of the tensor must be unchanged"). `reshape=False` builds the stack
    up to that point, to inspect it. Layer names h0 ... h13 follow the article.

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    checks.positive_integer(latent_dim, "latent_dim")
    latent = keras.Input((latent_dim,), name="latent")
    hidden = latent
    for index, units in enumerate(SEED_GENERATOR_UNITS):
        hidden = layers.Dense(units, activation="leaky_relu", name=f"h{index}")(hidden)
    output = layers.Dense(2, activation="tanh", name="h13", dtype="float32")(hidden)
    if reshape:
        output = layers.Reshape((64, 64, 3), name="output")(output)  # raises, as in the article
    return keras.Model(latent, output, name="seed_dense_generator")


def seed_conv_discriminator(size: int = 64) -> keras.Model:
    """The article's discriminator: 14 convolutions, 5x5, stride 2, same padding.

    Filters 64, 128, 256, 512, then ten more of 512, leaky ReLU 0.2, flatten, one
    sigmoid unit. At 64 x 64 the maps are 1 x 1 from layer 7 on: those eight layers
    hold 52,432,896 of the 69,848,193 parameters and only their kernels' centre tap
    ever touches data (see `ganlab.anatomy.layer_table`).

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    checks.image_size(size)
    image = keras.Input((size, size, 3), name="image")
    hidden = image
    for index, filters in enumerate(SEED_DISCRIMINATOR_FILTERS):
        hidden = layers.Conv2D(filters, 5, strides=2, padding="same", activation="leaky_relu",
                               name=f"h{index}")(hidden)
    hidden = layers.Flatten(name="flatten")(hidden)
    probability = layers.Dense(1, activation="sigmoid", name="output", dtype="float32")(hidden)
    return keras.Model(image, probability, name="seed_conv_discriminator")


def dense_generator(latent_dim: int = 100, size: int = 64,
                    hidden_units: tuple[int, ...] = (256, 512, 1024)) -> keras.Model:
    """The article's dense idea, corrected: widen (not narrow) to size * size * 3 outputs.

    Dense -> batch norm -> leaky ReLU for each hidden layer, then a tanh layer with one
    unit per pixel and colour, reshaped to an image in [-1, 1].

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    checks.positive_integer(latent_dim, "latent_dim")
    checks.image_size(size)
    latent = keras.Input((latent_dim,), name="latent")
    hidden = latent
    for index, units in enumerate(hidden_units):
        hidden = layers.Dense(units, use_bias=False, name=f"dense_{index}")(hidden)
        hidden = BatchNormalization(name=f"batch_norm_{index}", synchronized=synchronized_batch_norm())(hidden)
        hidden = layers.LeakyReLU(LEAKY_SLOPE, name=f"leaky_relu_{index}")(hidden)
    pixels = layers.Dense(size * size * 3, activation="tanh", name="pixels", dtype="float32")(hidden)
    image = layers.Reshape((size, size, 3), name="image")(pixels)
    return keras.Model(latent, image, name="dense_generator")


def conv_discriminator(size: int = 64, filters: tuple[int, ...] = (64, 128, 256, 512)) -> keras.Model:
    """The article's convolutional idea, corrected: stop at 4 x 4 and output a logit.

    As many 5x5 stride-2 convolutions as halve the image down to 4 x 4 (4 at 64 px,
    3 at 32 px), leaky ReLU 0.2, flatten, one linear unit (a logit).

    Taught in 03_dense_generator_and_conv_discriminator.ipynb.
    """
    checks.image_size(size)
    image = keras.Input((size, size, 3), name="image")
    hidden = image
    for index in range(halvings(size)):
        hidden = layers.Conv2D(filters[min(index, len(filters) - 1)], 5, strides=2, padding="same",
                               activation="leaky_relu", name=f"conv_{index}")(hidden)
    hidden = layers.Flatten(name="flatten")(hidden)
    logit = layers.Dense(1, name="logit", dtype="float32")(hidden)
    return keras.Model(image, logit, name="conv_discriminator")


def dcgan_generator(latent_dim: int = 128, size: int = 64, width: int = 32,
                    upsample: str = "transposed", conditions: Mapping[str, int] | None = None,
                    embedding_dim: int = 16) -> keras.Model:
    """DCGAN generator (Radford et al. 2016): project to 4 x 4, then double to `size`.

    Channels halve at each doubling, from width * 2^(k-1) at 4 x 4 down to `width`
    (k = log2(size / 4) doublings; width 32 at 64 px gives 256-128-64-32), with batch
    norm and ReLU; the last layer makes 3 channels with tanh.

    Args:
        upsample: "transposed" (4x4 transposed convolutions, as in the paper) or
            "nearest" (nearest-neighbour upsampling then a 3x3 convolution, which avoids
            checkerboard artefacts; Odena et al. 2016).
        conditions: attribute name -> number of classes, e.g. {"skin_tone": 7}. Each
            becomes an integer input whose embedding is joined to the latent vector.
            The model then takes a dict {"latent": z, "skin_tone": labels, ...}.

    Taught in 04_training.ipynb (first built in 03_dense_generator_and_conv_discriminator.ipynb, its
    width varied in 06_challenges.ipynb; the conditional one is loaded in chapter 07).
    """
    checks.positive_integer(latent_dim, "latent_dim")
    checks.positive_integer(width, "width")
    checks.image_size(size)
    if upsample not in ("transposed", "nearest"):
        raise ValueError(f"upsample must be 'transposed' or 'nearest'; got {upsample!r}.")
    doublings = halvings(size)
    latent = keras.Input((latent_dim,), name="latent")
    inputs, code = _join_conditions(latent, conditions, embedding_dim)
    hidden = layers.Dense(4 * 4 * width * 2 ** (doublings - 1), use_bias=False, name="project")(code)
    hidden = layers.Reshape((4, 4, width * 2 ** (doublings - 1)), name="project_reshape")(hidden)
    hidden = _norm_relu(hidden, "project")
    for index in range(doublings - 1):
        hidden = _upsample(hidden, width * 2 ** (doublings - 2 - index), upsample, f"up_{index}")
        hidden = _norm_relu(hidden, f"up_{index}")
    rgb = _upsample(hidden, 3, upsample, "to_rgb", use_bias=True)
    image = layers.Activation("tanh", name="image", dtype="float32")(rgb)
    name = "conditional_dcgan_generator" if conditions else "dcgan_generator"
    return keras.Model(inputs, image, name=name)


def dcgan_discriminator(size: int = 64, width: int = 32, normalization: str | None = "batch",
                        spectral_norm: bool = False, minibatch_stddev: bool = False,
                        conditions: Mapping[str, int] | None = None) -> keras.Model:
    """DCGAN discriminator: 4x4 stride-2 convolutions from `size` down to 4 x 4, a logit.

    Channels double from `width` (width 32 at 64 px gives 32-64-128-256), leaky ReLU 0.2.

    Args:
        normalization: "batch" (as in the DCGAN paper; not the first layer), "layer",
            or None. Use None or "layer" with a gradient penalty or R1: batch norm mixes
            the images of a batch, and those penalties are defined per image.
        spectral_norm: wrap every convolution and dense layer in Keras'
            SpectralNormalization (Miyato et al. 2018).
        minibatch_stddev: add a `MinibatchStdDev` channel before the last layers.
        conditions: attribute name -> number of classes. The logit gains a projection
            term <embedding(label), features> per attribute (Miyato & Koyama 2018),
            and the model takes a dict {"image": x, "skin_tone": labels, ...}.

    Taught in 04_training.ipynb (options: 06_challenges.ipynb).
    """
    checks.image_size(size)
    checks.positive_integer(width, "width")
    if normalization not in ("batch", "layer", None):
        raise ValueError(f"normalization must be 'batch', 'layer' or None; got {normalization!r}.")
    wrap = _spectral if spectral_norm else (lambda layer: layer)
    image = keras.Input((size, size, 3), name="image")
    hidden = image
    for index in range(halvings(size)):
        hidden = wrap(layers.Conv2D(width * 2 ** index, 4, strides=2, padding="same",
                                    name=f"conv_{index}"))(hidden)
        if index > 0 and normalization == "batch":
            hidden = BatchNormalization(name=f"batch_norm_{index}", synchronized=synchronized_batch_norm())(hidden)
        elif index > 0 and normalization == "layer":
            hidden = layers.LayerNormalization(name=f"layer_norm_{index}")(hidden)
        hidden = layers.LeakyReLU(LEAKY_SLOPE, name=f"leaky_relu_{index}")(hidden)
    if minibatch_stddev:
        hidden = MinibatchStdDev(name="minibatch_stddev")(hidden)
    features = layers.Flatten(name="features")(hidden)
    logit = wrap(layers.Dense(1, name="logit", dtype="float32"))(features)
    inputs = image
    if conditions:
        inputs, logit = _projection(image, features, logit, conditions)
    name = "conditional_dcgan_discriminator" if conditions else "dcgan_discriminator"
    return keras.Model(inputs, logit, name=name)


def has_batch_norm(model: keras.Model) -> bool:
    """Whether any layer of `model` is batch normalization (unsafe with per-image penalties).

    Used by `training.GAN`, which refuses penalties with a batch-normalised discriminator.
    """
    return any(isinstance(layer, layers.BatchNormalization) for layer in model.layers)


# ---- pieces ---------------------------------------------------------------------

def _join_conditions(latent, conditions, embedding_dim):
    """Inputs of a generator, and the code it starts from: z, or z joined to label embeddings."""
    if not conditions:
        return latent, latent
    inputs, pieces = {"latent": latent}, [latent]
    for name, classes in _check_conditions(conditions).items():
        label = keras.Input((), dtype="int32", name=name)
        inputs[name] = label
        pieces.append(layers.Embedding(classes, embedding_dim, name=f"embed_{name}")(label))
    return inputs, layers.Concatenate(name="latent_and_labels")(pieces)


def _projection(image, features, logit, conditions):
    """Projection discriminator: logit + sum over attributes of <embed(label), features>."""
    inputs, terms = {"image": image}, [logit]
    for name, classes in _check_conditions(conditions).items():
        label = keras.Input((), dtype="int32", name=name)
        inputs[name] = label
        embedded = layers.Embedding(classes, features.shape[-1], name=f"embed_{name}")(label)
        terms.append(layers.Dot(axes=1, name=f"project_{name}", dtype="float32")([embedded, features]))
    return inputs, layers.Add(name="logit_with_labels", dtype="float32")(terms)


def _upsample(hidden, filters, mode, name, use_bias=False):
    if mode == "transposed":
        return layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=use_bias,
                                      name=f"{name}_transposed_conv")(hidden)
    hidden = layers.UpSampling2D(2, interpolation="nearest", name=f"{name}_nearest")(hidden)
    return layers.Conv2D(filters, 3, padding="same", use_bias=use_bias, name=f"{name}_conv")(hidden)


def _norm_relu(hidden, name):
    hidden = BatchNormalization(name=f"{name}_batch_norm", synchronized=synchronized_batch_norm())(hidden)
    return layers.ReLU(name=f"{name}_relu")(hidden)


def _spectral(layer):
    # The wrapper computes the output, so it must keep the inner layer's precision
    # (float32 for the logit under mixed precision).
    return layers.SpectralNormalization(layer, name=f"{layer.name}_sn", dtype=layer.dtype_policy)


def halvings(size: int) -> int:
    """How many times size x size halves to 4x4: the stride-2 layers of the
    DCGAN pair (and of chapter 08's VAE encoder, which mirrors the discriminator)."""
    return int(math.log2(size // 4))


def _check_conditions(conditions: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(conditions, Mapping):
        raise ValueError(f"conditions must be a dict {{attribute: number of classes}}; got {conditions!r}.")
    for name, classes in conditions.items():
        checks.positive_integer(classes, f"conditions[{name!r}]")
    return dict(conditions)
