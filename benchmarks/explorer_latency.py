"""One slider update of the latent explorer: ganlib's redraw beside the lecture's way.

    python benchmarks/explorer_latency.py            # 16, 100 and 400 images
    python benchmarks/explorer_latency.py --quick    # 16 and 100 images (< 1 minute)

One update = draw latent points with the slider's mean and std scales, run the shipped
generator on them (inference mode), and draw the grid to a PNG buffer (what a widget
sends to the browser). Both ways use the same generator and the same number of images:

- ``ganlib``: :func:`ganlib.widgets.explorer_png`, which the notebook's sliders call:
  one tiled array (``plotting.image_grid``) encoded by Pillow.
- ``lecture``: benchmarks/lecture_reference.py, ``generate_latent_points``, the
  generator, and ``plot_result``'s grid of one matplotlib subplot per image, to PNG.

The generator's share is timed on its own too, so the drawing's share can be read off.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm up (the first generator call traces the model)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="16 and 100 images only")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = (16, 100) if args.quick else (16, 100, 400)

    from ganlib.runtime import quiet_tensorflow

    quiet_tensorflow(onednn=True)
    import lecture_reference as ref
    from _common import append_results, median, spread

    from ganlib.models import generate_images
    from ganlib.pretrained import load_pretrained
    from ganlib.widgets import explorer_png

    generator = load_pretrained()
    rows = ["| images | ganlib ms (median) | min-max | lecture ms (median) | min-max | speed-up | "
            "generator alone ms |", "|---|---|---|---|---|---|---|"]
    for n in sizes:
        ganlib_t = timed(lambda: explorer_png(generator, mean_scale=0.5, std_scale=1.2, seed=1, n=n),
                         args.repeats)
        lecture_t = timed(lambda: ref.plot_result_png(
            generate_images(generator, ref.generate_latent_points(n, 0.5, 1.2, seed=1)), n), args.repeats)
        z = ref.generate_latent_points(n, 0.5, 1.2, seed=1)
        gen_t = timed(lambda: generate_images(generator, z), args.repeats)
        g, lec = median(ganlib_t) * 1e3, median(lecture_t) * 1e3
        rows.append(f"| {n} | {g:.0f} | {spread([t * 1e3 for t in ganlib_t])} | {lec:.0f} | "
                    f"{spread([t * 1e3 for t in lecture_t])} | {lec / g:.1f}x | {median(gen_t) * 1e3:.0f} |")
        print(rows[-1], flush=True)
    lines = [f"{args.repeats} repeats after one warm-up call; the shipped generator (pretrained/), "
             "oneDNN on, matplotlib's Agg backend.", "", *rows]
    command = "python benchmarks/explorer_latency.py" + (" --quick" if args.quick else "")
    print(append_results("explorer_latency: one slider update", args.quick, command, lines))


if __name__ == "__main__":
    main()
