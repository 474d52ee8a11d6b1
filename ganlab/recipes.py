"""Named training recipes (`Recipe`), a run's configuration (`RunConfig`), and building,
loading, sampling and shipping the GAN they define.

    config = run_settings("ns_r1_fast", size=64, width=32)  # a RunConfig
    gan = build_gan(config)                                  # compiled, ready for training.train
    images = generate(load_generator("data/generator"), 16, seed=0)

A run's RunConfig is stored in its checkpoints, so `sample`, `evaluate` and `--resume`
rebuild the same networks; the shipped generators' cards keep it as "settings".

Taught in 04_training.ipynb (the comparison in 06_challenges.ipynb).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import keras
import numpy as np

from ganlab import models, training
from ganlab.augment import parse_policy as augment_policy
from ganlab.tooling import checkpoints, precision, shipped


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How a GAN is trained: its loss and penalties, the discriminator's normalisation, the
    generator's upsampling, Adam's settings.

    The fields are named as the arguments of `training.GAN` (loss, d_steps, ema_decay,
    r1_weight, r1_every, gp_weight), `models.dcgan_discriminator` (normalization,
    spectral_norm) and `models.dcgan_generator` (upsample); one Adam setting (beta_1,
    beta_2) serves both networks.
    """

    description: str
    loss: str = "non_saturating"
    normalization: str | None = None  # in the discriminator: "batch", "layer" or None
    upsample: str = "transposed"  # in the generator: "transposed" or "nearest" (then a 3x3 convolution)
    spectral_norm: bool = False
    r1_weight: float = 0.0
    r1_every: int = 1  # R1 on every k-th discriminator step only, weighted by k (lazy R1)
    gp_weight: float = 0.0
    ema_decay: float | None = None
    d_steps: int = 1
    generator_lr: float = 2e-4
    discriminator_lr: float = 2e-4
    beta_1: float = 0.0
    beta_2: float = 0.99


