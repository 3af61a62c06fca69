"""Build time of the web book and the decks (python -m ganlib book), beside plain nbconvert.

    python benchmarks/book_build.py              # 5 repeats (~3 minutes on 2 cores)
    python benchmarks/book_build.py --quick      # 1 repeat, for checking the script

The parts of one build are timed apart: staging (copying and folding the notebooks),
Sphinx's pages, nbconvert's decks, and the whole command in a fresh process (Python and
Sphinx start-up included). The baseline is what a reader gets with no book at all:
`jupyter nbconvert --to html` of every notebook, each page standalone, with MathJax and
the widget manager from CDNs. The ways take turns within each repeat, in fresh output
folders, so they see the same machine. Needs the book extra: pip install -e ".[book]".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _common import append_results, machine_lines, median, spread  # noqa: E402

from ganlib import book  # noqa: E402


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def one_repeat(work: Path) -> dict[str, float]:
    times = {}
    staging, html = work / "parts" / "source", work / "parts" / "html"
    paths = []
    times["staging"] = _timed(lambda: paths.extend(book.stage(staging)))
    times["pages (Sphinx)"] = _timed(lambda: book.build_pages(staging, html))
    times["decks (nbconvert)"] = _timed(lambda: book.build_decks(paths, html / "slides"))
    times["python -m ganlib book"] = _timed(lambda: subprocess.run(
        [sys.executable, "-m", "ganlib", "book", "--out", str(work / "command")], check=True,
        capture_output=True))
    times["baseline: nbconvert --to html"] = _timed(lambda: subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(work / "nbconvert"),
         *map(str, paths)], check=True, capture_output=True))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    if book.missing_tools():
        raise SystemExit(f"the book extra is missing: {book.INSTALL_HINT}")
    results: dict[str, list[float]] = {}
    for k in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in one_repeat(Path(tmp)).items():
                results.setdefault(name, []).append(seconds)
        print(f"repeat {k + 1}/{repeats}: " + ", ".join(f"{n} {v[-1]:.1f} s" for n, v in results.items()), flush=True)
    n_notebooks = len(book._notebooks(book.NOTEBOOKS))
    whole = median(results["python -m ganlib book"])
    lines = [f"{n_notebooks} notebooks, {repeats} repeat(s), the ways taking turns; median and min-max, seconds. "
             "Nothing is executed: both read the committed outputs.", "",
             "| step | s (median) | min-max | vs baseline |", "|---|---|---|---|"]
    baseline = median(results["baseline: nbconvert --to html"])
    for name, values in results.items():
        lines.append(f"| {name} | {median(values):.1f} | {spread(values)} | {median(values) / baseline:.2f}x |")
    lines += ["", f"The whole book and its decks build in {whole:.0f} s on this machine."]
    text = append_results("book_build: the web book and the decks", args.quick,
                          "python benchmarks/book_build.py" + (" --quick" if args.quick else ""), lines,
                          machine=machine_lines())
    print(text)


if __name__ == "__main__":
    main()
