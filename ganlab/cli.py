"""Command line: `python -m ganlab data ...` (more commands arrive with later chapters)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from PIL import Image

from ganlab import data, plots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganlab",
                                     description="Tools of the ganlab GAN course.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_data_command(commands)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, OSError) as error:  # what argparse cannot see: weights, paths
        parser.exit(2, f"python -m ganlab {args.command}: error: {error}\n")


def _add_data_command(commands) -> None:
    command = commands.add_parser(
        "data", help="render the avatar dataset into the cache and write a preview grid",
        description="Render avatars (or reload them from the cache), write a preview grid "
                    "PNG, and optionally export the images as PNG files with attributes.csv.")
    command.add_argument("--n", type=_positive, default=10_000, help="number of avatars (default 10000)")
    command.add_argument("--size", type=int, default=64, choices=data.SUPPORTED_SIZES,
                         help="image side in pixels (default 64)")
    command.add_argument("--seed", type=_non_negative, default=0, help="random seed (default 0)")
    command.add_argument("--workers", type=_positive, default=None,
                         help="rendering processes (default: one per CPU core)")
    command.add_argument("--cache-dir", type=Path, default=None,
                         help=f"cache folder (default {_shown(data.default_cache_dir())})")
    command.add_argument("--preview", type=Path, default=Path("runs/data/preview.png"),
                         help="where to write the preview grid PNG (default runs/data/preview.png)")
    command.add_argument("--weights", type=_json_object, default=None, metavar="JSON",
                         help="attribute mix, e.g. '{\"skin_tone\": {\"pale\": 9, \"black\": 1}}' "
                              "(see data/README.md)")
    command.add_argument("--export", type=Path, default=None, metavar="FOLDER",
                         help="also write every avatar as FOLDER/images/*.png plus "
                              "FOLDER/attributes.csv (FOLDER must be new or empty)")
    command.set_defaults(run=_run_data)


def _run_data(args) -> int:
    _check_outputs(args.preview, args.export)  # before minutes of rendering, not after
    started = time.perf_counter()
    avatars = data.load_avatars(args.n, args.size, args.seed, args.weights,
                                cache_dir=args.cache_dir, workers=args.workers, progress=True)
    seconds = time.perf_counter() - started
    preview = plots.save_image_grid(avatars.images[:64], args.preview, columns=8,
                                    scale=2 if args.size == 32 else 1)
    cache = data.cache_path(args.n, args.size, args.seed, avatars.probabilities, args.cache_dir)
    print(f"{len(avatars)} avatars, {args.size}x{args.size}, seed {args.seed}: ready in {seconds:.1f} s")
    print(f"cache:   {_shown(cache)}")
    print(f"preview: {_shown(preview)}")
    if args.export is not None:
        print(f"export:  {_shown(export_folder(avatars, args.export))}")
    return 0


def _check_outputs(preview: Path, export: Path | None) -> None:
    if preview.suffix.lower() != ".png" or preview.is_dir():
        raise ValueError(f"--preview {str(preview)!r} must be a .png file name.")
    if export is not None and export.exists():
        if not export.is_dir():
            raise ValueError(f"--export {str(export)!r} is a file; give a new or empty folder.")
        if any(export.iterdir()):
            raise ValueError(f"--export folder {str(export)!r} is not empty; give a new or empty "
                             "folder, so old and new files are not mixed.")


def export_folder(avatars: data.AvatarDataset, folder: Path) -> Path:
    """Write images/avatar_00000.png ... and attributes.csv (file, then one column per attribute).

    The images/ folder can be read back with `ganlab.data.load_image_folder`.
    """
    (folder / "images").mkdir(parents=True, exist_ok=True)
    table = avatars.table()
    with open(folder / "attributes.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["file", *table.columns])
        for index, image in enumerate(avatars.images):
            name = f"images/avatar_{index:05d}.png"
            Image.fromarray(image).save(folder / name, optimize=True)
            writer.writerow([name, *table.iloc[index].astype(str)])
    return folder


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {value}")
    return value


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error.msg}): {text!r}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"must be a JSON object such as "
                                         f"'{{\"skin_tone\": {{\"pale\": 9}}}}', got {text!r}")
    return value


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it (shorter to read)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
