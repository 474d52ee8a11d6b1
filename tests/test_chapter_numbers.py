"""Every number a chapter's prose states is shown by that chapter: printed by one of its
cells (an output) or set in its code. A number with a decimal point or a percent sign in
a markdown cell that appears in neither fails, unless ALLOWED names it with a reason
(citations, dates, the article's own figures, exercise statements). A percentage counts
as shown when a table prints it as a fraction (89.3% as 0.893). Links, the article's
section numbers, the chapters' own section numbers and exercise numbers are not figures.
Reads the committed notebooks; runs nothing."""

import re
from pathlib import Path

import nbformat
import pytest

import conftest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = [path.stem for path in conftest.CHAPTERS]

NUMBER = re.compile(r"(?<![\w.,])(\d[\d,]*\.\d+(?:\s?%)?|\d[\d,]*\s?%)")
NOT_FIGURES = [
    re.compile(r"<https?://[^>]*>|\]\([^)]*\)|https?://\S+"),  # links: arXiv ids, DOIs
    re.compile(r"arXiv:?\s*\d{4}\.\d{4,5}", re.IGNORECASE),
    re.compile(r"§\s?\d+(\.\d+)*"),                           # the article's section numbers
    re.compile(r"^#+\s*\d+(\.\d+)*", re.MULTILINE),                 # the chapters' own section numbers
    re.compile(r"\bsections?\s+\d+(\.\d+)*", re.IGNORECASE),
    re.compile(r"(?:[Ee]xercises?|\*\*)\s?\d{2}\.\d+"),         # exercise numbers such as 04.2
    re.compile(r"\*\*Run time:\*\*\s+about\s+[\d.]+"),        # checked against run_times.json below
]

# number -> why it may stand in the prose without a cell that shows it
ALLOWED = {
    "00_start_here": {
        "2.5": "the size of the installed environment, measured when the README was written",
        "80%": "exercise 00.2's statement", "20%": "exercise 00.2's statement",
        "0.8": "exercise 00.2's solution, checked by exercises.check",
        "0.055": "exercise 00.1's solution, checked by exercises.check",
    },
    "01_background_and_concepts": {"0.2": "the slope of Keras' leaky_relu, which the next cell uses by name",
                                   "0.3": "read off the colour scale of the figure above it",
                                   "0.7": "read off the colour scale of the figure above it"},
    "02_loss_math": {number: "exercise 02.2's solution, checked by exercises.check"
                     for number in ("0.357", "0.833", "1.183", "0.102")},
    "03_dense_generator_and_conv_discriminator": {
        "0.2": "TensorFlow 1's leaky-ReLU slope, the article's", "95%": "exercise 03.2's solution"},
    "04_training": {"1.386": "2 log 2, worked out in the prose", "0.001": "1 - 0.999 in the EMA's formula"},
    "06_challenges": {
        "0.125": "1/8, worked out in the prose",
        "0.999": "the EMA decay and Adam's beta_2 of the recipes, as in recipes.RECIPES",
        "0.99": "Adam's beta_2 of the recipes, as in recipes.RECIPES",
        "70%": "exercise 06.1's statement", "30%": "exercise 06.1's statement",
        "2.33": "exercise 06.1's solution", "5.67": "exercise 06.1's solution",
    },
    "08_faq": {"1.44": "1 / ln 2, converting nats to bits"},
}


def _outputs_and_code(notebook) -> str:
    shown = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        shown.append(cell.source)
        for output in cell.get("outputs", []):
            shown.append(output.get("text", ""))
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/"):
                    shown.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(shown)


SHOWN_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _shown_values(shown: str) -> list[float]:
    return [float(text.replace(",", "")) for text in SHOWN_NUMBER.findall(shown) if text.replace(",", "")[-1:].isdigit()]


