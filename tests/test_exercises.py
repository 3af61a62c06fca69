"""The exercise checks (ganlib/exercises.py), each fed a right and a wrong answer.

The answers and the small objects a judge needs are in tests/exercise_cases/nbNN.py,
one file per notebook: ``CASES[key] = dict(right=(...), wrong=[(...), ...],
expected=[...], context=lambda: {...})``. ``expected`` lists the values the answers are
compared against: no hint may contain them (to 3 significant digits), nor a line of
the notebook's worked solution.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from ganlib import editions, exercises

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob(editions.NOTEBOOK_GLOB))
CASE_FILES = sorted((Path(__file__).parent / "exercise_cases").glob("nb[0-9][0-9].py"))


def _cases() -> dict:
    cases = {}
    for path in CASE_FILES:
        module = importlib.import_module(f"tests.exercise_cases.{path.stem}")
        cases.update(module.CASES)
    return cases


CASES = _cases()
KEYS = sorted(exercises.EXERCISES)


@functools.cache
def _context(key: str) -> dict:
    make = CASES[key].get("context")
    return make() if make else {}


def _solution_lines(key: str) -> set[str]:
    """The lines of exercise ``key``'s worked solution that the student's stub does not have."""
    number, _ = key.split(".")
    lines = set()
    for path in NOTEBOOKS:
        if not path.name.startswith(number + "_"):
            continue
        notebook = json.loads(path.read_text())
        for found in editions.exercise_cells(notebook):
            check_sources = ["".join(notebook["cells"][i]["source"]) for i in found["checks"]]
            if not any(f'"{key}"' in source for source in check_sources):
                continue
            for i in found["solutions"]:
                source = "".join(notebook["cells"][i]["source"])
                stub = set(editions.stub_source(source).splitlines()) if notebook["cells"][i]["cell_type"] == "code" else set()
                lines |= {line.strip() for line in source.splitlines()
                          if len(line.strip()) >= 12 and line not in stub and not line.strip().startswith("#")}
    return lines


def _mentions(message: str, value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False  # True/False answers are judged together with a number
    if isinstance(value, str):
        return re.search(rf"\b{re.escape(value)}\b", message) is not None
    text = f"{float(value):.3g}"
    # "-1" is not given away by "-1.04", nor "0.5" by "0.55"
    return re.search(rf"(?<![\d.]){re.escape(text)}(?!\d|\.\d)", message) is not None


def test_every_exercise_has_test_cases():
    assert KEYS, "no exercises are registered"
    assert sorted(CASES) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_right_answer_is_correct(key):
    message = exercises.verdict(key, *CASES[key]["right"], **_context(key))
    assert message.startswith(exercises.CORRECT), message


@pytest.mark.parametrize("key", KEYS)
def test_wrong_answers_get_a_hint_that_does_not_tell(key):
    solution = _solution_lines(key)
    assert CASES[key]["wrong"], f"{key} has no wrong answer to test"
    for answers in CASES[key]["wrong"]:
        message = exercises.verdict(key, *answers, **_context(key))
        assert message.startswith(exercises.NOT_YET), (answers, message)
        assert len(message) > len(exercises.NOT_YET) + 10, "a 'not yet' needs a hint"
        for value in CASES[key]["expected"]:
            assert not _mentions(message, value), f"{key}: the hint {message!r} gives away {value!r}"
        for line in solution:
            assert line not in message, f"{key}: the hint quotes the solution's line {line!r}"


@pytest.mark.parametrize("key", KEYS)
def test_unanswered_says_so(key):
    stubs = [None] * len(CASES[key]["right"])
    assert exercises.verdict(key, *stubs, **_context(key)).startswith(exercises.NOT_ANSWERED)


def test_unknown_exercise_is_named():
    with pytest.raises(ValueError, match="unknown exercise '99.9'"):
        exercises.check("99.9", 1.0)


def test_check_prints_the_verdict(capsys):
    key = KEYS[0]
    exercises.check(key, *([None] * len(CASES[key]["right"])), **_context(key))
    assert capsys.readouterr().out.startswith("not answered yet: ")


def test_helpers_turn_bad_input_into_hints():
    with pytest.raises(exercises.Problem, match="should be a number"):
        exercises.number("a lot", "your value")
    with pytest.raises(exercises.Problem, match="whole number"):
        exercises.integer(2.5, "the step")
    with pytest.raises(exercises.Problem, match="True or False"):
        exercises.truth_value("yes", "your prediction")
    with pytest.raises(exercises.Problem, match="raised ZeroDivisionError"):
        exercises.call(lambda: 1 / 0)
    with pytest.raises(exercises.NotAnswered):
        exercises.call(lambda: None)
    assert exercises.choice(" Up", ("up", "down"), "your guess") == "up"
