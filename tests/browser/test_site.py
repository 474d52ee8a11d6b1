"""The course website (`make site`, website/build.py) as a reader's browser shows it.

The site is built into a temporary folder, served from 127.0.0.1 and opened in headless
Chromium: every chapter page must show each of its stored pictures (decoded, with a
size), its math typeset by the MathJax copied into the site (no MathJax error), its
exercise solutions folded, and its widgets as their sentence; search must answer; no
request may leave 127.0.0.1 (the site reads offline). Every internal link and anchor of
every page is checked in the built HTML. Screenshots of three pages go to
tests/browser/screenshots/site_*.png.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import local_only_page, serve_folder
from .jupyterlab import committed_notebooks

pytestmark = [
    pytest.mark.browser,
    # Sphinx 9 announces API changes of Sphinx 11 inside myst-parser and the book theme.
    pytest.mark.filterwarnings("ignore:.*Check CHANGES for Sphinx API modifications"),
]
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = committed_notebooks()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _site_builder():
    """website/build.py as a module, or a skip (a failure under CI=true) saying why it cannot run."""
    if sys.version_info < (3, 11):
        pytest.skip("the website needs Python 3.11 or newer (Sphinx 9); this is " + sys.version.split()[0])
    if importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_nb") is None:
        reason = "Sphinx and myst-nb are not installed (`.venv/bin/pip install -e .` installs the pinned ones)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    spec = importlib.util.spec_from_file_location("ganlab_website_build", REPO / "website" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    builder = _site_builder()
    root = tmp_path_factory.mktemp("website")
    index = builder.build(root / "html", root / "src", quiet=True)
    assert index.is_file()
    return root / "html"


@pytest.fixture(scope="module")
def site_url(built_site):
    with serve_folder(built_site) as url:
        yield url


@pytest.fixture
def site_page(browser, site_url):
    """A page whose requests to anywhere but the local server are refused and recorded."""
    with local_only_page(browser, site_url) as page:
        yield page


def _stored(notebook: Path) -> dict:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [output for cell in cells if cell["cell_type"] == "code" for output in cell.get("outputs", [])]
    markdown = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]
    return {
        "pngs": sum("image/png" in output.get("data", {}) for output in outputs),
        "widgets": sum(WIDGET_VIEW in output.get("data", {}) for output in outputs),
        "details": sum(text.count("<details") for text in markdown),
        "math": any("$" in text for text in markdown),
    }


def _wait_for_math(page) -> None:
    # MathJax 3 resolves MathJax.startup.promise once the page is typeset.
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
    page.evaluate("() => MathJax.startup.promise")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[notebook.stem for notebook in NOTEBOOKS])
def test_chapter_page_shows_pictures_math_and_folded_solutions(site_page, site_url, screenshots, notebook):
    from playwright.sync_api import expect

    page = site_page
    stored = _stored(notebook)
    page.goto(f"{site_url}/{notebook.stem}.html")
    page.wait_for_load_state("networkidle")

    images = page.locator("article .cell_output img")
    expect(images).to_have_count(stored["pngs"])
    for index in range(stored["pngs"]):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete && image.naturalWidth > 0",
                               arg=image.element_handle(), timeout=15_000)
        box = image.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"picture {index + 1} has no size"

    if stored["math"]:
        _wait_for_math(page)
        typeset = page.locator("article mjx-container").count()
        source = page.locator("article .math").count()
        assert source > 0 and typeset >= source, f"{typeset} of {source} formulas typeset"
        assert page.locator("mjx-merror").count() == 0, "MathJax could not read a formula"

    details = page.locator("article details")
    expect(details).to_have_count(stored["details"])
    for index in range(stored["details"]):
        assert details.nth(index).get_attribute("open") is None, "a solution is shown unfolded"

    if stored["widgets"]:
        widget_text = page.locator("article .cell_output").get_by_text("run this notebook in JupyterLab")
        progress_text = page.locator("article .cell_output").get_by_text("100%|##########|")
        assert widget_text.count() + progress_text.count() == stored["widgets"]

    if notebook.stem.startswith(("02_", "07_")):
        page.screenshot(path=screenshots / f"site_{notebook.stem}.png")
    assert page.errors == []
    assert page.outside_requests == []


def test_landing_page_lists_every_chapter_and_search_answers(site_page, site_url, screenshots):
    from playwright.sync_api import expect

    page = site_page
    page.goto(f"{site_url}/index.html")
    page.wait_for_load_state("networkidle")
    for notebook in NOTEBOOKS:
        expect(page.locator(f"article a[href='{notebook.stem}.html']").first).to_be_visible()
    page.screenshot(path=screenshots / "site_index.png")

    page.goto(f"{site_url}/search.html?q=discriminator")
    # Sphinx's search lists pages one by one, then says how many it found.
    expect(page.locator("#search-results .search-summary")).to_contain_text("found", timeout=30_000)
    found = page.locator("#search-results li a").all_inner_texts()
    assert len(found) >= len(NOTEBOOKS) - 1, found
    assert page.errors == []
    assert page.outside_requests == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.sources, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("src"):
            self.sources.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.sources.append(attrs["href"])


def _parse(page: Path) -> _Links:
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def test_every_internal_link_and_anchor_of_the_site_resolves(built_site):
    pages = sorted(built_site.glob("*.html"))
    parsed = {page: _parse(page) for page in pages}
    broken, remote = [], []
    for page, links in parsed.items():
        loaded = [(href, False) for href in links.hrefs] + [(source, True) for source in links.sources]
        for href, is_loaded in loaded:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                if is_loaded:  # a link out is fine; a script, style or picture from the network is not
                    remote.append(f"{page.name}: {href}")
                continue
            if parts.scheme in ("mailto", "javascript", "data"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.name}: {href} (no {target.name})")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.name}: {href} (no #{parts.fragment} in {target.name})")
    assert broken == []
    assert remote == [], "a page loads something from the network"
    # `$$...$$` inside a paragraph that Markdown did not take as display math shows as
    # stray dollar signs around an inline formula
    stray = [page.name for page in pages if re.search(r'\$<span class="math|</span>\$', page.read_text(encoding="utf-8"))]
    assert stray == [], "a formula is shown between literal dollar signs"
    chapter_pages = {page.stem for page in pages}
    assert {notebook.stem for notebook in NOTEBOOKS} <= chapter_pages
    assert {"index", "GLOSSARY", "workshop", "search"} <= chapter_pages
