"""The checkers of 02_loss_math.ipynb's exercises."""

from __future__ import annotations

import math
import numpy as np

from ganlab.exercises.registry import exercise


@exercise("02.1")
def _discriminator_loss_from_probabilities(d_loss) -> str | None:
    if not callable(d_loss):
        return "the answer should be a function d_loss(d_real, d_fake) of two arrays of probabilities."
    d_real, d_fake = np.array([0.9, 0.6]), np.array([0.2, 0.5])
    expected = -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake))
    got = float(d_loss(d_real, d_fake))
    if abs(got + expected) < 1e-6:
        return ("your loss has the opposite sign: it is V(D, G), which D maximises. A loss is "
                "minimised, so D's loss is -V.")
    if abs(got - expected) > 1e-6:
        return (f"for d_real = [0.9, 0.6] and d_fake = [0.2, 0.5] the loss should be {expected:.4f}; "
                f"yours gives {got:.4f}. Average -log D over real images and -log(1 - D) over fakes.")
    if abs(float(d_loss(np.array([0.5]), np.array([0.5]))) - 2 * np.log(2)) > 1e-6:
        return "when D answers 0.5 everywhere the loss should be 2 log 2."
    return None


@exercise("02.2")
def _value_at_the_best_discriminator(answer) -> str | None:
    if not isinstance(answer, (int, float, np.floating)) or isinstance(answer, bool):
        return "the answer should be a number."
    p_data, p_generated = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    best = p_data / (p_data + p_generated)  # D* = p_data / (p_data + p_g), at A and at B
    expected = float(np.sum(p_data * np.log(best) + p_generated * np.log(1 - best)))
    jsd = (expected + math.log(4)) / 2
    if abs(answer - expected) < 1e-3:
        return None
    if abs(answer - expected) < 0.01:
        return f"close: {answer} agrees to two decimals; give at least three."
    if abs(answer + expected) < 1e-3:
        return "right size, wrong sign: the logarithm of a probability is negative, and so is V here."
    if abs(answer + math.log(4)) < 1e-3:
        return ("-log 4 is V(D*, G) when p_g = p_data; this generator makes A too often, so "
                "work out D*(A) and D*(B) from their formula first.")
    if abs(answer - jsd) < 1e-3 or abs(answer - 2 * jsd) < 1e-3:
        return "that is the JSD (or twice it); V(D*, G) = -log 4 + 2 JSD."
    return (f"{answer} is not it. D*(x) = p_data(x) / (p_data(x) + p_g(x)) at x = A and at x = B; "
            "then V = the sum over A and B of p_data(x) log D*(x) + p_g(x) log(1 - D*(x)).")


@exercise("02.3")
def _generator_gradient_ratio(answer) -> str | None:
    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        return "the answer should be a number: the non-saturating gradient divided by the minimax one."
    expected = (1 - 0.01) / 0.01  # |d(-log s)/dl| / |d log(1-s)/dl| = (1 - s) / s at s = D(G(z))
    if math.isclose(answer, 1 / expected, rel_tol=1e-2):
        return "you divided the other way round: the non-saturating gradient is the larger one."
    if not math.isclose(answer, expected, rel_tol=1e-2):
        return ("with l the logit and s = sigmoid(l), d/dl log(1 - s) = -s and "
                "d/dl (-log s) = -(1 - s). Put s = 0.01 into both and divide.")
    return None
