"""A folder of the learner's own images, made ready for training.

Use it through `ganlab.data.load_image_folder`. Taught in 00_start_here.ipynb.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ganlab.avatars import PAGE_COLOR, SUPPORTED_SIZES


@dataclasses.dataclass
class ImageFolder:
    """Images read from a folder.

    Attributes:
        images: uint8 [n, size, size, 3], RGB.
        paths: the file each image came from, relative to the folder, sorted.
        skipped: (relative path, reason) for every file that could not be used.
    """

    images: np.ndarray
    paths: list[str]
    skipped: list[tuple[str, str]]

    def __len__(self) -> int:
        return len(self.images)


def check_size(size) -> None:
    """Raise ValueError unless `size` is one the course's models are built for."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size not in SUPPORTED_SIZES:
        raise ValueError(f"image size {size!r} is not supported; use one of {list(SUPPORTED_SIZES)}.")


def load_image_folder(folder: str | os.PathLike, size: int = 64) -> ImageFolder:
    """Read every image under `folder` (subfolders too), centre-cropped and resized.

    PNG, JPEG, WebP and GIF (first frame) of any size; RGB, RGBA, grayscale and palette
    images all become RGB (transparency is composited on white). Files that cannot be
    read are skipped and named in one warning; nothing in the folder is changed.

    Raises:
        ValueError: unsupported size, or no usable image in the folder.
        FileNotFoundError / NotADirectoryError: `folder` is missing or is a file.
    """
    check_size(size)
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"image folder {str(root)!r} does not exist.")
    if not root.is_dir():
        raise NotADirectoryError(f"{str(root)!r} is a file; pass the folder that holds the images.")
    files = sorted(p for p in root.rglob("*") if p.is_file() and not _hidden(p.relative_to(root)))
    if not files:
        raise ValueError(f"image folder {str(root)!r} is empty: put PNG, JPEG, WebP or GIF files in it.")
    images, paths, skipped = [], [], []
    for file in files:
        name = file.relative_to(root).as_posix()
        try:
            images.append(_read_square(file, size))
            paths.append(name)
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
            skipped.append((name, _reason(error)))
    if not images:
        raise ValueError(
            f"no usable image in {str(root)!r}: all {len(files)} file(s) were skipped "
            f"({_listing(skipped)}). Use PNG, JPEG, WebP or GIF files."
        )
    if skipped:
        warnings.warn(f"skipped {len(skipped)} of {len(files)} file(s) in {str(root)!r} that are "
                      f"not readable images: {_listing(skipped)}", stacklevel=2)
    return ImageFolder(np.stack(images), paths, skipped)


def _hidden(relative: Path) -> bool:
    """Dot-files and dot-folders (.DS_Store, .ipynb_checkpoints) are not the learner's images."""
    return any(part.startswith(".") for part in relative.parts)


def _read_square(file: Path, size: int) -> np.ndarray:
    with Image.open(file) as image:
        image.seek(0)  # first frame of an animated GIF or WebP
        image = ImageOps.exif_transpose(image)  # phone photos: honour the rotation tag
        image = _to_rgb(image)
    # ImageOps.fit crops the centre square and resizes it in one step.
    return np.asarray(ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS))


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grayscale: 65535 -> 255, instead of clipping everything above 255.
        array = np.asarray(image, dtype=np.float64) / 257.0
        image = Image.fromarray(np.clip(np.rint(array), 0, 255).astype(np.uint8))
    if (image.mode == "P" and "transparency" in image.info) or image.mode in ("LA", "PA"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        page = Image.new("RGB", image.size, PAGE_COLOR)
        page.paste(image, mask=image.getchannel("A"))
        return page
    return image.convert("RGB")


def _reason(error: Exception) -> str:
    if isinstance(error, UnidentifiedImageError):
        return "not an image"
    return f"{type(error).__name__}: {error}".split("\n")[0][:120]


def _listing(skipped: list[tuple[str, str]], limit: int = 10) -> str:
    shown = "; ".join(f"{name} ({reason})" for name, reason in skipped[:limit])
    return shown + (f"; and {len(skipped) - limit} more" if len(skipped) > limit else "")
