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
def _rescue_of_the_fast_generator(answer) -> str | None:
    if not isinstance(answer, str):
        return "answer with a string: one of the run names in toy_table.index."
    name = " ".join(answer.replace(".", " ").lower().replace("five", "5").split())
    if "5 d steps" in name:
        return None
    if "equal" in name or "time-scale" in name or "time scale" in name:
        return ("that run does rescue training, but by lowering the generator's learning rate to 1e-3. "
                "Which run kept the generator at 5e-3?")
    if "faster than d" in name and "steps" not in name:
        return "that is the run that collapsed, not its rescue."
    return "that run did not keep the generator at 5e-3 or did not rescue it; look at the table's first rows."
