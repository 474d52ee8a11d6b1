"""How long each chapter takes to run, measured, and the one place the course reads it from.

    python benchmarks/chapter_times.py notebooks/04_training.ipynb   # re-execute in place, time it
    python benchmarks/chapter_times.py --write                       # only rewrite the quoted times

Each chapter given is executed top to bottom in place (as `jupyter nbconvert --execute
--inplace` does; `make notebooks` runs this script), timed from kernel start to the last
cell, and its seconds are recorded in notebooks/run_times.json with the date and the
machine. Then, for every recorded chapter, the time is written where the course quotes
it: the "**Run time:** about ..." line at the top of the chapter, the run-time column of
the README's chapter table and the "runs in" column of the workshop plan
(notebooks/README.md). tests/test_chapter_numbers.py fails when any of them disagrees
with the record. Time a chapter on an otherwise idle machine with the avatars already
rendered (a first run also renders them); a busy CPU inflates the figure.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
RECORD = NOTEBOOKS / "run_times.json"
README = ROOT / "README.md"
WORKSHOP = NOTEBOOKS / "README.md"
HEADER = re.compile(r"(\*\*Run time:\*\*\s+)about\s+[\d.]+\s+(?:seconds|minutes?)")


def about(seconds: float) -> str:
    """A chapter's header wording: to 5 seconds under 50, then to half a minute."""
    if seconds < 50:
        return f"about {max(5, 5 * round(seconds / 5))} seconds"
    minutes = max(1.0, round(seconds / 30) / 2)
    return f"about {minutes:g} minute{'' if minutes == 1 else 's'}"


def short(seconds: float) -> str:
    """The tables' wording of `about`: "15 s", "2.5 min"."""
    amount, unit = about(seconds).split()[1:]
    return f"{amount} {'s' if unit == 'seconds' else 'min'}"


def execute(path: Path) -> float:
    """Run `path` top to bottom in place, in its folder; the seconds it took."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(notebook, timeout=900, resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.monotonic() - started
    nbformat.write(notebook, path)
    return seconds


def read_record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}


def _is_row_of(line: str, chapter: str) -> bool:
    """Whether `line` is the markdown table row of `chapter` (named in its first two cells)."""
    cells = line.split("|")
    return line.startswith("|") and len(cells) > 3 and chapter in cells[1] + cells[2]


def _table_row(text: str, chapter: str, column: int, value: str) -> str:
    """Set cell `column` (0-based) of `chapter`'s row in the markdown tables of `text`."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _is_row_of(line, chapter):
            cells = line.split("|")
            cells[column + 1] = f" {value} "
            lines[index] = "|".join(cells)
    return "\n".join(lines)


def quoted_times(chapter: str) -> dict:
    """Where the course quotes `chapter`'s run time: {"header", "readme", "workshop"} -> text."""
    source = nbformat.read(NOTEBOOKS / f"{chapter}.ipynb", as_version=4).cells[0].source
    header = HEADER.search(source)
    found = {"header": header.group(0)[len(header.group(1)):] if header else None}
    for name, path, column in (("readme", README, 2), ("workshop", WORKSHOP, 2)):
        rows = [line.split("|") for line in path.read_text(encoding="utf-8").split("\n") if _is_row_of(line, chapter)]
        found[name] = rows[0][column + 1].strip() if rows else None
    return found


def write_quoted_times(record: dict) -> None:
    readme, workshop = README.read_text(encoding="utf-8"), WORKSHOP.read_text(encoding="utf-8")
    for chapter, entry in sorted(record.items()):
        path = NOTEBOOKS / f"{chapter}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        first = notebook.cells[0]
        if not HEADER.search(first.source):
            raise SystemExit(f"{path.name}: its first cell has no '**Run time:** about ...' line to update.")
        updated = HEADER.sub(lambda m: m.group(1) + about(entry["seconds"]), first.source)
        if updated != first.source:
            first.source = updated
            nbformat.write(notebook, path)
        readme = _table_row(readme, chapter, 2, short(entry["seconds"]))
        workshop = _table_row(workshop, chapter, 2, short(entry["seconds"]))
    README.write_text(readme, encoding="utf-8")
    WORKSHOP.write_text(workshop, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="chapter notebooks to re-execute and time")
    parser.add_argument("--write", action="store_true", help="only rewrite the quoted times from the record")
    args = parser.parse_args(argv)
    record = read_record()
    for path in [] if args.write else args.chapters:
        if not path.is_file():
            raise SystemExit(f"{path}: no such chapter notebook.")
        seconds = execute(path.resolve())
        record[path.stem] = {"seconds": round(seconds, 1), "date": datetime.date.today().isoformat(),
                             "host": f"{os.cpu_count()} cores, {platform.machine()}"}
        RECORD.write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n", encoding="utf-8")
        print(f"{path.stem}: {seconds:.1f} s ({about(seconds)})", flush=True)
    write_quoted_times(record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
