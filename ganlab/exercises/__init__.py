"""Self-checks for the chapters' exercises: `check("02.1", answer)` says what is wrong.

Each exercise has a checker registered under "chapter.number", in the file of its
chapter (`chapter_02.py` holds 02.1-02.3). A checker returns None when the answer is
right, or a sentence that says what is wrong and what to look at; it never gives the
solution away (each notebook keeps its solution folded, one click away). `check`
prints the verdict.

Taught in 00_start_here.ipynb (first used in 02_loss_math.ipynb).
"""

from ganlab.exercises import (chapter_00, chapter_01, chapter_02, chapter_03,  # noqa: F401 (they register)
                              chapter_04, chapter_05, chapter_06, chapter_07, chapter_08)
from ganlab.exercises.registry import check, exercise  # noqa: F401 (the chapters call exercises.check)
