"""The live 2-D GAN of notebook 01, used in the browser as a learner uses it.

The notebook's cells run in JupyterLab (a real kernel, Run > Run All Cells); then the test
clicks Step, Play/pause and Reset, types a learning rate into a slider's readout and
nudges another with the arrow keys, and asserts only on what the page shows: the step
counter, the plotted PNG, the slider readouts, and a new cell's output at the end.
Screenshots of the widget before and after play go to tests/browser/screenshots/.
"""

import io
import re
import time

import pytest
from PIL import Image, ImageChops

from .jupyterlab import (NOTEBOOKS, error_outputs, open_notebook, wait_for_kernel_idle, widget_console_errors,
                         widget_problems)

pytestmark = pytest.mark.browser
NOTEBOOK = NOTEBOOKS / "01_background_and_concepts.ipynb"
PLAY_SECONDS = 30


def _step(page) -> int:
    text = page.locator(".ganlab-toy-counter").inner_text()
    match = re.fullmatch(r"step (\d+)", text.strip())
    assert match, f"the counter shows {text!r}"
    return int(match.group(1))


def _wait_for_step(page, at_least: int, timeout_ms: int = 30_000) -> None:
    page.wait_for_function("([node, n]) => Number(node.textContent.trim().split(' ')[1]) >= n",
                           arg=[page.locator(".ganlab-toy-counter").element_handle(), at_least], timeout=timeout_ms)


def _wait_until_counter_settles(page, quiet_s: float = 1.5, timeout_s: float = 30) -> int:
    """After a pause, ticks already sent may still arrive: wait until the counter stops moving."""
    deadline = time.monotonic() + timeout_s
    last, since = _step(page), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = _step(page)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return now
    raise AssertionError(f"the counter was still moving {timeout_s:.0f} s after pause (at step {last})")


