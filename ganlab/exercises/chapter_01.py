"""The checkers of 01_background_and_concepts.ipynb's exercises."""

from __future__ import annotations

import numpy as np

from ganlab.exercises.registry import exercise


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
