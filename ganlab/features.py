"""The avatar feature network: a small attribute classifier whose features define Avatar-FID.

FID needs a network that turns an image into a feature vector. The usual one,
Inception-v3, needs weights from the internet and knows nothing of cartoon avatars.
We train our own: a compact CNN that predicts the avatars' attributes (skin tone,
hair, hat, glasses, clothes, ...). Its pooled features before the attribute heads are
what Avatar-FID compares, in the same spirit as MNIST papers that compute FID with a
trained LeNet. The numbers are NOT comparable with Inception-FID from papers.

    network = load_feature_network()            # the weights shipped in data/feature_network/
    features = extract_features(network, images)  # [n, 256]
    predicted = predict_attributes(network, images)

Taught in 05_evaluating_gans.ipynb.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ganlab.tooling import shipped
from ganlab.tooling.batches import to_unit_range

# The attributes the network learns. Colours are learned only where visible.
FEATURE_ATTRIBUTES = ("skin_tone", "hair_color", "top", "hat", "accessory", "facial_hair",
                      "facial_hair_color", "clothing", "clothing_color", "eyes", "eyebrows",
                      "mouth", "background")
INPUT_SIZE = 64
WIDTH = 32  # channels of the first block; 32-64-128-256
FEATURE_DIM = 8 * WIDTH
FOLDER = shipped.DATA / "feature_network"
WEIGHTS = "avatar_features.weights.h5"
REBUILD = "python -m ganlab features --train"


def build_feature_network():
    """The classifier: four conv blocks (32-64-128-256 channels), global average pooling
    to a 256-number feature vector, then one linear head (logits) per attribute.

    Input: float images in [-1, 1], 64 x 64. Output: {attribute: logits}.
    """
    import keras
    from keras import layers

    from ganlab.avatars import ATTRIBUTES

    image = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name="image")
    hidden = layers.GaussianNoise(0.05, name="train_noise")(image)  # robustness to GAN grain
    # One convolution per block at full and half resolution (where they cost most), two at
    # 16 x 16: about 100 M multiply-adds per image, so it trains in minutes on 2 cores.
    for block, convolutions in enumerate((1, 1, 2, 1)):
        for index in range(convolutions):
            hidden = layers.Conv2D(WIDTH * 2 ** block, 3, padding="same", use_bias=False,
                                   name=f"block{block}_conv{index}")(hidden)
            hidden = layers.BatchNormalization(name=f"block{block}_bn{index}")(hidden)
            hidden = layers.ReLU(name=f"block{block}_relu{index}")(hidden)
        hidden = layers.MaxPooling2D(2, name=f"block{block}_pool")(hidden)
    features = layers.GlobalAveragePooling2D(name="features")(hidden)
    heads = {name: layers.Dense(len(ATTRIBUTES[name]), name=name, dtype="float32")(features)
             for name in FEATURE_ATTRIBUTES}
    return keras.Model(image, heads, name="avatar_features")


def load_feature_network(folder: str | Path | None = None):
    """Load the shipped network; never downloads. A missing or damaged file says how to rebuild it.

    Taught in 05_evaluating_gans.ipynb.
    """
    network = build_feature_network()
    shipped.load(Path(folder) if folder is not None else FOLDER, {"avatar_features": network},
                 "the avatar feature network", f"restore it with git, or rebuild it with `{REBUILD}` (about 15 minutes on 2 cores)")
    return network


def to_network_input(images) -> np.ndarray:
    """uint8 [0, 255] or float [-1, 1] images, 32 or 64 px -> float32 [-1, 1] at 64 px."""
    import tensorflow as tf

    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be an array [n, height, width, 3]; got shape {images.shape}.")
    if images.dtype == np.uint8:
        scaled = to_unit_range(images)
    else:
        scaled = images.astype(np.float32)
        low, high = float(scaled.min()), float(scaled.max())
        if low < -1.01 or high > 1.01:
            raise ValueError(f"float images must be in [-1, 1] (as the generators make them); these "
                             f"range over [{low:.3g}, {high:.3g}]. Pass uint8 images for [0, 255].")
    if scaled.shape[1:3] != (INPUT_SIZE, INPUT_SIZE):
        # Nearest: each pixel becomes a 2x2 block. Bilinear enlarging blurs edges, and the network
        # (trained at 64 px) then misreads 32 px avatars: skin tone 50% right instead of 92%.
        scaled = tf.image.resize(scaled, (INPUT_SIZE, INPUT_SIZE), method="nearest").numpy()
    return scaled


def extract_features(network, images, batch_size: int = 256, progress: bool | None = None) -> np.ndarray:
    """The pooled 256-number feature vector of each image: float64 [n, 256].

    Runs in batches; `progress` None shows a progress bar from 4,096 images on.

    Taught in 05_evaluating_gans.ipynb.
    """
    return features_and_attributes(network, images, batch_size, progress)[0]


def predict_attributes(network, images, batch_size: int = 256, progress: bool | None = None) -> dict:
    """Predicted class of each attribute for each image: {attribute: int array [n]}.

    Taught in 05_evaluating_gans.ipynb.
    """
    return features_and_attributes(network, images, batch_size, progress)[1]


def features_and_attributes(network, images, batch_size: int = 256, progress: bool | None = None):
    """Both at once, in one pass: (features [n, 256], {attribute: predicted classes [n]}).

    Taught in 05_evaluating_gans.ipynb.
    """
    import keras
    from tqdm.auto import tqdm

    inputs = to_network_input(images)
    if progress is None:
        progress = len(inputs) >= 4096  # a bar only where the wait is noticeable
    trunk = keras.Model(network.input, [network.get_layer("features").output, network.output])
    features, predicted = [], {name: [] for name in FEATURE_ATTRIBUTES}
    starts = range(0, len(inputs), batch_size)
    for start in tqdm(starts, desc="features", unit="batch", disable=not progress):
        batch_features, logits = trunk(inputs[start:start + batch_size], training=False)
        features.append(np.asarray(batch_features, dtype=np.float64))
        for name in FEATURE_ATTRIBUTES:
            predicted[name].append(np.argmax(np.asarray(logits[name]), axis=-1))
    return np.concatenate(features), {k: np.concatenate(v) for k, v in predicted.items()}


def hair_visible(predicted: dict) -> np.ndarray:
    """Boolean [n]: does the hair style the network reads show its colour (not a hat, not bald)?

    `predicted` is what `predict_attributes` returns. Taught in 07_social_media_applications.ipynb.
    """
    from ganlab.avatars import ATTRIBUTE_NAMES, visible

    labels = np.zeros((len(predicted["top"]), len(ATTRIBUTE_NAMES)), dtype=int)
    labels[:, ATTRIBUTE_NAMES.index("top")] = predicted["top"]
    return visible("hair_color", labels)


def train_feature_network(n_train: int = 16_000, n_test: int = 2_000, seed: int = 1,
                          epochs: int = 14, batch_size: int = 128, folder: Path | None = None) -> dict:
    """Train on avatars of `seed`, test on avatars of `seed + 1`; write weights and card.

    Returns the card: the command's arguments, held-out accuracy per attribute (on the
    images where it is visible), wall time. Run by `python -m ganlab features --train`; chapter 05 reads its card.
    """
    import keras

    from ganlab.data import load_avatars

    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # 1.8x faster on this CPU
    train = load_avatars(n_train, INPUT_SIZE, seed)
    test = load_avatars(n_test, INPUT_SIZE, seed + 1)
    network = build_feature_network()
    steps = epochs * (n_train // batch_size + (n_train % batch_size > 0))
    rate = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)
    network.compile(optimizer=keras.optimizers.Adam(rate),
                    loss={name: keras.losses.SparseCategoricalCrossentropy(from_logits=True)
                          for name in FEATURE_ATTRIBUTES})
    network.fit(to_network_input(train.images), _targets(train), sample_weight=_visible(train),
                batch_size=batch_size, epochs=epochs, verbose=2)
    keras.mixed_precision.set_global_policy("float32")
    # Ship and measure the weights in a fresh, uncompiled float32 network, as users load
    # them (saving the trained one would also store the optimizer's state, 3x the size).
    fresh = build_feature_network()
    fresh.set_weights(network.get_weights())
    predicted = predict_attributes(fresh, test.images)
    accuracy = {name: round(float(np.mean((predicted[name] == test.label(name))[test.visible(name)])), 4)
                for name in FEATURE_ATTRIBUTES}
    card = {"command": f"{REBUILD} --n-train {n_train} --n-test {n_test} --seed {seed} --epochs {epochs}",
            "train": {"n": n_train, "seed": seed, "size": INPUT_SIZE},
            "test": {"n": n_test, "seed": seed + 1, "size": INPUT_SIZE},
            "epochs": epochs, "batch_size": batch_size, "parameters": network.count_params(),
            "precision": "trained in mixed_bfloat16, tested and used in float32",
            "held_out_accuracy": accuracy, "wall_seconds": round(time.perf_counter() - started, 1)}
    folder = Path(folder) if folder is not None else FOLDER
    card = shipped.save(folder, {"avatar_features": fresh}, card)
    (folder / "README.md").write_text(model_card(card), encoding="utf-8")
    return card


def model_card(card: dict) -> str:
    """The human-readable model card, made from card.json (so the two always agree)."""
    accuracy = "\n".join(f"| `{name}` | {value:.1%} |" for name, value in card["held_out_accuracy"].items())
    return f"""# Model card: the avatar feature network

