"""Time to quality: how good the avatars are after 3 and 10 minutes of training on this machine,
for ganlab's default and two DCGANs a learner would otherwise pick, by one harness.

    python benchmarks/time_to_quality.py                 # 3 systems x 3 seeds, to 10 minutes (~100 min)
    python benchmarks/time_to_quality.py --systems ganlab --seeds 0 1 2
    python benchmarks/time_to_quality.py --table         # the table of what is recorded
    python benchmarks/time_to_quality.py --table --labels ganlab keras_io tf_tutorial
    python benchmarks/time_to_quality.py --systems ganlab --minutes 3 --set r1_every=4 --label lazy-r1
                                                         # a variant of the default, for the recipe search
    python benchmarks/time_to_quality.py --systems ganlab --seeds 0 --minutes 3 10 30 60 --keep --label ganlab-long
    python benchmarks/time_to_quality.py --ship ganlab-long 0 60 data/generator_60min
                                                         # ship a kept snapshot, with its card
    python benchmarks/time_to_quality.py --real          # the floor: real avatars measured the same way

Each run trains from scratch on the same 10,000 avatars (64 x 64, data seed 0) for the
largest budget in --minutes; the clock starts with training (graph tracing included,
rendering the data not) and, when it passes each budget, the weights are copied aside.
Afterwards every copy is measured the same way: 2,000 samples (latent seed 100) against
2,000 real avatars (seed 100) with the course's metrics (Avatar-FID, KID, precision,
density, coverage, attribute coverage), and a grid of 32 samples is written to
runs/time_to_quality/. Every system trains without sample grids, checkpoints or logs
(the harness's own, in `fit` or the peer's loop). Each measured copy appends a row to
data/records/time_to_quality.json; a run killed halfway loses only itself. `--keep` also
writes ganlab's snapshots as checkpoints (how the shipped generators are made).

Systems: "ganlab" is `recipes.DEFAULT_RECIPE` at 64 px, width 32, batch 64, in the
precision `--precision auto` picks (bfloat16 on a CPU with bf16 units); "keras_io" and
"tf_tutorial" are described, with every change made to them, in benchmarks/peers.py.

The table shows, per system and budget, the median Avatar-FID over seeds with its range,
the median of the other metrics, and the ratio peer FID / ganlab FID (above 1: ganlab ahead).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import keras
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "data" / "records" / "time_to_quality.json"
GRIDS = ROOT / "runs" / "time_to_quality"
SYSTEMS = ("ganlab", "keras_io", "tf_tutorial")
N_IMAGES, SIZE, N_MEASURE = 10_000, 64, 2000
METRICS = ("avatar_fid", "kid_mean", "precision", "density", "coverage", "classes_produced")


class Snapshots(keras.callbacks.Callback):
    """Stop after the last budget; copy the weights aside when the clock passes each budget."""

    def __init__(self, budgets_s, weights_of):
        super().__init__()
        self.budgets, self.weights_of, self.taken, self.steps = sorted(budgets_s), weights_of, {}, 0

    def on_train_begin(self, logs=None):
        self.started = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        self.check()

    def check(self) -> bool:
        """Take any snapshot now due; True once the last budget has passed."""
        elapsed = time.monotonic() - self.started
        for budget in self.budgets:
            if elapsed >= budget and budget not in self.taken:
                self.taken[budget] = (self.weights_of(), self.steps, elapsed)
        if len(self.taken) == len(self.budgets):
            if self.model is not None:
                self.model.stop_training = True
            return True
        return False


# ---- training each system for a time budget ------------------------------------

def train_ganlab(images, seed, budgets_s, overrides, policy):
    """Returns (snapshots, sample(weights) -> images in [-1, 1], settings)."""
    from ganlab import recipes
    from ganlab.tooling import batches, checkpoints

    config = variant_config(overrides, seed, policy)
    gan = recipes.build_gan(config)
    snapshots = Snapshots(budgets_s, gan.get_weights)
    stream = batches.step_batches(images, batch_size=config.batch_size, seed=seed, start_step=0, steps=2 ** 62)
    gan.fit(stream, epochs=1, verbose=0, callbacks=[snapshots])

    def sample(weights):
        gan.set_weights(weights)
        generator = recipes.rebuilt_generator(gan, config, "float32")
        return recipes.generate(generator, N_MEASURE, seed=100)

    def keep(weights, steps, folder):
        gan.set_weights(weights)
        return checkpoints.save_checkpoint(gan, folder, steps, config)

    return snapshots.taken, sample, config.to_dict(), keep


def train_keras_io(images, seed, budgets_s, overrides, policy):
    import peers

    gan = peers.KerasIoGAN(seed=1337 + seed)
    gan.compile()
    snapshots = Snapshots(budgets_s, gan.generator.get_weights)
    gan.fit(peers.keras_io_dataset(images, seed), epochs=1, steps_per_epoch=2 ** 40, verbose=0, shuffle=False,
            callbacks=[snapshots])

    def sample(weights):
        gan.generator.set_weights(weights)
        return 2.0 * _predict(gan.generator, peers.KERAS_IO_LATENT) - 1.0

    return snapshots.taken, sample, {"batch_size": 32, "precision": "float32"}, None


def train_tf_tutorial(images, seed, budgets_s, overrides, policy):
    import peers

    gan = peers.TfTutorialGAN()
    snapshots = Snapshots(budgets_s, gan.generator.get_weights)
    snapshots.on_train_begin()
    for batch in peers.tf_tutorial_dataset(images, seed):
        gan.train_step(batch)
        snapshots.steps += 1
        if snapshots.check():
            break

    def sample(weights):
        gan.generator.set_weights(weights)
        return _predict(gan.generator, peers.TF_TUTORIAL_LATENT)

    return snapshots.taken, sample, {"batch_size": peers.TfTutorialGAN.BATCH_SIZE, "precision": "float32"}, None


TRAINERS = {"ganlab": train_ganlab, "keras_io": train_keras_io, "tf_tutorial": train_tf_tutorial}


def _predict(generator, latent_dim):
    latent = np.random.default_rng(100).normal(size=(N_MEASURE, latent_dim)).astype("float32")
    return np.asarray(generator.predict(latent, batch_size=250, verbose=0), np.float32)


def variant_config(overrides: dict, seed: int, policy: str):
    """The default RunConfig at 64 px, with `overrides` applied to its recipe or its run settings."""
    from ganlab import recipes

    recipe_fields = {field.name for field in dataclasses.fields(recipes.Recipe)}
    run_fields = {field.name for field in dataclasses.fields(recipes.RunConfig)} - {"recipe"}
    unknown = sorted(set(overrides) - recipe_fields - run_fields - {"recipe"})
    if unknown:
        raise SystemExit(f"--set: unknown setting(s) {', '.join(unknown)}; recipe fields: "
                         f"{', '.join(sorted(recipe_fields))}; run fields: {', '.join(sorted(run_fields))}.")
    base = overrides.get("recipe", recipes.DEFAULT_RECIPE)
    changed = {k: v for k, v in overrides.items() if k in recipe_fields}
    name = base
    if changed:  # a variant recipe, registered for this process only
        name = f"{base}+" + ",".join(f"{k}={v}" for k, v in sorted(changed.items()))
        recipes.RECIPES[name] = dataclasses.replace(recipes.RECIPES[base], **changed)
    run = {k: v for k, v in overrides.items() if k in run_fields}
    run.setdefault("size", SIZE)
    return recipes.RunConfig(recipe=name, **{"n_images": N_IMAGES, "seed": seed, "precision": policy, **run})


def parse_overrides(pairs) -> dict:
    overrides = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise SystemExit(f"--set takes key=value; got {pair!r}.")
        key, value = pair.split("=", 1)
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


# ---- one run: train, then measure every snapshot ---------------------------------

def run(system, seed, minutes, overrides, label, policy, reference, keep=False):
    from ganlab import data, features, metrics, plots
    from ganlab.tooling import precision

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    images = data.load_avatars(N_IMAGES, SIZE, seed=0, progress=False).images
    system_policy = policy if system == "ganlab" else "float32"
    with precision.dtype_policy(system_policy):
        taken, sample, settings, save = TRAINERS[system](images, seed, [60.0 * m for m in minutes], overrides,
                                                   system_policy)
    network = features.load_feature_network()
    rows = []
    for budget, (weights, steps, elapsed) in sorted(taken.items()):
        generated = sample(weights)
        result = metrics.compare(reference, features.features_and_attributes(network, generated, progress=False))
        attributes = result.pop("attributes").set_index("attribute")
        name = f"{label}-seed{seed}-{budget / 60:g}min"
        GRIDS.mkdir(parents=True, exist_ok=True)
        plots.save_image_grid(data.to_uint8(generated[:32]), GRIDS / f"{name}.png", columns=8)
        row = {"system": system, "label": label, "seed": seed, "minutes": budget / 60,
               "steps": steps, "seconds": round(elapsed, 1), "settings": settings,
               **{k: round(float(v), 4) for k, v in result.items()},
               **{f"{a}_produced": round(float(attributes.loc[a, "classes_produced"]), 4)
                  for a in ("skin_tone", "hair_color", "hat", "accessory")},
               "grid": str((GRIDS / f"{name}.png").relative_to(ROOT)), "host": host(),
               "date": datetime.date.today().isoformat(),
               "command": "python benchmarks/time_to_quality.py " + " ".join(sys.argv[1:])}
        if keep and save is not None:
            row["checkpoint"] = str(save(weights, steps, GRIDS / name).relative_to(ROOT))
        append(row)
        rows.append(row)
        print(f"{label} seed {seed} at {budget / 60:g} min: {steps} steps, Avatar-FID {row['avatar_fid']:.1f}, "
              f"coverage {row['coverage']:.3f}, density {row['density']:.2f}", flush=True)
    return rows


def measure_real(reference) -> dict:
    """The floor: N_MEASURE more real avatars (the next ones of seed 100) measured exactly as
    a system's samples are. No generator can score better than fresh real data."""
    from ganlab import data, features, metrics

    images = data.load_avatars(2 * N_MEASURE, SIZE, seed=100, progress=False).images[N_MEASURE:]
    result = metrics.compare(reference, features.features_and_attributes(features.load_feature_network(), images,
                                                                          progress=False))
    result.pop("attributes")
    row = {"system": "real", "label": "real", "seed": 100, "minutes": 0.0, "steps": 0, "seconds": 0.0,
           "settings": {"images": f"avatars {N_MEASURE}-{2 * N_MEASURE - 1} of seed 100"},
           **{k: round(float(v), 4) for k, v in result.items()}, "host": host(),
           "date": datetime.date.today().isoformat(),
           "command": "python benchmarks/time_to_quality.py " + " ".join(sys.argv[1:])}
    append(row)
    print(f"real vs real, {N_MEASURE:,} against {N_MEASURE:,}: Avatar-FID {row['avatar_fid']:.1f}, "
          f"coverage {row['coverage']:.3f}, density {row['density']:.2f}", flush=True)
    return row


