"""The two editions: the instructor edition (notebooks/) and the student edition built from it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ganlib import editions, exercises
from ganlib.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob(editions.NOTEBOOK_GLOB))
KEY = re.compile(r'exercises\.check\(\s*"(\d\d\.\d+)"')

# Cheaper settings for the student edition's run: every cell that is not an exercise is
# the instructor edition's own and is checked there, output for output, so this run only
# has to show that the stubs and un-run checks work in a notebook run top to bottom.
STUDENT_RUN_PARAMETERS = {
    "03": "EPOCHS = 1\nQUALITY_N = 100",
    "05": "N_SAMPLES = 100\nN_BOOT = 100",
    "06": "N_PAIRS = 50\nN_CANDIDATES = 500",
    "07": "N_SAMPLES = 200\nN_POOL = 400\nPARZEN_TEST = 100\nPARZEN_VALID = 100",
    "08": "N_PER_DIGIT = 50\nSTYLE_COLUMNS = 20",
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _text(cell: dict) -> str:
    return "".join("".join(output.get("text", "")) for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("editions") / "student"
    editions.build_student_edition(out, ROOT / "notebooks")
    return out


# --- the instructor edition ---------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_exercise_has_a_solution_and_a_check(path):
    notebook = _load(path)
    found = editions.exercise_cells(notebook)
    assert found, f"{path.name} has no cell tagged {editions.EXERCISE_TAG!r}"
    for exercise in found:
        question = _source(notebook["cells"][exercise["question"]])
        title = question.splitlines()[0][:60]
        assert exercise["solutions"], f"{path.name}: {title!r} has no cell tagged solution"
        assert any(notebook["cells"][i]["cell_type"] == "code" for i in exercise["solutions"]), \
            f"{path.name}: {title!r} has no worked solution in code"
        assert len(exercise["checks"]) == 1, f"{path.name}: {title!r} needs exactly one cell tagged check"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_question_is_tagged(path):
    # a question written below "## Exercises" without the tag would escape the tests above
    notebook = _load(path)
    cells = notebook["cells"]
    start = next(i for i, cell in enumerate(cells)
                 if cell["cell_type"] == "markdown" and _source(cell).lstrip().startswith("## Exercises"))
    for cell in cells[start:]:
        if cell["cell_type"] == "markdown" and re.match(r"\s*\*\*\d+\.", _source(cell)):
            assert editions.EXERCISE_TAG in editions.tags(cell), _source(cell)[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_check_is_one_registered_call_that_says_correct(path):
    for cell in _load(path)["cells"]:
        if editions.CHECK_TAG not in editions.tags(cell):
            continue
        keys = KEY.findall(_source(cell))
        assert len(keys) == 1 and keys[0] in exercises.EXERCISES, _source(cell)
        assert keys[0].startswith(path.name[:2] + "."), f"{keys[0]} is checked in {path.name}"
        assert _text(cell).startswith(exercises.CORRECT), f"{keys[0]}'s committed output: {_text(cell)!r}"


def test_every_registered_exercise_is_checked_in_a_notebook():
    checked = [key for path in NOTEBOOKS for cell in _load(path)["cells"]
               if editions.CHECK_TAG in editions.tags(cell) for key in KEY.findall(_source(cell))]
    assert sorted(checked) == sorted(exercises.EXERCISES)


def test_solution_answers_say_what_to_write():
    # the student edition keeps each answer line's comment as the instruction
    for path in NOTEBOOKS:
        for cell in _load(path)["cells"]:
            if cell["cell_type"] == "code" and editions.SOLUTION_TAG in editions.tags(cell):
                for line in editions.stub_source(_source(cell)).splitlines():
                    if "None" in line:
                        assert "#" in line and "# your answer" not in line, f"{path.name}: {line!r}"


# --- the student edition ------------------------------------------------------------------

def test_student_edition_has_every_notebook_and_no_solution(student):
    assert sorted(p.name for p in student.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        instructor, handed_out = _load(path), _load(student / path.name)
        solution_lines = set()
        for cell in instructor["cells"]:
            if editions.SOLUTION_TAG in editions.tags(cell):
                stub = editions.stub_source(_source(cell)) if cell["cell_type"] == "code" else ""
                # code lines of 12 characters or more; prose lines only when long enough to be
                # the explanation's own, not a phrase that other cells share
                shortest = 12 if cell["cell_type"] == "code" else 40
                solution_lines |= {line.strip() for line in _source(cell).splitlines()
                                   if len(line.strip()) >= shortest and line not in stub.splitlines()}
        for cell in handed_out["cells"]:
            assert editions.SOLUTION_TAG not in editions.tags(cell)
            for line in solution_lines:
                assert line not in _source(cell), f"{path.name} hands out the solution line {line!r}"
            if editions.CHECK_TAG in editions.tags(cell) or editions.ANSWER_TAG in editions.tags(cell):
                assert cell["outputs"] == [] and cell["execution_count"] is None
        answers = [c for c in handed_out["cells"] if editions.ANSWER_TAG in editions.tags(c)]
        assert len(answers) >= len(editions.exercise_cells(instructor))


def test_student_edition_is_the_same_every_time(student, tmp_path):
    again = tmp_path / "again"
    editions.build_student_edition(again, ROOT / "notebooks")
    for path in student.glob("*.ipynb"):
        assert (again / path.name).read_bytes() == path.read_bytes()


def test_student_edition_never_overwrites_a_students_work(tmp_path, capsys):
    out = tmp_path / "student"
    assert main(["student-edition", "--out", str(out), "--source", str(ROOT / "notebooks")]) == 0
    assert main(["student-edition", "--out", str(out), "--source", str(ROOT / "notebooks")]) == 0  # unedited: rebuilt
    target = out / NOTEBOOKS[0].name
    work = _load(target)
    answer = next(c for c in work["cells"] if editions.ANSWER_TAG in editions.tags(c))
    answer["source"] = "my_value = 42  # the student's own work\n"
    target.write_text(json.dumps(work))
    capsys.readouterr()
    assert main(["student-edition", "--out", str(out), "--source", str(ROOT / "notebooks")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "edited" in error and "--force" in error and target.name in error
    assert "the student's own work" in target.read_text()  # nothing was lost
    assert main(["student-edition", "--out", str(out), "--source", str(ROOT / "notebooks"), "--force"]) == 0
    assert "the student's own work" not in target.read_text()


def test_student_edition_refuses_a_folder_without_notebooks(tmp_path, capsys):
    assert main(["student-edition", "--out", str(tmp_path / "s"), "--source", str(tmp_path)]) == 2
    assert "--source" in capsys.readouterr().err


def _prepared_for_nbval(student: Path, out: Path) -> list[Path]:
    """The student edition with each check cell's expected output set to "not answered yet"."""
    out.mkdir()
    paths = []
    for path in sorted(student.glob("*.ipynb")):
        notebook = _load(path)
        cells = []
        for cell in notebook["cells"]:
            cell_tags = editions.tags(cell)
            if cell["cell_type"] == "code":
                # only the checks are compared: the rest is compared in the instructor edition
                cell["metadata"]["tags"] = [t for t in cell_tags if t != "nbval-check-output"]
            if editions.CHECK_TAG in cell_tags:
                (key,) = KEY.findall(_source(cell))
                cell["outputs"] = [{"name": "stdout", "output_type": "stream",
                                    "text": exercises.NOT_ANSWERED + exercises.EXERCISES[key].ask + "\n"}]
                cell["metadata"]["tags"].append("nbval-check-output")
                cell["execution_count"] = 1  # nbval compares only outputs of cells that ran
            cells.append(cell)
            if "parameters" in cell_tags and path.name[:2] in STUDENT_RUN_PARAMETERS:
                cells.append({"cell_type": "code", "execution_count": None, "id": "injected-parameters",
                              "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
                              "source": STUDENT_RUN_PARAMETERS[path.name[:2]]})
        notebook["cells"] = cells
        paths.append(out / path.name)
        paths[-1].write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return paths


@pytest.mark.slow
def test_student_edition_runs_under_nbval_and_every_check_is_unanswered(student, tmp_path):
    paths = _prepared_for_nbval(student, tmp_path / "run")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         "--nbval-lax", "--nbval-current-env", *map(str, paths)],
        cwd=tmp_path / "run", env=env, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-6000:]
    checks = sum(editions.CHECK_TAG in editions.tags(c) for p in paths for c in _load(p)["cells"])
    assert checks == len(exercises.EXERCISES)
