"""The student edition of the notebooks, built from the instructor edition in ``notebooks/``.

The committed notebooks are the one source. Their exercises are marked with cell tags
(cell metadata, nothing that shows when a notebook is rendered):

- ``exercise``: the markdown cell that asks an exercise, one per exercise;
- ``solution``: the worked solution, code cells (with their output) and markdown cells
  that explain why;
- ``check``: the code cell that calls ``ganlib.exercises.check(...)``; it also carries
  nbval's ``nbval-check-output`` tag, so that nbval fails if its output stops being
  ``correct``.

:func:`student_notebook` turns a notebook into its student edition: a solution code cell
becomes the stub the student fills in (each ``my_...`` answer set to ``None``, each
``my_...`` function reduced to its signature and docstring, with the comment of the
solution's line saying what to write), solution markdown cells are dropped, and check
cells lose their output. The same source gives the same bytes every time.

:func:`build_student_edition` writes every notebook of a folder that way
(``python -m ganlib student-edition --out student/``). It refuses to overwrite a notebook
whose cells a student has edited since it was built.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import io
import json
import tokenize
from pathlib import Path

EXERCISE_TAG = "exercise"
SOLUTION_TAG = "solution"
CHECK_TAG = "check"
ANSWER_TAG = "answer"  # the student edition's stub cell, where the student writes
ANSWER_PREFIX = "my_"
NBVAL_CHECK_TAG = "nbval-check-output"
OPEN_STUB = "# Your code here: the exercise above says what to try.\n"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


class EditionError(Exception):
    """A notebook that cannot be turned into a student edition, or a folder that must not be overwritten."""


def tags(cell: dict) -> list[str]:
    """The tags of a notebook cell (a dict as in the .ipynb JSON)."""
    return list(cell.get("metadata", {}).get("tags", []))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _comments(source: str) -> dict[int, str]:
    """Line number -> the comment on that line."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
    return found


def _answer_names(target: ast.expr) -> list[str] | None:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names = [_answer_names(element) for element in target.elts]
        return None if any(n is None for n in names) else [name for group in names for name in group]
    return None