def host() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, python {platform.python_version()}"


def append(row: dict) -> None:
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps(rows + [row], indent=1) + "\n")


def ship(rows, label: str, seed: int, minutes: float, folder: Path) -> dict:
    """Ship the checkpoint kept (--keep) for one recorded row as a generator with its card."""
    from ganlab import recipes

    found = [row for row in rows if (row["label"], row["seed"], row["minutes"]) == (label, seed, minutes)]
    if not found or "checkpoint" not in found[-1]:
        raise SystemExit(f"--ship: no row {label} seed {seed} at {minutes:g} min with a checkpoint in {RESULTS}; "
                         "run it with --keep first.")
    row = found[-1]
    checkpoint = ROOT / row["checkpoint"]
    if not checkpoint.is_file():
        raise SystemExit(f"--ship: {checkpoint} is gone; run {row['command']!r} again.")
    metrics = {key: row[key] for key in ("avatar_fid", "kid_mean", "kid_std", "precision", "recall", "density",
                                         "coverage", "classes_produced", "total_variation", "skin_tone_produced",
                                         "hair_color_produced", "hat_produced", "accessory_produced")}
    name = Path(folder).name
    longest = max(r["minutes"] for r in rows if (r["label"], r["seed"]) == (label, seed))
    moment = (f"the end of a {longest:g}-minute run" if minutes == longest
              else f"the {minutes:g}-minute snapshot of a run that went on to {longest:g} minutes")
    about = (f"This is {moment}, shipped so that chapters 04 and 05 can show what training time buys beside "
             f"the 10-minute generator in `data/generator/`. Load it with `ganlab.recipes.load_shipped_generator("
             f"ganlab.recipes.SHIPPED.parent / \"{name}\")`.")
    card = recipes.ship_generator(checkpoint, metrics, row["seconds"] / 60, folder=folder,
                                  command=f"{row['command']} (seed {seed}'s {minutes:g}-minute snapshot)",
                                  title=f"the default recipe after {minutes:g} minutes", about=about)
    (Path(folder) / "README.md").write_text(recipes.generator_card(card), encoding="utf-8")
    return card


