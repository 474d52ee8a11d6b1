"""Telling generated avatars from real ones: spectrum fingerprints and a small CNN detector.

    spectra = log_spectrum(images)     # [n, 64, 64], zero frequency in the centre
    rings = radial_profile(images)     # [n, 46], the spectrum averaged over rings
    detector = build_detector()        # real (logit < 0) or generated (logit > 0)

Transposed convolutions with stride 2 can print a faint pattern that repeats every 2
pixels (Odena et al. 2016); it hardly shows in the picture and clearly in the image's
2-D Fourier spectrum (Durall et al. 2020, Frank et al. 2020).

Taught in 07_social_media_applications.ipynb.
"""

from __future__ import annotations

import numpy as np


def log_spectrum(images) -> np.ndarray:
    """log |2-D DFT| of each uint8 image's grey level (in [0, 1]): [n, h, w], zero frequency in the centre.

    For a 64 px image, row 0 and column 0 are frequency -32 (a pattern that alternates
    every pixel) and [0, 0] is the checkerboard; 1e-3 is added before the log.

    Taught in 07_social_media_applications.ipynb.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 [n, h, w, 3]; got {images.dtype} {images.shape}.")
    grey = images.astype(np.float32).mean(axis=-1) / 255.0
    return np.log(np.abs(np.fft.fftshift(np.fft.fft2(grey), axes=(-2, -1))) + 1e-3)


def ring_index(size: int) -> np.ndarray:
    """For each frequency of a size x size shifted spectrum, its ring: round(sqrt(fv^2 + fh^2)), [size, size]."""
    vertical, horizontal = np.mgrid[-(size // 2):size - size // 2, -(size // 2):size - size // 2]
    return np.rint(np.hypot(vertical, horizontal)).astype(int)


def radial_profile(images) -> np.ndarray:
    """Each image's log spectrum averaged over rings of equal frequency (azimuthal average).

    Returns [n, rings]: 46 rings (0 to 45 cycles per image) for 64 px images; rings
    beyond size / 2 reach only into the corners of the spectrum.

    Taught in 07_social_media_applications.ipynb.
    """
    spectra = log_spectrum(images)
    rings = ring_index(spectra.shape[-1]).ravel()
    flat = spectra.reshape(len(spectra), -1)
    counts = np.bincount(rings)
    return np.stack([np.bincount(rings, weights=row) / counts for row in flat])


def build_detector(size: int = 64):
    """A plain real-or-generated classifier for uint8 images: 3 stride-2 convolutions, global average, a logit.

    The logit is positive for "generated". It takes uint8 pixel values (0 to 255) and
    scales them to [-1, 1] itself.

    Taught in 07_social_media_applications.ipynb.
    """
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input((size, size, 3), name="image"),
        layers.Rescaling(1 / 127.5, offset=-1, name="to_minus_one_one"),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu", name="conv_0"),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="conv_1"),
        layers.Conv2D(64, 3, strides=2, padding="same", activation="relu", name="conv_2"),
        layers.GlobalAveragePooling2D(name="average"),
        layers.Dense(1, name="logit")], name="detector")
