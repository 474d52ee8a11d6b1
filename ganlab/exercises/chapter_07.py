"""The checkers of 07_social_media_applications.ipynb's exercises."""

from __future__ import annotations

import numpy as np

from ganlab.exercises.registry import exercise


@exercise("07.1")
def _checkerboard_energy(checkerboard_energy) -> str | None:
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
