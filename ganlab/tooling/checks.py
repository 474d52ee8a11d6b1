"""Argument checks shared by the package: each error says what was wrong and what to do.

Run tooling: no chapter teaches these; the functions that take the arguments call them.
"""

from __future__ import annotations

import numpy as np

SUPPORTED_SIZES = (32, 64)  # image sides the avatar renderer and the DCGAN models are built for


def positive_integer(value, name: str) -> None:
    """Raise ValueError unless `value` is a whole number >= 1 (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")


def image_size(size) -> None:
    """Raise ValueError unless `size` is one the course's models are built for."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size not in SUPPORTED_SIZES:
        raise ValueError(f"image size {size!r} is not supported; use one of {list(SUPPORTED_SIZES)}.")
