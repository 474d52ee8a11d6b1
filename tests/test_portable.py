"""Portable mode (the repository's conftest.py): on another kind of CPU than the recording
machine's, or with GANLAB_PORTABLE=1 (`make test-portable`), the cells tagged
machine-dependent are run but not compared; nothing else changes."""

import importlib.util
import json

import pytest

from conftest import CHAPTERS, REPO

spec = importlib.util.spec_from_file_location("ganlab_root_conftest", REPO / "conftest.py")
root_conftest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(root_conftest)


class FakeCellItem:  # what the hook reads of nbval's IPyNbCell
    def __init__(self, tags):
        self.cell = {"cell_type": "code", "metadata": {"tags": tags}, "source": ""}
        self.options = {"check": True}


@pytest.mark.parametrize("portable, expected", [("1", [False, True, True]), ("0", [True, True, True])])
def test_only_machine_dependent_cells_go_uncompared_and_only_in_portable_mode(monkeypatch, portable, expected):
    monkeypatch.setenv("GANLAB_PORTABLE", portable)
    items = [FakeCellItem([root_conftest.MACHINE_DEPENDENT]), FakeCellItem(["parameters"]), FakeCellItem([])]
    root_conftest.pytest_collection_modifyitems(None, items + [object()])  # other tests pass through
    assert [item.options["check"] for item in items] == expected


@pytest.mark.parametrize("setting, flags, expected", [
    ("", {"avx2", "avx512_bf16"}, False),  # the EPYC the outputs were recorded on
    ("", {"avx2", "amx_bf16"}, False),  # the Xeon: they reproduce there too
    ("", {"avx2", "fma"}, True),  # a laptop, or a course machine without bfloat16 units
    ("", set(), True),  # flags unreadable (not Linux)
    ("1", {"avx512_bf16"}, True),
    ("0", {"avx2"}, False),
])
def test_portable_mode_follows_the_cpu_unless_set(monkeypatch, setting, flags, expected):
    monkeypatch.setenv("GANLAB_PORTABLE", setting)
    assert root_conftest.portable(flags) is expected


def _tagged(chapter):
    cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if root_conftest.MACHINE_DEPENDENT in cell["metadata"].get("tags", [])]


def test_tagged_cells_are_the_live_toy_and_their_chapters_say_so():
    tagged = {chapter.stem[:2]: len(_tagged(chapter)) for chapter in CHAPTERS if _tagged(chapter)}
    assert tagged == {"01": 2, "06": 1, "08": 4}  # as the README's Performance section lists them
    for chapter in CHAPTERS:
        if _tagged(chapter):
            cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
            text = "".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
            assert "make test-portable" in text, f"{chapter.name} does not say why its toy cells are not compared"
            assert all(cell["cell_type"] == "code" for cell in _tagged(chapter))
