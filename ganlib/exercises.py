"""The checks behind the notebooks' exercises: one home, so that a check cell is one call.

    exercises.check("03.1", my_disc_loss_at_half, my_gen_loss_at_half, ...)

prints one of

- ``correct`` (sometimes followed by what was confirmed);
- ``not yet: <hint>``: the hint says what to reconsider, never the expected value or the
  formula;
- ``not answered yet: <what to fill in>`` while an answer is still ``None`` (or ``...``),
  which is what every check of the student edition prints before the student writes
  anything (``python -m ganlib student-edition``, README "For lecturers").

Every judge computes what it compares against when it runs, from ganlib's own code or by
simulation, from the objects the check cell hands it as keywords; no expected answer is
written down here. Exercise keys are ``"<notebook number>.<exercise number>"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

NOT_YET = "not yet: "
NOT_ANSWERED = "not answered yet: "
CORRECT = "correct"


class NotAnswered(Exception):
    """An answer is still the stub's ``None``: the student has not written it yet."""


class Problem(Exception):
    """A wrong or malformed answer; its message is the hint shown after "not yet: "."""


@dataclass(frozen=True)
class Exercise:
    """One checked exercise: its key, what the student fills in, and the judge.

    ``judge(*answers, **context)`` returns ``None`` for a right answer (or a short string
    that confirms what was right, printed after "correct: "), and raises :class:`Problem`
    with a hint for a wrong one.
    """

    key: str
    ask: str
    judge: Callable[..., str | None]


EXERCISES: dict[str, Exercise] = {}


def exercise(key: str, ask: str) -> Callable:
    """Register the decorated function as the judge of exercise ``key``."""
    def register(judge: Callable) -> Callable:
        if key in EXERCISES:
            raise ValueError(f"exercise {key!r} is registered twice")
        EXERCISES[key] = Exercise(key, ask, judge)
        return judge
    return register


def _unanswered(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def verdict(key: str, *answers: Any, **context: Any) -> str:
    """The message :func:`check` prints, as a string."""
    if key not in EXERCISES:
        raise ValueError(f"unknown exercise {key!r}; the exercises are {', '.join(sorted(EXERCISES))}")
    found = EXERCISES[key]
    if not answers or any(_unanswered(answer) for answer in answers):
        return NOT_ANSWERED + found.ask
    try:
        confirmed = found.judge(*answers, **context)
    except NotAnswered:
        return NOT_ANSWERED + found.ask
    except Problem as problem:
        return NOT_YET + str(problem)
    return CORRECT + (f": {confirmed}" if confirmed else "")


def check(key: str, *answers: Any, **context: Any) -> None:
    """Print whether the answers to exercise ``key`` are right.

    Parameters
    ----------
    key : ``"<notebook>.<exercise>"``, e.g. ``"03.1"``; ``EXERCISES`` lists them
    *answers : the student's answers, in the order the exercise asks for them; ``None``
        (the stub) means "not answered yet"
    **context : objects of the notebook the judge needs (a generator, a run's history);
        the check cell passes them, they are never answers
    """
    print(verdict(key, *answers, **context))


# --- helpers for judges: they turn a malformed answer into a Problem ----------------------

def number(answer: Any, what: str) -> float:
    """``answer`` as a finite float, or a Problem naming ``what`` was expected."""
    if isinstance(answer, bool):
        raise Problem(f"{what} should be a number, not {answer}")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        raise Problem(f"{what} should be a number, got {answer!r}") from None
    if not math.isfinite(value):
        raise Problem(f"{what} should be a finite number, got {value}")
    return value


def integer(answer: Any, what: str) -> int:
    """``answer`` as an int (a float with no fraction is accepted), or a Problem."""
    value = number(answer, what)
    if value != int(value):
        raise Problem(f"{what} should be a whole number, got {answer!r}")
    return int(value)


def truth_value(answer: Any, what: str) -> bool:
    """``answer`` as a bool: only ``True`` or ``False`` (numpy's too) are accepted."""
    if isinstance(answer, (bool, np.bool_)):
        return bool(answer)
    raise Problem(f"{what} should be True or False, got {answer!r}")


def choice(answer: Any, options: tuple, what: str):
    """``answer`` if it is one of ``options``, or a Problem listing the options."""
    if isinstance(answer, str):
        answer = answer.strip().lower()
    if answer not in options:
        raise Problem(f"{what} should be one of {', '.join(map(repr, options))}, got {answer!r}")
    return answer


def call(function: Any, *args: Any, what: str = "your function") -> Any:
    """Call a student's function; ``None`` back means the stub is still there."""
    if not callable(function):
        raise Problem(f"{what} should be a function, got {function!r}")
    try:
        result = function(*args)
    except NotAnswered:
        raise
    except Exception as err:  # a student's code may fail in any way
        raise Problem(f"{what} raised {type(err).__name__}: {err}") from None
    if result is None:
        raise NotAnswered
    return result


def close(value: float, target: float, rel: float = 1e-3, abs_: float = 1e-6) -> bool:
    """Whether ``value`` is within ``rel`` (relative) or ``abs_`` of ``target``."""
    return abs(value - target) <= max(rel * abs(target), abs_)


# --- notebook 01 (old API, to be converted) ---

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


_OLD_EXERCISES = {
    "uniform_value": "V(D*, G) for p_data = U[0, 1] and p_g = U[0, 2] (a number, in nats)",
    "gaussian_d_star": "D*(x) for p_data = N(0, 1) and p_g = N(1, 1) (a function of a numpy array x)",
}


def check_exercise(name: str, answer) -> None:
    """Print ``correct`` or ``not yet: <hint>`` for an exercise.

    Parameters
    ----------
    name : one of ``_OLD_EXERCISES``: ``"uniform_value"`` (answer: a float) or
        ``"gaussian_d_star"`` (answer: a function taking a float array x and
        returning D*(x) of the same shape)
    answer : the student's answer; ``None`` means "not attempted yet"
    """
    if name not in _OLD_EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; choose one of: {', '.join(_OLD_EXERCISES)}")
    if answer is None:
        print(f"not yet: replace None with your answer: {_OLD_EXERCISES[name]}")
        return
    if name == "uniform_value":
        problem = _feedback_number(answer, _uniform_value(), tol=1e-3)
    else:
        problem = _feedback_function(answer, _gaussian_d_star, np.linspace(-6.0, 6.0, 241))
    print("correct" if problem is None else f"not yet: {problem}")


# Judges written per notebook while the exercises are converted; merged into this module after.
from . import _judges_nb01, _judges_nb02, _judges_nb03, _judges_nb04  # noqa: E402,F401
from . import _judges_nb05, _judges_nb06, _judges_nb07, _judges_nb08  # noqa: E402,F401
