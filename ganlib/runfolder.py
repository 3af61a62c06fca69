"""The files of a training run folder, named once, and the CSV tables in it.

:func:`ganlib.training.train` writes a run folder, :mod:`ganlib.checkpoints` reads it
back, :func:`ganlib.pretrained.ship` copies one into ``pretrained/`` and the command
line checks one before TensorFlow starts. They all take the names from here, so a
file is never called two things. Nothing here imports TensorFlow.

A run folder holds::

    config.json                 the DCGANConfig of the run
    checkpoints/                both networks, both optimizers, epoch and step counters, noise generator
    losses.csv                  one row per step: step, epoch, gen_loss, disc_loss, d_real, d_fake
                                (an InfoGAN's also info_loss, info_category, info_continuous)
    quality.csv                 with a quality hook: its values every K epochs
    samples/epoch_NNN.png       the same latent points, drawn after every epoch
    training.gif                those samples as an animation
    training_gif_epochs.json    the epoch of each frame of training.gif
    generator.weights.h5        the final generator (the weight average, when there is one)
    discriminator.weights.h5    the final discriminator
    ising.json                  a run on Ising spins (notebook 10): the temperature of each label, L

A shipped model folder (``pretrained/``) adds ``quality_during_training.csv`` (the
run's ``quality.csv``) and ``final_grid.png``; its GIF may skip epochs, and its
``training_gif_epochs.json`` says which ones it holds.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

CONFIG_FILE = "config.json"
CHECKPOINT_SUBDIR = "checkpoints"
CHECKPOINT_INDEX = "checkpoint"  # tf.train.CheckpointManager's index file inside checkpoints/
GENERATOR_WEIGHTS = "generator.weights.h5"
DISCRIMINATOR_WEIGHTS = "discriminator.weights.h5"
HISTORY_FILE = "losses.csv"
ISING_FILE = "ising.json"
HISTORY_COLUMNS = ("step", "epoch", "gen_loss", "disc_loss", "d_real", "d_fake")
#: An InfoGAN's losses.csv adds the information loss and its two parts (ganlib.training.information_terms).
INFO_COLUMNS = ("info_loss", "info_category", "info_continuous")
QUALITY_FILE = "quality.csv"
SAMPLES_SUBDIR = "samples"
GIF_FILE = "training.gif"
GIF_EPOCHS_FILE = "training_gif_epochs.json"
SHIPPED_QUALITY_FILE = "quality_during_training.csv"
FINAL_GRID = "final_grid.png"

#: Columns of every table here that hold counters rather than measurements.
_COUNTERS = ("step", "epoch")


def history_columns(cfg) -> tuple[str, ...]:
    """The columns of a run's losses.csv: :data:`HISTORY_COLUMNS`, and for an InfoGAN
    (``cfg.info_categories``) :data:`INFO_COLUMNS` after them."""
    return HISTORY_COLUMNS + (INFO_COLUMNS if getattr(cfg, "info_categories", 0) else ())


def sample_grid_name(epoch: int) -> str:
    """The file name of the sample grid drawn after ``epoch`` (1-based): ``epoch_NNN.png``."""
    return f"epoch_{epoch:03d}.png"


def sample_grids(run_dir: str | Path) -> list[Path]:
    """The per-epoch sample grids of a run folder, oldest first."""
    return sorted((Path(run_dir) / SAMPLES_SUBDIR).glob("epoch_*.png"))


def grid_epoch(path: str | Path) -> int:
    """The epoch a sample grid was drawn after, read from its file name ``epoch_NNN.png``."""
    match = re.fullmatch(r"epoch_(\d+)\.png", Path(path).name)
    if match is None:
        raise ValueError(f"{path} is not a per-epoch sample grid (epoch_NNN.png)")
    return int(match.group(1))


def write_gif_epochs(folder: str | Path, frames: Sequence[str | Path]) -> Path:
    """Record the epoch of each frame of ``folder/training.gif``, made from the grid files ``frames``."""
    path = Path(folder) / GIF_EPOCHS_FILE
    path.write_text(json.dumps({"epochs": [grid_epoch(f) for f in frames]}) + "\n")
    return path


def read_gif_epochs(folder: str | Path) -> list[int]:
    """The epoch of each frame of ``folder/training.gif``, in order (see :func:`write_gif_epochs`)."""
    path = Path(folder) / GIF_EPOCHS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: it records which epoch each frame of {GIF_FILE} shows")
    return list(json.loads(path.read_text())["epochs"])


def has_checkpoint(run_dir: str | Path) -> bool:
    """Whether a run folder holds a training run's checkpoints (read without TensorFlow)."""
    return (Path(run_dir) / CHECKPOINT_SUBDIR / CHECKPOINT_INDEX).is_file()


def append_rows(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Append ``rows`` to the CSV table at ``path``, writing the header ``columns`` first if it is new.

    Each row starts with the integer counters step and epoch; the other values are
    written as floats with 6 significant digits.
    """
    path = Path(path)
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(columns)
        for step, epoch, *values in rows:
            writer.writerow([step, epoch, *(f"{float(v):.6g}" for v in values)])


def truncate_rows(path: str | Path, last_step: int) -> None:
    """Drop the rows of a table that are newer than ``last_step``, so it matches a restored checkpoint."""
    path = Path(path)
    if not path.exists():
        return
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        kept = [row for row in reader if row and int(row[0]) <= last_step]
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header or HISTORY_COLUMNS)
        writer.writerows(kept)


def read_history(path: str | Path) -> dict[str, np.ndarray]:
    """Read ``losses.csv`` of a run (or the run folder), or ``quality.csv``, into a dict of column arrays.

    ``step`` and ``epoch`` are int64 arrays, every other column float64.
    """
    path = Path(path)
    if path.is_dir():
        path = path / HISTORY_FILE
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames or list(HISTORY_COLUMNS)
    return {name: np.array([row[name] for row in rows], dtype=np.int64 if name in _COUNTERS else np.float64)
            for name in columns}