RECIPES = {
    # The TensorFlow DCGAN tutorial's choices.
    "tutorial": Recipe("cross-entropy (non-saturating) loss, batch norm in the discriminator, Adam 2e-4 "
                       "with beta_1 0.5 for both networks",
                       normalization="batch", beta_1=0.5, beta_2=0.999),
    # Miyato et al. 2018 (spectral norm), two time-scale learning rates (Heusel et al. 2017).
    "hinge_sn": Recipe("hinge loss, spectral norm in the discriminator, Adam 2e-4 / 4e-4 with betas "
                       "(0, 0.99), an exponential moving average (0.999) of the generator's weights",
                       loss="hinge", spectral_norm=True, discriminator_lr=4e-4, ema_decay=0.999),
    # The default: ns_r1 with a five times higher learning rate and R1 on every 16th step
    # (lazy R1, Karras et al. 2020). Measured in benchmarks/time_to_quality.py, one change at a time.
    "ns_r1_fast": Recipe("non-saturating loss with an R1 penalty (gamma 1) on real images computed every "
                         "16th step (weighted by 16), Adam 1e-3 with betas (0, 0.99), an exponential "
                         "moving average (0.999) of the generator's weights",
                         r1_weight=1.0, r1_every=16, ema_decay=0.999, generator_lr=1e-3, discriminator_lr=1e-3),
    # R1 on real images (Mescheder et al. 2018).
    "ns_r1": Recipe("non-saturating loss with an R1 penalty (gamma 1) on real images, Adam 2e-4 with "
                    "betas (0, 0.99), an exponential moving average (0.999) of the generator's weights",
                    r1_weight=1.0, ema_decay=0.999),
    # The ablation of 06_challenges: ns_r1 without R1 and EMA, then with EMA only.
    "ns": Recipe("non-saturating loss, no normalisation in the discriminator, Adam 2e-4 with betas (0, 0.99)"),
    "ns_ema": Recipe("as ns, plus an exponential moving average (0.999) of the generator's weights",
                     ema_decay=0.999),
    # Gulrajani et al. 2017, with one critic step per generator step (the paper uses 5),
    # for an equal-step comparison.
    "wgan_gp": Recipe("Wasserstein loss with a gradient penalty (lambda 10), Adam 1e-4 with betas (0, 0.9), "
                      "one critic step per generator step, an EMA (0.999) of the generator's weights",
                      loss="wasserstein", gp_weight=10.0, generator_lr=1e-4, discriminator_lr=1e-4,
                      beta_2=0.9, ema_decay=0.999),
}
DEFAULT_RECIPE = "ns_r1_fast"  # measured best at 3 and 10 minutes (README: time to quality)


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run. Stored in its checkpoints (`to_dict`), read back by
    `--resume`, `sample`, `evaluate`, the benchmarks and the model cards (`from_dict`).

    `conditions` (attribute name -> number of classes, e.g. {"skin_tone": 7}) makes the
    pair conditional: a generator fed labels with its noise, a projection discriminator.
    `augment` is a DiffAugment policy for the discriminator's inputs (`ganlab.augment`).
    `precision` is the dtype policy the run trains in, once chosen.
    `images` is a folder of the learner's own images (an absolute path) to train on
    instead of rendered avatars; `n_images` is then how many it held when the run began.
    """

    recipe: str = DEFAULT_RECIPE
    size: int = 64
    width: int = 32
    latent_dim: int = 128
    conditions: dict[str, int] | None = None
    augment: str | None = None
    batch_size: int = 64
    n_images: int = 10_000
    seed: int = 0
    precision: str | None = None
    images: str | None = None

    def __post_init__(self):
        if self.recipe not in RECIPES:
            raise ValueError(f"unknown recipe {self.recipe!r}; known recipes: {', '.join(RECIPES)}.")
        if self.conditions:
            object.__setattr__(self, "conditions", {str(name): int(classes)
                                                    for name, classes in self.conditions.items()})
        object.__setattr__(self, "conditions", self.conditions or None)
        object.__setattr__(self, "augment", ",".join(augment_policy(self.augment)) or None)
        if self.images is not None and self.conditions:
            raise ValueError("a folder of images has no labels, so a conditional run needs the "
                             "rendered avatars: leave out the conditions or the image folder.")

    def to_dict(self) -> dict:
        """The JSON a checkpoint and a model card store (fields left unset are left out)."""
        return {name: value for name, value in dataclasses.asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, stored: dict) -> RunConfig:
        """Read back `to_dict`'s JSON; settings stored by older runs get the defaults."""
        unknown = sorted(set(stored) - {field.name for field in dataclasses.fields(cls)})
        if unknown:
            raise ValueError(f"unknown run settings {', '.join(unknown)}: this run was written by "
                             "another version of ganlab.")
        return cls(**stored)

def run_settings(recipe: str = DEFAULT_RECIPE, size: int = 64, width: int = 32,
                 latent_dim: int = 128, conditions: dict[str, int] | None = None,
                 augment: str | None = None, **run) -> RunConfig:
    """A run's `RunConfig`: the recipe and networks first, then (in `run`) batch_size,
    n_images, seed and precision.

    Taught in 04_training.ipynb.
    """
    return RunConfig(recipe, size, width, latent_dim, conditions, augment, **run)


def condition_sizes(names) -> dict[str, int]:
    """{attribute: number of classes} for attribute names of the avatars, e.g.
    ["skin_tone", "accessory"] -> {"skin_tone": 7, "accessory": 10}: the `conditions`
    of a conditional run. An unknown name gets a message listing the known ones."""
    from ganlab.avatars import ATTRIBUTES

    names = [name.strip() for name in names if name.strip()]
    unknown = [name for name in names if name not in ATTRIBUTES]
    if unknown:
        raise ValueError(f"unknown attribute {', '.join(map(repr, unknown))}; the avatars' attributes are: "
                         f"{', '.join(ATTRIBUTES)}.")
    if not names:
        raise ValueError("name at least one attribute, e.g. skin_tone,hair_color,accessory.")
    return {name: len(ATTRIBUTES[name]) for name in names}


def training_data(config: RunConfig | dict):
    """What a run trains on: (uint8 images [n, size, size, 3], labels or None).

    The rendered avatars (`config.n_images` of them, seed `config.seed`), with
    {attribute: class indices} for a conditional run; or, when `config.images` names a
    folder, every image `ganlab.data.load_image_folder` reads there (it warns about the
    files it skips) and no labels.
    """
    from ganlab import data

    config = _as_config(config)
    if config.images is not None:
        return data.load_image_folder(config.images, config.size).images, None
    avatars = data.load_avatars(config.n_images, config.size, config.seed)
    labels = {name: avatars.label(name) for name in config.conditions} if config.conditions else None
    return avatars.images, labels


