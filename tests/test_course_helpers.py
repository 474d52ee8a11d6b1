"""The chapters' helpers: set-up, exercise checkers, the 1-D loss math, multiply-adds."""

import math
import subprocess
import sys

import numpy as np
import pytest

from ganlab import detection, exercises, loss_math, metrics


def _too_close_share(generated, training, reference, percentile=1):
    _, threshold = metrics.nearest_training_images(reference, training)
    _, distances = metrics.nearest_training_images(generated, training)
    return float((distances < np.percentile(threshold, percentile)).mean())


def test_setup_imports_tensorflow_without_start_up_notices():
    script = "from ganlab import course; course.setup(0); import tensorflow; print('ready')"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "ready"
    assert "oneDNN" not in done.stderr and "cuda" not in done.stderr.lower()


def test_setup_hides_only_tensorflows_retracing_notice(caplog):
    import logging

    from ganlab import course

    course.setup(0)
    course.setup(0)  # twice: still one filter
    log = logging.getLogger("tensorflow")
    assert sum(type(f).__name__ == "_RetracingNotice" for f in log.filters) == 1
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        log.warning("5 out of the last 7 calls to <function f> triggered tf.function retracing. Tracing is expensive")
        log.warning("something else went wrong")
    assert [record.getMessage() for record in caplog.records] == ["something else went wrong"]


SOLUTIONS = {
    "00.1": (lambda table, column, value: float((table[column] == value).mean()),
             lambda table, column, value: int((table[column] == value).sum())),
    "00.2": ({"skin_tone": {"black": 24, "pale": 1, "light": 1, "yellow": 1, "tanned": 1, "brown": 1,
                            "dark_brown": 1}}, {"skin_tone": {"black": 8, "pale": 2}}),
    "02.1": (lambda d_real, d_fake: -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake)),
             lambda d_real, d_fake: np.mean(np.log(d_real)) + np.mean(np.log(1 - d_fake))),
    "02.2": (-1.1827959, -math.log(4)),
    "02.3": (99.0, 1 / 99),
    "03.1": (9, 8),
    "03.2": (12_595_200, 12_582_912),
    "04.1": (500, 730),
    "04.2": ("both", "tape"),
    "05.1": (lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1 - s2) ** 2,
             lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1 ** 2 - s2 ** 2) ** 2),
    "05.2": (_too_close_share, lambda generated, training, reference: _too_close_share(generated, training, reference, 50)),
    "06.1": (lambda train, generated: (generated / (1 - generated)) / (train / (1 - train)),
             lambda train, generated: generated / train),
    "06.2": (3, 5),
    "07.1": (lambda images: detection.log_spectrum(images)[:, 0, 0],
             lambda images: detection.log_spectrum(images)[:, 32, 32]),
    "07.2": (lambda share, catch, false_alarm: share * catch / (share * catch + (1 - share) * false_alarm),
             lambda share, catch, false_alarm: catch),
    "08.1": (lambda mean, log_variance: 0.5 * np.sum(np.exp(log_variance) + mean ** 2 - 1 - log_variance, axis=-1),
             lambda mean, log_variance: np.sum(np.exp(log_variance) + mean ** 2 - 1 - log_variance, axis=-1)),
    "08.2": (lambda images, dy, dx: np.pad(images, [(0, 0), (2, 2), (2, 2), (0, 0)])[
                 :, 2 - dy:2 - dy + images.shape[1], 2 - dx:2 - dx + images.shape[2]],
             lambda images, dy, dx: np.roll(images, (dy, dx), axis=(1, 2))),
}


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_checkers_accept_the_solution_and_explain_a_wrong_answer(name, capsys):
    right, wrong = SOLUTIONS[name]
    exercises.check(name, right)
    assert capsys.readouterr().out.strip() == f"Exercise {name}: correct."
    exercises.check(name, wrong)
    verdict = capsys.readouterr().out
    assert verdict.startswith(f"Exercise {name}: not yet.") and len(verdict) > 40
    exercises.check(name, None)
    assert "Not answered yet" in capsys.readouterr().out


