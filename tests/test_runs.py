"""Runs: the step-indexed data stream, checkpoints, and resuming after kill -9."""

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from ganlab import data, models, training
from ganlab.tooling import batches, callbacks, checkpoints

SCRIPT = Path(__file__).parent / "scripts" / "resumable_run.py"


@pytest.fixture(scope="module")
def avatars(tmp_path_factory):
    return data.load_avatars(64, 32, seed=3, cache_dir=tmp_path_factory.mktemp("cache"),
                             workers=1, progress=False)


def tiny_gan(width=4, **options):
    gan = training.GAN(models.dcgan_generator(latent_dim=8, size=32, width=width),
                       models.dcgan_discriminator(size=32, width=width), **options)
    gan.compile()
    return gan


def test_the_batch_of_a_step_does_not_depend_on_where_the_stream_starts(avatars):
    whole = [b.numpy() for b in batches.step_batches(avatars.images, batch_size=8, seed=1,
                                                       start_step=0, steps=20)]
    resumed = [b.numpy() for b in batches.step_batches(avatars.images, batch_size=8, seed=1,
                                                         start_step=13, steps=20)]
    assert all(np.array_equal(a, b) for a, b in zip(whole[13:], resumed))
    epoch = np.concatenate(whole[:8])  # 64 images / 8 per batch: one epoch, each image once
    assert len({image.tobytes() for image in epoch}) == 64
    assert not np.array_equal(np.concatenate(whole[8:16]), epoch), "each epoch has a new order"
    assert whole[0].min() >= -1.0 and whole[0].max() <= 1.0


def test_checkpoint_round_trip_restores_every_variable(avatars, tmp_path):
    keras.utils.set_random_seed(0)
    gan = tiny_gan(ema_decay=0.9)
    gan.fit(batches.step_batches(avatars.images, batch_size=8, seed=0, start_step=0, steps=3),
            epochs=1, steps_per_epoch=3, verbose=0)
    path = checkpoints.save_checkpoint(gan, tmp_path, 3, {"note": "test"})
    fresh = tiny_gan(ema_decay=0.9)
    assert checkpoints.restore_checkpoint(fresh, path) == 3
    for saved, restored in zip(checkpoints.state_variables(gan), checkpoints.state_variables(fresh)):
        assert np.array_equal(np.asarray(saved), np.asarray(restored)), saved.path
    assert callbacks.current_step(fresh) == 3
    assert checkpoints.read_meta(path)["config"] == {"note": "test"}
    paths = {v.path for v in checkpoints.state_variables(gan)}
    assert any("seed" in p for p in paths), "the noise generator's state must be saved"


def test_missing_damaged_and_incompatible_checkpoints_are_explained(tmp_path):
    gan = tiny_gan()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        checkpoints.restore_checkpoint(gan, tmp_path / "checkpoint-00000003.npz")
    damaged = tmp_path / "checkpoint-00000001.npz"
    damaged.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ValueError, match="not a readable ganlab checkpoint"):
        checkpoints.restore_checkpoint(gan, damaged)
    wide = checkpoints.save_checkpoint(tiny_gan(width=8), tmp_path / "wide", 1)
    with pytest.raises(ValueError, match="does not fit this GAN: .* has shape"):
        checkpoints.restore_checkpoint(gan, wide)
    with_ema = checkpoints.save_checkpoint(tiny_gan(ema_decay=0.9), tmp_path / "ema", 1)
    with pytest.raises(ValueError, match="different setup"):
        checkpoints.restore_checkpoint(gan, with_ema)


def test_only_the_newest_two_checkpoints_are_kept(tmp_path):
    gan = tiny_gan()
    for step in (1, 2, 3, 4):
        checkpoints.save_checkpoint(gan, tmp_path, step)
    assert [p.name for p in checkpoints.checkpoints(tmp_path)] == ["checkpoint-00000003.npz",
                                                                   "checkpoint-00000004.npz"]
    assert list(tmp_path.glob(".*partial")) == []


def test_train_writes_the_run_folder_and_continues_where_it_stopped(avatars, tmp_path):
    keras.utils.set_random_seed(0)
    gan = tiny_gan()
    assert training.train(gan, avatars.images, steps=4, batch_size=8, run_dir=tmp_path,
                          checkpoint_every=2, sample_every=2, progress=False) == 4
    assert [p.name for p in checkpoints.checkpoints(tmp_path)] == ["checkpoint-00000002.npz",
                                                                   "checkpoint-00000004.npz"]
    assert (tmp_path / "samples" / "step-00000002.png").exists()
    assert (tmp_path / "samples" / "latest.png").exists() and (tmp_path / "losses.png").exists()
    again = tiny_gan()  # a new session: the same settings, continue to 6 steps
    assert training.train(again, avatars.images, steps=6, batch_size=8, run_dir=tmp_path,
                          checkpoint_every=2, sample_every=2, progress=False) == 6
    steps = [row["step"] for row in callbacks.read_losses(tmp_path / "losses.csv")]
    assert steps == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": -5}, "steps must be a positive integer; got -5"),
    ({"batch_size": 100}, r"batch_size 100 is larger than the dataset \(64 images\)"),
    ({"checkpoint_every": 0}, "checkpoint_every must be a positive integer"),
])
def test_bad_run_arguments_are_explained(avatars, tmp_path, kwargs, message):
    arguments = {"steps": 2, "batch_size": 8, "run_dir": tmp_path, "progress": False, **kwargs}
    with pytest.raises(ValueError, match=message):
        training.train(tiny_gan(), avatars.images, **arguments)


def run_script(run_dir, cache, pause="0"):
    return subprocess.Popen([sys.executable, str(SCRIPT), str(run_dir), str(cache), pause],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_killed_with_sigkill_resumes_to_the_same_weights(tmp_path):
    cache = tmp_path / "cache"
    straight = run_script(tmp_path / "straight", cache)
    out, err = straight.communicate(timeout=300)
    assert straight.returncode == 0, err[-3000:]

    victim = run_script(tmp_path / "killed", cache, pause="0.5")
    deadline = time.monotonic() + 240
    while not (tmp_path / "killed" / "checkpoint-00000006.npz").exists():
        assert victim.poll() is None, victim.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    resumed = run_script(tmp_path / "killed", cache)
    out_resumed, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-3000:]
    assert out.split()[-4:] == out_resumed.split()[-4:], (out, out_resumed)  # step and fingerprint
    with open(tmp_path / "killed" / "losses.csv", encoding="utf-8") as file:
        assert [int(row["step"]) for row in csv.DictReader(file)] == list(range(1, 13))
