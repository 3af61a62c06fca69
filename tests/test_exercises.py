import math

import numpy as np
import pytest

from ganlib import exercises

LOG4 = math.log(4.0)


def _feedback(capsys, name, answer):
    exercises.check_exercise(name, answer)
    return capsys.readouterr().out.strip()


def test_exercise_checker_accepts_right_answers(capsys):
    assert _feedback(capsys, "uniform_value", math.log(2) - 1.5 * math.log(3)) == "correct"
    assert _feedback(capsys, "uniform_value", "-0.9548") == "correct"
    assert _feedback(capsys, "gaussian_d_star", lambda x: 1 / (1 + np.exp(x - 0.5))) == "correct"


@pytest.mark.parametrize("name, answer", [
    ("uniform_value", None),
    ("uniform_value", -LOG4),
    ("uniform_value", 0.9548),
    ("uniform_value", "a lot"),
    ("gaussian_d_star", None),
    ("gaussian_d_star", lambda x: 1 / (1 + np.exp(0.5 - x))),  # p_g / (p_data + p_g) instead
    ("gaussian_d_star", lambda x: None),
    ("gaussian_d_star", lambda x: 0.5),
    ("gaussian_d_star", lambda x: 1 / 0),
    ("gaussian_d_star", 0.5),
])
def test_exercise_checker_rejects_wrong_answers(capsys, name, answer):
    assert _feedback(capsys, name, answer).startswith("not yet: ")


def test_exercise_checker_names_the_exercises():
    with pytest.raises(ValueError, match="uniform_value"):
        exercises.check_exercise("uniform", 1.0)
