"""Wall-clock seconds of CPU training until the samples reach a classifier score.

    python benchmarks/time_to_quality.py                    # 600 s budget per run, 5 seeds
    python benchmarks/time_to_quality.py --budget-s 300 --repeats 2
    python benchmarks/time_to_quality.py --quick            # 40 steps per recipe (< 1 minute)

Recipes (``--recipes``, default ``lecture fast``): the lecture's (the ``lecture`` preset:
Adam 1e-4, beta_1 0.9, batch 256, width 256) beside ganlib's presets; ``NAME+ema`` adds
the generator's weight average (ema_decay 0.999) and ``NAME+bf16`` trains in
``mixed_bfloat16`` (both: ``fast+ema+bf16``). A conditional preset is told which
digit to draw (it learns from the labels too), and its samples are asked for the ten
digits in turn: its score answers a different question, so read it apart. Each trains on the
embedded digits from scratch with ganlib's train step; after every epoch the sampler
(the weight average when the recipe has one) is measured with
:func:`ganlib.metrics.quality_probe` (1,000 samples, the shipped classifier). Only
training counts towards the clock, not the measuring. A run stops at classifier
score 9 or when its training time passes the budget.

Reported per recipe: the median over seeds of the seconds to first reach each score
level (5, 6, 7, 8, 9; "-" if a seed never did within the budget), the best score, the
confident fraction and the Frechet distance over its real floor at the last measurement,
the parameters of G and D, and the ratio to the first recipe's time (``--baseline``
names another). Below the table, every seed's own numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
LEVELS = (5.0, 6.0, 7.0, 8.0, 9.0)


def worker(recipe: str, seed: int, budget_s: float, max_steps: int | None) -> dict:
    from ganlib.runtime import quiet_tensorflow

    quiet_tensorflow(onednn=True)
    from ganlib.config import get_preset
    from ganlib.data import load_mnist, make_dataset
    from ganlib.classifier import reference_digits
    from ganlib.metrics import quality_probe
    from ganlib.pretrained import classifier_info, load_classifier
    from ganlib.training import build_gan, make_train_step

    name, *extras = recipe.split("+")
    cfg = dataclasses.replace(get_preset(name), seed=seed, epochs=10_000)
    if "ema" in extras:
        cfg = dataclasses.replace(cfg, ema_decay=0.999)
    if "bf16" in extras:
        cfg = dataclasses.replace(cfg, precision="mixed_bfloat16")
    images, labels = load_mnist("embedded", verbose=False)
    info = classifier_info()
    reference, _ = reference_digits(images, labels, info["holdout_per_class"], info["seed"])
    probe = quality_probe(load_classifier(), reference, n=1000, seed=0)
    state = build_gan(cfg)
    step = make_train_step(state)
    params = [int(state.generator.count_params()), int(state.discriminator.count_params())]
    trained_s, steps, trace, epoch = 0.0, 0, [], 0
    while trained_s < budget_s:
        dataset = make_dataset(images, cfg, epoch=epoch, labels=labels if cfg.conditional else None)
        epoch += 1
        start = time.perf_counter()
        for batch in dataset:
            out = step(*batch) if cfg.conditional else step(batch)
            steps += 1
            if max_steps and steps >= max_steps:
                break
        float(out["gen_loss"])  # wait for the last step before stopping the clock
        trained_s += time.perf_counter() - start
        quality = probe(state.sampler)
        score = quality["score"]
        trace.append((round(trained_s, 2), steps, round(score, 3), round(quality["confident"], 4),
                      round(quality["frechet"] / quality["frechet_floor"], 3)))
        if score >= 9.0 or (max_steps and steps >= max_steps):
            break
    return {"recipe": recipe, "seed": seed, "trace": trace, "params": params}


def first_time(trace, level: float):
    return next((t for t, _, score, *_ in trace if score >= level), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 steps per recipe, one seed")
    parser.add_argument("--budget-s", type=float, default=600.0, help="training seconds per run (default 600)")
    parser.add_argument("--repeats", type=int, default=5, help="seeds per recipe (default 5)")
    parser.add_argument("--recipes", nargs="+", default=["lecture", "fast"],
                        help="preset names; NAME+ema adds ema_decay=0.999, NAME+bf16 precision=mixed_bfloat16 "
                             "(default: lecture fast)")
    parser.add_argument("--baseline", help="recipe the others are compared with (default: the first)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    max_steps = 40 if args.quick else None
    repeats = 1 if args.quick else args.repeats
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), args.budget_s, max_steps)))
        return

    from _common import append_results, median, run_worker

    extra = ["--quick"] if args.quick else []
    runs: dict[str, list] = {r: [] for r in args.recipes}
    params: dict[str, list] = {}
    baseline = args.baseline or args.recipes[0]
    if baseline not in runs:
        parser.error(f"--baseline {baseline} is not one of the recipes")
    for seed in range(repeats):
        for recipe in args.recipes:
            out = run_worker(Path(__file__), [*extra, "--budget-s", str(args.budget_s),
                                              "--worker", recipe, str(seed)], {})
            result = json.loads(out.strip().splitlines()[-1])
            trace = result["trace"]
            runs[recipe].append(trace)
            params[recipe] = result["params"]
            print(f"{recipe} seed {seed}: best score {max(s for _, _, s, *_ in trace):.2f} after "
                  f"{trace[-1][0]:.0f} s, {trace[-1][1]} steps", flush=True)

    def level_time(recipe, level):
        times = [first_time(trace, level) for trace in runs[recipe]]
        reached = [t for t in times if t is not None]
        # the median counts a seed that never got there as slower than every one that did
        if len(reached) * 2 <= len(times):
            return None, len(reached), len(times)
        return median(reached + [float("inf")] * (len(times) - len(reached))), len(reached), len(times)

    header = ("| recipe | " + " | ".join(f"s to score {lv:g}" for lv in LEVELS)
              + " | best score (median) | confident (last) | Frechet / floor (last) | steps/s | G, D parameters |")
    rows = [header, "|" + "---|" * (len(LEVELS) + 6)]
    for recipe in args.recipes:
        cells = []
        for lv in LEVELS:
            t, k, n = level_time(recipe, lv)
            base, _, _ = level_time(baseline, lv)
            text = "-" if t is None else f"{t:.0f}"
            if t is not None and base is not None and recipe != baseline:
                text += f" ({base / t:.1f}x sooner)"
            cells.append(f"{text} [{k}/{n}]")
        best = median([max(s for _, _, s, *_ in trace) for trace in runs[recipe]])
        confident = median([trace[-1][3] for trace in runs[recipe]])
        frechet = median([trace[-1][4] for trace in runs[recipe]])
        rate = median([trace[-1][1] / trace[-1][0] for trace in runs[recipe]])
        g, d = params[recipe]
        rows.append(f"| {recipe} | " + " | ".join(cells) + f" | {best:.2f} | {confident:.2f} | {frechet:.1f}x "
                    f"| {rate:.1f} | {g / 1e6:.2f} M, {d / 1e6:.2f} M |")
    rows += ["", "Each seed, at its last measurement: seconds, steps, score, confident, Frechet / floor.", ""]
    for recipe in args.recipes:
        for seed, trace in enumerate(runs[recipe]):
            t, n, score, confident, frechet = trace[-1]
            rows.append(f"- {recipe} seed {seed}: {t:.0f} s, {n} steps, score {score:.2f}, confident "
                        f"{confident:.2f}, Frechet {frechet:.1f}x its floor")
    lines = [f"Embedded digits, {repeats} seed(s) per recipe, training budget {args.budget_s:.0f} s per run"
             + (" (stopped at 40 steps)" if args.quick else "")
             + "; classifier score of 1,000 samples after every epoch, a run stops at score 9; [k/n]: seeds "
             f"that reached the level; 'Nx sooner': against {baseline}. "
             "'-': fewer than half the seeds reached it within the budget.", "", *rows]
    command = "python benchmarks/time_to_quality.py" + (" --quick" if args.quick else
                                                         f" --budget-s {args.budget_s:g} --repeats {repeats} "
                                                         f"--recipes {' '.join(args.recipes)}"
                                                         + (f" --baseline {args.baseline}" if args.baseline else ""))
    print(append_results("time_to_quality: training seconds to a classifier score", args.quick, command, lines))


if __name__ == "__main__":
    main()
