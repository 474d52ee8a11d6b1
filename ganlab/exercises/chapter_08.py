"""The checkers of 08_faq.ipynb's exercises."""

from __future__ import annotations

import numpy as np

from ganlab.exercises.registry import exercise


@exercise("08.1")
def _kl_to_prior(kl_to_prior) -> str | None:
    if not callable(kl_to_prior):
        return "the answer should be a function kl_to_prior(mean, log_variance), not a value."
    rng = np.random.default_rng(0)
    mean, log_variance = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    expected = -0.5 * np.sum(1 + log_variance - mean ** 2 - np.exp(log_variance), axis=-1)
    got = np.asarray(kl_to_prior(mean, log_variance), dtype=np.float64)
    if got.shape != (4,):
        return (f"for 4 rows of 3 numbers it returned shape {got.shape}; return one KL per row "
                "(sum over the latent dimensions): shape (4,).")
    zero = np.asarray(kl_to_prior(np.zeros((1, 3)), np.zeros((1, 3))), dtype=np.float64)
    if abs(float(zero[0])) > 1e-9:
        return (f"for mean 0 and log-variance 0 (q is the prior itself) it gave {float(zero[0]):.4f}; "
                "the KL of a distribution from itself is 0.")
    variance_given = -0.5 * np.sum(1 + np.log(np.abs(log_variance)) - mean ** 2 - np.abs(log_variance), axis=-1)
    if np.allclose(got, variance_given, atol=1e-6):
        return "the second argument is the log of the variance, not the variance: exp() it where the variance is meant."
    if np.allclose(got, 2 * expected, atol=1e-6) or np.allclose(got, -expected, atol=1e-6):
        return "close: check the factor -1/2 in front of the sum."
    if not np.allclose(got, expected, atol=1e-6):
        return ("the numbers are off. Per latent dimension, KL(N(m, s^2) || N(0, 1)) = "
                "(s^2 + m^2 - 1 - log s^2) / 2; sum it over the dimensions of each row.")
    return None


@exercise("08.2")
def _shift(shift) -> str | None:
    if not callable(shift):
        return "the answer should be a function shift(images, dy, dx), not a value."
    images = np.arange(2 * 5 * 5 * 1, dtype=np.float32).reshape(2, 5, 5, 1) + 1.0
    for dy, dx in [(1, 0), (0, -2), (2, 1), (0, 0)]:
        padded = np.pad(images, [(0, 0), (2, 2), (2, 2), (0, 0)])
        expected = padded[:, 2 - dy:7 - dy, 2 - dx:7 - dx]
        got = np.asarray(shift(images, dy, dx))
        if got.shape != images.shape:
            return f"your shift(images, {dy}, {dx}) returned shape {got.shape}; keep the shape {images.shape}."
        if np.array_equal(got, np.roll(images, (dy, dx), axis=(1, 2))) and (dy or dx):
            return (f"your shift(images, {dy}, {dx}) wraps the pixels that leave one side round to the other "
                    "(np.roll); the gap should be filled with 0 instead.")
        if np.array_equal(got, padded[:, 2 + dy:7 + dy, 2 + dx:7 + dx]) and (dy or dx):
            return (f"your shift(images, {dy}, {dx}) moved the picture the wrong way: a positive dy should move "
                    "it down (row y goes to row y + dy), a positive dx to the right.")
        if not np.array_equal(got, expected):
            return (f"your shift(images, {dy}, {dx}) is not the picture moved by {dy} rows and {dx} columns with "
                    "the gap filled with 0.")
    return None
