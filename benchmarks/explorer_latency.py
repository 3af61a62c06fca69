"""One redraw of the latent explorer: ganlib's redraw beside the lecture's way.

    python benchmarks/explorer_latency.py            # 16, 100 and 400 images
    python benchmarks/explorer_latency.py --quick    # 16 and 100 images (< 1 minute)

One redraw = the latent points for the controls' values (means along a direction,
stds of a profile, both scaled), one call of the shipped generator on them (inference
mode), and the grid drawn to a PNG buffer (what a widget sends to the browser). All
ways use the same generator and the same number of images:

- ``ganlib, ramp + isotropic``: :func:`ganlib.widgets.explorer_png` with its defaults,
  the lecture's ramp and one std for all dimensions: one tiled array
  (``plotting.image_grid``) encoded by Pillow.
- ``ganlib, random + block``: the same with a random direction
  (:func:`ganlib.mean_direction`) and a block profile (:func:`ganlib.std_profile`),
  which the explorer's dropdowns choose.
- ``widget redraw``: ``LatentExplorer.redraw()`` itself, built headless with the
  random direction and the lecture's profile chosen (no classifier), so the cost of
  reading the controls and building the direction and profile is in it.
- ``lecture``: benchmarks/lecture_reference.py, ``generate_latent_points``, the
  generator, and ``plot_result``'s grid of one matplotlib subplot per image, to PNG.

The generator's share is timed on its own too, so the drawing's share can be read off.
The script also measures how much CPU time other processes used during the run
(``/proc/stat``), and says so in the results when the machine was not quiet.

Its section of benchmarks/RESULTS.md is replaced by the new one (other sections stay).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TITLE = "explorer_latency: one redraw of the latent explorer"
#: Headings this script has written; the newest section with one of them is replaced.
OWN_HEADINGS = (TITLE, "explorer_latency: one slider update")
#: Other processes' share of the CPUs above which the results say the machine was busy.
BUSY_SHARE = 0.10


def timed(fns: dict, repeats: int) -> dict[str, list[float]]:
    """Seconds per call of each function, ``repeats`` times after one warm-up call each (the first
    generator call traces the model). The functions take turns, one call each per round, so a burst
    of other work on a shared machine slows all of them alike instead of one."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def busy_jiffies() -> int | None:
    """CPU time spent by everything on the machine so far (/proc/stat, in clock ticks); None off Linux."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def replace_section(text: str, results: Path) -> None:
    """Put ``text`` where this script's newest section of RESULTS.md is, or at the end if there is none."""
    old = results.read_text() if results.exists() else (
        "# Benchmark results\n\nAppended by the scripts in `benchmarks/`; newest at the bottom. "
        "See benchmarks/README.md.\n\n")
    lines = old.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    own = [i for i in starts if any(line_starts(lines[i], h) for h in OWN_HEADINGS)]
    if not own:
        results.write_text(old.rstrip("\n") + "\n\n" + text)
        return
    begin = own[-1]
    end = next((i for i in starts if i > begin), len(lines))
    rest = "".join(lines[end:])
    results.write_text("".join(lines[:begin]) + text + rest)


def line_starts(line: str, heading: str) -> bool:
    return line.startswith(f"## {heading},") or line.startswith(f"## {heading} ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="16 and 100 images only")
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    sizes = (16, 100) if args.quick else (16, 100, 400)

    from ganlib.runtime import quiet_tensorflow

    quiet_tensorflow(onednn=True)
    import lecture_reference as ref
    from _common import RESULTS, cpu_count, machine_lines, median, spread

    from ganlib.latent import mean_direction, std_profile
    from ganlib.models import generate_images, latent_dim_of
    from ganlib.pretrained import load_pretrained
    from ganlib.widgets import GRID_SIZES, explorer_png, latent_explorer

    generator = load_pretrained()
    d = latent_dim_of(generator)
    random_direction = mean_direction(d, "random", seed=3)
    block = std_profile(d, "block", block=(20, 50))
    start_busy, start_own, start_wall = busy_jiffies(), own_cpu_s(), time.monotonic()

    rows = ["| images | ganlib, ramp + isotropic ms | min-max | ganlib, random + block ms | min-max | "
            "widget redraw ms | min-max | lecture ms | min-max | speed-up (ramp + isotropic) | "
            "generator alone ms |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for n in sizes:
        z = ref.generate_latent_points(n, 0.5, 1.2, seed=1)
        fns = {
            "ganlib": lambda: explorer_png(generator, mean_scale=0.5, std_scale=1.2, seed=1, n=n),
            "shaped": lambda: explorer_png(generator, mean_scale=0.5, std_scale=1.2, seed=1, n=n,
                                           direction=random_direction, profile=block),
            "lecture": lambda: ref.plot_result_png(
                generate_images(generator, ref.generate_latent_points(n, 0.5, 1.2, seed=1)), n),
            "generator": lambda: generate_images(generator, z),
        }
        if n in GRID_SIZES:
            explorer = latent_explorer(generator, mean_scale=0.5, std_scale=1.2, seed=1, n=n,
                                       direction="random", direction_seed=3, profile="lecture")
            fns["widget"] = explorer.redraw
        times = timed(fns, args.repeats)
        ganlib_t, shaped_t, lecture_t, gen_t = (times[k] for k in ("ganlib", "shaped", "lecture", "generator"))
        widget_t = times.get("widget")

        def ms(times):
            return (f"{median(times) * 1e3:.0f} | {spread([t * 1e3 for t in times])}" if times
                    else f"- (the explorer shows at most {max(GRID_SIZES)}) | -")

        g, lec = median(ganlib_t) * 1e3, median(lecture_t) * 1e3
        rows.append(f"| {n} | {ms(ganlib_t)} | {ms(shaped_t)} | {ms(widget_t)} | {ms(lecture_t)} | "
                    f"{lec / g:.1f}x | {median(gen_t) * 1e3:.0f} |")
        print(rows[-1], flush=True)

    elapsed = time.monotonic() - start_wall
    end_busy = busy_jiffies()
    lines = [f"{args.repeats} repeats after one warm-up call, the ways taking turns, median and min-max; "
             "the shipped generator (pretrained/), oneDNN on, matplotlib's Agg backend. "
             "Each ganlib redraw is one generator call. "
             "Random direction: seed 3; block profile: dimensions 20-49; the widget redraw uses the random "
             "direction and the lecture's |ramp| profile.", ""]
    if start_busy is not None and end_busy is not None:
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        others = max(0.0, (end_busy - start_busy) / ticks - (own_cpu_s() - start_own))
        share = others / (elapsed * cpu_count())
        if share > BUSY_SHARE:
            lines += [f"**Taken while other work ran on the machine:** other processes used {share:.0%} of "
                      f"its {cpu_count()} CPUs during the {elapsed:.0f} s run, so these times are higher "
                      "than on a quiet machine.", ""]
        else:
            lines += [f"The machine was quiet: other processes used {share:.0%} of its {cpu_count()} CPUs "
                      f"during the {elapsed:.0f} s run.", ""]
        print(lines[-2], flush=True)
    lines += rows
    command = "python benchmarks/explorer_latency.py" + (" --quick" if args.quick else "")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = " (--quick: smaller sizes, for checking the script, not for quoting)" if args.quick else ""
    text = "\n".join([f"## {TITLE}, {stamp}{mode}", "", f"`{command}`", "", *machine_lines(), "",
                      *lines, ""]) + "\n"
    replace_section(text, RESULTS)
    print(text)


if __name__ == "__main__":
    main()