def conditions_of(generator) -> dict[str, int]:
    """{attribute: number of classes} a conditional generator takes ({} if none), read
    from its label inputs; class k of attribute a is `ganlab.avatars.ATTRIBUTES[a][k]`."""
    from ganlab.avatars import ATTRIBUTES

    if not isinstance(generator.input, dict):
        return {}
    return {name: len(ATTRIBUTES[name]) for name in ATTRIBUTES if name in generator.input}


def labels_by_name(generator, chosen: dict[str, str], n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Class indices [n] for every label of a conditional generator, from class names.

    `chosen` maps attributes to class names, e.g. {"skin_tone": "brown"}: all n images
    get that class. Every label left out is drawn at random for each image (uniformly,
    from `seed`). Unknown attributes or classes get a message listing the valid ones.
    """
    from ganlab.avatars import ATTRIBUTES

    taken = conditions_of(generator)
    if not taken and chosen:
        raise ValueError("this generator is not conditional: it takes no labels; leave out --label.")
    unknown = sorted(set(chosen) - set(taken))
    if unknown:
        raise ValueError(f"this generator takes no label {', '.join(map(repr, unknown))}; it takes: "
                         f"{', '.join(taken)}.")
    rng = np.random.default_rng(seed)
    labels = {}
    for name, classes in taken.items():
        if name in chosen:
            if chosen[name] not in ATTRIBUTES[name]:
                raise ValueError(f"unknown {name} {chosen[name]!r}; the {name} classes are: "
                                 f"{', '.join(ATTRIBUTES[name])}.")
            labels[name] = np.full(n, ATTRIBUTES[name].index(chosen[name]), "int32")
        else:
            labels[name] = rng.integers(0, classes, n).astype("int32")
    return labels


def build_gan(config: RunConfig | dict) -> training.GAN:
    """A compiled GAN for a `RunConfig` (or the dict a checkpoint stores).

    Taught in 04_training.ipynb.
    """
    config = _as_config(config)
    recipe, conditions = RECIPES[config.recipe], config.conditions
    generator = _generator(config)
    discriminator = models.dcgan_discriminator(size=config.size, width=config.width,
                                               normalization=recipe.normalization,
                                               spectral_norm=recipe.spectral_norm, conditions=conditions)
    gan = training.GAN(generator, discriminator, loss=recipe.loss, d_steps=recipe.d_steps,
                       ema_decay=recipe.ema_decay, r1_weight=recipe.r1_weight, gp_weight=recipe.gp_weight,
                       r1_every=recipe.r1_every,
                       conditions=tuple(conditions) if conditions else None, augment=config.augment)
    betas = dict(beta_1=recipe.beta_1, beta_2=recipe.beta_2)
    gan.compile(keras.optimizers.Adam(recipe.generator_lr, **betas),
                keras.optimizers.Adam(recipe.discriminator_lr, **betas))
    return gan


def _as_config(config: RunConfig | dict) -> RunConfig:
    return config if isinstance(config, RunConfig) else RunConfig.from_dict(config)


def _generator(config: RunConfig):
    return models.dcgan_generator(latent_dim=config.latent_dim, size=config.size, width=config.width,
                                  upsample=RECIPES[config.recipe].upsample, conditions=config.conditions)


def load_generator(path: str | Path):
    """Something that maps latent vectors to images, from a run checkpoint (.npz: the
    EMA generator if the recipe has one), a run folder (its newest checkpoint), a saved
    Keras generator (.keras) or a shipped generator's folder (data/generator/)."""
    path = Path(path)
    if path.is_dir():
        if (path / shipped.CARD).is_file():
            return load_shipped_generator(path)
        latest = checkpoints.latest_checkpoint(path)
        if latest is None:
            raise FileNotFoundError(f"{str(path)!r} holds neither a run's checkpoints nor a shipped generator "
                                    f"({shipped.CARD}); give a run folder, a checkpoint (.npz) or data/generator.")
        path = latest
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {str(path)!r} does not exist.")
    if path.suffix == ".keras":
        return keras.saving.load_model(path, compile=False)
    settings = checkpoints.read_meta(path)["config"]
    if "recipe" not in settings:
        raise ValueError(f"{path.name} does not record its run settings; it was not written by "
                         "`python -m ganlab train`.")
    gan = build_gan(settings)
    checkpoints.restore_checkpoint(gan, path)
    return gan.ema_generator or gan.generator


def generate(generator, n: int, seed: int = 0, labels: dict | None = None) -> np.ndarray:
    """n images (float32 in [-1, 1]) from standard normal latent vectors drawn from `seed`.

    A conditional generator also needs `labels`: attribute name -> n class indices
    (one entry per condition it was built with).

    Taught in 04_training.ipynb (first used in 03_dense_generator_and_conv_discriminator.ipynb).
    """
    conditional = isinstance(generator.input, dict)
    latent_dim = (generator.input["latent"] if conditional else generator.input).shape[-1]
    latent = np.random.default_rng(seed).normal(size=(n, latent_dim)).astype("float32")
    if conditional:
        needed = sorted(name for name in generator.input if name != "latent")
        if labels is None or sorted(labels) != needed:
            raise ValueError(f"this conditional generator needs labels for {', '.join(needed)}; got "
                             f"{'none' if labels is None else ', '.join(sorted(labels))}.")
        inputs = {"latent": latent, **{name: np.asarray(labels[name], "int32").reshape(n) for name in needed}}
    elif labels is not None:
        raise ValueError("this generator is not conditional: leave out labels.")
    else:
        inputs = latent
    return np.clip(generator.predict(inputs, batch_size=256, verbose=0), -1.0, 1.0)


SHIPPED = shipped.DATA / "generator"
# The default recipe after 3, 10 and 60 minutes of training on the course machine: the
# 10-minute generator is the one the chapters use; the others show what time buys.
SHIPPED_BY_MINUTES = {3: shipped.DATA / "generator_3min", 10: SHIPPED, 60: shipped.DATA / "generator_60min"}
_REMEDY = "restore it with git, or train one with `python -m ganlab train`"


def ship_generator(checkpoint: str | Path, metrics: dict, minutes: float,
                   folder: str | Path | None = None, command: str | None = None,
                   title: str | None = None, about: str | None = None) -> dict:
    """Copy a run's (EMA) generator into data/generator/ (or `folder`) with a card.

    `command` is the exact command that made the run (default: the `train` command of
    the shipped default generator); `title` and `about` replace the model card's heading
    ("the shipped avatar generator") and its sentence on how notebooks use it.
    """
    meta = checkpoints.read_meta(checkpoint)
    config = RunConfig.from_dict(meta["config"])
    fresh = _generator(config)
    fresh.set_weights(load_generator(checkpoint).get_weights())
    card = {"settings": config.to_dict(), "steps": meta["step"], "minutes": round(minutes, 2), "metrics": metrics,
            "command": command or f"python -m ganlab train --run-dir RUN --recipe {config.recipe} "
                                  f"--size {config.size} --width {config.width} --minutes 10 --evaluate"}
    card.update({key: value for key, value in (("title", title), ("about", about)) if value is not None})
    return shipped.save(Path(folder) if folder is not None else SHIPPED, {"generator": fresh}, card)


def load_shipped_generator(folder: str | Path | None = None):
    """The trained generator shipped in data/generator/ (or `folder`); never downloads.

    Taught in 04_training.ipynb (first used in 03_dense_generator_and_conv_discriminator.ipynb).
    """
    folder = Path(folder) if folder is not None else SHIPPED
    generator = _generator(RunConfig.from_dict(shipped.read_card(folder, "the shipped generator", _REMEDY)["settings"]))
    shipped.load(folder, {"generator": generator}, "the shipped generator", _REMEDY)
    return generator


def generator_card(card: dict) -> str:
    """The shipped generator's model card (its README.md), made from its card.json."""
    m, s = card["metrics"], card["settings"]
    about = card.get("about", "Notebooks load it with `ganlab.recipes.load_shipped_generator()` to show "
                              "results without training.")
    return f"""# Model card: {card.get("title", "the shipped avatar generator")}

The EMA generator of one run of the default recipe, `{s["recipe"]}` ({RECIPES[s["recipe"]].description}),
DCGAN {s["size"]}x{s["size"]}, width {s["width"]},
latent size {s["latent_dim"]}, batch {s["batch_size"]}, trained in {s["precision"]} on
{s["n_images"]:,} avatars (seed {s["seed"]}). {about}

- Made by: `{card["command"]}`
- Steps: {card["steps"]:,} in {card["minutes"]} minutes of wall time on the 2-core course machine
- Weights: `generator.weights.h5` (SHA-256 `{card["sha256"]["generator.weights.h5"][:16]}...`, checked when loaded)

Measured on 2,000 samples (latent seed 100) against 2,000 real avatars (seed 100):

| Avatar-FID | KID | precision | recall | density | coverage | classes produced | skin tones | hair colours |
|---|---|---|---|---|---|---|---|---|
| {m["avatar_fid"]:.1f} | {m["kid_mean"]:.2f} ± {m["kid_std"]:.2f} | {m["precision"]:.3f} | {m["recall"]:.3f} | {m["density"]:.2f} | {m["coverage"]:.3f} | {m["classes_produced"]:.1%} | {m["skin_tone_produced"]:.0%} | {m["hair_color_produced"]:.0%} |

Avatar-FID is the course's own (see `data/feature_network/`), not comparable with
Inception-FID; two sets of 2,000 real avatars, measured the same way, score 4.2
(`python benchmarks/time_to_quality.py --real`). Recall stays below real
data's 0.94 for the course's generators, far below after short training: their samples
sit closer together than real ones, so their own neighbourhoods are too small to reach
real avatars. Coverage uses
the real avatars' neighbourhoods only and is the measure of variety to read (real
against real: 0.964). Density above 1 means the samples crowd into the most
common kinds of avatar.
"""


def rebuilt_generator(gan, config: RunConfig | dict, dtype: str = "float32"):
    """`gan`'s generator (its EMA copy if any), rebuilt in the dtype policy `dtype` with
    the same weights, so that every run is sampled and measured the same way whatever
    precision it trained in. The global dtype policy is left as it was."""
    with precision.dtype_policy(dtype):
        twin = build_gan(config)
    twin.set_weights(gan.get_weights())
    return twin.ema_generator or twin.generator


def measure(gan, config: RunConfig | dict, n: int = 2000, dtype: str = "float32") -> dict:
    """All metrics of n samples of `gan` (its EMA generator if any) against n real avatars.

    The generator (`rebuilt_generator`) and the feature network run in `dtype`. Real
    avatars: seed 100; latent vectors: seed 100. Returns `ganlab.metrics.evaluate`'s
    dictionary. The global dtype policy is left as it was. A conditional generator is
    asked for every class equally often (the real mix is close to uniform).

    A run on a folder of images (`config.images`) is measured against that folder
    instead: n of its images (all, if it holds fewer) against as many samples. The
    attribute measures are left out, since the learner's images have no avatar
    attributes; the feature network still sees them through features learnt on
    avatars, so the numbers rank runs on the same folder and compare with nothing else.

    Taught in 04_training.ipynb.
    """
    from ganlab import data, features, metrics

    config = _as_config(config)
    if config.images is not None:
        folder = data.load_image_folder(config.images, config.size).images
        n = min(n, len(folder))
        real = folder[np.sort(np.random.default_rng(100).permutation(len(folder))[:n])]
    else:
        real = data.load_avatars(n, config.size, seed=100, progress=False).images
    generator = rebuilt_generator(gan, config, dtype)
    images = generate(generator, n, seed=100, labels=balanced_labels(generator, n))
    with precision.dtype_policy(dtype):
        network = features.load_feature_network()
    results = metrics.evaluate(network, real, images)
    if config.images is not None:
        for key in ("classes_produced", "total_variation", "attributes"):
            results.pop(key)
    return results


def balanced_labels(generator, n: int, seed: int = 100) -> dict[str, np.ndarray] | None:
    """Each label of a conditional generator with every class equally often over n
    images (as near as n allows), shuffled from `seed` for each label so that the
    labels combine freely; None for an unconditional generator."""
    taken = conditions_of(generator)
    if not taken:
        return None
    rng = np.random.default_rng(seed)
    return {name: rng.permutation(np.arange(n) % classes).astype("int32") for name, classes in taken.items()}
