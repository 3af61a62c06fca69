"""The web book and the lecture slides, built offline from the committed notebooks.

    python -m ganlib book [--out book/_build]

writes ``OUT/html/index.html`` (a Jupyter Book 1.x site: an index page and one page per
notebook, from the committed outputs, never re-executed) and ``OUT/html/slides/`` (one
reveal.js deck per notebook, built by nbconvert from the cells' slide metadata). Every
script, style sheet and font the pages load is a local copy from ``book/vendor/``;
nothing is fetched at build time or when a page is read. Build warnings fail the build.

The slide metadata is part of each notebook (so that a lecturer can also present the
live notebook); :func:`mark_slides` derives it from the cells, and
``tools/execute_notebooks.py`` applies it on every re-execution.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat

from ganlib.editions import CHECK_TAG, EXERCISE_TAG, NOTEBOOK_GLOB, SOLUTION_TAG, tags

REPO = Path(__file__).resolve().parent.parent
BOOK = REPO / "book"
NOTEBOOKS = REPO / "notebooks"
DEFAULT_OUT = BOOK / "_build"
#: What the book build needs beyond ganlib (the ``book`` extra of pyproject.toml).
BOOK_MODULES = ("jupyter_book", "myst_nb", "sphinx_book_theme")
INSTALL_HINT = 'pip install -e ".[book]"'
#: The cell of the first notebooks that only Colab needs; the book leaves it out.
COLAB_TAG = "colab"
VENDOR = "_static/vendor"
SLIDES_TEMPLATE = "ganlib_reveal"
# a code cell whose figure is the point: its code is folded in the book, and in a deck the
# figure comes as a fragment after the text that asks the question
IMAGE_KINDS = ("image/png", "image/jpeg", "image/svg+xml", "application/vnd.jupyter.widget-view+json")


class BookError(Exception):
    """A problem with the book's sources, or a build that failed (with its warnings)."""


class MissingTools(BookError):
    """The ``book`` extra is not installed; said in one line."""


# ---------------------------------------------------------------------------------------
# Slide metadata
# ---------------------------------------------------------------------------------------

def _shows_a_figure(cell) -> bool:
    return cell.cell_type == "code" and any(
        kind in output.get("data", {}) for output in cell.get("outputs", []) for kind in IMAGE_KINDS)


def slide_types(notebook) -> list[str]:
    """The reveal.js slide type of every cell of `notebook`, by the series' rules.

    - the title cell opens the deck (``slide``); each ``##`` or ``###`` heading, each
      exercise question and the parameters cell's introduction start a new slide;
    - the Colab cell and the setup cell (the code before the parameters cell) are
      ``skip``; so are the worked solutions and their checks: a deck asks the questions;
    - a code cell that draws a figure or a widget is a ``fragment``: it appears after the
      text above it;
    - everything else continues the slide (``-``).
    """
    cells = notebook.cells
    first_parameters = next((k for k, cell in enumerate(cells) if "parameters" in tags(cell)), None)
    first_section = next((k for k, cell in enumerate(cells)
                          if cell.cell_type == "markdown" and cell.source.startswith("## ")), len(cells))
    types = []
    for k, cell in enumerate(cells):
        cell_tags = tags(cell)
        if k == 0:
            kind = "slide"
        elif COLAB_TAG in cell_tags or SOLUTION_TAG in cell_tags or CHECK_TAG in cell_tags:
            kind = "skip"
        elif cell.cell_type == "code" and k < first_section and (first_parameters is None or k < first_parameters):
            kind = "skip"  # the setup cell: imports, seeds, paths
        elif cell.cell_type == "markdown" and (re.match(r"#{2,3} ", cell.source) or EXERCISE_TAG in cell_tags):
            kind = "slide"
        elif (cell.cell_type == "markdown" and first_parameters is not None and k == first_parameters - 1
              and k < first_section):
            kind = "slide"  # "The knobs of this notebook sit in one cell tagged parameters"
        elif _shows_a_figure(cell):
            kind = "fragment"
        else:
            kind = "-"
        types.append(kind)
    return types


def mark_slides(notebook) -> bool:
    """Write :func:`slide_types` into each cell's ``slideshow`` metadata; True if any changed."""
    changed = False
    for cell, kind in zip(notebook.cells, slide_types(notebook)):
        if cell.metadata.get("slideshow") != {"slide_type": kind}:
            cell.metadata["slideshow"] = {"slide_type": kind}
            changed = True
    return changed


# ---------------------------------------------------------------------------------------
# The book's copy of a notebook
# ---------------------------------------------------------------------------------------

def _add_tag(cell, tag: str) -> None:
    cell.metadata["tags"] = [*tags(cell), tag]


