"""Self-checks for the chapters' exercises: `check("02.1", answer)` says what is wrong.

Each exercise has a checker registered under "chapter.number". A checker returns None
when the answer is right, or a sentence that says what is wrong and what to look at;
it never gives the solution away (each notebook keeps its solution folded, one click
away). `check` prints the verdict.

Taught in 00_start_here.ipynb (first used in 02_loss_math.ipynb).
"""

from __future__ import annotations

from typing import Callable

_CHECKERS: dict[str, Callable[[object], str | None]] = {}
_NOT_ANSWERED = "Not answered yet: put your answer in place of None and run the cell again."


def exercise(name: str):
    """Register the decorated function as the checker of exercise `name`."""
    def register(checker):
        _CHECKERS[name] = checker
        return checker
    return register


def check(name: str, answer) -> None:
    """Print whether `answer` solves exercise `name` (e.g. "02.1") and, if not, why."""
    if name not in _CHECKERS:
        known = ", ".join(sorted(_CHECKERS)) or "none"
        raise ValueError(f"no exercise called {name!r}; the exercises are: {known}.")
    if answer is None:
        print(f"Exercise {name}: {_NOT_ANSWERED}")
        return
    try:
        problem = _CHECKERS[name](answer)
    except Exception as error:  # a learner's function that crashes is feedback, not a failure
        problem = f"calling your answer raised {type(error).__name__}: {error}"
    if problem is None:
        print(f"Exercise {name}: correct.")
    else:
        print(f"Exercise {name}: not yet. {problem[:1].upper()}{problem[1:]}")


# 00_start_here

@exercise("00.1")
def _share_of_rows(share) -> str | None:
    import pandas as pd

    if not callable(share):
        return "the answer should be a function share(table, column, value), not a value."
    table = pd.DataFrame({"accessory": ["none", "sunglasses", "none", "round"],
                          "hair_color": ["red", "red", "black", "red"]})
    for column, value, expected in [("accessory", "sunglasses", 0.25), ("hair_color", "red", 0.75),
                                    ("accessory", "eyepatch", 0.0)]:
        got = share(table, column, value)
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return f"share(table, {column!r}, {value!r}) returned {got!r}; return a number between 0 and 1."
        if abs(got - expected) > 1e-9:
            return (f"on a 4-row table where {column!r} equals {value!r} in {int(expected * 4)} rows, "
                    f"share returned {got!r} instead of {expected}. Count the matching rows, then divide "
                    "by the number of rows.")
    return None


@exercise("00.2")
def _skewed_weights(weights) -> str | None:
    from ganlab import avatars

    if not isinstance(weights, dict):
        return "the answer should be a weights dict like {\"skin_tone\": {...}}."
    try:
        probabilities = avatars.normalize_weights(weights)
    except ValueError as error:
        return f"load_avatars would refuse these weights: {error}"
    skin = dict(zip(avatars.ATTRIBUTES["skin_tone"], probabilities["skin_tone"]))
    if abs(skin["black"] - 0.8) > 1e-6:
        return f"the 'black' skin tone gets probability {skin['black']:.3f}; it should get 0.8."
    others = [tone for tone, p in skin.items() if tone != "black" and p > 0]
    if len(others) != 6 or max(skin[t] for t in others) - min(skin[t] for t in others) > 1e-6:
        return ("the other six skin tones should share the remaining 0.2 equally; now they get "
                + ", ".join(f"{t} {p:.3f}" for t, p in skin.items() if t != "black") + ".")
    changed = [name for name in probabilities if name != "skin_tone"
               and not (probabilities[name] == avatars.normalize_weights(None)[name]).all()]
    if changed:
        return f"only skin tones should change, but these attributes changed too: {', '.join(changed)}."
    return None


# 02_loss_math

@exercise("02.1")
def _discriminator_loss_from_probabilities(d_loss) -> str | None:
    import numpy as np

    if not callable(d_loss):
        return "the answer should be a function d_loss(d_real, d_fake) of two arrays of probabilities."
    d_real, d_fake = np.array([0.9, 0.6]), np.array([0.2, 0.5])
    expected = -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))
    got = float(d_loss(d_real, d_fake))
    if abs(got + expected) < 1e-6:
        return ("your loss has the opposite sign: it is V(D, G), which D maximises. A loss is "
                "minimised, so D's loss is -V.")
    if abs(got - expected) > 1e-6:
        return (f"for d_real = [0.9, 0.6] and d_fake = [0.2, 0.5] the loss should be {expected:.4f}; "
                f"yours gives {got:.4f}. Average -log D over real images and -log(1 - D) over fakes.")
    if abs(float(d_loss(np.array([0.5]), np.array([0.5]))) - 2 * np.log(2)) > 1e-6:
        return "when D answers 0.5 everywhere the loss should be 2 log 2."
    return None


@exercise("02.2")
def _value_at_equilibrium(answer) -> str | None:
    import math

    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        return "the answer should be a number."
    if abs(answer - math.log(4)) < 1e-3:
        return "right size, wrong sign: log 0.5 is negative."
    if abs(answer + math.log(4)) > 1e-3:
        return (f"{answer} is not it. When p_g = p_data, D* is 0.5 everywhere: put D = 0.5 into "
                "E[log D(x)] + E[log(1 - D(G(z)))].")
    return None


