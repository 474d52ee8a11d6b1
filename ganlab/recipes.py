"""Named training recipes, and rebuilding a GAN from a run's settings.

A run's settings (a recipe name plus size, width, latent size) are stored in its
checkpoints, so `sample`, `evaluate` and `--resume` can rebuild the same networks.

Taught in 04_training.ipynb (the comparison in 06_challenges.ipynb).
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from ganlab import checkpoints, models, shipped, training
from ganlab.augment import parse_policy as augment_policy

RECIPES = {
    # The TensorFlow DCGAN tutorial's choices: cross-entropy (non-saturating G), batch
    # norm in D, Adam 2e-4 with beta_1 0.5 for both, no EMA.
    "tutorial": dict(loss="non_saturating", normalization="batch", spectral_norm=False, r1=0.0,
                     lr_g=2e-4, lr_d=2e-4, beta_1=0.5, beta_2=0.999, ema=None),
    # Hinge loss + spectral norm in D (Miyato et al. 2018), two time-scale learning
    # rates (Heusel et al. 2017), an EMA of the generator's weights.
    "hinge_sn": dict(loss="hinge", normalization=None, spectral_norm=True, r1=0.0,
                     lr_g=2e-4, lr_d=4e-4, beta_1=0.0, beta_2=0.99, ema=0.999),
    # Non-saturating loss with an R1 penalty on real images (Mescheder et al. 2018), EMA.
    "ns_r1": dict(loss="non_saturating", normalization=None, spectral_norm=False, r1=1.0,
                  lr_g=2e-4, lr_d=2e-4, beta_1=0.0, beta_2=0.99, ema=0.999),
    # The ablation of 06_challenges: ns_r1 without R1 and EMA, then with EMA only.
    "ns": dict(loss="non_saturating", normalization=None, spectral_norm=False, r1=0.0,
               lr_g=2e-4, lr_d=2e-4, beta_1=0.0, beta_2=0.99, ema=None),
    "ns_ema": dict(loss="non_saturating", normalization=None, spectral_norm=False, r1=0.0,
                   lr_g=2e-4, lr_d=2e-4, beta_1=0.0, beta_2=0.99, ema=0.999),
    # Wasserstein loss with a gradient penalty (Gulrajani et al. 2017), Adam (0, 0.9), EMA.
    # One critic step per generator step (the paper uses 5), for an equal-step comparison.
    "wgan_gp": dict(loss="wasserstein", normalization=None, spectral_norm=False, r1=0.0, gp=10.0,
                    lr_g=1e-4, lr_d=1e-4, beta_1=0.0, beta_2=0.9, ema=0.999),
}
DEFAULT_RECIPE = "ns_r1"  # measured best at 10 minutes (README: recipes compared)
DESCRIPTIONS = {
    "tutorial": "cross-entropy (non-saturating) loss, batch norm in the discriminator, Adam 2e-4 "
                "with beta_1 0.5 for both networks",
    "hinge_sn": "hinge loss, spectral norm in the discriminator, Adam 2e-4 / 4e-4 with betas "
                "(0, 0.99), an exponential moving average (0.999) of the generator's weights",
    "ns_r1": "non-saturating loss with an R1 penalty (gamma 1) on real images, Adam 2e-4 with "
             "betas (0, 0.99), an exponential moving average (0.999) of the generator's weights",
    "ns": "non-saturating loss, no normalisation in the discriminator, Adam 2e-4 with betas (0, 0.99)",
    "ns_ema": "as ns, plus an exponential moving average (0.999) of the generator's weights",
    "wgan_gp": "Wasserstein loss with a gradient penalty (lambda 10), Adam 1e-4 with betas (0, 0.9), "
               "one critic step per generator step, an EMA (0.999) of the generator's weights",
}


def run_settings(recipe: str = DEFAULT_RECIPE, size: int = 64, width: int = 32,
                 latent_dim: int = 128, conditions: dict[str, int] | None = None,
                 augment: str | None = None) -> dict:
    """The settings that define a run's networks and optimizers (stored in checkpoints).

    `conditions` (attribute name -> number of classes, e.g. {"skin_tone": 7}) makes the
    pair conditional: a generator fed labels with its noise, a projection discriminator.
    `augment` is a DiffAugment policy for the discriminator's inputs (`ganlab.augment`).
    """
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; known recipes: {', '.join(RECIPES)}.")
    settings = {"recipe": recipe, "size": size, "width": width, "latent_dim": latent_dim}
    if conditions:
        settings["conditions"] = {str(name): int(classes) for name, classes in conditions.items()}
    if augment:
        settings["augment"] = ",".join(augment_policy(augment))
    return settings


def build_gan(settings: dict) -> training.GAN:
    """A compiled GAN for `run_settings(...)`."""
    recipe = RECIPES[settings["recipe"]]
    size, width, conditions = settings["size"], settings["width"], settings.get("conditions")
    generator = models.dcgan_generator(latent_dim=settings["latent_dim"], size=size, width=width,
                                       conditions=conditions)
    discriminator = models.dcgan_discriminator(size=size, width=width,
                                               normalization=recipe["normalization"],
                                               spectral_norm=recipe["spectral_norm"], conditions=conditions)
    gan = training.GAN(generator, discriminator, loss=recipe["loss"], ema_decay=recipe["ema"],
                       r1_weight=recipe["r1"], gp_weight=recipe.get("gp", 0.0),
                       conditions=tuple(conditions) if conditions else None, augment=settings.get("augment"))
    betas = dict(beta_1=recipe["beta_1"], beta_2=recipe["beta_2"])
    gan.compile(keras.optimizers.Adam(recipe["lr_g"], **betas),
                keras.optimizers.Adam(recipe["lr_d"], **betas))
    return gan


def load_generator(path: str | Path):
    """Something that maps latent vectors to images, from a run checkpoint (.npz: the
    EMA generator if the recipe has one), a saved Keras generator (.keras) or a shipped
    generator's folder (data/generator/)."""
    path = Path(path)
    if path.is_dir():
        return load_shipped_generator(path)
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
_REMEDY = "restore it with git, or train one with `python -m ganlab train`"