def stub_source(source: str) -> str:
    """The student's stub for a solution code cell's source.

    Every top-level ``my_x = ...  # comment`` becomes ``my_x = None  # comment`` and every
    top-level ``def my_f(...)`` keeps its signature and docstring with the body
    ``return None  # comment`` (the comment of the solution's last ``return`` line). The
    rest of the cell, the worked solution, is dropped. A cell that defines no ``my_``
    name (an open-ended exercise's worked example) becomes a one-line comment.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise EditionError(f"a solution cell does not parse ({err}); fix the cell in notebooks/") from None
    lines = source.splitlines()
    comments = _comments(source)
    stub: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [_answer_names(t) for t in targets]
            if len(names) != 1 or names[0] is None or not all(n.startswith(ANSWER_PREFIX) for n in names[0]):
                continue
            comment = comments.get(node.end_lineno) or comments.get(node.lineno) or "# your answer"
            left = ", ".join(names[0])
            right = ", ".join(["None"] * len(names[0]))
            stub.append(f"{left} = {right}  {comment}")
        elif isinstance(node, ast.FunctionDef) and node.name.startswith(ANSWER_PREFIX):
            body = node.body
            has_docstring = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                             and isinstance(body[0].value.value, str))
            end = body[0].end_lineno if has_docstring else body[0].lineno - 1
            header = lines[node.lineno - 1:end]
            indent = " " * body[0].col_offset
            returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
            comment = (comments.get(returns[-1].end_lineno) if returns else None) or "# replace by your code"
            if stub:
                stub.append("")
            stub.extend(header + [f"{indent}return None  {comment}", ""])
    if not stub:
        return OPEN_STUB
    return "\n".join(stub).rstrip("\n") + "\n"


def _sources_hash(cells: list[dict]) -> str:
    """A fingerprint of the cells' types and sources (running a notebook does not change it)."""
    text = json.dumps([[cell["cell_type"], _source(cell)] for cell in cells], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def student_notebook(notebook: dict, name: str = "") -> dict:
    """The student edition of one notebook (a dict as in the .ipynb JSON); the input is not changed."""
    cells = []
    for cell in notebook["cells"]:
        cell_tags = tags(cell)
        if SOLUTION_TAG in cell_tags:
            if cell["cell_type"] != "code":
                continue  # the explanation of a solution stays in the instructor edition
            stub = copy.deepcopy(cell)
            stub["source"] = stub_source(_source(cell))
            stub["outputs"], stub["execution_count"] = [], None
            stub["metadata"]["tags"] = [ANSWER_TAG] + [t for t in cell_tags if t != SOLUTION_TAG]
            cells.append(stub)
        elif CHECK_TAG in cell_tags:
            check = copy.deepcopy(cell)
            check["outputs"], check["execution_count"] = [], None
            # nbval compares the instructor's check output ("correct"); the student's is not yet written
            check["metadata"]["tags"] = [t for t in cell_tags if t != NBVAL_CHECK_TAG]
            cells.append(check)
        else:
            cells.append(copy.deepcopy(cell))
    student = {key: copy.deepcopy(value) for key, value in notebook.items() if key != "cells"}
    student["cells"] = cells
    student.setdefault("metadata", {})["ganlib"] = {
        "edition": "student", "source": name, "sources_sha256": _sources_hash(cells)}
    return student


def notebook_text(notebook: dict) -> str:
    """A notebook as the bytes nbformat writes (sorted keys, one-space indent)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _edited(path: Path) -> bool:
    """Whether a notebook in the target folder holds changes that a rebuild would lose."""
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        recorded = existing["metadata"]["ganlib"]["sources_sha256"]
        return recorded != _sources_hash(existing["cells"])
    except (OSError, ValueError, KeyError, TypeError):
        return True  # not a student edition we wrote: treat as someone's work


def default_source() -> Path:
    """The instructor edition: ``notebooks/`` of the repository this ganlib was installed from."""
    candidates = [Path(__file__).resolve().parent.parent / "notebooks", Path.cwd() / "notebooks"]
    for candidate in candidates:
        if any(candidate.glob(NOTEBOOK_GLOB)):
            return candidate
    raise EditionError("found no notebooks/ folder with the series; pass --source DIR "
                       "(the notebooks/ folder of a clone of the repository)")


def build_student_edition(out: str | Path = "student", source: str | Path | None = None,
                          force: bool = False) -> list[Path]:
    """Write the student edition of every notebook in ``source`` to ``out``.

    Parameters
    ----------
    out : the folder to write; created if missing
    source : the instructor edition (default: the repository's ``notebooks/``)
    force : overwrite notebooks in ``out`` even if a student has edited them

    Returns
    -------
    The paths written, in name order. Nothing is written if any target would lose edits.
    """
    source = default_source() if source is None else Path(source)
    out = Path(out)
    paths = sorted(source.glob(NOTEBOOK_GLOB))
    if not paths:
        raise EditionError(f"{source} holds no notebooks named like 01_topic.ipynb; pass --source DIR")
    if out.resolve() == source.resolve():
        raise EditionError(f"--out {out} is the instructor edition itself; choose another folder")
    texts = {}
    for path in paths:
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise EditionError(f"{path} is not a valid notebook ({err})") from None
        texts[out / path.name] = notebook_text(student_notebook(notebook, path.name))
    if not force:
        edited = [target for target in texts if target.exists()
                  and target.read_text(encoding="utf-8") != texts[target] and _edited(target)]
        if edited:
            names = ", ".join(target.name for target in edited)
            raise EditionError(f"{out} holds edited notebooks ({names}); move them away, "
                               "choose another --out, or pass --force to overwrite them")
    out.mkdir(parents=True, exist_ok=True)
    for target, text in texts.items():
        target.write_text(text, encoding="utf-8")
    return list(texts)


def exercise_cells(notebook: dict) -> list[dict]:
    """The exercises of a notebook: for each ``exercise`` cell, the indices of its cells.

    Returns a list of ``{"question": i, "solutions": [...], "checks": [...]}``, one per
    exercise, where the solutions and checks are the tagged cells after the question and
    before the next question (or a heading cell that starts a new section).
    """
    found: list[dict] = []
    for index, cell in enumerate(notebook["cells"]):
        cell_tags = tags(cell)
        if EXERCISE_TAG in cell_tags:
            found.append({"question": index, "solutions": [], "checks": []})
        elif found and cell["cell_type"] == "markdown" and _source(cell).lstrip().startswith("#"):
            break  # a new section: the exercises have ended
        elif found:
            if SOLUTION_TAG in cell_tags:
                found[-1]["solutions"].append(index)
            if CHECK_TAG in cell_tags:
                found[-1]["checks"].append(index)
    return found
