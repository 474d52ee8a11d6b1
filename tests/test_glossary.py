"""The glossary (notebooks/GLOSSARY.md): every chapter links to it, and its own links to
the chapters lead somewhere."""

import re
from pathlib import Path

import nbformat

from conftest import CHAPTERS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
GLOSSARY = NOTEBOOKS / "GLOSSARY.md"


def test_every_chapter_links_to_the_glossary_at_its_top():
    for path in CHAPTERS:
        assert "](GLOSSARY.md)" in nbformat.read(path, as_version=4).cells[0].source, path.name


def test_the_glossary_is_alphabetical_and_its_chapter_links_exist():
    text = GLOSSARY.read_text(encoding="utf-8")
    terms = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert len(terms) > 50
    assert terms == sorted(terms, key=str.casefold)
    assert len(set(term.casefold() for term in terms)) == len(terms)
    for target in set(re.findall(r"\]\(([^)#]+\.ipynb)", text)):
        assert (NOTEBOOKS / target).is_file(), target
    for term in ("KL divergence", "Transposed convolution", "Mode collapse", "Nats", "Rayleigh distribution"):
        assert any(t.casefold().startswith(term.casefold()) for t in terms), term
