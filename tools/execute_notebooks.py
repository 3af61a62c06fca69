"""Re-execute notebooks top to bottom, in place, the way they are committed.

    python tools/execute_notebooks.py                     # every notebook in notebooks/
    python tools/execute_notebooks.py notebooks/03_training.ipynb

Each notebook runs in a fresh kernel with notebooks/ as its working folder. Cells tagged
``raises-exception`` may fail (notebook 04 shows a restore that must fail); any other
error stops the run and leaves the file untouched. The saved file keeps the outputs and
the widget state (a web page can redraw a widget from it) but no timing metadata, so a
re-run of unchanged code changes only what the code printed. Each cell's slide type is
set by the series' rules (ganlib.book.mark_slides), so new cells join the lecture deck.
tests/test_notebooks.py checks that every committed notebook looks like this.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from ganlib.book import mark_slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def execute(path: Path, timeout: int = 1800) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=True, resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    mark_slides(nb)  # after the run: a figure's cell becomes a fragment once it has its figure
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path.resolve()):.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
