"""Training under tf.distribute computes the run one device computes (ganlab.tooling.distribute).

The equivalence tests train the same tiny GAN (float32, fixed seed, 6 steps; batch norm
in G, lazy R1, EMA and DiffAugment, so every shared draw and batch statistic is
exercised) on one device, under MirroredStrategy on two logical CPUs, and as two
MultiWorkerMirroredStrategy worker processes on 127.0.0.1, each in its own process.
With SGD the weights agree to float32 round-off: measured 1.2e-7 at most, against
8e-3 when the replicas drew their own noise; the tolerance is TOLERANCE.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ganlab.tooling import batches, distribute

SCRIPT = Path(__file__).parent / "scripts" / "distributed_gan.py"
TOLERANCE = 1e-5  # largest difference of any weight or optimizer variable
STEPS = 6


def _train(mode, run_dir, cache, steps=STEPS, delay=0.0):
    command = [sys.executable, str(SCRIPT), mode, str(run_dir), str(cache), str(steps), "sgd", str(delay)]
    if mode != "multiworker":
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout
    workers = distribute.start_local_workers(command, 2, log_folder=run_dir / "logs")
    assert distribute.wait_for_workers(workers) == 0, _logs(run_dir)
    return ""


def _logs(run_dir):
    return "\n".join(path.read_text()[-2000:] for path in sorted((run_dir / "logs").glob("*.log")))


def _largest_difference(a, b):
    with np.load(a) as first, np.load(b) as second:
        assert first.files == second.files
        return max(float(np.max(np.abs(first[k] - second[k]), initial=0.0)) for k in first.files)


@pytest.fixture(scope="module")
def one_device(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one")
    output = _train("one", folder / "run", folder / "cache")
    assert "replicas 1 step 6 chief True" in output
    return folder


def test_mirrored_on_two_cpus_gives_the_one_device_weights(one_device, tmp_path):
    output = _train("mirrored", tmp_path / "run", one_device / "cache")
    assert "replicas 2 step 6 chief True" in output
    assert _largest_difference(one_device / "run" / "weights-chief.npz",
                               tmp_path / "run" / "weights-chief.npz") <= TOLERANCE
    # the logged losses are the whole batch's, as on one device
    logged = [(tmp_path / "run" / "losses.csv").read_text(), (one_device / "run" / "losses.csv").read_text()]
    assert len(logged[0].splitlines()) == STEPS + 1
    assert _close_rows(*logged)


def test_two_worker_processes_give_the_one_device_weights_and_only_the_chief_writes(one_device, tmp_path):
    run = tmp_path / "run"
    _train("multiworker", run, one_device / "cache")
    for task in ("chief", "other"):
        assert _largest_difference(one_device / "run" / "weights-chief.npz", run / f"weights-{task}.npz") <= TOLERANCE
    assert sorted(path.name for path in run.glob("checkpoint-*.npz")) == ["checkpoint-00000004.npz",
                                                                          "checkpoint-00000006.npz"]
    assert _close_rows((run / "losses.csv").read_text(), (one_device / "run" / "losses.csv").read_text())
    assert (run / "samples" / "latest.png").is_file()


def test_a_killed_worker_and_a_restart_resume_from_the_last_checkpoint(one_device, tmp_path):
    """Worker 1 (not the chief, which writes the checkpoints) is killed with SIGKILL after
    step 2's checkpoint; the helper then stops worker 0. Both started again resume from
    the newest checkpoint and reach the one-device weights of an unbroken run."""
    run = tmp_path / "run"
    command = [sys.executable, str(SCRIPT), "multiworker", str(run), str(one_device / "cache"), str(STEPS),
               "sgd", "1.5"]  # 1.5 s after each step: time to kill it mid-run
    workers = distribute.start_local_workers(command, 2, log_folder=run / "logs")
    deadline = time.monotonic() + 240
    while not (run / "checkpoint-00000002.npz").exists():
        assert time.monotonic() < deadline and workers[1].poll() is None, _logs(run)
        time.sleep(0.1)
    os.kill(workers[1].pid, signal.SIGKILL)
    assert distribute.wait_for_workers(workers) != 0  # the helper ended worker 0 too
    assert not (run / "weights-chief.npz").exists()  # the run did not finish
    stopped_at = [int(path.stem.split("-")[1]) for path in run.glob("checkpoint-*.npz")]
    assert 2 <= max(stopped_at) < STEPS
    _train("multiworker", run, one_device / "cache")
    assert _largest_difference(one_device / "run" / "weights-chief.npz", run / "weights-chief.npz") <= TOLERANCE
    rows = (run / "losses.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [str(step) for step in range(1, STEPS + 1)]


def _close_rows(first: str, second: str) -> bool:
    a = np.array([[float(x) for x in row.split(",")] for row in first.splitlines()[1:]])
    b = np.array([[float(x) for x in row.split(",")] for row in second.splitlines()[1:]])
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-5)


def test_the_shares_of_a_step_make_up_its_global_batch():
    images = np.random.default_rng(0).integers(0, 256, (40, 4, 4, 3), dtype=np.uint8)
    labels = {"skin_tone": np.arange(40, dtype=np.int32)}
    whole = list(batches.step_batches(images, labels, batch_size=8, seed=3, start_step=4, steps=7))
    shares = list(batches.step_batches(images, labels, batch_size=8, seed=3, start_step=4, steps=7,
                                       parts=4, first_part=0, local_parts=4))
    assert len(shares) == 4 * len(whole)
    for step, (batch, batch_labels) in enumerate(whole):
        mine = shares[4 * step:4 * step + 4]
        np.testing.assert_array_equal(np.concatenate([share[0] for share in mine]), batch)
        np.testing.assert_array_equal(np.concatenate([share[1]["skin_tone"] for share in mine]),
                                      batch_labels["skin_tone"])
    # a worker with shares 2 and 3 of 4 gets the second half of each batch
    second = list(batches.step_batches(images, None, batch_size=8, seed=3, start_step=4, steps=7,
                                       parts=4, first_part=2, local_parts=2))
    np.testing.assert_array_equal(np.concatenate(second[:2]), whole[0][0][4:])


def test_shares_that_do_not_fit_are_refused():
    images = np.zeros((16, 4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match="cannot cut batches of 8 into 3 shares"):
        batches.step_batches(images, batch_size=8, seed=0, start_step=0, steps=2, parts=3)


def test_strategy_names_and_tf_config_are_checked(monkeypatch):
    with pytest.raises(ValueError, match="unknown strategy 'tpu'; choose one of none, mirrored, multiworker"):
        distribute.make_strategy("tpu")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="needs TF_CONFIG"):
        distribute.make_strategy("multiworker")
    monkeypatch.setenv("TF_CONFIG", '{"worker": ["a:1"]}')
    with pytest.raises(ValueError, match="must be JSON with 'cluster'"):
        distribute.make_strategy("multiworker")
    assert distribute.make_strategy("none").num_replicas_in_sync == 1
    assert distribute.is_chief(distribute.make_strategy("none"))


def test_tf_config_names_every_worker_and_this_one():
    import json

    config = json.loads(distribute.tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1))
    assert config == {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}, "task": {"type": "worker", "index": 1}}
    addresses = distribute.local_addresses(3)
    assert len(set(addresses)) == 3 and all(address.startswith("127.0.0.1:") for address in addresses)


def test_a_failed_worker_ends_the_others():
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    failing = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    waiting = subprocess.Popen(sleeper)
    started = time.monotonic()
    assert distribute.wait_for_workers([waiting, failing], poll_seconds=0.1) == 3
    assert waiting.poll() is not None and time.monotonic() - started < 30


def test_one_replica_draws_what_it_would_draw_alone():
    import keras

    first = distribute.replica_rows(lambda shape: keras.random.normal(shape, seed=4), 5, (3,))
    np.testing.assert_array_equal(np.asarray(first), np.asarray(keras.random.normal((5, 3), seed=4)))


def test_a_gan_built_outside_the_strategy_is_refused(tmp_path):
    import tensorflow as tf

    from ganlab import models, training

    gan = training.GAN(models.dcgan_generator(latent_dim=8, size=32, width=4),
                       models.dcgan_discriminator(size=32, width=4))
    gan.compile()
    images = np.zeros((32, 32, 32, 3), np.uint8)
    with pytest.raises(ValueError, match="inside `with strategy.scope\\(\\):`"):
        training.train(gan, images, steps=1, batch_size=16, run_dir=tmp_path,
                       strategy=tf.distribute.MirroredStrategy(["/cpu:0"]))


TINY = ["--size", "32", "--width", "4", "--n-images", "64", "--batch-size", "16",
        "--checkpoint-every", "2", "--sample-every", "2", "--precision", "float32"]


def test_the_command_line_runs_two_local_workers_and_they_stop_together(tmp_path, monkeypatch):
    """`train --local-workers 2`: the README's way to try it. A time budget far below one
    step stops both workers at the same step (they vote every 10 steps), not at --steps."""
    from ganlab.tooling import checkpoints, cli

    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TF_CONFIG", raising=False)
    run = tmp_path / "run"
    assert cli.main(["train", "--run-dir", str(run), "--local-workers", "2", "--steps", "40",
                     "--minutes", "0.001", *TINY]) == 0
    assert checkpoints.latest_checkpoint(run).name == "checkpoint-00000010.npz"
    assert checkpoints.read_meta(run / "checkpoint-00000010.npz")["config"]["size"] == 32
    log = (run / "workers" / "worker-1.log").read_text()
    assert "worker 1 of 2, 2 replicas in all" in log and "samples:" not in log  # worker 1 writes nothing


def test_the_command_line_refuses_what_cannot_work(tmp_path, monkeypatch, capsys):
    from ganlab.tooling import cli

    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    run = ["train", "--run-dir", str(tmp_path / "run"), "--steps", "2", *TINY]
    monkeypatch.delenv("TF_CONFIG", raising=False)
    cases = [([*run, "--strategy", "multiworker"], "needs TF_CONFIG"),
             ([*run, "--local-workers", "1"], "--local-workers needs 2 or more"),
             ([*run, "--local-workers", "2", "--strategy", "mirrored"], "runs --strategy multiworker")]
    for args, message in cases:
        with pytest.raises(SystemExit) as stopped:
            cli.main(args)
        assert stopped.value.code == 2 and message in capsys.readouterr().err
    monkeypatch.setenv("TF_CONFIG", distribute.tf_config(["127.0.0.1:1", "127.0.0.1:2"], 0))
    with pytest.raises(SystemExit):
        cli.main([*run, "--local-workers", "2"])
    assert "TF_CONFIG is already set" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_mirrored_on_one_device_trains_and_names_it(tmp_path, monkeypatch, capsys):
    from ganlab.tooling import checkpoints, cli

    monkeypatch.setenv("GANLAB_CACHE", str(tmp_path / "cache"))
    assert cli.main(["train", "--run-dir", str(tmp_path / "run"), "--steps", "2", "--strategy", "mirrored",
                     *TINY]) == 0
    assert "MirroredStrategy: 1 replica(s) on /job:localhost/replica:0/task:0/device:CPU:0" in capsys.readouterr().out
    assert checkpoints.latest_checkpoint(tmp_path / "run").name == "checkpoint-00000002.npz"


def test_a_batch_that_does_not_split_over_the_replicas_is_refused():
    class TwoReplicas:
        num_replicas_in_sync = 2

    with pytest.raises(ValueError, match="batch_size 15 does not split evenly over 2 replicas"):
        distribute.distributed_batches(TwoReplicas(), np.zeros((32, 4, 4, 3), np.uint8), batch_size=15,
                                       seed=0, start_step=0, steps=1)
