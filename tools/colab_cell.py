"""Write the Colab first cell (``ganlib.colab.first_cell()``) into every notebook, or refresh it.

    python tools/colab_cell.py            # every notebook in notebooks/
    python tools/colab_cell.py notebooks/03_training.ipynb

The cell goes right after the title cell, as the first code cell; a notebook that already
has it gets the current text (run this after setting [project.urls] Repository in
pyproject.toml). Outputs of the cell are cleared: outside Colab it prints nothing.
tests/test_colab.py checks that every notebook carries the cell as generated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from ganlib import colab  # the checkout's ganlib (pip install -e .), whose pyproject holds the URL

ROOT = Path(__file__).resolve().parent.parent


def refresh(path: Path) -> bool:
    """Insert or update the cell; return whether the file changed."""
    nb = nbformat.read(path, as_version=4)
    source = colab.first_cell()
    carrying = [cell for cell in nb.cells if cell.cell_type == "code" and colab.FIRST_LINE in cell.source]
    if carrying:
        cell = carrying[0]
        if cell.source == source:
            return False
        cell.source = source
    else:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = ["colab"]
        first_code = next(k for k, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first_code, cell)
    nbformat.write(nb, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    paths = parser.parse_args(argv).notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.name}: {'written' if refresh(path) else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
