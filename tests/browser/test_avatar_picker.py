"""Chapter 07's avatar picker in JupyterLab, used as a learner uses it.

A two-cell notebook (the chapter's setup and its widget cell, without the two minutes of
measurements in between) runs through Run > Run All Cells; then the test picks a skin
tone and an accessory from the dropdowns and types a noise seed, and asserts only on
what the page shows: the choices and the avatar's picture, which must change with each.
"""

import nbformat
import pytest

from .jupyterlab import error_outputs, open_notebook, wait_for_kernel_idle, widget_console_errors, widget_problems

pytestmark = pytest.mark.browser
CELLS = ["from ganlab import course\n\ncourse.setup(seed=0)",
         "from ganlab import recipes, widgets\n\n"
         "conditional = recipes.load_shipped_generator(recipes.SHIPPED.parent / 'conditional_generator')\n"
         "widgets.AvatarControls(conditional)"]


def _picture(page) -> bytes:
    view = page.locator(".ganlab-avatar-view")
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=view.element_handle())
    return view.screenshot()


def _wait_for_new_picture(page, before: bytes, what: str, timeout_s: float = 20) -> bytes:
    for _ in range(int(timeout_s * 4)):
        page.wait_for_timeout(250)
        now = _picture(page)
        if now != before:
            return now
    raise AssertionError(f"the avatar did not change within {timeout_s:.0f} s after {what}")


def test_avatar_picker_redraws_for_each_choice(page, lab, screenshots):
    from playwright.sync_api import expect

    notebook = lab.root / "notebooks" / "avatar_picker.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in CELLS],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3 (ipykernel)"}}),
                   notebook)
    page.set_default_timeout(30_000)
    open_notebook(page, lab, notebook, workspace="avatar-picker")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    expect(page.locator(".ganlab-avatar-view")).to_be_visible(timeout=120_000)
    wait_for_kernel_idle(page)
    assert widget_problems(page) == [] and widget_console_errors(page) == [] and error_outputs(page) == []

    skin = page.locator(".ganlab-avatar-skin-tone select")
    expect(skin).to_have_value("pale")  # the first class
    first = _picture(page)
    page.locator(".ganlab-avatar").screenshot(path=str(screenshots / "07_avatar_picker_0_pale.png"))

    skin.select_option(label="black")
    darker = _wait_for_new_picture(page, first, "choosing the skin tone 'black'")
    page.locator(".ganlab-avatar-accessory select").select_option(label="round")
    with_glasses = _wait_for_new_picture(page, darker, "choosing the accessory 'round'")
    page.locator(".ganlab-avatar").screenshot(path=str(screenshots / "07_avatar_picker_1_black_round.png"))

    readout = page.locator(".ganlab-avatar-seed .widget-readout")
    readout.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("17")
    page.keyboard.press("Enter")
    expect(readout).to_have_text("17")
    _wait_for_new_picture(page, with_glasses, "typing the noise seed 17")
    expect(skin.locator("option:checked")).to_have_text("black")  # the other choices stay
    assert error_outputs(page) == [] and widget_console_errors(page) == []
