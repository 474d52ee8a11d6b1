"""The GAN model: one train_step at a time, on tiny models and data (seconds, not minutes)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab import data, models, training
from ganlab.tooling import precision
from ganlab.tooling.batches import to_unit_range


def tiny_pair(conditions=None, normalization="batch"):
    generator = models.dcgan_generator(latent_dim=8, size=32, width=4, conditions=conditions)
    discriminator = models.dcgan_discriminator(size=32, width=4, normalization=normalization,
                                               conditions=conditions)
    return generator, discriminator


@pytest.fixture(scope="module")
def avatars(tmp_path_factory):
    return data.load_avatars(64, 32, seed=3, cache_dir=tmp_path_factory.mktemp("cache"),
                             workers=1, progress=False)


@pytest.mark.parametrize("loss", ["minimax", "non_saturating", "hinge", "least_squares"])
def test_fit_returns_the_four_numbers_each_step(avatars, loss):
    keras.utils.set_random_seed(0)
    gan = training.GAN(*tiny_pair(), loss=loss)
    gan.compile()
    history = gan.fit(avatars.tf_dataset(batch_size=16), epochs=1, verbose=0)
    for name in ("d_loss", "g_loss", "d_real", "d_fake"):
        assert np.isfinite(history.history[name][0]), name
    assert 0.0 <= history.history["d_real"][0] <= 1.0
    assert int(gan.generator_optimizer.iterations) == 64 // 16


def test_d_steps_ema_and_penalties(avatars):
    keras.utils.set_random_seed(0)
    generator, discriminator = tiny_pair(normalization=None)
    gan = training.GAN(generator, discriminator, loss="wasserstein", d_steps=2, ema_decay=0.9,
                       gp_weight=10.0, r1_weight=1.0)
    gan.compile()
    before = [w.copy() for w in gan.ema_generator.get_weights()]
    gan.fit(avatars.tf_dataset(batch_size=16), epochs=1, verbose=0)
    assert int(gan.discriminator_optimizer.iterations) == 2 * int(gan.generator_optimizer.iterations)
    after = gan.ema_generator.get_weights()
    assert any(not np.allclose(b, a) for b, a in zip(before, after)), "EMA weights must move"
    assert gan(tf.zeros((2, 8))).shape == (2, 32, 32, 3)  # samples come from the EMA generator


def test_lazy_r1_applies_r1_times_k_on_every_kth_step_only(avatars):
    batch = np.asarray(to_unit_range(avatars.images[:16]))

    def discriminator_after(steps, r1_weight, r1_every):
        keras.utils.set_random_seed(0)
        gan = training.GAN(*tiny_pair(normalization=None), r1_weight=r1_weight, r1_every=r1_every)
        # SGD: a weight moves in proportion to its gradient. Adam's first step moves it by
        # about lr * sign(gradient), so a gradient of 1e-9 against 0 (round-off that differs
        # between two graphs) would move a weight by a visible amount.
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
        for _ in range(steps):
            gan.train_on_batch(batch)
        return gan.discriminator.get_weights()

    def same(a, b):
        return all(np.allclose(x, y, atol=1e-6) for x, y in zip(a, b))

    # step 1 (discriminator iteration 0) is due: gamma 5 every 2 steps counts as gamma 10
    assert same(discriminator_after(1, 5.0, 2), discriminator_after(1, 10.0, 1))
    assert not same(discriminator_after(1, 5.0, 2), discriminator_after(1, 5.0, 1))
    # step 2 is not: from there on the two runs part
    assert not same(discriminator_after(2, 5.0, 2), discriminator_after(2, 10.0, 1))
    with pytest.raises(ValueError, match="r1_every must be a positive integer"):
        training.GAN(*tiny_pair(normalization=None), r1_weight=1.0, r1_every=0)


def test_conditional_pair_trains_on_labelled_batches(avatars):
    conditions = {"skin_tone": 7, "hat": 12}
    gan = training.GAN(*tiny_pair(conditions), conditions=tuple(conditions))
    gan.compile()
    dataset = avatars.tf_dataset(batch_size=16, attributes=list(conditions))
    history = gan.fit(dataset, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])


def test_divergence_stops_with_the_step_named(avatars):
    gan = training.GAN(*tiny_pair())
    gan.compile(generator_optimizer=keras.optimizers.Adam(1e30),
                discriminator_optimizer=keras.optimizers.Adam(1e30))
    with pytest.raises(training.TrainingDiverged, match=r"training diverged at step \d+: .*nan|inf"):
        gan.fit(avatars.tf_dataset(batch_size=16), epochs=20, verbose=0,
                callbacks=[training.DivergenceGuard()])


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": "wgan"}, "unknown loss 'wgan'; known losses: minimax"),
    ({"d_steps": 0}, "d_steps must be a positive integer; got 0"),
    ({"ema_decay": 1.5}, "ema_decay must be between 0 and 1"),
    ({"r1_weight": -1.0}, "r1_weight must be zero or more; got -1.0"),
    ({"gp_weight": 10.0}, "batch norm in the discriminator mixes the images"),
])
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.GAN(*tiny_pair(), **kwargs)


def test_every_trainable_weight_gets_a_gradient(avatars):
    """A loss rescaled outside the tape would leave every gradient None, silently."""
    gan = training.GAN(*tiny_pair())
    gan.compile(generator_optimizer=keras.optimizers.SGD(0.1),
                discriminator_optimizer=keras.optimizers.SGD(0.1))
    before = {v.path: v.numpy().copy() for v in gan.generator.trainable_variables
              + gan.discriminator.trainable_variables}
    gan.fit(avatars.tf_dataset(batch_size=16), epochs=1, steps_per_epoch=1, verbose=0)
    unchanged = [v.path for v in gan.generator.trainable_variables + gan.discriminator.trainable_variables
                 if np.array_equal(v.numpy(), before[v.path])]
    assert unchanged == []


@pytest.mark.parametrize("flags, gpu, expected", [
    ({"avx512f", "avx512_bf16"}, False, "mixed_bfloat16"),
    ({"amx_bf16", "amx_tile"}, False, "mixed_bfloat16"),
    ({"avx2"}, False, "float32"),
    ({"avx512_bf16"}, True, "mixed_float16"),
])
def test_precision_is_chosen_from_the_hardware(flags, gpu, expected):
    try:
        assert precision.choose_precision("auto", cpu_flags=flags, has_gpu=gpu) == expected
        assert keras.mixed_precision.global_policy().name == expected
        assert precision.choose_precision("float32") == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")
    with pytest.raises(ValueError, match="unknown precision 'bf16'; choose one of auto, float32"):
        precision.choose_precision("bf16")


def test_ganlab_precision_overrides_what_auto_detects(monkeypatch):
    monkeypatch.setenv("GANLAB_PRECISION", "float32")
    assert precision.detect_precision() == "float32"
    # explicit flags (what a test or a caller states) are not overridden
    assert precision.detect_precision(cpu_flags={"avx512_bf16"}, has_gpu=False) == "mixed_bfloat16"
    monkeypatch.setenv("GANLAB_PRECISION", "bf16")
    with pytest.raises(ValueError, match="GANLAB_PRECISION='bf16' is not a precision; set it to one of float32, "
                                         "mixed_bfloat16, mixed_float16, or unset it"):
        precision.detect_precision()


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_a_step_under_mixed_precision(avatars, policy):
    keras.mixed_precision.set_global_policy(policy)
    try:
        gan = training.GAN(*tiny_pair())
        gan.compile()
        if policy == "mixed_float16":
            assert isinstance(gan.generator_optimizer, keras.optimizers.LossScaleOptimizer)
        history = gan.fit(avatars.tf_dataset(batch_size=16), epochs=1, steps_per_epoch=2, verbose=0)
        assert np.isfinite(history.history["g_loss"][0])
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("mode", ["plain", "ema"])
def test_training_under_mirrored_strategy_on_two_cpu_devices(tmp_path, mode):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parent / "scripts" / "mirrored_gan.py"
    result = subprocess.run([sys.executable, str(script), mode, str(tmp_path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    words = result.stdout.split()
    assert words[:4] == ["replicas", "2", "steps", "2"]  # 32 images, batch 16
    assert np.isfinite(float(words[5]))
