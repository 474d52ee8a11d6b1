"""Paths through a generator's noise space: straight lines and arcs.

    frames = generator.predict(np.stack([slerp(z0, z1, t) for t in np.linspace(0, 1, 8)]))

A standard normal z in d dimensions lies close to a shell of radius sqrt(d), and the
generator was trained only there. Linear interpolation cuts inside the shell (two
independent z are nearly perpendicular, so the midpoint is about sqrt(d / 2) long);
spherical interpolation follows the arc and keeps the length (White 2016).

Taught in 07_social_media_applications.ipynb.
"""

from __future__ import annotations

import numpy as np


def lerp(z0, z1, t):
    """Linear interpolation (1 - t) z0 + t z1, for vectors (or rows of vectors) z0, z1 and a number t."""
    z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
    return (1 - t) * z0 + t * z1


def slerp(z0, z1, t):
    """Spherical interpolation along the arc from z0 to z1, for vectors or rows of vectors.

    With W the angle between z0 and z1: sin((1 - t) W) / sin W z0 + sin(t W) / sin W z1.
    Where z0 and z1 point the same way (W about 0) this is the straight line.
    """
    z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
    cosine = np.sum(z0 * z1, axis=-1, keepdims=True) / (np.linalg.norm(z0, axis=-1, keepdims=True)
                                                         * np.linalg.norm(z1, axis=-1, keepdims=True))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    sine = np.sin(angle)
    parallel = sine < 1e-6
    safe = np.where(parallel, 1.0, sine)
    arc = (np.sin((1 - t) * angle) * z0 + np.sin(t * angle) * z1) / safe
    return np.where(parallel, lerp(z0, z1, t), arc)