@exercise("02.3")
def _generator_gradient_ratio(answer) -> str | None:
    import math

    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        return "the answer should be a number: the non-saturating gradient divided by the minimax one."
    expected = (1 - 0.01) / 0.01  # |d(-log s)/dl| / |d log(1-s)/dl| = (1 - s) / s at s = D(G(z))
    if math.isclose(answer, 1 / expected, rel_tol=1e-2):
        return "you divided the other way round: the non-saturating gradient is the larger one."
    if not math.isclose(answer, expected, rel_tol=1e-2):
        return ("with l the logit and s = sigmoid(l), d/dl log(1 - s) = -s and "
                "d/dl (-log s) = -(1 - s). Put s = 0.01 into both and divide.")
    return None


# 03_dense_generator_and_conv_discriminator

def _whole_number(answer) -> str | None:
    import numbers

    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return f"the answer should be a whole number; got {answer!r}."
    return None


@exercise("03.1")
def _layers_on_one_pixel_at_32(answer) -> str | None:
    if (problem := _whole_number(answer)) is not None:
        return problem
    if answer == 8:
        return "that is the count at 64x64. At 32x32 the maps reach 1x1 one layer sooner."
    if answer != 9:
        return (f"{answer} is not it. Count the halvings from 32 to 1; every layer after "
                "them reads a 1x1 map.")
    return None


@exercise("03.2")
def _dense_generator_last_layer(answer) -> str | None:
    if (problem := _whole_number(answer)) is not None:
        return problem
    weights = 1024 * 64 * 64 * 3
    if answer == weights:
        return "that counts the weights; add one bias per output."
    if answer != weights + 64 * 64 * 3:
        return (f"{answer:,} is not it. A dense layer has inputs x outputs weights plus one bias "
                "per output; the outputs are 64 x 64 x 3.")
    return None


# 01_background_and_concepts

@exercise("01.1")
def _alternating_schedule(schedule) -> str | None:
    if not callable(schedule):
        return "the answer should be a function alternating_schedule(steps, d_steps) that returns a list."
    for steps, d_steps in [(1, 1), (2, 3), (3, 2), (0, 4)]:
        expected = (["D"] * d_steps + ["G"]) * steps
        got = schedule(steps, d_steps)
        if not isinstance(got, (list, tuple)) or not all(update in ("D", "G") for update in got):
            return (f"your alternating_schedule({steps}, {d_steps}) returned {got!r}; "
                    "return a list of \"D\" and \"G\".")
        got = list(got)
        if got.count("G") != steps:
            return (f"your alternating_schedule({steps}, {d_steps}) has {got.count('G')} G updates; "
                    "each step has one.")
        if got.count("D") != steps * d_steps:
            return (f"your alternating_schedule({steps}, {d_steps}) has {got.count('D')} D updates; each step "
                    f"has d_steps of them.")
        if got != expected:
            return (f"your alternating_schedule({steps}, {d_steps}) has the right counts in the wrong "
                    f"order: {got}. Within a step, D is updated first (against the current G), "
                    "then G (against the new D).")
    return None


@exercise("01.2")
def _modes_covered(count_modes) -> str | None:
    import numpy as np

    if not callable(count_modes):
        return "the answer should be a function modes_covered(points, centres, radius) that returns a number."
    centres = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    cases = [(np.array([[0.05, 0.0], [0.0, -0.05], [2.1, 0.0]]), 2,
              "two points near the first centre, one near the second"),
             (np.array([[1.0, 1.0], [5.0, 5.0]]), 0, "no point near any centre"),
             (np.array([[0.0, 1.9], [2.0, 0.05], [0.01, 0.0]]), 3, "one point near each centre"),
             (np.zeros((6, 2)), 1, "six points all on the first centre")]
    for points, expected, story in cases:
        got = count_modes(points, centres, 0.2)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            return f"for {story} your function returned {got!r}; return a whole number of centres."
        if got != expected:
            hint = (" It seems to count points, not centres: a centre counts once however many points sit on it."
                    if got == len(points) or got > len(centres) else
                    " Measure each point's distance to each centre; a centre counts if any point is within radius.")
            return f"for {story} (radius 0.2) the answer is {expected}; yours gives {got}.{hint}"
    return None


@exercise("01.3")
def _reading_the_d_loss(answer) -> str | None:
    wrong = {
        "a": "a D that stopped learning would not follow G around; D is still updated every step, it is "
             "just being fooled half the time. Look at where the purple points are.",
        "c": "a collapsed G covers few modes, and D can then tell the empty modes apart easily, so its loss "
             "would drop below 2 log 2. The snapshots show the points on all eight modes.",
        "d": "the learning rate sets how fast the networks move, not where the loss settles. What does "
             "D(x) = 1/2 everywhere mean for a judge of real and fake?",
    }
    if not isinstance(answer, str) or answer.strip().lower() not in ("a", "b", "c", "d"):
        return "the answer should be one of the letters \"a\", \"b\", \"c\" or \"d\"."
    return wrong.get(answer.strip().lower())


# 04_training

@exercise("04.1")
def _resume_step(answer) -> str | None:
    if (problem := _whole_number(answer)) is not None:
        return problem
    if answer == 730:
        return "step 730 was never saved: only every 250th step writes a checkpoint."
    if answer == 750:
        return "step 750 had not been reached when the run was killed."
    if answer != 500:
        return f"{answer} is not it. Which multiple of 250 was the last one written before step 730?"
    return None


@exercise("04.2")
def _second_pass(answer) -> str | None:
    if answer not in ("tape", "updated", "both"):
        return 'answer with "tape", "updated" or "both".'
    if answer == "tape":
        return ("true, but not the whole story: if the tape were persistent, would the "
                "first tape's fake_logits still be the right ones to train G with?")
    if answer == "updated":
        return ("true, but not the whole story: what does a non-persistent tape allow after "
                "its gradient has been taken once?")
    return None


# The checkers of chapters 05-08 register themselves from their own module.
from ganlab import exercises_part2  # noqa: E402,F401
