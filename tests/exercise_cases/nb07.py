"""Test answers for notebook 07's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
