"""The checks behind the notebooks' exercises: one home, so a notebook's check cell is one call.

:func:`check_exercise` prints ``correct`` or ``not yet: <hint>``; the hint says what
to look at, not the answer. The exercises of notebook 01 (the value of the game and
the optimal discriminator for two pairs of distributions) are checked here.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np


def _uniform_value() -> float:
    # p_data = U[0, 1], p_g = U[0, 2]: D* = 2/3 on [0, 1], 0 on (1, 2]
    return math.log(2.0 / 3.0) + 0.5 * math.log(1.0 / 3.0)


def _gaussian_d_star(x: np.ndarray) -> np.ndarray:
    # p_data = N(0, 1), p_g = N(1, 1): p_g / p_data = exp(x - 1/2)
    return 1.0 / (1.0 + np.exp(x - 0.5))


def _feedback_number(answer, expected: float, tol: float) -> str | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return f"expected a number, got {answer!r}"
    if not math.isfinite(value):
        return f"expected a finite number, got {value}"
    if abs(value - expected) > tol:
        hint = " (the value can never exceed 0)" if value > 0 else ""
        return (f"{value:.4f} is off{hint}; write V(D*, G) as two integrals, "
                "one over [0, 1] and one over (1, 2]")
    return None


def _feedback_function(answer, expected: Callable, grid: np.ndarray) -> str | None:
    if not callable(answer):
        return f"expected a function of x, got {answer!r}"
    try:
        result = answer(grid.copy())
        if result is None:
            return "your function returns None; make it return D*(x), one value per x"
        values = np.asarray(result, dtype=np.float64)
    except Exception as err:  # a student's function may fail in any way
        return f"your function raised {type(err).__name__}: {err}"
    if values.shape != grid.shape:
        return f"your function should return one value per x, shape {grid.shape}; got shape {values.shape}"
    worst = np.max(np.abs(values - expected(grid)))
    if not np.isfinite(worst) or worst > 1e-3:
        x_bad = grid[np.argmax(np.abs(values - expected(grid)))] if np.isfinite(worst) else grid[0]
        return (f"at x = {x_bad:.2f} yours gives {float(np.interp(x_bad, grid, values)):.4f}, "
                f"D* is {float(expected(np.array(x_bad))):.4f}; compute p_g(x) / p_data(x) first")
    return None


EXERCISES = {
    "uniform_value": "V(D*, G) for p_data = U[0, 1] and p_g = U[0, 2] (a number, in nats)",
    "gaussian_d_star": "D*(x) for p_data = N(0, 1) and p_g = N(1, 1) (a function of a numpy array x)",
}


def check_exercise(name: str, answer) -> None:
    """Print ``correct`` or ``not yet: <hint>`` for an exercise.

    Parameters
    ----------
    name : one of ``EXERCISES``: ``"uniform_value"`` (answer: a float) or
        ``"gaussian_d_star"`` (answer: a function taking a float array x and
        returning D*(x) of the same shape)
    answer : the student's answer; ``None`` means "not attempted yet"
    """
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; choose one of: {', '.join(EXERCISES)}")
    if answer is None:
        print(f"not yet: replace None with your answer: {EXERCISES[name]}")
        return
    if name == "uniform_value":
        problem = _feedback_number(answer, _uniform_value(), tol=1e-3)
    else:
        problem = _feedback_function(answer, _gaussian_d_star, np.linspace(-6.0, 6.0, 241))
    print("correct" if problem is None else f"not yet: {problem}")
