"""The longer experiments behind chapters 06-08, run once and recorded in data/experiments/.

    python benchmarks/experiments.py width16          # one experiment
    python benchmarks/experiments.py --list           # what there is

Each experiment trains with `ganlab.training.train`, measures the result with the course's metrics, and writes
data/experiments/<name>.json (settings, exact command, steps, wall time, metrics) and
data/experiments/<name>.png (32 samples from fixed noise). The chapters load these files
instead of training for minutes in class; each says which experiment made what it shows.
Runs go to runs/experiments/<name>/ and resume if killed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "experiments"
# Chapter 06's imbalanced data: the two lightest skin tones are 6x as common as each other
# tone (12 of 17 avatars, 71%), the kind of skew reported for face datasets scraped from the web.
SKEWED = {"skin_tone": [6, 6, 1, 1, 1, 1, 1]}

AUGMENT = "color,translation,cutout"  # DiffAugment's policy for few images (Zhao et al. 2020)
BASE = dict(recipe="ns_r1", size=32, width=32, steps=2000, n_images=10_000)  # chapter 06's runs: 32 px, equal steps

EXPERIMENTS = {
    # chapter 06, stability: the fixes one by one, from the tutorial's recipe to ns_r1
    **{f"ablation_{recipe}": {**BASE, "recipe": recipe}
       for recipe in ["tutorial", "ns", "ns_ema", "ns_r1", "hinge_sn", "wgan_gp"]},
    # chapter 06: how much one recipe's numbers move with the seed (weights and noise)
    **{f"ablation_ns_r1_seed{seed}": {**BASE, "seed": seed} for seed in (1, 2)},
    # chapter 06, model complexity: ns_r1 at other widths (ablation_ns_r1 is width 32)
    "width16": {**BASE, "width": 16},
    "width64": {**BASE, "width": 64},
    # chapter 06, data imbalance, at 64 px: at 32 px the feature network reads skin tones
    # too poorly (92% on real avatars, worse on generated ones) to measure shares
    "skewed": {**BASE, "size": 64, "weights": SKEWED},
    "skewed_resampled": {**BASE, "size": 64, "weights": SKEWED, "resample": "skin_tone"},
    "skewed_conditional": {**BASE, "size": 64, "weights": SKEWED, "conditions": {"skin_tone": 7}},
    # chapter 07: attribute-controlled avatars; the generator is shipped in data/conditional_generator/
    "conditional": dict(recipe="ns_r1", size=64, width=32, steps=2500, n_images=10_000,
                        conditions={"skin_tone": 7, "hair_color": 10, "accessory": 10},
                        ship="conditional_generator"),
    # chapter 08, how much data: 100, 300 or 1,000 avatars instead of 10,000
    # (ablation_ns_r1), as they are and with DiffAugment in the discriminator; and 1,000
    # with the training set itself augmented (10 changed copies of each image), as the
    # article suggests
    **{f"few{label}{suffix}": {**BASE, "n_images": n, **extra}
       for label, n in (("100", 100), ("300", 300), ("1k", 1000))
       for suffix, extra in (("", {}), ("_diffaugment", {"augment": AUGMENT}))},
    "full": dict(BASE),  # ablation_ns_r1 once more, with the overfitting record (and a check that it repeats)
    "full_diffaugment": {**BASE, "augment": AUGMENT},
    "few1k_augmented_data": {**BASE, "n_images": 1000, "augment_data": AUGMENT},
    # README, performance: the runs above trained with Keras' batch norm; these two, after
    # ganlab.tooling.layers.BatchNormalization (the fused kernel) came in, repeat ablation_ns_r1
    # (batch norm in G) and ablation_tutorial (in G and D) to check that quality holds
    "fused_batch_norm": dict(BASE),
    "fused_batch_norm_tutorial": {**BASE, "recipe": "tutorial"},
    # chapter 08, GAN vs VAE: a VAE whose decoder is the shipped generator's network,
    # trained on the same 10,000 avatars for the same 2,080 steps, and for about the
    # same wall time (10 minutes: 8,700 steps); the second is shipped in data/vae/
    "vae": dict(model="vae", size=64, width=32, steps=2080, n_images=10_000, sigma=0.2),
    "vae_equal_time": dict(model="vae", size=64, width=32, steps=8700, n_images=10_000, sigma=0.2, ship="vae"),
}


def run(name: str) -> dict:
    from ganlab import course

    spec = EXPERIMENTS[name]
    course.setup(seed=spec.get("seed", 0))  # initial weights and noise; the data is always seed 0
    from ganlab import augment, data, features, plots, recipes, training
    from ganlab.tooling import checkpoints, precision

    policy = precision.choose_precision("auto")
    avatars = data.load_avatars(spec["n_images"], spec["size"], seed=0, weights=spec.get("weights"))
    skin = avatars.label("skin_tone")
    order = np.arange(len(avatars))
    if spec.get("resample"):  # draw the training set again, each skin tone equally likely
        counts = np.bincount(skin, minlength=7)
        order = np.random.default_rng(0).choice(len(avatars), len(avatars), p=1.0 / counts[skin] / 7)
    images = avatars.images[order]
    if spec.get("augment_data"):  # the article's advice taken literally: more (changed) training images
        images = _augmented_copies(images, spec["augment_data"], copies=10)
        order = np.tile(order, 10)
    conditions = spec.get("conditions")
    labels = {attribute: avatars.label(attribute)[order] for attribute in conditions} if conditions else None
    settings = recipes.run_settings(spec["recipe"], spec["size"], spec["width"], conditions=conditions,
                                    augment=spec.get("augment"), batch_size=64, n_images=spec["n_images"],
                                    seed=0, precision=policy)
    gan = recipes.build_gan(settings)
    run_dir = ROOT / "runs" / "experiments" / name
    latest = checkpoints.latest_checkpoint(run_dir)
    timing = run_dir / "training_minutes.json"  # kept with the run, so measuring again keeps it
    finished_before = latest is not None and checkpoints.read_meta(latest)["step"] >= spec["steps"]
    started = time.monotonic()
    step = training.train(gan, images, labels, steps=spec["steps"], batch_size=64, run_dir=run_dir,
                          seed=spec.get("seed", 0),
                          checkpoint_every=500, sample_every=500, progress=True,
                          config=settings)
    minutes = (time.monotonic() - started) / 60
    if finished_before and timing.is_file():  # measured again only: keep the training time
        minutes = json.loads(timing.read_text())["minutes"]
    elif not finished_before:
        timing.write_text(json.dumps({"minutes": minutes}) + "\n")

    with precision.dtype_policy("float32"):  # measured in float32, as recipes.measure does
        generator = recipes.rebuilt_generator(gan, settings)
        network = features.load_feature_network()
    n = 2000
    requested = None
    if conditions:  # ask for every class equally often (the real mix is close to uniform)
        requested = {attribute: np.arange(n) % classes for attribute, classes in conditions.items()}
    samples = recipes.generate(generator, n, seed=100, labels=requested)
    real = data.load_avatars(n, spec["size"], seed=100, progress=False).images  # the unskewed mix
    predicted = features.predict_attributes(network, samples, progress=False)
    record = {"experiment": name, "spec": {k: v for k, v in spec.items()}, "settings": settings.to_dict(),
              "dtype_policy": policy, "steps": step, "minutes": round(minutes, 2),
              "cpu_count": os.cpu_count(),
              "command": f"python benchmarks/experiments.py {name}",
              **_scores(network, real, samples),
              "skin_tone_shares": {"training": _shares(skin[order]),
                                   "training_predicted": _shares(features.predict_attributes(
                                       network, images[:n], progress=False)["skin_tone"]),
                                   "generated_predicted": _shares(predicted["skin_tone"])}}
    record["overfitting"] = _overfitting(gan, avatars.images[:n], real, network, samples)
    record["grey_squares"] = {"generated": augment.grey_square_share(samples),
                              "held_out_real": augment.grey_square_share(real)}
    if requested is not None:
        record["skin_tone_shares"]["requested"] = _shares(requested["skin_tone"])
        record["requested_accuracy"] = {attribute: round(float((predicted[attribute] == wanted).mean()), 4)
                                        for attribute, wanted in requested.items()}
    OUT.mkdir(parents=True, exist_ok=True)
    grid_labels = {attribute: np.arange(32) % classes for attribute, classes in conditions.items()} \
        if conditions else None
    grid = data.to_uint8(recipes.generate(generator, 32, seed=7, labels=grid_labels))
    plots.save_image_grid(grid, OUT / f"{name}.png", columns=8, scale=2 if spec["size"] == 32 else 1)
    if spec.get("ship"):
        recipes.ship_generator(checkpoints.latest_checkpoint(run_dir), record["metrics"], minutes,
                               folder=ROOT / "data" / spec["ship"], command=record["command"])
    (OUT / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def _scores(network, real, samples) -> dict:
    """The record's metrics of `samples` against `real`, and the shares of skin tones and
    hair colours produced (every experiment, GAN or VAE, is measured this way)."""
    from ganlab import metrics

    result = metrics.evaluate(network, real, samples)
    coverage = result.pop("attributes").set_index("attribute")
    return {"metrics": {k: round(float(v), 4) for k, v in result.items()},
            "skin_tone_produced": float(coverage.loc["skin_tone", "classes_produced"]),
            "hair_color_produced": float(coverage.loc["hair_color", "classes_produced"])}


def _augmented_copies(images, policy: str, copies: int) -> np.ndarray:
    """`copies` randomly changed versions of each uint8 image (the same changes DiffAugment makes)."""
    import keras

    from ganlab import augment, data
    from ganlab.tooling import batches

    seed = keras.random.SeedGenerator(0)
    changed = [augment.diff_augment(batches.to_unit_range(images), policy, seed) for _ in range(copies)]
    return np.concatenate([data.to_uint8(np.clip(np.asarray(batch), -1.0, 1.0)) for batch in changed])


def _overfitting(gan, training_images, real, network, samples) -> dict:
    """Signs of a discriminator that learnt its training images by heart, and of copying.

    D's mean probability "real" on training images vs held-out real avatars (Karras et
    al. 2020 watch this gap), and the median feature distance of samples and of
    held-out real avatars to their nearest training image (chapter 05). A conditional
    discriminator also needs each image's labels, so for it D's numbers are left out.
    """
    from ganlab import features, metrics
    from ganlab.tooling import batches

    def d_real(images):
        logits = gan.discriminator.predict(batches.to_unit_range(images), batch_size=256, verbose=0)
        return round(float(np.mean(1.0 / (1.0 + np.exp(-logits.astype("float64"))))), 4)

    train_features = features.extract_features(network, training_images, progress=False)
    nearest = {name: float(np.median(metrics.nearest_training_images(
        features.extract_features(network, images, progress=False), train_features)[1]))
        for name, images in (("held_out_real", real), ("generated", samples))}
    judged = {} if gan.conditions else {"d_real_training": d_real(training_images), "d_real_held_out": d_real(real)}
    return {**judged, "median_nearest_distance": {name: round(value, 3) for name, value in nearest.items()}}


def _vae(spec: dict):
    """The VAE of an experiment: the generator's network as decoder, with its encoder."""
    from ganlab import models, vae

    return vae.VAE(vae.vae_encoder(128, spec["size"], spec["width"]),
                   models.dcgan_generator(128, spec["size"], spec["width"]), sigma=spec["sigma"])


