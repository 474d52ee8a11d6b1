"""The checkers of 00_start_here.ipynb's exercises."""

from __future__ import annotations

import pandas as pd

from ganlab.exercises.registry import exercise


@exercise("00.1")
def _share_of_rows(share) -> str | None:
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
    from ganlab import avatars  # here: python_avatars draws from Python's random when imported

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
