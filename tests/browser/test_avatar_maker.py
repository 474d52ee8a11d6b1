"""The avatar maker page (`make maker`, website/avatar_maker/) in headless Chromium.

The page is built into a temporary folder (the shipped generators exported to ONNX,
onnxruntime-web copied from node_modules/), served from 127.0.0.1, and used as a visitor
would: it must draw at once, a new avatar and each menu and the morph slider must change
the picture, and every picture must be the one the Python generator draws for the same
noise and labels (read back from the page), within one level of 255 per channel. No
request may leave 127.0.0.1. Screenshot: tests/browser/screenshots/avatar_maker.png.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import numpy as np
import pytest

from ganlab import data, latent, recipes
from ganlab.tooling import shipped

from .conftest import local_only_page, serve_folder
from .test_site import REPO

pytestmark = pytest.mark.browser
MAKER = REPO / "website" / "avatar_maker"
PIXELS = "() => Array.from(document.getElementById('avatar').getContext('2d').getImageData(0, 0, 64, 64).data)"


@pytest.fixture(scope="module")
def maker_url(browser_stack_available, tmp_path_factory):
    if shutil.which("npm") is None and not (MAKER / "node_modules" / "onnxruntime-web").is_dir():
        reason = "npm is not installed: the avatar maker fetches onnxruntime-web with it (apt-get install npm)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    spec = importlib.util.spec_from_file_location("ganlab_avatar_maker_build", MAKER / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    folder = tmp_path_factory.mktemp("avatar_maker")
    builder.build(folder / "site", quiet=True)
    with serve_folder(folder / "site") as url:
        yield url


@pytest.fixture
def maker(browser, maker_url):
    with local_only_page(browser, maker_url) as page:
        page.goto(f"{maker_url}/index.html")
        page.wait_for_function("() => window.avatarMaker.ready || window.avatarMaker.error", timeout=60_000)
        assert page.evaluate("() => window.avatarMaker.error") is None
        yield page
        assert page.errors == []
        assert page.outside_requests == []


def _after(page, action) -> dict:
    """Do `action` and wait for the picture it asks for; return the page's state then."""
    drawn = page.evaluate("() => window.avatarMaker.drawn")
    action()
    page.wait_for_function("n => window.avatarMaker.drawn > n", arg=drawn, timeout=30_000)
    page.wait_for_timeout(200)  # a slider may ask for more than one picture
    return page.evaluate("() => JSON.parse(JSON.stringify(window.avatarMaker))")


def _picture(page) -> np.ndarray:
    rgba = np.array(page.evaluate(PIXELS), dtype=np.int16).reshape(64, 64, 4)
    assert (rgba[..., 3] == 255).all()
    return rgba[..., :3]


def _python_picture(generator, state) -> np.ndarray:
    z = np.asarray(state["latent"], dtype="float32")[None]
    inputs = {"latent": z, **{name: np.array([index], "int32") for name, index in state["labels"].items()}}
    return data.to_uint8(generator.predict(inputs if state["labels"] else z, verbose=0))[0].astype(np.int16)


def _matches_python(page, generator, state) -> np.ndarray:
    picture = _picture(page)
    difference = np.abs(picture - _python_picture(generator, state))
    assert difference.max() <= 1, f"the page's picture is not the Python generator's: {difference.max()} levels off"
    return picture


def test_the_page_draws_what_the_python_generator_draws(maker, screenshots):
    from playwright.sync_api import expect

    page = maker
    conditional = recipes.load_generator(shipped.DATA / "conditional_generator")
    state = page.evaluate("() => JSON.parse(JSON.stringify(window.avatarMaker))")
    assert state["model"] == "conditional" and set(state["labels"]) == {"skin_tone", "hair_color", "accessory"}
    first = _matches_python(page, conditional, state)

    # a menu takes effect: the same noise, another skin tone
    state = _after(page, lambda: page.select_option("#label-skin_tone", label="black"))
    assert state["labels"]["skin_tone"] == 6 and state["seedA"] == 1
    black = _matches_python(page, conditional, state)
    assert np.abs(black - first).mean() > 3, "the skin tone menu did not change the picture"
    state = _after(page, lambda: page.select_option("#label-accessory", label="sunglasses"))
    assert state["labels"]["accessory"] == 6
    _matches_python(page, conditional, state)

    # a new avatar: new noise, the labels kept
    state = _after(page, lambda: page.click("#new-avatar"))
    assert state["seedA"] != 1 and state["labels"]["skin_tone"] == 6
    start = _matches_python(page, conditional, state)
    assert np.abs(start - black).mean() > 3, "a new avatar looked the same"

    # the morph slider: halfway along the arc between the two seeds' noise
    z_start = np.asarray(state["latent"])
    z_end = np.asarray(_after(page, lambda: page.fill("#morph", "100"))["latent"])
    state = _after(page, lambda: page.fill("#morph", "50"))
    assert state["t"] == 0.5
    np.testing.assert_allclose(state["latent"], latent.slerp(z_start, z_end, 0.5), atol=1e-5)
    halfway = _matches_python(page, conditional, state)
    assert np.abs(halfway - start).mean() > 3
    page.locator(".maker").screenshot(path=str(screenshots / "avatar_maker.png"))

    # the other generator takes no labels: the menus go
    page.select_option("#model", "generator")
    page.wait_for_function("() => window.avatarMaker.ready && window.avatarMaker.model === 'generator'",
                           timeout=60_000)
    expect(page.locator("#labels")).to_be_hidden()
    state = page.evaluate("() => JSON.parse(JSON.stringify(window.avatarMaker))")
    assert state["labels"] == {}
    _matches_python(page, recipes.load_generator(shipped.DATA / "generator"), state)
