"""Right and wrong answers for the exercise checks, one file per notebook (tests/test_exercises.py)."""