def book_notebook(notebook):
    """The page version of a notebook: the same cells and outputs, folded where that reads best.

    - a worked solution's code and output are folded behind "Show solution"; its
      explanation behind a "Show why" drop-down, so a student can try first;
    - the plotting code of a cell that draws a figure is folded ("Show code"): the figure
      is what the page is about;
    - the Colab-only install cell is left out (the index page says how to use Colab);
    - the cells' nbval and slide tags stay: they are metadata, never shown.
    """
    page = copy.deepcopy(notebook)
    cells = []
    for cell in page.cells:
        cell_tags = tags(cell)
        if COLAB_TAG in cell_tags:
            continue
        if SOLUTION_TAG in cell_tags and cell.cell_type == "code":
            _add_tag(cell, "hide-cell")
            cell.metadata["mystnb"] = {"code_prompt_show": "Show solution", "code_prompt_hide": "Hide solution"}
        elif SOLUTION_TAG in cell_tags:
            fence = ":" * max(4, 1 + max((len(m) for m in re.findall(r"^:{3,}", cell.source, re.M)), default=0))
            cell.source = f"{fence}{{dropdown}} Show why\n{cell.source}\n{fence}"
        elif _shows_a_figure(cell) and CHECK_TAG not in cell_tags:
            _add_tag(cell, "hide-input")
        cells.append(cell)
    page.cells = cells
    return page


def notebook_title(notebook) -> tuple[str, str]:
    """(title, what you will learn) from a notebook's first cell."""
    first = notebook.cells[0].source
    title = first.splitlines()[0].lstrip("# ").strip()
    learn = re.search(r"\*\*What you will learn[.:]\*\*\s*(.+?)(?:\n\n|$)", first, re.S)
    if not learn:
        raise BookError(f"the first cell of {title!r} has no '**What you will learn:**' paragraph: add one")
    return title, " ".join(learn.group(1).split())


# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------

def missing_tools() -> list[str]:
    return [name for name in BOOK_MODULES if importlib.util.find_spec(name) is None]


def _notebooks(source: Path) -> list[Path]:
    paths = sorted(source.glob(NOTEBOOK_GLOB))
    if not paths:
        raise BookError(f"no notebooks (NN_name.ipynb) in {source}: pass the notebooks folder with --source")
    return paths


def stage(staging: Path, source: Path = NOTEBOOKS) -> list[Path]:
    """Write the book's sources into `staging`: configuration, index page, assets, notebooks."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    shutil.copy(BOOK / "_config.yml", staging / "_config.yml")
    # html_static_path in _config.yml: Sphinx copies it into html/_static/. (Not a folder
    # named _static: Jupyter Book would add every .js and .css in it to every page.)
    shutil.copytree(BOOK / "vendor", staging / "_assets" / "vendor")
    shutil.copytree(BOOK / "js", staging / "_assets" / "ganlib")
    (staging / "notebooks").mkdir()
    paths = _notebooks(source)
    rows = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        title, learn = notebook_title(notebook)
        nbformat.write(book_notebook(notebook), staging / "notebooks" / path.name)
        rows.append(f"1. [{title}](notebooks/{path.name}) "
                    f'(<a href="slides/{path.stem}.slides.html">slides</a>): {learn}')
    intro = (BOOK / "intro.md").read_text()
    marker = "<!-- the notebooks -->"
    if marker not in intro:
        raise BookError(f"book/intro.md lost its line {marker!r}: put it back where the list of notebooks goes")
    (staging / "intro.md").write_text(intro.replace(marker, "\n".join(rows)))
    toc = ["format: jb-book", "root: intro", "chapters:"]
    toc += [f"- file: notebooks/{path.stem}" for path in paths]
    (staging / "_toc.yml").write_text("\n".join(toc) + "\n")
    return paths


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        problems = [line for line in lines if "WARNING" in line or "ERROR" in line] or lines[-20:]
        raise BookError(f"{what} failed:\n" + "\n".join(problems))


def build_pages(staging: Path, html: Path) -> None:
    """Sphinx (configured by Jupyter Book) turns the staged sources into `html`; warnings are errors."""
    _run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "config", "sphinx",
          str(staging)], "jupyter-book config sphinx")
    _run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
          "-d", str(staging.parent / "doctrees"), str(staging), str(html)], "the book's Sphinx build")


def build_decks(paths: list[Path], slides: Path) -> list[Path]:
    """One reveal.js deck per notebook in `slides/`, loading reveal.js, MathJax and the
    widget manager from the book's ``_static/vendor`` (one folder up)."""
    from nbconvert import SlidesExporter

    vendor = f"../{VENDOR}"
    exporter = SlidesExporter(
        extra_template_basedirs=[str(BOOK / "slides")], template_name=SLIDES_TEMPLATE,
        reveal_url_prefix=f"{vendor}/reveal.js", reveal_theme="white", reveal_scroll=True,
        require_js_url=f"{vendor}/requirejs/require.js", mathjax_url=f"{vendor}/mathjax/tex-chtml.js",
        widget_renderer_url=f"{vendor}/html-manager/embed.js",
        exclude_input_prompt=True, exclude_output_prompt=True)
    slides.mkdir(parents=True, exist_ok=True)
    decks = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning fails the build, as in the pages
            body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        deck = slides / f"{path.stem}.slides.html"
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
    return decks


def build(out: Path = DEFAULT_OUT, source: Path = NOTEBOOKS) -> Path:
    """Build the book and the decks into `out`; returns the index page."""
    missing = missing_tools()
    if missing:
        raise MissingTools(f"the book needs Jupyter Book 1.x ({', '.join(missing)} not installed): {INSTALL_HINT}")
    out = out.resolve()
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    paths = stage(out / "source", source.resolve())
    build_pages(out / "source", html)
    build_decks(paths, html / "slides")
    return html / "index.html"
