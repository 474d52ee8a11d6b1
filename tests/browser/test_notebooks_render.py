"""Every committed notebook, opened in JupyterLab as a learner opens it, shows its stored outputs.

nbval checks what the kernel produces; this checks what the page shows: every stored PNG
is an image the browser decoded, no output shows an error, no widget failed to load.
A full-page screenshot of each goes to tests/browser/screenshots/ (gitignored).
"""

import json

import pytest

from .jupyterlab import (committed_notebooks, error_outputs, full_page_screenshot, open_notebook,
                         widget_console_errors, widget_problems)

pytestmark = pytest.mark.browser
NOTEBOOKS = committed_notebooks()


def _stored_pngs(notebook) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum("image/png" in output.get("data", {})
               for cell in cells if cell["cell_type"] == "code" for output in cell.get("outputs", []))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[notebook.stem for notebook in NOTEBOOKS])
def test_notebook_opens_with_its_outputs_shown(page, lab, screenshots, notebook):
    from playwright.sync_api import expect

    panel = open_notebook(page, lab, notebook, workspace=f"render-{notebook.stem}")
    images = panel.locator(".jp-OutputArea .jp-RenderedImage img")
    expected = _stored_pngs(notebook)
    expect(images).to_have_count(expected, timeout=30_000)
    for index in range(expected):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        expect(image).to_be_visible()
        page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle(),
                               timeout=15_000)
        box = image.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"image {index + 1} of {expected} has no size"
    full_page_screenshot(page, screenshots / f"{notebook.stem}.png")
    assert error_outputs(page) == []
    assert widget_problems(page) == []
    assert widget_console_errors(page) == []