# ---- the table --------------------------------------------------------------------

def table(rows, headline: str = "ganlab") -> str:
    """Median (range) per label and budget, and peer FID / `headline` FID at equal minutes."""
    groups = {}
    for row in rows:
        groups.setdefault((row["label"], row["minutes"]), []).append(row)
    best = {minutes: statistics.median(r["avatar_fid"] for r in group)
            for (label, minutes), group in groups.items() if label == headline}
    lines = ["| system | minutes | seeds | steps | Avatar-FID median (range) | KID | precision | density "
             "| coverage | classes | FID / " + headline + " |", "|" + "---|" * 11]
    for (label, minutes), group in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        fids = [r["avatar_fid"] for r in group]
        median = statistics.median(fids)
        ratio = f"{median / best[minutes]:.2f}" if minutes in best else ""
        cells = [label, f"{minutes:g}", str(len(group)), f"{statistics.median(r['steps'] for r in group):,.0f}",
                 f"{median:.1f} ({min(fids):.1f}-{max(fids):.1f})",
                 *(f"{statistics.median(r[m] for r in group):.3f}" for m in METRICS[1:]), ratio]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--minutes", nargs="+", type=float, default=[3.0, 10.0])
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="change a recipe field or run setting of ganlab's default (repeatable)")
    parser.add_argument("--label", help="name of this variant in the table (default: the system's name)")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--keep", action="store_true",
                        help="also write each ganlab snapshot as a checkpoint (runs/time_to_quality/<row>/)")
    parser.add_argument("--table", action="store_true", help="print the recorded table and stop")
    parser.add_argument("--real", action="store_true",
                        help="measure fresh real avatars the same way (the floor), record them and stop")
    parser.add_argument("--ship", nargs=4, metavar=("LABEL", "SEED", "MINUTES", "FOLDER"),
                        help="ship the snapshot kept for this recorded row into FOLDER, with its card, and stop")
    parser.add_argument("--labels", nargs="+", help="with --table: only these systems or variants")
    args = parser.parse_args(argv)
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    if args.table:
        print(table([row for row in rows if not args.labels or row["label"] in args.labels]))
        return 0
    if args.ship:
        label, seed, minutes, folder = args.ship
        card = ship(rows, label, int(seed), float(minutes), Path(folder))
        print(f"shipped {label} seed {seed} at {minutes} min into {folder}: {card['steps']:,} steps, "
              f"Avatar-FID {card['metrics']['avatar_fid']:.1f}")
        return 0
    if any(m <= 0 for m in args.minutes):
        raise SystemExit(f"--minutes must be positive; got {args.minutes}.")
    overrides = parse_overrides(args.set)
    if overrides and args.systems != ["ganlab"]:
        raise SystemExit("--set changes ganlab's default only: pass --systems ganlab with it.")
    from ganlab import data, features
    from ganlab.tooling import precision

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    policy = precision.choose_precision(args.precision)
    network = features.load_feature_network()
    real = data.load_avatars(N_MEASURE, SIZE, seed=100, progress=False).images
    reference = features.features_and_attributes(network, real, progress=False)
    if args.real:
        measure_real(reference)
        return 0
    measured = []
    for system in args.systems:
        label = args.label or system
        for seed in args.seeds:
            measured += run(system, seed, args.minutes, overrides, label, policy, reference, args.keep)
    print(table(measured, headline=measured[0]["label"] if args.label else "ganlab"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
