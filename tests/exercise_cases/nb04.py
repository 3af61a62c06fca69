"""Test answers for notebook 04's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
