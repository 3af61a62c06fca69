"""Test answers for notebook 02's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
