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


def _picture(page, view: str = ".ganlab-avatar-view") -> bytes:
    view = page.locator(view)
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=view.element_handle())
    return view.screenshot()


def _wait_for_new_picture(page, before: bytes, what: str, view: str = ".ganlab-avatar-view",
                          timeout_s: float = 20) -> bytes:
    for _ in range(int(timeout_s * 4)):
        page.wait_for_timeout(250)
        now = _picture(page, view)
        if now != before:
            return now
    raise AssertionError(f"the picture did not change within {timeout_s:.0f} s after {what}")


def _run_all(page, lab, cells: list[str], name: str, view: str) -> None:
    """Write `cells` as notebooks/<name>.ipynb, open it in JupyterLab, Run All Cells, and
    wait until the widget's picture `view` shows and the kernel idles, with no error."""
    from playwright.sync_api import expect

    notebook = lab.root / "notebooks" / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3 (ipykernel)"}}),
                   notebook)
    page.set_default_timeout(30_000)
    open_notebook(page, lab, notebook, workspace=name.replace("_", "-"))
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    expect(page.locator(view)).to_be_visible(timeout=120_000)
    wait_for_kernel_idle(page)
    assert widget_problems(page) == [] and widget_console_errors(page) == [] and error_outputs(page) == []


def test_avatar_picker_redraws_for_each_choice(page, lab, screenshots):
    from playwright.sync_api import expect

    _run_all(page, lab, CELLS, "avatar_picker", ".ganlab-avatar-view")

    skin = page.locator(".ganlab-avatar-skin-tone select")
    expect(skin).to_have_value("pale")  # the first class
    first = _picture(page)
    page.locator(".ganlab-avatar").screenshot(path=str(screenshots / "07_avatar_picker_0_pale.png"))

    skin.select_option(label="black")
    darker = _wait_for_new_picture(page, first, "choosing the skin tone 'black'")
    page.locator(".ganlab-avatar-accessory select").select_option(label="round")
    with_glasses = _wait_for_new_picture(page, darker, "choosing the accessory 'round'")
    expect(page.locator(".ganlab-avatar-given")).to_have_text(  # the class indices the generator gets
        "generator input: skin_tone=6 (black), hair_color=0 (auburn), accessory=5 (round)")
    page.locator(".ganlab-avatar").screenshot(path=str(screenshots / "07_avatar_picker_1_black_round.png"))

    _type_into_readout(page, ".ganlab-avatar-seed", "17", shown="17")
    _wait_for_new_picture(page, with_glasses, "typing the noise seed 17")
    expect(skin.locator("option:checked")).to_have_text("black")  # the other choices stay
    assert error_outputs(page) == [] and widget_console_errors(page) == []


MORPH_CELLS = [CELLS[0],
               "import numpy as np\n\nfrom ganlab import recipes, widgets\n\n"
               "generator = recipes.load_shipped_generator()\n"
               "direction = np.random.default_rng(5).normal(size=128) * 0.3  # any direction will do here\n"
               "widgets.AvatarMorph(generator, direction, 'a random direction', seed_a=3, seed_b=8)"]


def _type_into_readout(page, slider: str, value: str, shown: str) -> None:
    """Type a value into a slider's number, as a learner can; the slider then shows `shown`."""
    from playwright.sync_api import expect

    readout = page.locator(f"{slider} .widget-readout")
    readout.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(readout).to_have_text(shown)


def test_avatar_morph_slides_between_two_avatars_and_along_a_direction(page, lab, screenshots):
    from playwright.sync_api import expect

    _run_all(page, lab, MORPH_CELLS, "avatar_morph", ".ganlab-morph-view-now")

    ends = _picture(page, ".ganlab-morph-view-a"), _picture(page, ".ganlab-morph-view-b")
    start = _picture(page, ".ganlab-morph-view-now")
    assert start == ends[0] and ends[0] != ends[1]  # morph 0 is avatar A

    _type_into_readout(page, ".ganlab-morph-morph", "0.5", shown="0.50")
    halfway = _wait_for_new_picture(page, start, "moving the morph to 0.5", ".ganlab-morph-view-now")
    page.locator(".ganlab-morph").screenshot(path=str(screenshots / "07_avatar_morph_halfway.png"))
    _type_into_readout(page, ".ganlab-morph-edit", "2", shown="2.00")
    _wait_for_new_picture(page, halfway, "moving along the direction", ".ganlab-morph-view-now")
    assert (_picture(page, ".ganlab-morph-view-a"), _picture(page, ".ganlab-morph-view-b")) == ends  # they stay
    assert error_outputs(page) == [] and widget_console_errors(page) == []

