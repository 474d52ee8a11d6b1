"""Compare training recipes at an equal wall-clock budget on the 2-core course machine.

    python benchmarks/recipes.py hinge_sn --minutes 10
    python benchmarks/recipes.py ns_r1 --steps 2080 --seed 1    # equal steps, another seed

Trains one recipe on 10,000 avatars (always data seed 0), then measures 2,000 samples
of the (EMA) generator against 2,000 real avatars (seed 100) with the course's metrics,
and appends a row to data/records/recipes.json (the record the chapters read). `--seed` changes the initial weights and
the order of the batches; `--steps` trains that many steps instead of for `--minutes`.
`--table` prints all rows as Markdown.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import keras

from ganlab import data, recipes, training
from ganlab.tooling import precision

RESULTS = Path(__file__).resolve().parent.parent / "data" / "records" / "recipes.json"


def coverage_row(result: dict) -> dict:
    """The metrics of `recipes.measure`, with the coverage of a few attributes as columns."""
    coverage = result.pop("attributes").set_index("attribute")
    for name in ("skin_tone", "hair_color", "hat", "accessory"):
        result[f"{name}_produced"] = float(coverage.loc[name, "classes_produced"])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe", nargs="?", choices=sorted(recipes.RECIPES))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--size", type=int, default=64, choices=(32, 64))
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--precision", default="auto", choices=precision.PRECISIONS)
    parser.add_argument("--seed", type=int, default=0, help="initial weights and batch order")
    parser.add_argument("--steps", type=int, help="train this many steps (no time limit)")
    parser.add_argument("--table", action="store_true", help="print the results table and stop")
    args = parser.parse_args()
    if args.table:
        return print_table()
    policy = precision.choose_precision(args.precision)
    keras.utils.set_random_seed(args.seed)
    avatars = data.load_avatars(10_000, args.size, seed=0)
    settings = recipes.run_settings(args.recipe, args.size, args.width, batch_size=args.batch,
                                    n_images=10_000, seed=args.seed, precision=policy)
    gan = recipes.build_gan(settings)
    name = f"{args.recipe}-{args.size}px-w{args.width}-{policy}"
    name += (f"-seed{args.seed}" if args.seed else "") + (f"-{args.steps}steps" if args.steps else "")
    run_dir = Path("runs/recipes") / name
    started = time.monotonic()
    step = training.train(gan, avatars.images, steps=args.steps, batch_size=args.batch, run_dir=run_dir,
                          seed=args.seed, checkpoint_every=500, sample_every=250,
                          max_seconds=None if args.steps else args.minutes * 60,
                          config=settings)
    minutes = (time.monotonic() - started) / 60
    row = {"recipe": args.recipe, "size": args.size, "width": args.width, "batch": args.batch,
           "dtype_policy": policy, "seed": args.seed, "steps": step, "minutes": round(minutes, 2),
           "run_dir": str(run_dir), "command": "python benchmarks/recipes.py " + " ".join(sys.argv[1:]),
           **{k: round(v, 4) for k, v in coverage_row(recipes.measure(gan, settings)).items()}}
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps(rows + [row], indent=2) + "\n")
    print(json.dumps(row, indent=2))
    return 0


def print_table() -> int:
    rows = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    columns = ["recipe", "size", "width", "dtype_policy", "seed", "steps", "minutes", "avatar_fid", "kid_mean",
               "precision", "recall", "skin_tone_produced", "hair_color_produced"]
    print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
