"""The checkers of 04_training.ipynb's exercises."""

from __future__ import annotations

from ganlab.exercises.registry import exercise, whole_number


@exercise("04.1")
def _resume_step(answer) -> str | None:
    if (problem := whole_number(answer)) is not None:
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
    if isinstance(answer, str):
        answer = answer.strip().strip("'\"").lower()
    if answer not in ("tape", "updated", "both"):
        return 'answer with "tape", "updated" or "both".'
    if answer == "tape":
        return ("true, but not the whole story: if the tape were persistent, would the "
                "first tape's fake_logits still be the right ones to train G with?")
    if answer == "updated":
        return ("true, but not the whole story: what does a non-persistent tape allow after "
                "its gradient has been taken once?")
    return None
