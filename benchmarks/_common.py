"""Shared pieces of the benchmark scripts: the machine, medians, and RESULTS.md.

Every script measures ganlib's way beside a baseline (the lecture's way) in the same
run, repeats each measurement at least five times, and appends a section to
``benchmarks/RESULTS.md`` with the machine, the library versions, the medians and
the ratios. Nothing here is a test: no timing is ever asserted.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import statistics
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "pillow", "nbval")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, which containers narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_lines() -> list[str]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return [f"- machine: {cpu_model()}, {cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}",
            f"- libraries: {', '.join(versions)}"]


def median(values) -> float:
    return float(statistics.median(values))


def spread(values) -> str:
    """min-max of the repeats, to show how noisy the median is."""
    return f"{min(values):.4g}-{max(values):.4g}"


def append_results(title: str, quick: bool, command: str, lines: list[str],
                   machine: list[str] | None = None) -> str:
    """Append one section to RESULTS.md and return its text.

    ``machine`` replaces this machine's description, for results measured elsewhere.
    """
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = " (--quick: smaller sizes, for checking the script, not for quoting)" if quick else ""
    text = "\n".join([f"## {title}, {stamp}{mode}", "", f"`{command}`", "", *(machine or machine_lines()), "",
                      *lines, ""]) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the scripts in `benchmarks/`; "
                           "newest at the bottom. See benchmarks/README.md.\n\n")
    with RESULTS.open("a") as f:
        f.write(text)
    return text


def run_worker(script: Path, args: list[str], env_extra: dict[str, str]) -> str:
    """Run ``script`` in a fresh Python (TensorFlow reads some settings only at import)
    and return its stdout; its stderr is passed through only on failure."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1", **env_extra)
    proc = subprocess.run([sys.executable, str(script), *args], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"worker {script.name} {' '.join(args)} failed with exit code {proc.returncode}")
    return proc.stdout
