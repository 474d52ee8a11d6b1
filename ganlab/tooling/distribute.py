"""Training on several devices or processes with tf.distribute: the same run as on one.

    strategy = distribute.make_strategy("mirrored")     # every local GPU (one CPU: 1 replica)
    with strategy.scope():
        gan = recipes.build_gan(config)                 # networks, optimizers, EMA: mirrored
    training.train(gan, images, steps=2000, run_dir="runs/big", strategy=strategy)

"multiworker" is MultiWorkerMirroredStrategy: one process per machine (or per local
worker), each told its place in the cluster by the TF_CONFIG environment variable.

A step on R replicas computes what one device computes on the whole batch:
- the data: replica r gets rows [r b/R, (r+1) b/R) of the global batch of step s,
  which `batches.step_batches` makes from s alone (`distributed_batches`);
- the noise and DiffAugment's random draws: each replica draws the whole batch's values
  from the shared seed and keeps its own rows (`replica_rows`);
- batch normalization sums its statistics over the replicas (`synchronized_batch_norm`);
- each replica's loss is divided by R and the gradients are summed
  (`training.update_weights`); the logged losses are the replicas' mean (Keras).
(`models.dcgan_discriminator(minibatch_stddev=True)`'s batch statistic is the one
exception: it stays each replica's own, since lazy R1 computes it inside a conditional,
where tf.distribute cannot sum over replicas.) So only the order of additions differs, and the weights agree with a one-device run to
float32 round-off (tests/test_distribute.py states the tolerance).

In a multi-worker run every worker trains, and worker 0 (the "chief") alone writes the
run folder: checkpoints, samples, losses, TensorBoard. All workers read the same
checkpoint to resume, so the folder must be one they all see (one machine, or a shared
disk). Run tooling: `training.train` and `python -m ganlab train --strategy` use it.
"""

from __future__ import annotations

import json
import os

import numpy as np
import tensorflow as tf

STRATEGIES = ("none", "mirrored", "multiworker")


def make_strategy(name: str = "none"):
    """The tf.distribute strategy called `name` (one of STRATEGIES).

    "none" is TensorFlow's default strategy (one device), "mirrored" MirroredStrategy
    over every local GPU (or the CPU when there is none), "multiworker"
    MultiWorkerMirroredStrategy, which needs TF_CONFIG (see `tf_config`).
    """
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}.")
    if name == "none":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if not os.environ.get("TF_CONFIG"):
        raise ValueError("--strategy multiworker needs TF_CONFIG, which tells each process the cluster "
                         "and its place in it (README: training on several machines); to try it on "
                         "one machine, add --local-workers 2.")
    cluster = json.loads(os.environ["TF_CONFIG"])
    if "cluster" not in cluster or "task" not in cluster:
        raise ValueError("TF_CONFIG must be JSON with 'cluster' (e.g. {\"worker\": [\"host1:12345\", "
                         "\"host2:12345\"]}) and 'task' (e.g. {\"type\": \"worker\", \"index\": 0}); got "
                         f"{os.environ['TF_CONFIG']!r}.")
    return tf.distribute.MultiWorkerMirroredStrategy()