def _points_panel_change(before: bytes, after: bytes) -> float:
    """Share of pixels that differ in the left quarter of the view: the real and generated points."""
    first, second = (Image.open(io.BytesIO(shot)).convert("RGB") for shot in (before, after))
    assert first.size == second.size, (first.size, second.size)
    width, height = first.size
    box = (0, 0, width // 4, height)
    difference = ImageChops.difference(first.crop(box), second.crop(box)).convert("L").point(lambda v: v > 24)
    return difference.histogram()[1] / (box[2] * box[3])


def test_live_gan_plays_steps_resets_and_keeps_the_kernel_responsive(page, lab, screenshots):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    page.set_default_timeout(30_000)
    open_notebook(page, lab, NOTEBOOK, workspace="live-gan")

    # Run every cell through the menus, as a learner would.
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    running = page.locator(".jp-NotebookPanel .jp-InputPrompt").filter(has_text="[*]")
    try:
        running.first.wait_for(state="attached", timeout=10_000)  # queued cells show [*] until they ran
    except PlaywrightTimeout:
        pass  # already done
    expect(running).to_have_count(0, timeout=120_000)
    wait_for_kernel_idle(page)
    # A front end without a matching widget manager shows one of these, or the widget's text repr.
    assert widget_problems(page) == []
    assert widget_console_errors(page) == []
    assert error_outputs(page) == []
    as_text = page.locator(".jp-OutputArea-output[data-mime-type='text/plain']").filter(has_text="ToyGANWidget(")
    assert as_text.count() == 0, (f"the widget shows as text, {as_text.first.inner_text()[:60]!r}...: "
                                  "JupyterLab has no widget manager for this ipywidgets (jupyterlab_widgets)")
    counter = page.locator(".ganlab-toy-counter")
    expect(counter).to_be_visible(timeout=15_000)
    expect(counter).to_have_text("step 0")
    view = page.locator(".ganlab-toy-view")
    view.scroll_into_view_if_needed()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=view.element_handle())
    widget = page.locator(".ganlab-toy")
    widget.screenshot(path=str(screenshots / "01_widget_0_ran.png"))
    before = view.screenshot()

    # Step: one training step.
    page.locator(".ganlab-toy-step").click()
    expect(counter).to_have_text("step 1")

    # Play: the counter keeps growing; pause (the same button) stops it.
    play = page.locator(".ganlab-toy-play button").filter(has=page.locator("i.fa-play"))
    pause = page.locator(".ganlab-toy-play button").filter(has=page.locator("i.fa-pause"))
    play.click()
    expect(pause).to_be_visible()
    _wait_for_step(page, at_least=41)  # two ticks of 20 steps after the single one
    first = _step(page)
    page.wait_for_timeout(3000)
    assert _step(page) > first, "the counter stopped growing while playing"
    pause.click()
    expect(play).to_be_visible()
    paused_at = _wait_until_counter_settles(page)
    page.wait_for_timeout(1500)
    assert _step(page) == paused_at, "the counter moved after pause"
    widget.screenshot(path=str(screenshots / "01_widget_1_after_play.png"))
    after = view.screenshot()
    changed = _points_panel_change(before, after)
    print(f"\nafter play: step {paused_at}, {changed:.1%} of the points panel's pixels changed")
    assert changed > 0.005, f"the points panel barely changed after {paused_at} steps ({changed:.2%} of pixels)"

    # The G learning rate, typed into the slider's readout; the D one, nudged with the arrow keys.
    readout = page.locator(".ganlab-toy-lr-g .widget-readout")
    expect(readout).to_have_text("1e-3")
    readout.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("1e-2")
    page.keyboard.press("Enter")
    expect(readout).to_have_text("1e-2")
    g_handle = page.locator(".ganlab-toy-lr-g .noUi-handle")
    expect(g_handle).to_have_attribute("aria-valuenow", re.compile(r"^-2(\.0+)?$"))  # log10 of the rate
    d_handle = page.locator(".ganlab-toy-lr-d .noUi-handle")
    d_handle.focus()
    for _ in range(10):  # step 0.1 in log10: ten presses, 1e-3 -> 1e-2
        page.keyboard.press("ArrowRight")
    expect(page.locator(".ganlab-toy-lr-d .widget-readout")).to_have_text("1e-2")

    # Reset: back to step 0, the knobs keep their values.
    page.locator(".ganlab-toy-reset").click()
    expect(counter).to_have_text("step 0")
    expect(readout).to_have_text("1e-2")

    # Play for 30 s: the kernel keeps up, all along.
    play.click()
    expect(pause).to_be_visible()
    seen = [_step(page)]
    for _ in range(3):
        page.wait_for_timeout(PLAY_SECONDS * 1000 / 3)
        seen.append(_step(page))
    pause.click()
    expect(play).to_be_visible()
    print(f"counter during {PLAY_SECONDS} s of play: {seen}")
    assert all(later > earlier for earlier, later in zip(seen, seen[1:])), f"counter during {PLAY_SECONDS} s: {seen}"
    final = _wait_until_counter_settles(page)
    widget.screenshot(path=str(screenshots / "01_widget_2_after_30s_play.png"))
    wait_for_kernel_idle(page)

    # The kernel still answers: a new cell at the end, typed and run with Shift+Enter.
    cells = page.locator(".jp-NotebookPanel .jp-Cell")
    count = cells.count()
    cells.last.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    expect(cells).to_have_count(count + 1)
    page.keyboard.press("Enter")
    page.keyboard.type("1 + 1, live_gan.counter.value, live_gan.gan.generator_learning_rate, "
                       "live_gan.gan.discriminator_learning_rate")
    page.keyboard.press("Shift+Enter")
    result = cells.nth(count).locator(".jp-OutputArea-output")
    rate = r"0\.0(1|09999)\d*"  # 0.01, in float32 or not: the kernel got both sliders' new values
    expect(result).to_have_text(re.compile(rf"\(2, 'step \d+', {rate}, {rate}\)"), timeout=30_000)
    assert f"'step {final}'" in result.inner_text(), (result.inner_text(), final)
    assert widget_problems(page) == []
    assert widget_console_errors(page) == []
    assert error_outputs(page) == []