A compact CNN (four convolution blocks, 32-64-128-256 channels, global average pooling,
{card["parameters"]:,} parameters) trained to predict the attributes of generated
avatars. Its 256 pooled features define **Avatar-FID** and the other metrics of
`ganlab.metrics`. Avatar-FID is *not* comparable with the Inception-FID of papers: a
different network gives different numbers. Compare Avatar-FIDs with each other only.

- Made by: `{card["command"]}` (`ganlab/features.py`)
- Training data: {card["train"]["n"]:,} avatars, seed {card["train"]["seed"]}, {card["train"]["size"]}x{card["train"]["size"]}
- Held-out data: {card["test"]["n"]:,} avatars, seed {card["test"]["seed"]} (a different random stream)
- {card["epochs"]} epochs, batch {card["batch_size"]}, Adam with cosine decay from 1e-3, Gaussian input noise 0.05; {card["precision"]}
- Wall time: {card["wall_seconds"] / 60:.1f} minutes on the 2-core course machine, rendering included{_note(card)}
- Weights: `{WEIGHTS}` (SHA-256 `{card["sha256"][WEIGHTS][:16]}...`, checked when loaded)

Colour attributes are trained and scored only on the images where they are visible
(`AvatarDataset.visible`).

| attribute | held-out accuracy |
|---|---|
{accuracy}

Eyebrows and eyes are a few pixels at 64x64 and are learned least well; the features
are dominated by the large parts (skin, hair, hats, clothes, glasses, background).
Images of 32x32 are enlarged to 64x64 by repeating each pixel (nearest neighbour)
before they enter the network. It was trained at 64 px and reads them less well:
on 2,000 avatars rendered at 32 px (seed 2) it gets skin tone 92.3%, hair colour 87.2%,
hat 97.6%, background 99.5% right, but accessory 77.2%, mouth 42.8%, eyes 18.0% and
eyebrows 12.8%. (Bilinear enlarging, used before, blurred the edges and dropped skin
tone to 50%.) Compare metrics of 32 px images with those of other 32 px images only.
"""


def _note(card: dict) -> str:
    return f" ({card['note']})" if card.get("note") else ""


def _targets(dataset) -> dict:
    return {name: dataset.label(name) for name in FEATURE_ATTRIBUTES}


def _visible(dataset) -> dict:
    return {name: dataset.visible(name).astype(np.float32) for name in FEATURE_ATTRIBUTES}
