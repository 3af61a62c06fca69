"""Wall time of each notebook under nbval, the total, and each notebook's slowest cell.

    python benchmarks/notebook_suite.py               # every notebook, 5 repeats (~20 minutes)
    python benchmarks/notebook_suite.py --repeats 3
    python benchmarks/notebook_suite.py --quick       # 02_models only, 2 repeats (< 1 minute)

Each notebook runs as the README's test command runs it (pytest with the
``--nbval-lax --nbval-current-env`` options from pyproject.toml), in a fresh pytest
process, so a kernel start is included. Per-cell times come from pytest's JUnit XML
(nbval makes each code cell a test item, "Cell 0" being the first code cell, the
setup cell that starts TensorFlow). The goal is a total under 5 minutes on 2 cores;
the budget is the baseline column.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
BUDGET_S = 300.0


def run_notebook(path: Path, xml_path: Path) -> tuple[float, dict[str, float]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path),
                           f"--junitxml={xml_path}"], cwd=HERE.parent, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:])
        raise SystemExit(f"{path.name} failed under nbval (exit code {proc.returncode})")
    cells = {case.get("name"): float(case.get("time", 0))
             for case in ET.parse(xml_path).getroot().iter("testcase")}
    return wall, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="02_models only, 2 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="default 5 (2 with --quick)")
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    notebooks = sorted((HERE.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.quick:
        notebooks = [nb for nb in notebooks if nb.name.startswith("02_")]

    from _common import append_results, median, spread

    walls: dict[str, list[float]] = defaultdict(list)
    cell_times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeats):  # round-robin, so a slow moment of the machine hits all alike
            for nb in notebooks:
                wall, cells = run_notebook(nb, Path(tmp) / f"{nb.stem}.xml")
                walls[nb.stem].append(wall)
                for name, t in cells.items():
                    cell_times[nb.stem][name].append(t)
                print(f"repeat {r + 1}: {nb.stem} {wall:.1f} s", flush=True)

    rows = ["| notebook | wall s (median) | min-max | slowest cell | its s (median) |", "|---|---|---|---|---|"]
    total = 0.0
    for stem, times in walls.items():
        slowest = max(cell_times[stem], key=lambda name: median(cell_times[stem][name]))
        total += median(times)
        rows.append(f"| {stem} | {median(times):.1f} | {spread(times)} | {slowest} | "
                    f"{median(cell_times[stem][slowest]):.1f} |")
    totals = [sum(walls[stem][r] for stem in walls) for r in range(repeats)]
    rows.append(f"| **total** | {median(totals):.1f} | {spread(totals)} | | |")
    lines = [f"{repeats} repeats, notebooks run round-robin, each in a fresh pytest process (kernel start "
             f"included). Budget (the baseline): {BUDGET_S:.0f} s for the whole suite; median total "
             f"{median(totals):.0f} s = {median(totals) / BUDGET_S:.2f} of the budget.", "", *rows]
    command = "python benchmarks/notebook_suite.py" + (" --quick" if args.quick else
                                                        f" --repeats {repeats}" if repeats != 5 else "")
    print(append_results("notebook_suite: notebooks under nbval", args.quick, command, lines))


if __name__ == "__main__":
    main()
