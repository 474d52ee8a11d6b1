"""The checkers of 06_challenges.ipynb's exercises."""

from __future__ import annotations

from ganlab.exercises.registry import exercise


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
def _cost_of_extra_discriminator_steps(answer) -> str | None:
    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        return "the answer should be a number: how many times the compute of one equal-rates step."
    expected = (5 + 1) / (1 + 1)  # rescued step: 5 D updates + 1 G update; equal rates: 1 + 1
    if abs(answer - expected) < 1e-6:
        return None
    if abs(answer - 5) < 1e-6:
        return ("5 compares the discriminator updates alone. Count the generator update too, in "
                "both runs.")
    if abs(answer - 6) < 1e-6:
        return ("6 is the cost of a rescued step in units of one update; divide by the cost of an "
                "equal-rates step, which has two updates.")
    return ("count updates: a rescued step makes 5 discriminator updates and 1 generator update, "
            "an equal-rates step 1 and 1; divide the two counts.")
