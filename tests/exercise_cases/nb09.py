"""Test answers for notebook 09's exercise checks (see tests/test_exercises.py).

09.1 is judged on a made-up loss history, 09.2 on a made-up code-to-digit matrix in which two
codes draw mostly 8s, so that the purity and the one-to-one match differ.
"""

import math

import numpy as np


def _history() -> dict:
    return {"categories": 10, "history": {"info_category": np.array([2.30, 1.2, 0.5])}}


def _match() -> dict:
    from ganlib.infogan import code_digit_match

    codes = np.repeat(np.arange(10), 10)
    digits = codes.copy()
    digits[20:28] = 8  # code 2 draws eight 8s and two 2s
    return {"match": code_digit_match(codes, digits, 10)}


CASES = {
    "09.1": dict(right=(math.log(10), math.log(10) - 0.5),
                 wrong=[(10, math.log(10) - 0.5), (math.log(10), 0.5), (math.log2(10), math.log(10) - 0.5),
                        ("ln 10", 1.8)],
                 expected=[math.log(10), math.log(10) - 0.5],
                 context=_history),
    "09.2": dict(right=(0.98, 2),
                 wrong=[(0.92, 2), (0.98, 1), (0.98, 0), (1.0, "two")],
                 expected=[0.98, 2],
                 context=_match),
}
