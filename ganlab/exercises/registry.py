"""The exercise registry: a checker per exercise, and `check` to run one.

A checker returns None when the answer is right, or a sentence that says what is wrong
and what to look at; it never gives the solution away.
"""

from __future__ import annotations

import numbers
from typing import Callable

CHECKERS: dict[str, Callable[[object], str | None]] = {}
_NOT_ANSWERED = "Not answered yet: put your answer in place of None and run the cell again."


def exercise(name: str):
    """Register the decorated function as the checker of exercise `name`."""
    def register(checker):
        CHECKERS[name] = checker
        return checker
    return register


def check(name: str, answer) -> None:
    """Print whether `answer` solves exercise `name` (e.g. "02.1") and, if not, why.

    Taught in 00_start_here.ipynb (every chapter's exercises call it).
    """
    if name not in CHECKERS:
        known = ", ".join(sorted(CHECKERS)) or "none"
        raise ValueError(f"no exercise called {name!r}; the exercises are: {known}.")
    if answer is None:
        print(f"Exercise {name}: {_NOT_ANSWERED}")
        return
    try:
        problem = CHECKERS[name](answer)
    except Exception as error:  # a learner's function that crashes is feedback, not a failure
        problem = f"calling your answer raised {type(error).__name__}: {error}"
    if problem is None:
        print(f"Exercise {name}: correct.")
    else:
        print(f"Exercise {name}: not yet. {_sentence(problem)}")


def _sentence(text: str) -> str:
    """`text` with a capital first letter, unless it starts with a name from code (fid_1d(...))."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if any(mark in first for mark in "(_.`'\""):
        return text
    return text[:1].upper() + text[1:]


def whole_number(answer) -> str | None:
    """A checker's first test for answers that are counts."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        return f"the answer should be a whole number; got {answer!r}."
    return None