def test_a_crashing_answer_is_feedback_and_unknown_exercises_are_named(capsys):
    exercises.check("02.1", lambda d_real, d_fake: 1 / 0)
    assert "raised ZeroDivisionError" in capsys.readouterr().out
    with pytest.raises(ValueError, match="no exercise called '9.9'"):
        exercises.check("9.9", 1)


def test_value_at_the_optimum_is_minus_log_4_plus_twice_the_jsd():
    x = np.linspace(-12, 20, 32_001)
    dx = x[1] - x[0]
    p_data = loss_math.gaussian(x, 0, 1)
    for mean, std in [(0, 1), (1.5, 0.7), (8, 1)]:
        p_g = loss_math.gaussian(x, mean, std)
        value = loss_math.value(p_data, p_g, loss_math.optimal_logit(p_data, p_g), dx)
        assert value == pytest.approx(-math.log(4) + 2 * loss_math.jensen_shannon(p_data, p_g, dx), abs=1e-6)
    assert loss_math.value(p_data, p_data, np.zeros_like(x), dx) == pytest.approx(-math.log(4), abs=1e-6)
    np.testing.assert_allclose(loss_math.optimal_discriminator(np.array([3.0, 0.0]), np.array([1.0, 0.0])),
                               [0.75, 0.5])


def test_the_non_saturating_generator_escapes_a_confident_discriminator_first():
    minimax_shifts, minimax_gradients = loss_math.shift_gan("minimax", steps=20)
    ns_shifts, ns_gradients = loss_math.shift_gan("non_saturating", steps=20)
    assert abs(ns_gradients[0]) > 100 * abs(minimax_gradients[0])
    assert abs(ns_shifts[-1]) < 0.5 < abs(minimax_shifts[-1])
    with pytest.raises(ValueError, match="'hinge'"):
        loss_math.shift_gan("hinge")


def test_multiply_adds_count_dense_and_convolution_layers():
    import keras

    from ganlab import anatomy

    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, strides=2, padding="same"),
                              keras.layers.Conv2DTranspose(2, 4, strides=2, padding="same"),
                              keras.layers.Flatten(), keras.layers.Dense(5)])
    conv = 4 * 4 * 3 * 3 * 3 * 4            # output positions x kernel x in x out
    transposed = 4 * 4 * 4 * 4 * 2 * 4      # input positions x kernel x out x in
    dense = 8 * 8 * 2 * 5
    assert anatomy.multiply_adds(model) == conv + transposed + dense


def test_every_exercise_is_stated_and_checked_in_its_chapter():
    """Each checker's exercise has its statement ('**Exercise 02.3.**') in a markdown cell
    of its chapter, before the code cell that checks it: a check cell without a question
    is unanswerable."""
    import re
    from pathlib import Path

    import nbformat

    from ganlab.exercises.registry import CHECKERS

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    for name in CHECKERS:
        chapter = next(notebooks.glob(f"{name[:2]}_*.ipynb"))
        cells = nbformat.read(chapter, as_version=4).cells
        stated = [i for i, cell in enumerate(cells) if cell.cell_type == "markdown"
                  and re.search(rf"^\*\*Exercise {re.escape(name)}\.\*\*", cell.source, re.MULTILINE)]
        checked = [i for i, cell in enumerate(cells) if cell.cell_type == "code"
                   and f'exercises.check("{name}"' in cell.source]
        assert len(stated) == 1 and len(checked) == 1, (name, stated, checked)
        assert stated[0] < checked[0], name


def test_records_and_experiments_are_found_through_the_package():
    from ganlab import course
    from ganlab.tooling import shipped

    rows = course.load_record("time_to_quality")
    assert rows and {"label", "minutes", "avatar_fid"} <= set(rows[0])
    record, grid = course.load_experiment("ablation_ns_r1")  # no folder: the shipped records
    assert record["steps"] == 2000 and grid.ndim == 3
    assert (shipped.DATA / "experiments" / "ablation_ns_r1.json").is_file()
    with pytest.raises(FileNotFoundError, match="the records are: recipes, time_to_quality"):
        course.load_record("time_to_qualty")
