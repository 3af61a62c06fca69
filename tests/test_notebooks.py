"""The committed notebooks are what a clean top-to-bottom run leaves (tools/execute_notebooks.py).

nbval re-runs every notebook; these checks read the committed files as a student's
browser or GitHub shows them.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TIMING_KEYS = {"execution", "ExecuteTime", "collapsed_timing"}
MACHINE_PATH = re.compile(r"(/work/|/root/|/home/[^/\s]+/|/tmp/|/private/var/|[A-Z]:\\\\Users\\\\)")


def _outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") if isinstance(output.get("text", ""), str) else "".join(output["text"]))
        for kind, value in output.get("data", {}).items():
            if kind.startswith("text/"):
                parts.append(value if isinstance(value, str) else "".join(value))
        parts.extend(output.get("traceback", []))
    return "".join(parts)


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 8


def test_every_code_cell_ran_once_in_order(notebook):
    counts = [cell.execution_count for cell in notebook.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}: re-run top to bottom"


def test_nbval_markers_are_tags_not_comments(notebook):
    # a "# NBVAL_..." comment would show in the book's code and on the slides; nbval reads
    # the same markers from the tags nbval-check-output and raises-exception
    for k, cell in enumerate(notebook.cells):
        assert "NBVAL_" not in cell.source, f"cell {k} marks nbval with a comment: use the cell tag instead"


def test_no_timing_metadata(notebook):
    found = [sorted(TIMING_KEYS & set(cell.metadata)) for cell in notebook.cells]
    assert not any(found), f"cells carry timing metadata {set(sum(found, []))}: run tools/execute_notebooks.py"
    assert not TIMING_KEYS & set(notebook.metadata)


def test_no_error_outputs_except_in_cells_marked_to_raise(notebook):
    for k, cell in enumerate(notebook.cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            assert "raises-exception" in cell.metadata.get("tags", []), f"cell {k} failed: {errors[0]['ename']}"


def test_outputs_hold_no_terminal_control_characters(notebook):
    # a progress bar redrawn with backspaces, carriage returns and colour codes is debris in a saved notebook
    for k, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", []):
            text = _outputs_text(cell)
            assert not re.search(r"[\x08\r]|\x1b\[", text), f"cell {k} prints terminal control characters"


def test_outputs_name_no_folder_of_the_machine_that_ran_them(notebook):
    for k, cell in enumerate(notebook.cells):
        match = MACHINE_PATH.search(_outputs_text(cell))
        assert match is None, f"cell {k} prints a path of this machine: {match.group(0)!r}"


def test_a_notebook_runs_from_a_folder_outside_the_repository(tmp_path):
    """A copy handed out (or opened from another root) needs only an installed ganlib, not the checkout."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "handed_out" / "04_checkpoints.ipynb"
    copy.parent.mkdir()
    shutil.copy(NOTEBOOKS[[p.name for p in NOTEBOOKS].index("04_checkpoints.ipynb")], copy)
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
                             "-q", "-W", "ignore::UserWarning", str(copy)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    assert (copy.parent / "runs" / "04_checkpoints" / "config.json").is_file()  # its runs went beside it
