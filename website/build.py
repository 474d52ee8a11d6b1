"""Build the course website into website/_build/html: `make site`, or `python website/build.py`.

The chapters are copied as they are committed into a staging folder beside the landing
page, the glossary and the workshop plan, and Sphinx (myst-nb, without executing
anything) turns them into pages. Every warning is an error: a link to a page that does
not exist, a heading the theme cannot place or an output it cannot show fails the
build instead of shipping. Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent
REPO = SITE.parent
NOTEBOOKS = REPO / "notebooks"
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"


def chapters_table(readme: str) -> str:
    """The README's table of chapters, its links pointing at the pages of the site."""
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| notebook |"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(re.sub(r"\]\(notebooks/(\d\d_\w+)\.ipynb\)", r"](\1.ipynb)", line))
    return "\n".join(table)


def workshop_page(notebooks_readme: str) -> str:
    """The workshop plan section of notebooks/README.md, as a page of its own."""
    _, found, plan = notebooks_readme.partition("## Workshop plan")
    if not found:
        raise SystemExit("notebooks/README.md has no '## Workshop plan' section")
    return "# Workshop plan" + plan


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _widget_text(models: dict, model_id: str) -> str:
    """A widget's last saved state as one line of text (a progress bar as tqdm prints it)."""
    model = models.get(model_id)
    if model is None:
        return ""
    name, state = model["model_name"], model["state"]
    if name in ("HBoxModel", "VBoxModel", "BoxModel"):
        parts = [_widget_text(models, child.removeprefix("IPY_MODEL_")) for child in state.get("children", [])]
        return "".join(parts)
    if name in ("HTMLModel", "LabelModel"):
        return html.unescape(re.sub(r"<[^>]+>", "", str(state.get("value", "")))).replace("\u2007", " ")
    if name in ("FloatProgressModel", "IntProgressModel") and state.get("max"):
        filled = round(10 * state["value"] / state["max"])
        return "|" + "#" * filled + " " * (10 - filled) + "|"
    return ""


def show_widgets_as_saved(notebook: dict) -> dict:
    """Give each widget output the text of its saved state, where the widget has no sentence of its own.

    A page has no kernel, so a widget shows its stored text. The course's own widgets store
    a sentence ("[... run this notebook in JupyterLab ...]"); a tqdm progress bar stores the
    text of its first frame (0%), while the state saved with the notebook holds its last.
    """
    models = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data or "".join(data.get("text/plain", "")).startswith("["):
                continue
            text = _widget_text(models, data[WIDGET_VIEW]["model_id"])
            if text:
                data["text/plain"] = text
    return notebook


def stage(staging: Path) -> None:
    """Write the site's sources into `staging` (website/_static is found through conf.py)."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    chapters = sorted(NOTEBOOKS.glob(CHAPTER_GLOB))
    if not chapters:
        raise SystemExit(f"no chapters ({CHAPTER_GLOB}) in {NOTEBOOKS}")
    for chapter in chapters:
        notebook = show_widgets_as_saved(json.loads(chapter.read_text(encoding="utf-8")))
        (staging / chapter.name).write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copy2(NOTEBOOKS / "GLOSSARY.md", staging / "GLOSSARY.md")
    (staging / "workshop.md").write_text(
        workshop_page((NOTEBOOKS / "README.md").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copy2(REPO / "data" / "sample" / "grid.png", staging / "grid.png")
    index = (SITE / "index.md").read_text(encoding="utf-8")
    table = chapters_table((REPO / "README.md").read_text(encoding="utf-8"))
    index = re.sub(r"<!-- CHAPTERS:.*?-->", lambda _: table, index)
    index = re.sub(r"<!-- TOCTREE:.*?-->", lambda _: "\n".join(c.stem for c in chapters), index)
    (staging / "index.md").write_text(index, encoding="utf-8")


def build(out: Path, staging: Path, quiet: bool = False) -> Path:
    from sphinx.application import Sphinx

    stage(staging)
    app = Sphinx(srcdir=staging, confdir=SITE, outdir=out, doctreedir=staging / ".doctrees",
                 buildername="html", warningiserror=True, freshenv=True,
                 status=None if quiet else sys.stdout, warning=sys.stderr)
    app.build(force_all=True)
    if app.statuscode:
        raise SystemExit(f"the site did not build (status {app.statuscode})")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SITE / "_build" / "html",
                        help="folder to write the site into (default: website/_build/html)")
    parser.add_argument("--quiet", action="store_true", help="print only warnings and the result")
    args = parser.parse_args(argv)
    index = build(args.out.resolve(), SITE / "_build" / "src", quiet=args.quiet)
    print(f"site written to {args.out}; open {index} in a browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