def _is_shown(number: str, values: list[float]) -> bool:
    """Whether a cell shows `number` as the prose rounds it: some shown value rounds to it
    at the prose's decimals (0.26 for 0.2607, not 0.03 for 0.0396), or, for a percentage,
    some fraction does at two more decimals (89.3% for 0.893)."""
    percent = number.endswith("%")
    text = number.rstrip("%").replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    target = float(text)
    scales = (1, 100) if percent else (1,)
    half_unit = 0.5 * 10 ** -decimals + 1e-9  # 101.9 for a table's 101.95 of 101.947, too
    return any(abs(value * scale - target) <= half_unit for value in values for scale in scales)


def unshown_numbers(path: Path) -> list[tuple[int, str]]:
    """(cell index, number) for each number in a markdown cell that no output or code shows."""
    notebook = nbformat.read(path, as_version=4)
    values = _shown_values(_outputs_and_code(notebook))
    missing = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        prose = cell.source
        for pattern in NOT_FIGURES:
            prose = pattern.sub(" ", prose)
        for match in NUMBER.finditer(prose):
            number = re.sub(r"\s", "", match.group(1))
            if not _is_shown(number, values):
                missing.append((index, number))
    return missing


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_number_in_the_prose_is_shown_by_the_chapter(chapter):
    allowed = ALLOWED.get(chapter, {})
    missing = [(cell, number) for cell, number in unshown_numbers(NOTEBOOKS / f"{chapter}.ipynb")
               if number not in allowed]
    assert not missing, (f"{chapter}: numbers in the prose that no cell prints or sets "
                         f"(cell index, number): {missing}. Print them from a cell, or add them to "
                         "ALLOWED with the reason they need no cell.")


def test_the_check_finds_an_unshown_number_and_passes_a_shown_one(tmp_path):
    notebook = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(19.6)")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="19.6\n")]
    notebook.cells = [code, nbformat.v4.new_markdown_cell(
        "The run scored 19.6, 12.5% better than 22.4 (§3.2; <https://arxiv.org/abs/1406.2661>).")]
    nbformat.write(notebook, tmp_path / "chapter.ipynb")
    assert unshown_numbers(tmp_path / "chapter.ipynb") == [(1, "12.5%"), (1, "22.4")]
    code.outputs[0]["text"] = "19.6 0.125\n"
    nbformat.write(notebook, tmp_path / "chapter.ipynb")
    assert unshown_numbers(tmp_path / "chapter.ipynb") == [(1, "22.4")]  # 12.5% printed as a fraction


def test_a_number_counts_as_shown_only_as_the_prose_rounds_it(tmp_path):
    notebook = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(error, gap)")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.0396 0.2607\n")]
    notebook.cells = [code, nbformat.v4.new_markdown_cell("The gap is 0.26; the error about 0.03.")]
    nbformat.write(notebook, tmp_path / "chapter.ipynb")
    assert unshown_numbers(tmp_path / "chapter.ipynb") == [(1, "0.03")]  # 0.0396 is 0.04, not 0.03


# ---- run times: measured by benchmarks/chapter_times.py, quoted in three places -----

def _chapter_times():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "chapter_times", NOTEBOOKS.parent / "benchmarks" / "chapter_times.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_chapter_has_a_measured_run_time():
    assert sorted(_chapter_times().read_record()) == CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_header_readme_and_workshop_plan_quote_the_measured_run_time(chapter):
    times = _chapter_times()
    seconds = times.read_record()[chapter]["seconds"]
    assert times.quoted_times(chapter) == {"header": times.about(seconds), "readme": times.short(seconds),
                                           "workshop": times.short(seconds)}, (
        "run `python benchmarks/chapter_times.py --write` to copy notebooks/run_times.json into them")


def test_run_times_are_worded_as_a_reader_reads_them():
    times = _chapter_times()
    assert [times.about(s) for s in (3, 14, 47, 55, 100, 130, 151)] == [
        "about 5 seconds", "about 15 seconds", "about 45 seconds", "about 1 minute", "about 1.5 minutes",
        "about 2 minutes", "about 2.5 minutes"]
    assert times.short(14) == "15 s" and times.short(151) == "2.5 min"