def run_vae(name: str) -> dict:
    """Train the VAE of EXPERIMENTS[name], measure it as the GANs are measured, and ship it.

    Not resumable (it takes 2 to 10 minutes): running it again trains again.
    """
    from ganlab import course

    spec = EXPERIMENTS[name]
    course.setup(seed=0)
    import keras

    from ganlab import data, features, plots, recipes, training, vae
    from ganlab.tooling import batches, precision

    policy = precision.choose_precision("auto")
    images = data.load_avatars(spec["n_images"], spec["size"], seed=0).images
    settings = {"size": spec["size"], "width": spec["width"], "latent_dim": 128, "sigma": spec["sigma"]}
    model = _vae(spec)
    model.compile(keras.optimizers.Adam(5e-4))
    started = time.monotonic()
    history = model.fit(batches.step_batches(images, batch_size=64, seed=0, start_step=0, steps=spec["steps"]),
                        verbose=0)
    minutes = (time.monotonic() - started) / 60
    with precision.dtype_policy("float32"):  # measured in float32, as the GANs are
        twin = _vae(spec)
        network = features.load_feature_network()
    twin.encoder.set_weights(model.encoder.get_weights())
    twin.decoder.set_weights(model.decoder.get_weights())
    n = 2000
    samples = recipes.generate(twin.decoder, n, seed=100)
    real = data.load_avatars(n, spec["size"], seed=100, progress=False).images
    record = {"experiment": name, "spec": spec, "settings": settings, "dtype_policy": policy,
              "steps": spec["steps"], "minutes": round(minutes, 2), "cpu_count": os.cpu_count(),
              "command": f"python benchmarks/experiments.py {name}",
              "final_losses": {key: round(float(values[-1]), 2) for key, values in history.history.items()},
              **_scores(network, real, samples)}
    OUT.mkdir(parents=True, exist_ok=True)
    plots.save_image_grid(data.to_uint8(recipes.generate(twin.decoder, 32, seed=7)), OUT / f"{name}.png", columns=8)
    if spec.get("ship"):
        vae.ship_vae(twin, ROOT / "data" / spec["ship"], {k: record[k] for k in
                                                          ("settings", "steps", "minutes", "metrics", "command")})
    (OUT / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def _shares(labels) -> dict:
    from ganlab.avatars import ATTRIBUTES

    tones = ATTRIBUTES["skin_tone"]
    counts = np.bincount(np.asarray(labels), minlength=len(tones))
    return {str(tone): round(float(c) / len(labels), 4) for tone, c in zip(tones, counts)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="experiments to run, in order")
    parser.add_argument("--list", action="store_true", help="list the experiments and stop")
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in EXPERIMENTS]
    if args.list or not args.names or unknown:
        if unknown:
            print(f"unknown experiment(s): {', '.join(unknown)}", file=sys.stderr)
        for name, spec in EXPERIMENTS.items():
            print(f"{name:>20}: {spec}")
        return 2 if unknown else 0
    for name in args.names:
        print(json.dumps((run_vae if EXPERIMENTS[name].get("model") == "vae" else run)(name), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
