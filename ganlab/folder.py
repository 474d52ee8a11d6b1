"""A folder of the learner's own images, made ready for training.

Use it through `ganlab.data.load_image_folder`; `python -m ganlab train --images DIR` trains
on a folder with it, and `python -m ganlab evaluate --images DIR` reads generated images.

Taught in 04_training.ipynb.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ganlab.avatars import PAGE_COLOR
from ganlab.tooling import checks


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

    def tf_dataset(self, batch_size: int = 64, **options):
        """A tf.data pipeline of these images in [-1, 1]; see `ganlab.tooling.batches.make_tf_dataset`."""
        from ganlab.tooling.batches import make_tf_dataset  # here: reading a folder needs no TensorFlow

        return make_tf_dataset(self.images, batch_size=batch_size, **options)


def load_image_folder(folder: str | os.PathLike, size: int = 64) -> ImageFolder:
    """Read every image under `folder` (subfolders too), centre-cropped and resized.

    PNG, JPEG, WebP and GIF (first frame) of any size, and whatever else Pillow reads
    (BMP, TIFF, ...); RGB, RGBA, grayscale and palette images all become RGB
    (transparency is composited on white). Files that cannot be read, broken links
    included, are skipped and named in one warning; images smaller than `size` are
    enlarged and named in another. Symlinked subfolders are not followed. Nothing in
    the folder is changed.

    Raises:
        ValueError: unsupported size, or no usable image in the folder.
        FileNotFoundError / NotADirectoryError: `folder` is missing or is a file.

    Taught in 04_training.ipynb.
    """
    checks.image_size(size)
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"image folder {str(root)!r} does not exist.")
    if not root.is_dir():
        raise NotADirectoryError(f"{str(root)!r} is a file; pass the folder that holds the images.")
    # Broken links are kept in the list so that the warning names them.
    files = sorted(p for p in root.rglob("*") if (p.is_file() or _broken_link(p))
                   and not _hidden(p.relative_to(root)))
    if not files:
        raise ValueError(f"image folder {str(root)!r} is empty: put PNG, JPEG, WebP or GIF files in it.")
    images, paths, skipped, enlarged = [], [], [], []
    for file in files:
        name = file.relative_to(root).as_posix()
        try:
            image, shorter_side = _read_square(file, size)
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
            skipped.append((name, "broken link" if _broken_link(file) else _reason(error)))
            continue
        images.append(image)
        paths.append(name)
        if shorter_side < size:
            enlarged.append((name, f"{shorter_side} px"))
    if not images:
        raise ValueError(
            f"no usable image in {str(root)!r}: all {len(files)} file(s) were skipped "
            f"({_listing(skipped)}). Use PNG, JPEG, WebP or GIF files."
        )
    if skipped:
        warnings.warn(f"skipped {len(skipped)} of {len(files)} file(s) in {str(root)!r} that are "
                      f"not readable images: {_listing(skipped)}", stacklevel=2)
    if enlarged:
        warnings.warn(f"{len(enlarged)} image(s) in {str(root)!r} are smaller than {size} px on "
                      f"their shorter side and were enlarged, so they will look blurry: "
                      f"{_listing(enlarged)}", stacklevel=2)
    return ImageFolder(np.stack(images), paths, skipped)


def _broken_link(path: Path) -> bool:
    return path.is_symlink() and not path.exists()


def _hidden(relative: Path) -> bool:
    """Dot-files and dot-folders (.DS_Store, .ipynb_checkpoints) are not the learner's images."""
    return any(part.startswith(".") for part in relative.parts)


def _read_square(file: Path, size: int) -> np.ndarray:
    with Image.open(file) as image:
        image.seek(0)  # first frame of an animated GIF or WebP
        image = ImageOps.exif_transpose(image)  # phone photos: honour the rotation tag
        image = _to_rgb(image)
    # ImageOps.fit crops the centre square and resizes it in one step.
    square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
    return np.asarray(square), min(image.size)


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
