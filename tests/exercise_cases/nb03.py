"""Test answers for notebook 03's exercise checks (see tests/test_exercises.py)."""

from __future__ import annotations

import atexit
import dataclasses
import math
import shutil
import tempfile
from pathlib import Path

from ganlib.config import DCGANConfig, get_preset
from ganlib.pretrained import PRETRAINED_DIR
from ganlib.runfolder import CONFIG_FILE, HISTORY_COLUMNS, HISTORY_FILE, append_rows

FOLDER = Path(tempfile.mkdtemp(prefix="ganlib-cases-nb03-"))
atexit.register(shutil.rmtree, FOLDER, True)


def _hand_made_run(name: str, generator_loss: str, d_fakes: list[float]) -> Path:
    """A run folder as train() writes it, with made-up rows: only config.json and losses.csv."""
    run = FOLDER / name
    run.mkdir()
    DCGANConfig(generator_loss=generator_loss).save(run / CONFIG_FILE)
    rows = [(i + 1, 1, 0.7, 1.3, 0.6, d) for i, d in enumerate(d_fakes)] + [(len(d_fakes) + 1, 2, 0.7, 1.3, 0.6, 0.05)]
    append_rows(run / HISTORY_FILE, HISTORY_COLUMNS, rows)
    return run


# first epoch: d_fake 0.3 and 0.5, mean 0.4; the second epoch's row must not count
MINIMAX_RUN = _hand_made_run("minimax", "minimax", [0.3, 0.5])
OTHER_RUN = _hand_made_run("non_saturating", "non_saturating", [0.3, 0.5])
RATIO_AT_RUN = 0.4 / 0.6


def _reproducible_context():
    import ganlib

    images, _ = ganlib.load_mnist("embedded", verbose=False)
    cfg = dataclasses.replace(get_preset("fast"), gen_filters=8, latent_dim=8, batch_size=8, epochs=1, seed=5)
    run = FOLDER / "seeded"
    ganlib.train(cfg, images[:40], run, max_steps=3, verbose=0)
    return {"cfg": cfg, "images": images[:40], "history": ganlib.read_history(run)}


def _shipped_changes(early: int, late: int) -> tuple[float, float]:
    from ganlib.runfolder import SHIPPED_QUALITY_FILE, read_history

    quality, history = read_history(PRETRAINED_DIR / SHIPPED_QUALITY_FILE), read_history(PRETRAINED_DIR)
    score = {int(e): s for e, s in zip(quality["epoch"], quality["score"])}
    loss = {e: history["disc_loss"][history["epoch"] == e].mean() for e in (early, late)}
    return score[late] - score[early], float(loss[late] - loss[early])


SCORE_CHANGE, LOSS_CHANGE = _shipped_changes(20, 100)

CASES = {
    "03.1": dict(right=(2 * math.log(2), math.log(2), -math.log(2)),
                 wrong=[(math.log(2), math.log(2), -math.log(2)), (-2 * math.log(2), math.log(2), -math.log(2)),
                        (2 * math.log(2), -math.log(2), -math.log(2)), (2 * math.log(2), math.log(2), math.log(2)),
                        (2 * math.log(2), math.log(2), 0.5), ("a lot", 0, 0)],
                 expected=[1.3863, 0.6931, -0.6931],
                 context=lambda: {}),
    "03.2": dict(right=(True, False, 1),
                 wrong=[(True, False, 2), (False, False, 1), (True, True, 1), (True, False, 0), ("yes", False, 1)],
                 expected=[1],
                 context=_reproducible_context),
    "03.3": dict(right=(PRETRAINED_DIR, (20, 100), SCORE_CHANGE, LOSS_CHANGE),
                 wrong=[(PRETRAINED_DIR, (20, 100), -SCORE_CHANGE, LOSS_CHANGE),
                        (PRETRAINED_DIR, (20, 100), SCORE_CHANGE + 0.5, LOSS_CHANGE),
                        (PRETRAINED_DIR, (20, 100), SCORE_CHANGE, LOSS_CHANGE + 0.05),
                        (PRETRAINED_DIR, (7, 20), SCORE_CHANGE, LOSS_CHANGE),
                        (PRETRAINED_DIR, (100, 20), SCORE_CHANGE, LOSS_CHANGE),
                        (PRETRAINED_DIR, 20, SCORE_CHANGE, LOSS_CHANGE),
                        (FOLDER, (20, 100), SCORE_CHANGE, LOSS_CHANGE),
                        (MINIMAX_RUN, (20, 100), SCORE_CHANGE, LOSS_CHANGE)],
                 expected=[SCORE_CHANGE, LOSS_CHANGE],
                 context=lambda: {}),
    "03.4": dict(right=(lambda d: d / (1 - d), MINIMAX_RUN, RATIO_AT_RUN),
                 wrong=[(lambda d: (1 - d) / d, MINIMAX_RUN, RATIO_AT_RUN),
                        (lambda d: -d / (1 - d), MINIMAX_RUN, RATIO_AT_RUN),
                        (lambda d: d, MINIMAX_RUN, RATIO_AT_RUN),
                        (lambda d: 1 / 0, MINIMAX_RUN, RATIO_AT_RUN),
                        (lambda d: d / (1 - d), OTHER_RUN, RATIO_AT_RUN),
                        (lambda d: d / (1 - d), MINIMAX_RUN, 0.35 / 0.65),
                        (lambda d: d / (1 - d), "no/such/run", RATIO_AT_RUN)],
                 expected=[RATIO_AT_RUN],
                 context=lambda: {}),
}
