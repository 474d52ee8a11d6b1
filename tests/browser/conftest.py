"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

Without Chromium (or Playwright) every browser test is skipped, with one line saying how
to install it; with CI=true that is an error instead, so CI cannot pass without them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import threading
import time

import pytest

from .jupyterlab import SCREENSHOTS, LabServer

# Debian's package (Playwright's own browser downloads are blocked here, and never used);
# GANLAB_CHROMIUM points the tests at another Chromium or Chrome binary.
CHROMIUM = os.environ.get("GANLAB_CHROMIUM", "/usr/bin/chromium")
# Keep Chromium quiet on a closed network (see /work/shared/NOTEBOOKS.md).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
SKIP_PREFIX = "browser tests skipped: "


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return (f"{SKIP_PREFIX}no Chromium at {CHROMIUM}; "
                "install it with `sudo apt-get install chromium` (Debian/Ubuntu)")
    if importlib.util.find_spec("playwright") is None:
        return f"{SKIP_PREFIX}Playwright is not installed (`.venv/bin/pip install -e .` installs the pinned one)"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Report every browser test's skip at one place, so the summary shows it as one line."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and SKIP_PREFIX in str(report.longrepr[2]):
        report.longrepr = (__file__, _missing.__code__.co_firstlineno, report.longrepr[2])
    return report


@pytest.fixture(scope="session")
def browser_stack_available():
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason.replace(SKIP_PREFIX, '')}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def screenshots(browser_stack_available):
    """tests/browser/screenshots/ (gitignored), emptied of the last run's pictures."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture(scope="session")
def lab(browser_stack_available, tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 over a temporary copy of notebooks/; stopped, kernels too, at the end."""
    server = LabServer(home=tmp_path_factory.mktemp("jupyterlab"))
    try:
        started = time.monotonic()
        server.start()
        print(f"\nJupyterLab up in {time.monotonic() - started:.1f} s on port {server.port}")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(browser_stack_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, lab):
    """A fresh browser context and page; the page's console errors are kept in `page.console_errors`."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(f"page error: {error}"))
        yield page
        if page.console_errors:
            print("console errors:", *page.console_errors, sep="\n  ")
    finally:
        context.close()
        lab.shutdown_kernels()


@contextlib.contextmanager
def serve_folder(folder):
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def local_only_page(browser, base_url: str):
    """A page whose requests to anywhere but `base_url` are refused and recorded in
    `page.outside_requests`; its uncaught errors are kept in `page.errors`."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.outside_requests = []

    def only_local(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            page.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
