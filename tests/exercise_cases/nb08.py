"""Test answers for notebook 08's exercise checks (see tests/test_exercises.py)."""

CASES: dict = {}
