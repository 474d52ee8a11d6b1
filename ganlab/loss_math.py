"""The GAN game on a line: densities on a grid, the optimal discriminator, the
Jensen-Shannon link, and a one-parameter generator that shows saturation.

Everything here is 1-D so that integrals are sums over a fine grid and every quantity
of Goodfellow et al. (2014), section 4, can be computed exactly and compared.

Taught in 02_loss_math.ipynb.
"""

from __future__ import annotations

import numpy as np


def gaussian(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Normal density N(mean, std^2) at x.

    Taught in 02_loss_math.ipynb.
    """
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def optimal_discriminator(p_data: np.ndarray, p_generated: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)); 0.5 where both densities are 0.

    Taught in 02_loss_math.ipynb.
    """
    total = p_data + p_generated
    return np.divide(p_data, total, out=np.full_like(total, 0.5), where=total > 0)


def optimal_logit(p_data: np.ndarray, p_generated: np.ndarray) -> np.ndarray:
    """The logit of D*: log p_data(x) - log p_g(x) (D* = sigmoid of it).

    Taught in 02_loss_math.ipynb.
    """
    with np.errstate(divide="ignore"):
        return np.log(p_data) - np.log(p_generated)


def value(p_data, p_generated, logits, dx: float) -> float:
    """V(D, G) = integral p_data log D + integral p_g log(1 - D), as a sum over the grid.

    D is given by its logits l, D = sigmoid(l), because in float64 D rounds to exactly 1
    where p_g is 1e-17 of p_data, and log(1 - 1) is -inf; log D = -softplus(-l) and
    log(1 - D) = -softplus(l) stay finite.

    Taught in 02_loss_math.ipynb.
    """
    logits = np.asarray(logits, dtype=float)
    with np.errstate(invalid="ignore"):
        real_term = np.where(p_data > 0, -p_data * np.logaddexp(0.0, -logits), 0.0)
        fake_term = np.where(p_generated > 0, -p_generated * np.logaddexp(0.0, logits), 0.0)
    return float((real_term.sum() + fake_term.sum()) * dx)


def jensen_shannon(p, q, dx: float) -> float:
    """JSD(p || q) = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2, in nats (0 .. log 2).

    Taught in 02_loss_math.ipynb.
    """
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log(p / m), 0.0).sum() * dx
        kl_q = np.where(q > 0, q * np.log(q / m), 0.0).sum() * dx
    return float(kl_p / 2 + kl_q / 2)


def shift_gan(generator_loss: str, steps: int = 300, start: float = 6.0, seed: int = 0,
              generator_lr: float = 0.5, warm_up: int = 500, batch: int = 512):
    """Train the smallest GAN: data N(0, 1), generator G(z) = z + shift, z ~ N(0, 1).

    The discriminator is logistic regression on (x, x^2), which can represent the exact
    D* for two Gaussians. It first trains alone for `warm_up` steps (as early in a real
    run, it easily tells the poor fakes apart), then takes 5 Adam steps per generator
    step. The generator takes plain gradient steps (Adam would rescale a vanishing
    gradient and hide it), with `generator_loss` "minimax" (E log(1 - D(G(z)))) or
    "non_saturating" (-E log D(G(z))).

    Returns:
        (shifts [steps + 1], gradients [steps]): the shift after each generator step
        (0 is perfect) and the generator's gradient d L_G / d shift at each step.

    Taught in 02_loss_math.ipynb.
    """
    import tensorflow as tf

    if generator_loss not in ("minimax", "non_saturating"):
        raise ValueError(f"generator_loss must be 'minimax' or 'non_saturating'; got {generator_loss!r}.")
    rng = tf.random.Generator.from_seed(seed)
    shift = tf.Variable(start, dtype=tf.float32)
    weights = tf.Variable([0.0, 0.0, 0.0])  # logit = w0 + w1 x + w2 x^2
    d_optimizer = tf.keras.optimizers.Adam(0.05)

    def logits(x):
        return weights[0] + weights[1] * x + weights[2] * x ** 2

    @tf.function
    def discriminator_step():
        real, fake = rng.normal([batch]), rng.normal([batch]) + shift
        with tf.GradientTape() as tape:  # cross-entropy: -E log D(x) - E log(1 - D(G(z)))
            d_loss = tf.reduce_mean(tf.nn.softplus(-logits(real)) + tf.nn.softplus(logits(fake)))
        d_optimizer.apply_gradients([(tape.gradient(d_loss, weights), weights)])

    @tf.function
    def generator_step():
        with tf.GradientTape() as tape:
            fake_logits = logits(rng.normal([batch]) + shift)
            if generator_loss == "minimax":  # E log(1 - D) = -E softplus(logit)
                g_loss = -tf.reduce_mean(tf.nn.softplus(fake_logits))
            else:  # -E log D = E softplus(-logit)
                g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
        gradient = tape.gradient(g_loss, shift)
        shift.assign_sub(generator_lr * gradient)
        return gradient

    for _ in range(warm_up):
        discriminator_step()
    shifts, gradients = [start], []
    for _ in range(steps):
        for _ in range(5):
            discriminator_step()
        gradients.append(float(generator_step()))
        shifts.append(float(shift.numpy()))
    return np.array(shifts), np.array(gradients)
