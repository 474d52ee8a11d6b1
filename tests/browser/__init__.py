"""The course in a real browser: JupyterLab driven by Playwright in headless Chromium.

A package (this file) so that its conftest imports as `browser.conftest` and leaves
`tests/conftest.py`, which other tests import as `conftest`, alone.
"""