def tf_config(addresses: list[str], index: int) -> str:
    """TF_CONFIG for worker `index` of a cluster of workers at `addresses` ("host:port")."""
    return json.dumps({"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}})


def describe(strategy) -> str:
    """One line on what `strategy` trains on, for the command line."""
    name = type(strategy).__name__
    if is_multi_worker(strategy):
        name = "MultiWorkerMirroredStrategy"  # whose class is CollectiveAllReduceStrategy
        resolver = strategy.cluster_resolver
        workers = len(resolver.cluster_spec().as_dict().get("worker", []))
        return (f"{name}: worker {resolver.task_id} of {workers}, {strategy.num_replicas_in_sync} replicas "
                f"in all{' (the chief: it writes the run folder)' if is_chief(strategy) else ''}")
    devices = getattr(strategy.extended, "worker_devices", ())
    return f"{name}: {strategy.num_replicas_in_sync} replica(s) on {', '.join(devices) or 'this device'}"


def is_chief(strategy=None) -> bool:
    """Whether this process writes the run folder: always, except in a multi-worker run,
    where only worker 0 (or the task named "chief", if the cluster has one) does."""
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    if "chief" in resolver.cluster_spec().as_dict():
        return resolver.task_type == "chief"
    return resolver.task_type in (None, "worker") and int(resolver.task_id or 0) == 0


def replicas() -> int:
    """How many replicas the current strategy trains on (1 outside any)."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def replica_rows(draw, batch, shape=()):
    """`draw((batch, *shape))` as one replica's share of the whole batch's draw.

    `draw` samples from a shared seed (a keras.random.SeedGenerator, mirrored), so every
    replica draws the same R * batch rows and keeps rows [r batch, (r + 1) batch): the
    values a one-device run draws for its batch of R * batch. With one replica, simply
    `draw((batch, *shape))`.
    """
    count = replicas()
    if count == 1:
        return draw((batch, *shape))
    replica = tf.distribute.get_replica_context().replica_id_in_sync_group
    return draw((batch * count, *shape))[replica * batch:(replica + 1) * batch]


def synchronized_batch_norm() -> bool:
    """Whether batch normalization built now should sum its statistics over replicas: inside
    the scope of a strategy with more than one replica. (Keras' layer does the summing.)"""
    return replicas() > 1


def distributed_batches(strategy, images, labels=None, *, batch_size: int, seed: int, start_step: int,
                        steps: int):
    """`batches.step_batches` cut into per-replica shares for `strategy` (a DistributedDataset).

    Each input pipeline (one per worker) makes only its own replicas' rows of each step's
    global batch, in the order tf.distribute hands them out: step by step, replica by
    replica.
    """
    from ganlab.tooling.batches import step_batches

    count = strategy.num_replicas_in_sync
    if batch_size % count:
        raise ValueError(f"batch_size {batch_size} does not split evenly over {count} replicas: "
                         f"choose a multiple of {count}.")

    def pipeline(context):
        local = context.num_replicas_in_sync // context.num_input_pipelines
        return step_batches(images, labels, batch_size=batch_size, seed=seed, start_step=start_step,
                            steps=steps, parts=count, first_part=context.input_pipeline_id * local,
                            local_parts=local)

    return strategy.distribute_datasets_from_function(pipeline)


def agree(strategy, wish: bool) -> bool:
    """True on every worker when any worker wishes it (a multi-worker run must stop at the
    same step everywhere, or the others wait forever for its gradients)."""
    if not is_multi_worker(strategy):
        return wish
    if id(strategy) not in _VOTES:  # one traced function per strategy: run eagerly, TF warns of its cost

        @tf.function
        def count(wish):
            return strategy.reduce("SUM", strategy.run(tf.identity, args=(wish,)), axis=None)

        _VOTES[id(strategy)] = count
    return bool(np.asarray(_VOTES[id(strategy)](tf.constant(1.0 if wish else 0.0))) > 0)


_VOTES = {}


def is_multi_worker(strategy) -> bool:
    """Whether `strategy` spans several processes (MultiWorkerMirroredStrategy with a cluster)."""
    extended = getattr(strategy, "extended", None)
    return bool(getattr(extended, "_in_multi_worker_mode", lambda: False)())


def local_addresses(count: int) -> list[str]:
    """`count` free "127.0.0.1:port" addresses for workers on this machine."""
    import socket

    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [f"127.0.0.1:{sock.getsockname()[1]}" for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def start_local_workers(command: list[str], count: int, log_folder=None, environment=None) -> list:
    """Start `command` `count` times as the workers of a cluster on this machine, each with
    its TF_CONFIG: for trying a multi-worker run on one machine. Worker 0 prints to this
    terminal; the others write `log_folder`/worker-<i>.log (or print too, if None).

    On several machines, start the command yourself on each, with TF_CONFIG naming all of
    them (README: training on several machines). `environment`: the workers' environment
    variables (this process's by default), to which each one's TF_CONFIG is added.
    """
    import subprocess
    from pathlib import Path

    if count < 2:
        raise ValueError(f"a multi-worker run needs 2 workers or more; got {count}.")
    addresses = local_addresses(count)
    processes = []
    for index in range(count):
        env = {**(os.environ if environment is None else environment), "TF_CONFIG": tf_config(addresses, index)}
        output = None
        if index and log_folder is not None:
            Path(log_folder).mkdir(parents=True, exist_ok=True)
            output = open(Path(log_folder) / f"worker-{index}.log", "w", encoding="utf-8")
        processes.append(subprocess.Popen(command, env=env, stdout=output, stderr=output))
        if output is not None:
            output.close()  # the child holds its own copy
    return processes


def wait_for_workers(processes, poll_seconds: float = 0.5) -> int:
    """Wait until every worker has ended; the first failure ends the others (they would
    otherwise wait for the failed one forever). Returns 0, or the first failed worker's
    exit code."""
    import time

    failed = 0
    try:
        while any(process.poll() is None for process in processes):
            codes = [process.poll() for process in processes]
            if any(code not in (None, 0) for code in codes):
                failed = next(code for code in codes if code not in (None, 0))
                break
            time.sleep(poll_seconds)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except Exception:
                process.kill()
    return failed or next((process.returncode for process in processes if process.returncode), 0)
