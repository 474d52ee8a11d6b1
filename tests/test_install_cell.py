"""The first code cell of every chapter: it installs the course where it is missing (a
hosted notebook service) and does nothing where it is installed. tests/test_wheel.py
runs it for real, installing the wheel into a fresh environment; here each branch is
run with pip replaced by a recorder."""

import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import CHAPTERS



def _first_code_cell(chapter) -> str:
    cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    return "".join(next(cell for cell in cells if cell["cell_type"] == "code")["source"])


INSTALL_CELL = _first_code_cell(CHAPTERS[0])


def test_every_chapter_starts_with_the_same_install_cell():
    assert "GANLAB_SOURCE" in INSTALL_CELL and "pip" in INSTALL_CELL
    different = [chapter.name for chapter in CHAPTERS if _first_code_cell(chapter) != INSTALL_CELL]
    assert different == []


@pytest.fixture
def pip_calls(monkeypatch, tmp_path):
    """Run the cell as if ganlab were missing, in an empty folder, recording pip instead of running it."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "ganlab" else real_find_spec(name, *args))
    calls = []
    monkeypatch.setattr(subprocess, "check_call", lambda command, **kwargs: calls.append(command))
    monkeypatch.delenv("GANLAB_SOURCE", raising=False)
    monkeypatch.chdir(tmp_path)
    return calls


def test_without_the_course_it_installs_the_wheel_beside_the_notebook(pip_calls, tmp_path):
    for version in ("0.1.0", "0.2.0"):
        (tmp_path / f"ganlab-{version}-py3-none-any.whl").write_bytes(b"")
    exec(INSTALL_CELL, {})
    assert pip_calls == [[sys.executable, "-m", "pip", "install", "--quiet", "ganlab-0.2.0-py3-none-any.whl"]]


def test_ganlab_source_says_where_to_install_from(pip_calls, monkeypatch):
    monkeypatch.setenv("GANLAB_SOURCE", "git+https://example.org/ganlab.git")
    exec(INSTALL_CELL, {})
    assert pip_calls == [[sys.executable, "-m", "pip", "install", "--quiet", "git+https://example.org/ganlab.git"]]


def test_with_nothing_to_install_from_it_says_what_to_do(pip_calls):
    with pytest.raises(RuntimeError, match=r"ganlab is not installed here\. In a clone of the course, build its "
                                           r"wheel with `python -m pip wheel --no-deps -w dist \.`"):
        exec(INSTALL_CELL, {})
    assert pip_calls == []


def test_where_the_course_is_installed_it_does_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "check_call", lambda command, **kwargs: calls.append(command))
    monkeypatch.setenv("GANLAB_SOURCE", "anything")
    exec(INSTALL_CELL, {})
    assert calls == []
