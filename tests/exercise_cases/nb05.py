"""Test answers for notebook 05's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