def ship_generator(checkpoint: str | Path, metrics: dict, minutes: float,
                   folder: str | Path | None = None, command: str | None = None) -> dict:
    """Copy a run's (EMA) generator into data/generator/ (or `folder`) with a card.

    `command` is the exact command that made the run (default: the `train` command of
    the shipped default generator).
    """
    meta = checkpoints.read_meta(checkpoint)
    settings = meta["config"]
    fresh = models.dcgan_generator(settings["latent_dim"], settings["size"], settings["width"],
                                   conditions=settings.get("conditions"))
    fresh.set_weights(load_generator(checkpoint).get_weights())
    card = {"settings": settings, "steps": meta["step"], "minutes": round(minutes, 2), "metrics": metrics,
            "command": command or f"python -m ganlab train --run-dir RUN --recipe {settings['recipe']} "
                                  f"--size {settings['size']} --width {settings['width']} --minutes 10 --evaluate"}
    return shipped.save(Path(folder) if folder is not None else SHIPPED, {"generator": fresh}, card)


def load_shipped_generator(folder: str | Path | None = None):
    """The trained generator shipped in data/generator/ (or `folder`); never downloads."""
    folder = Path(folder) if folder is not None else SHIPPED
    settings = shipped.read_card(folder, "the shipped generator", _REMEDY)["settings"]
    generator = models.dcgan_generator(settings["latent_dim"], settings["size"], settings["width"],
                                       conditions=settings.get("conditions"))
    shipped.load(folder, {"generator": generator}, "the shipped generator", _REMEDY)
    return generator


def generator_card(card: dict) -> str:
    """The shipped generator's model card, made from its card.json."""
    m, s = card["metrics"], card["settings"]
    return f"""# Model card: the shipped avatar generator

The EMA generator of one run of the default recipe, `{s["recipe"]}` ({DESCRIPTIONS[s["recipe"]]}),
DCGAN {s["size"]}x{s["size"]}, width {s["width"]},
latent size {s["latent_dim"]}, batch {s["batch_size"]}, trained in {s["precision"]} on
{s["n_images"]:,} avatars (seed {s["seed"]}). Notebooks load it with
`ganlab.recipes.load_shipped_generator()` to show results without training.

- Made by: `{card["command"]}` (here through `benchmarks/recipes.py {s["recipe"]} --minutes 10`,
  which runs the same training)
- Steps: {card["steps"]:,} in {card["minutes"]} minutes of wall time on the 2-core course machine
- Weights: `generator.weights.h5` (SHA-256 `{card["sha256"]["generator.weights.h5"][:16]}...`, checked when loaded)

Measured on 2,000 samples (latent seed 100) against 2,000 real avatars (seed 100):

| Avatar-FID | KID | precision | recall | classes produced | skin tones | hair colours |
|---|---|---|---|---|---|---|
| {m["avatar_fid"]:.1f} | {m["kid_mean"]:.2f} ± {m["kid_std"]:.2f} | {m["precision"]:.3f} | {m["recall"]:.3f} | {m["classes_produced"]:.1%} | {m["skin_tone_produced"]:.0%} | {m["hair_color_produced"]:.0%} |

Avatar-FID is the course's own (see `data/feature_network/`), not comparable with
Inception-FID. Recall 0 means the samples cover a tighter region than the real data:
they are softer and less varied in detail than real avatars, as a 10-minute CPU run is.
"""


def float32_generator(gan, settings: dict):
    """`gan`'s generator (its EMA copy if any), rebuilt in float32 with the same weights,
    so that every run is sampled and measured the same way whatever precision it
    trained in. Sets the global dtype policy to float32."""
    keras.mixed_precision.set_global_policy("float32")
    twin = build_gan(settings)
    twin.set_weights(gan.get_weights())
    return twin.ema_generator or twin.generator


def measure(gan, settings: dict, n: int = 2000) -> dict:
    """All metrics of n samples of `gan` (its EMA generator if any) against n real avatars.

    Sampled from `float32_generator`. Real avatars: seed 100; latent vectors: seed 100.
    Returns `ganlab.metrics.evaluate`'s dictionary.
    """
    from ganlab import data, features, metrics

    real = data.load_avatars(n, settings["size"], seed=100, progress=False).images
    images = generate(float32_generator(gan, settings), n, seed=100)
    return metrics.evaluate(features.load_feature_network(), real, images)
