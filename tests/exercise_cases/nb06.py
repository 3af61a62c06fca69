"""Test answers for notebook 06's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
