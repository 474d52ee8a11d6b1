"""The checkers of 05_evaluating_gans.ipynb's exercises."""

from __future__ import annotations

import numpy as np

from ganlab.exercises.registry import exercise


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
            hint = ("With equal means the distance comes from the spreads alone; the covariance terms "
                    "use variances s**2, and the cross term (s1**2 * s2**2) ** 0.5." if m1 == m2 else
                    "The mean term is the squared difference of the means.")
            return f"fid_1d{arguments} returned {got:g}. {hint}"
    return None


@exercise("05.2")
def _too_close_share_check(too_close_share) -> str | None:
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
