"""Self-checks for the exercises of chapters 05-08 (see `ganlab.exercises`, which loads them).

Taught in 05_evaluating_gans.ipynb onwards.
"""

from __future__ import annotations

from ganlab.exercises import exercise

# 05_evaluating_gans

@exercise("05.1")
def _fid_in_one_dimension(fid_1d) -> str | None:
    if not callable(fid_1d):
        return "the answer should be a function fid_1d(m1, s1, m2, s2), not a value."
    cases = [((0.0, 1.0, 0.0, 1.0), 0.0), ((0.0, 1.0, 3.0, 1.0), 9.0), ((0.0, 1.0, 0.0, 0.5), 0.25),
             ((1.0, 2.0, -1.0, 3.0), 5.0)]
    for arguments, expected in cases:
        got = float(fid_1d(*arguments))
        if abs(got - expected) > 1e-9:
            m1, s1, m2, s2 = arguments
            hint = ("with equal means the distance comes from the spreads alone; the covariance terms "
                    "use variances s**2, and the cross term (s1**2 * s2**2) ** 0.5." if m1 == m2 else
                    "the mean term is the squared difference of the means.")
            return f"fid_1d{arguments} returned {got:g}. {hint}"
    return None


@exercise("05.2")
def _too_close_share_check(too_close_share) -> str | None:
    import numpy as np

    if not callable(too_close_share):
        return ("the answer should be a function too_close_share(generated_features, training_features, "
                "reference_features), not a value.")
    rng = np.random.default_rng(0)
    training = rng.normal(size=(400, 8))
    reference = rng.normal(size=(200, 8))
    copies = training[:50] + 1e-3 * rng.normal(size=(50, 8))
    fresh = rng.normal(size=(150, 8))
    got = too_close_share(np.concatenate([copies, fresh]), training, reference)
    if not isinstance(got, (float, int, np.floating)) or isinstance(got, bool):
        return f"it returned {got!r}; return a share, a number between 0 and 1."
    fresh_share = float(too_close_share(fresh, training, reference))
    if abs(float(got) - 0.25) > 0.03:
        return (f"on 50 near-copies among 200 samples it returned {float(got):.3f}, but about 0.25 was "
                "expected. Compare each generated sample's nearest-training distance with the 1st "
                "percentile of the reference samples' own nearest-training distances.")
    if fresh_share > 0.05:
        return (f"on fresh samples it flags {fresh_share:.0%}; use the 1st percentile of the reference "
                "distances as the threshold, not a larger one.")
    return None


# 06_challenges

@exercise("06.1")
def _amplification(amplification) -> str | None:
    if not callable(amplification):
        return "the answer should be a function amplification(train_share, generated_share), not a value."
    for train, generated, expected in [(0.7, 0.85, (0.85 / 0.15) / (0.7 / 0.3)), (0.5, 0.5, 1.0),
                                       (0.8, 0.6, 1.5 / 4.0)]:
        got = float(amplification(train, generated))
        if abs(got - expected) > 1e-6:
            if abs(got - generated / train) < 1e-6:
                return (f"amplification({train}, {generated}) returned {got:.3f}, the ratio of the shares. "
                        "Compare the A:B ratios instead: a share s of group A is a ratio s / (1 - s).")
            return (f"amplification({train}, {generated}) returned {got:.3f}. Turn each share s into the "
                    "A:B ratio s / (1 - s), then divide the generated ratio by the training one.")
    return None


@exercise("06.2")
def _rescue_of_the_fast_generator(answer) -> str | None:
    if not isinstance(answer, str):
        return "answer with a string: one of the run names in toy_table.index."
    name = " ".join(answer.replace(".", " ").lower().split())
    if "5 d steps" in name:
        return None
    if "equal" in name or "time-scale" in name or "time scale" in name:
        return ("that run does rescue training, but by lowering the generator's learning rate to 1e-3. "
                "Which run kept the generator at 5e-3?")
    if "faster than d" in name and "steps" not in name:
        return "that is the run that collapsed, not its rescue."
    return "that run did not keep the generator at 5e-3 or did not rescue it; look at the table's first rows."


# 07_social_media_applications

@exercise("07.1")
def _checkerboard_energy(checkerboard_energy) -> str | None:
    import numpy as np

    if not callable(checkerboard_energy):
        return "the answer should be a function checkerboard_energy(images), not a value."
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 64, 64, 3), dtype=np.uint8)
    signs = (-1.0) ** np.add.outer(np.arange(64), np.arange(64))
    checkerboard = np.where(signs > 0, 255, 0).astype(np.uint8)[None, :, :, None].repeat(3, axis=-1)
    images[0] = checkerboard  # one image that is nothing but the pattern
    grey = images.astype(np.float64).mean(axis=-1) / 255.0
    expected = np.log(np.abs((grey * signs).sum(axis=(1, 2))) + 1e-3)
    got = np.asarray(checkerboard_energy(images), dtype=np.float64)
    if got.shape != (5,):
        return (f"for 5 images it returned an array of shape {got.shape}; return one number per image "
                "(shape (5,)).")
    if np.allclose(got, np.log(np.abs(np.fft.fft2(grey)[:, 0, 0]) + 1e-3), atol=1e-3):
        return ("that is the zero frequency (the mean brightness), the centre of the shifted spectrum. The "
                "checkerboard is the highest frequency: the top-left corner of log_spectrum's output, or "
                "index [32, 32] of an unshifted np.fft.fft2.")
    if not np.allclose(got, expected, atol=1e-3):
        return (f"for a pure checkerboard image it gave {got[0]:.3f}; {expected[0]:.3f} was expected. Use the "
                "grey level (the mean of the 3 channels, divided by 255), the magnitude of the DFT at vertical "
                "and horizontal frequency -32, and log(magnitude + 1e-3), as log_spectrum does.")
    return None


@exercise("07.2")
def _share_of_flags_right(share_of_flags_right) -> str | None:
    if not callable(share_of_flags_right):
        return ("the answer should be a function share_of_flags_right(generated_share, catch_rate, "
                "false_alarm_rate), not a value.")
    for arguments in [(0.001, 0.97, 0.005), (0.5, 0.9, 0.1), (0.01, 1.0, 0.0), (0.2, 0.5, 0.5)]:
        generated_share, catch_rate, false_alarm_rate = arguments
        right = generated_share * catch_rate
        expected = right / (right + (1 - generated_share) * false_alarm_rate)
        got = float(share_of_flags_right(*arguments))
        if abs(got - expected) > 1e-6:
            if abs(got - catch_rate) < 1e-6:
                return (f"your share_of_flags_right{arguments} returned the catch rate, {got:g}: the share of fakes "
                        "that are flagged, not the share of flags that are fakes. Count the false alarms too.")
            return (f"your share_of_flags_right{arguments} returned {got:.4f}. Of all pictures, generated_share * "
                    "catch_rate are rightly flagged and (1 - generated_share) * false_alarm_rate wrongly; "
                    "which share of all the flags are right?")
    return None


# 08_faq

@exercise("08.1")
def _kl_to_prior(kl_to_prior) -> str | None:
    import numpy as np

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
    import numpy as np

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
