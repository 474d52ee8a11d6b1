"""Losses checked against hand-computed values, at extreme logits, and on a toy game."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab import losses

LOG2 = math.log(2.0)


def logit(probability):
    return np.log(probability) - np.log1p(-probability)


def test_discriminator_loss_is_2_log_2_when_d_says_one_half():
    zeros = tf.zeros((8, 1))
    assert float(losses.cross_entropy_discriminator_loss(zeros, zeros)) == pytest.approx(2 * LOG2)
    assert float(losses.value_function(zeros, zeros)) == pytest.approx(-2 * LOG2)  # V = -log 4


@pytest.mark.parametrize("real, fake, expected", [
    (0.9, 0.2, -math.log(0.9) - math.log(0.8)),
    (0.5, 0.99, LOG2 - math.log(0.01)),
])
def test_cross_entropy_by_hand(real, fake, expected):
    value = losses.cross_entropy_discriminator_loss(tf.constant([[logit(real)]]), tf.constant([[logit(fake)]]))
    assert float(value) == pytest.approx(expected, rel=1e-5)


def test_generator_losses_by_hand():
    fake = tf.constant([[logit(0.25)]])
    assert float(losses.minimax_generator_loss(fake)) == pytest.approx(math.log(0.75), rel=1e-5)
    assert float(losses.non_saturating_generator_loss(fake)) == pytest.approx(-math.log(0.25), rel=1e-5)
    two = tf.constant([[2.0], [-1.0]])
    assert float(losses.wasserstein_generator_loss(two)) == pytest.approx(-0.5)
    assert float(losses.hinge_generator_loss(two)) == pytest.approx(-0.5)
    assert float(losses.least_squares_generator_loss(two)) == pytest.approx(0.5 * (1 + 4) / 2)


def test_critic_losses_by_hand():
    real, fake = tf.constant([[2.0], [0.5]]), tf.constant([[-3.0], [0.0]])
    assert float(losses.wasserstein_discriminator_loss(real, fake)) == pytest.approx(-1.5 - 1.25)
    # hinge: mean(relu(1 - real)) + mean(relu(1 + fake)) = (0 + 0.5)/2 + (0 + 1)/2
    assert float(losses.hinge_discriminator_loss(real, fake)) == pytest.approx(0.75)
    # least squares: 0.5 mean((real - 1)^2) + 0.5 mean(fake^2) = 0.5 * 0.625 + 0.5 * 4.5
    assert float(losses.least_squares_discriminator_loss(real, fake)) == pytest.approx(2.5625)


def test_value_at_the_optimal_discriminator_is_minus_log_4_plus_2_jsd():
    """Discrete p_data and p_g with probabilities in quarters, so that equal-weight samples
    represent them exactly; D*(x) = p_data(x) / (p_data(x) + p_g(x))."""
    p_data = np.array([0.5, 0.25, 0.25, 0.0])
    p_g = np.array([0.0, 0.25, 0.25, 0.5])
    optimal = p_data / (p_data + p_g)
    with np.errstate(divide="ignore"):
        optimal_logits = logit(optimal)  # +-inf where one side has no mass
    real = np.repeat(np.arange(4), (p_data * 4).astype(int))
    fake = np.repeat(np.arange(4), (p_g * 4).astype(int))
    value = float(losses.value_function(tf.constant(optimal_logits[real]), tf.constant(optimal_logits[fake])))
    middle = (p_data + p_g) / 2

    def kl(p, q):
        mask = p > 0
        return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))

    jsd = 0.5 * kl(p_data, middle) + 0.5 * kl(p_g, middle)
    assert value == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-6)
    assert jsd == pytest.approx(0.5 * LOG2)  # half the mass overlaps


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_stable_at_extreme_logits(name):
    generator_loss, discriminator_loss = losses.loss_pair(name)
    extreme = tf.constant([[100.0], [-100.0]])
    for value in (generator_loss(extreme), discriminator_loss(extreme, -extreme),
                  discriminator_loss(-extreme, extreme)):
        assert np.isfinite(float(value)), value
    if name in ("minimax", "non_saturating"):
        confident = float(discriminator_loss(tf.constant([[100.0]]), tf.constant([[-100.0]])))
        assert confident == pytest.approx(0.0, abs=1e-30)  # log(1 + e^-100), not nan
        wrong = float(discriminator_loss(tf.constant([[-100.0]]), tf.constant([[100.0]])))
        assert wrong == pytest.approx(200.0)


def test_saturating_loss_gives_no_gradient_early_and_non_saturating_does():
    """Early on D easily rejects fakes: D(G(z)) -> 0, i.e. a very negative logit."""
    for probability in (1e-2, 1e-4, 1e-6):
        fake = tf.Variable([[logit(probability)]], dtype=tf.float32)
        gradients = {}
        for name in ("minimax", "non_saturating"):
            with tf.GradientTape() as tape:
                value = losses.loss_pair(name)[0](fake)
            gradients[name] = abs(float(tape.gradient(value, fake)[0, 0]))
        assert gradients["minimax"] == pytest.approx(probability, rel=1e-3)  # d/dl = -D(G(z))
        assert gradients["non_saturating"] == pytest.approx(1 - probability, rel=1e-3)  # 1 - D(G(z))


def linear_critic(weights):
    """f(x) = <w, x>: its input gradient is w everywhere, so ||grad|| = ||w||."""
    w = tf.constant(weights, dtype=tf.float32)
    return lambda images: tf.reduce_sum(tf.reshape(images, (tf.shape(images)[0], -1)) * w,
                                        axis=1, keepdims=True)


def test_gradient_penalty_is_zero_for_a_unit_norm_linear_critic():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=12)
    real = rng.normal(size=(6, 2, 2, 3)).astype("float32")
    fake = rng.normal(size=(6, 2, 2, 3)).astype("float32")
    unit = linear_critic(weights / np.linalg.norm(weights))
    assert float(losses.gradient_penalty(unit, real, fake, seed=(1, 2))) == pytest.approx(0.0, abs=1e-6)
    doubled = linear_critic(2 * weights / np.linalg.norm(weights))  # ||grad|| = 2: (2 - 1)^2
    assert float(losses.gradient_penalty(doubled, real, fake, seed=(1, 2))) == pytest.approx(1.0, rel=1e-5)
    assert float(losses.r1_penalty(doubled, real)) == pytest.approx(4.0, rel=1e-5)


def small_discriminator():
    return keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Conv2D(4, 3, name="c"),
                             keras.layers.Flatten(name="f"), keras.layers.Dense(1, name="logit",
                                                                                 dtype="float32")])


def test_penalties_have_gradients_under_mixed_bfloat16():
    """A penalty that silently became 0 or None would still 'train', without the penalty."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        keras.utils.set_random_seed(0)
        discriminator = small_discriminator()
        real = tf.random.normal((4, 4, 4, 3))
        with tf.GradientTape() as tape:
            penalty = losses.r1_penalty(discriminator, real)
            gp = losses.gradient_penalty(discriminator, real, tf.random.normal((4, 4, 4, 3)), seed=(0, 1))
            total = penalty + gp  # inside the tape, or the sum is not recorded
        assert float(penalty) > 0 and np.isfinite(float(gp))
        variables = discriminator.trainable_variables
        gradients = dict(zip([v.path for v in variables], tape.gradient(total, variables)))
        # An input gradient does not depend on biases here, so theirs are None; every
        # kernel must get a real, non-zero gradient.
        kernels = {path: g for path, g in gradients.items() if path.endswith("kernel")}
        assert len(kernels) == 2
        for path, gradient in kernels.items():
            assert gradient is not None and float(tf.reduce_max(tf.abs(gradient))) > 0, path
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_unknown_loss_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown loss 'wgan'; known losses: minimax, non_saturating, "
                                         "wasserstein, hinge, least_squares"):
        losses.loss_pair("wgan")


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_each_pair_moves_a_toy_generator_towards_the_data(name):
    """1-D game: real samples near +2, the generator a learnable shift b starting at -2.

    The discriminator is a tiny MLP on the number; a few alternating Adam steps of each
    pair must move b towards 2 (Wasserstein with its gradient penalty).
    """
    keras.utils.set_random_seed(0)
    generator_loss, discriminator_loss = losses.loss_pair(name)
    shift = tf.Variable(-2.0)
    discriminator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(16, activation="relu"),
                                      keras.layers.Dense(1)])
    d_optimizer, g_optimizer = keras.optimizers.Adam(0.01), keras.optimizers.Adam(0.05)
    for step in range(150):
        real = 2.0 + 0.1 * tf.random.normal((64, 1))
        noise = 0.1 * tf.random.normal((64, 1))
        with tf.GradientTape() as tape:
            d_loss = discriminator_loss(discriminator(real), discriminator(noise + shift))
            if name == "wasserstein":
                d_loss += 10.0 * losses.gradient_penalty(discriminator, real, noise + shift)
        d_optimizer.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                        discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            g_loss = generator_loss(discriminator(noise + shift))
        g_optimizer.apply([tape.gradient(g_loss, shift)], [shift])
    assert float(shift) > -1.0, f"{name}: the generator did not move towards the data ({float(shift):.2f})"
