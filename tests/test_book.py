"""The web book and the decks (ganlib/book.py): slide metadata, the pages' copies of the
notebooks, the command line, and a real offline build (marked ``book``).

What the built pages and decks look like in a browser is tested in tests/browser/test_book.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ganlib import book
from ganlib.__main__ import main

NOTEBOOKS = sorted(book.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def _figure_cell(source: str, **metadata):
    return new_code_cell(source, metadata=metadata, execution_count=1,
                         outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})])


def _toy_notebook():
    return new_notebook(cells=[
        new_markdown_cell("# 99 · A toy\n\n**What you will learn:** what a slide is.\n\nMore."),
        new_code_cell("# Colab only", metadata={"tags": ["colab"]}),
        new_code_cell("import ganlib"),
        new_markdown_cell("The knobs of this notebook sit in one cell tagged `parameters`."),
        new_code_cell("N = 3", metadata={"tags": ["parameters"]}),
        new_markdown_cell("## A section\n\nWhat does the figure show?"),
        _figure_cell("plt.plot([1, 2])"),
        new_code_cell("print(N)"),
        new_markdown_cell("### A subsection"),
        new_markdown_cell("## Exercises"),
        new_markdown_cell("**1. A question.** Why?", metadata={"tags": ["exercise"]}),
        _figure_cell("my_answer = 3  # your answer", tags=["solution"]),
        new_code_cell('ganlib.exercises.check("99.1", my_answer)', metadata={"tags": ["check", "nbval-check-output"]}),
        new_markdown_cell("Because $x$.\n\n:::{note}\nnested\n:::", metadata={"tags": ["solution"]}),
    ])


def test_slide_types_follow_the_series_rules():
    assert book.slide_types(_toy_notebook()) == [
        "slide",  # title
        "skip", "skip",  # Colab cell, setup cell
        "slide", "-",  # the parameters cell's introduction, then the cell
        "slide", "fragment", "-",  # a section: its figure comes after its question
        "slide",  # ### subsection
        "slide", "slide",  # ## Exercises, a question
        "skip", "skip", "skip",  # the worked solution, its check, its explanation
    ]


def test_mark_slides_writes_the_metadata_and_reports_a_change():
    notebook = _toy_notebook()
    assert book.mark_slides(notebook) is True
    assert [cell.metadata["slideshow"]["slide_type"] for cell in notebook.cells] == book.slide_types(notebook)
    assert book.mark_slides(notebook) is False


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_committed_notebook_carries_its_slide_types(path):
    notebook = nbformat.read(path, as_version=4)
    found = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    assert found == book.slide_types(notebook), (
        f"{path.name}: slide metadata differs from the rules; re-run tools/execute_notebooks.py {path.name}")
    assert found[0] == "slide" and found.count("slide") >= 4


def test_book_copy_folds_solutions_and_plotting_code_and_drops_the_colab_cell():
    notebook = _toy_notebook()
    page = book.book_notebook(notebook)
    assert len(page.cells) == len(notebook.cells) - 1
    assert not any("colab" in cell.metadata.get("tags", []) for cell in page.cells)
    solution = next(cell for cell in page.cells if cell.source.startswith("my_answer"))
    assert "hide-cell" in solution.metadata["tags"]
    assert solution.metadata["mystnb"]["code_prompt_show"] == "Show solution"
    why = page.cells[-1]
    # a fence longer than any inside it, so that the explanation's own directives nest
    assert why.source.startswith("::::{dropdown} Show why\nBecause $x$.") and why.source.endswith("\n::::")
    figure = next(cell for cell in page.cells if cell.source.startswith("plt.plot"))
    assert "hide-input" in figure.metadata["tags"]
    check = next(cell for cell in page.cells if "check" in cell.metadata.get("tags", []))
    assert not {"hide-cell", "hide-input"} & set(check.metadata["tags"])
    assert notebook.cells[-1].source.startswith("Because")  # the source notebook is left alone


def test_notebook_title_needs_the_what_you_will_learn_paragraph():
    assert book.notebook_title(_toy_notebook()) == ("99 · A toy", "what a slide is.")
    notebook = new_notebook(cells=[new_markdown_cell("# 98 · No summary\n\nText.")])
    with pytest.raises(book.BookError, match="What you will learn"):
        book.notebook_title(notebook)


def test_without_the_book_extra_the_command_says_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(book, "BOOK_MODULES", ("jupyter_book", "no_such_module_for_the_book"))
    assert main(["book", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'pip install -e ".[book]"' in err
    assert not (tmp_path / "out").exists()


def test_book_command_rejects_a_missing_source_folder(tmp_path, capsys):
    assert main(["book", "--out", str(tmp_path / "out"), "--source", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.book
def test_the_build_writes_one_page_and_one_deck_per_notebook_with_no_remote_asset(built_book):
    html = built_book
    for path in NOTEBOOKS:
        page = (html / "notebooks" / f"{path.stem}.html").read_text()
        deck = (html / "slides" / f"{path.stem}.slides.html").read_text()
        for text in (page, deck):
            remote = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//[^"]*"', text)
            assert not remote, f"{path.stem} loads {remote}"
        assert "NBVAL" not in page and "NBVAL" not in deck
    index = (html / "intro.html").read_text()
    assert all(f"slides/{path.stem}.slides.html" in index for path in NOTEBOOKS)


@pytest.mark.book
def test_a_build_warning_fails_the_build(tmp_path, capsys):
    source = tmp_path / "notebooks"
    source.mkdir()
    notebook = nbformat.read(NOTEBOOKS[0], as_version=4)
    notebook.cells.insert(1, new_markdown_cell("See {doc}`a_page_that_does_not_exist`."))
    nbformat.write(notebook, source / NOTEBOOKS[0].name)
    assert main(["book", "--out", str(tmp_path / "out"), "--source", str(source)]) == 1
    err = capsys.readouterr().err
    assert "WARNING" in err and "a_page_that_does_not_exist" in err


@pytest.mark.book
def test_the_intro_page_keeps_its_marker_for_the_list_of_notebooks(tmp_path, monkeypatch):
    fake = tmp_path / "book"
    shutil.copytree(book.BOOK, fake, ignore=shutil.ignore_patterns("_build"))
    (fake / "intro.md").write_text("# A book\n\nNo list here.\n")
    monkeypatch.setattr(book, "BOOK", fake)
    with pytest.raises(book.BookError, match="the notebooks"):
        book.stage(tmp_path / "staging")


def test_vendored_assets_are_listed_with_their_licences():
    readme = (book.BOOK / "vendor" / "README.md").read_text()
    for folder in sorted(p for p in (book.BOOK / "vendor").iterdir() if p.is_dir()):
        assert f"`{folder.name}/`" in readme, f"book/vendor/README.md does not describe {folder.name}/"
        assert any(f.name.upper().startswith("LICENSE") or "LICENSE" in f.name for f in folder.rglob("*")), (
            f"book/vendor/{folder.name} has no licence file")
