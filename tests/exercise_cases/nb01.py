"""Test answers for notebook 01's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
