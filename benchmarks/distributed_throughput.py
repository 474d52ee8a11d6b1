"""Benchmark: images/s of the default recipe on one process and as 2 local workers.

    python benchmarks/distributed_throughput.py [--size 64] [--width 32] [--batch 64] [--steps 30]

Three runs of `training.train` on the same avatars, each in its own process, one after
the other:
  one process:   the reference, --strategy none, batch 64, TensorFlow's own thread count;
  2 workers:     MultiWorkerMirroredStrategy over 2 processes on 127.0.0.1 (as
                 `train --local-workers 2`), 32 images each per step of 64, gradients
                 summed over gRPC every step; then again with one thread each for
                 TensorFlow's ops, so that the two do not fight over the cores;
  half, 1 thread: one process, batch 32, one thread for TensorFlow's ops: what each
                 worker computes, alone and without communication.
Each times the steps after `--warmup` (tracing, first-step allocations) with a callback
and prints images/s and the ratio to the reference. On a 2-core machine the 2 workers
share the cores the one process had, so they cannot be faster; the difference between a
worker's step and "half, 1 thread" is what synchronising costs.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def worker(args) -> None:
    """One process: train `args.steps` steps and write its step times to args.out."""
    import keras

    from ganlab import data, recipes, training
    from ganlab.tooling import distribute, precision

    strategy = distribute.make_strategy(args.strategy)
    config = recipes.run_settings(recipes.DEFAULT_RECIPE, args.size, args.width, batch_size=args.batch,
                                  n_images=2_000, precision=precision.choose_precision("auto"))
    avatars = data.load_avatars(2_000, args.size, seed=0, progress=False)
    with strategy.scope():
        gan = recipes.build_gan(config)
    times = []
    clock = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: times.append(time.perf_counter()))
    with tempfile.TemporaryDirectory() as run_dir:
        training.train(gan, avatars.images, steps=args.warmup + args.steps, batch_size=args.batch,
                       run_dir=run_dir, checkpoint_every=10 ** 6, sample_every=10 ** 6, progress=False,
                       strategy=strategy, callbacks=[clock])
    if distribute.is_chief(strategy):
        timed = times[args.warmup - 1:]
        seconds = (timed[-1] - timed[0]) / (len(timed) - 1)
        Path(args.out).write_text(json.dumps({"seconds_per_step": seconds, "batch": args.batch,
                                              "replicas": strategy.num_replicas_in_sync}))


ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}


def run(label, argv, out, workers=1, env=None):
    from ganlab.tooling import distribute

    command = [sys.executable, __file__, "--worker", "--out", str(out), *argv]
    environment = {**os.environ, **(env or {})}
    started = time.perf_counter()
    if workers == 1:
        subprocess.run(command, check=True, env=environment)
    else:
        processes = distribute.start_local_workers(command + ["--strategy", "multiworker"], workers,
                                                   environment=environment)
        if distribute.wait_for_workers(processes):
            raise SystemExit(f"{label}: a worker failed")
    result = json.loads(Path(out).read_text())
    result["wall"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--strategy", default="none", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        from ganlab import course

        course.import_tensorflow_quietly()
        worker(args)
        return
    shared = ["--size", str(args.size), "--width", str(args.width), "--steps", str(args.steps),
              "--warmup", str(args.warmup)]
    print(f"default recipe, {args.size} px, width {args.width}; {args.steps} timed steps after "
          f"{args.warmup}; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        results = {
            "one process (reference)": run("one", [*shared, "--batch", str(args.batch)], Path(folder) / "one.json"),
            "2 workers": run("two", [*shared, "--batch", str(args.batch)], Path(folder) / "two.json", workers=2),
            "2 workers, 1 thread each": run("two1", [*shared, "--batch", str(args.batch)], Path(folder) / "two1.json",
                                            workers=2, env=ONE_THREAD),
            "half batch, 1 thread": run("half", [*shared, "--batch", str(args.batch // 2)], Path(folder) / "half.json",
                                        env=ONE_THREAD),
        }
    reference = args.batch / results["one process (reference)"]["seconds_per_step"]
    print(f"{'run':26} {'s/step':>8} {'img/s':>8} {'ratio':>6} {'wall s':>7}")
    for label, result in results.items():
        speed = result["batch"] / result["seconds_per_step"]
        print(f"{label:26} {result['seconds_per_step']:8.3f} {speed:8.1f} {speed / reference:6.2f} "
              f"{result['wall']:7.0f}")
    half = results["half batch, 1 thread"]["seconds_per_step"]
    for label in ("2 workers", "2 workers, 1 thread each"):
        two = results[label]["seconds_per_step"]
        print(f"{label}: a worker's step beyond its own computation (synchronising, sharing the cores): "
              f"{two - half:+.3f} s ({(two - half) / two:.0%} of its step)")


if __name__ == "__main__":
    main()
