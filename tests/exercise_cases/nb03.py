"""Test answers for notebook 03's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
