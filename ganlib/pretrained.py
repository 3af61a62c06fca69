"""The models shipped in ``pretrained/``, each file checked against its recorded sha256.

``pretrained/SHA256SUMS`` lists every shipped file in ``sha256sum`` format, so
``cd pretrained && sha256sum -c SHA256SUMS`` checks them by hand too. A missing or
altered file raises :class:`ganlib.checkpoints.CheckpointError` that says how to get
it back.

The conditional model (``DCGANConfig(conditional=True)``, notebook 08) lives in its
own folder, ``pretrained/conditional/``, with its own ``SHA256SUMS``: it has a
``config.json`` and ``generator.weights.h5`` of its own, so it cannot share the
unconditional model's folder. :func:`ship` and :func:`verify` take the folder.

Where the folder is (:func:`shipped_dir`): in a source checkout, and in an editable
install of one, the repository's ``pretrained/``; in an installed wheel or sdist, the
same files inside the package, as ``ganlib/_shipped/`` (``pyproject.toml`` maps the
data-only package ``ganlib._shipped`` onto ``pretrained/``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .checkpoints import CheckpointError, load_generator
from .classifier import CLASSIFIER_INFO, CLASSIFIER_WEIGHTS, load_classifier_from, read_info
from .data import source_checkout
from .runfolder import CONFIG_FILE, GENERATOR_WEIGHTS

SUMS_FILE = "SHA256SUMS"
RESTORE_HINT = ("restore it with `git checkout -- pretrained/` in the repository (or download it again), "
                "or reinstall ganlib, whose package carries the same files "
                "(`pip install --force-reinstall --no-deps` from where you installed it); "
                "pretrained/README.md gives the commands that rebuild every file")


def shipped_dir() -> Path:
    """The folder of the shipped models: the installed package's copy, else the checkout's ``pretrained/``.

    An installed wheel holds them in ``ganlib/_shipped/``; a source checkout (or an
    editable install of it, whose ``ganlib/`` is the checkout's) has no such folder and
    uses the repository's ``pretrained/``. When the files are not there (a build
    stripped of them, a checkout that lost them) it still returns the folder where they
    belong, so that loading them raises the CheckpointError that says how to get them back.
    """
    installed = Path(__file__).resolve().parent / "_shipped"
    root = source_checkout()
    if installed.is_dir() or root is None:
        return installed
    return root / "pretrained"


PRETRAINED_DIR = shipped_dir()
CONDITIONAL_DIR = PRETRAINED_DIR / "conditional"
#: The lecture-architecture model that was the shipped generator before the ``compact`` one:
#: kept for comparison (notebooks 02 and 07), without its discriminator and GIF.
LECTURE_DIR = PRETRAINED_DIR / "lecture"
ISING_DIR = PRETRAINED_DIR / "ising"
#: The shipped InfoGAN of notebook 09 (issue 16): its generator takes [z, code, continuous].
INFOGAN_DIR = PRETRAINED_DIR / "infogan"


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def recorded_hashes(directory: str | Path = PRETRAINED_DIR) -> dict[str, str]:
    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(f"no shipped models: {directory} does not exist; {RESTORE_HINT}")
    path = directory / SUMS_FILE
    if not path.is_file():
        raise CheckpointError(f"{path} is missing; {RESTORE_HINT}")
    hashes = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            hashes[name.lstrip("*")] = digest
    return hashes


def verify(names: list[str], directory: str | Path = PRETRAINED_DIR) -> None:
    """Check shipped files against SHA256SUMS; raise CheckpointError naming the first bad one."""
    directory = Path(directory)
    hashes = recorded_hashes(directory)
    for name in names:
        path = directory / name
        if name not in hashes:
            raise CheckpointError(f"{name} has no recorded hash in {directory / SUMS_FILE}; {RESTORE_HINT}")
        if not path.is_file():
            raise CheckpointError(f"{path} is missing; {RESTORE_HINT}")
        if sha256(path) != hashes[name]:
            raise CheckpointError(f"{path} is corrupt or was changed (its sha256 differs from the recorded one); "
                                  f"{RESTORE_HINT}")


def write_hashes(directory: str | Path = PRETRAINED_DIR) -> Path:
    """Record the sha256 of every file in ``directory`` (except README.md and SHA256SUMS)."""
    directory = Path(directory)
    names = sorted(p.name for p in directory.iterdir()
                   if p.is_file() and p.name not in (SUMS_FILE, "README.md"))
    path = directory / SUMS_FILE
    path.write_text("".join(f"{sha256(directory / n)}  {n}\n" for n in names))
    return path


def load_pretrained(directory: str | Path = PRETRAINED_DIR):
    """The shipped generator, hash-checked and ready for inference (``training=False``)."""
    verify([CONFIG_FILE, GENERATOR_WEIGHTS], directory)
    return load_generator(directory)


def load_pretrained_conditional(directory: str | Path = CONDITIONAL_DIR):
    """The shipped conditional generator, hash-checked and ready for inference.

    It takes ``[z, labels]``: use :func:`ganlib.generate_images` with one digit per
    latent vector, or :func:`ganlib.explore.digit_rows`. Raises CheckpointError, with
    the way to restore it, when the folder, a file or a hash is missing or wrong, or
    when the folder holds an unconditional model.
    """
    from .models import num_classes_of

    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(f"no shipped conditional model: {directory} does not exist; {RESTORE_HINT}")
    verify([CONFIG_FILE, GENERATOR_WEIGHTS], directory)
    generator = load_generator(directory)
    if num_classes_of(generator) is None:
        raise CheckpointError(f"{directory} holds an unconditional model, not a conditional one; "
                              f"{RESTORE_HINT}")
    return generator


def load_pretrained_infogan(directory: str | Path = INFOGAN_DIR):
    """The shipped InfoGAN generator (notebook 09), hash-checked and ready for inference.

    It takes ``[z, code, continuous]``: draw with :func:`ganlib.infogan.sample` or
    :func:`ganlib.infogan.generate`. Raises CheckpointError, with the way to restore it, when
    the folder, a file or a hash is missing or wrong, or when the folder holds another kind of model.
    """
    from .models import info_codes_of

    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(f"no shipped InfoGAN: {directory} does not exist; {RESTORE_HINT}")
    verify([CONFIG_FILE, GENERATOR_WEIGHTS], directory)
    generator = load_generator(directory)
    if info_codes_of(generator) is None:
        raise CheckpointError(f"{directory} holds a model without InfoGAN codes; {RESTORE_HINT}")
    return generator


def load_pretrained_ising(directory: str | Path = ISING_DIR):
    """The shipped generator of 16 x 16 Ising configurations (notebook 10), hash-checked.

    A conditional generator whose label is a temperature index: draw spins with
    :func:`ganlib.ising.generate_spins` and the temperatures of the folder's ``ising.json``
    (:func:`ganlib.ising.read_model_info`).
    """
    from .runfolder import ISING_FILE

    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(f"no shipped Ising model: {directory} does not exist; {RESTORE_HINT}")
    verify([CONFIG_FILE, GENERATOR_WEIGHTS, ISING_FILE], directory)
    return load_generator(directory)


ISING_MONTE_CARLO_DIR = ISING_DIR / "monte_carlo"


def load_ising_monte_carlo(name: str, directory: str | Path = ISING_MONTE_CARLO_DIR) -> dict:
    """A shipped Monte Carlo data set of notebook 10, hash-checked: ``"train.npz"`` (what the shipped
    Ising GAN learnt from), ``"test.npz"`` (what it is judged against), ``"check_L16.npz"`` or
    ``"check_L32.npz"`` (the sampler against Onsager). The dict of :func:`ganlib.ising.load_dataset`."""
    from .ising import load_dataset

    verify([name], directory)
    return load_dataset(Path(directory) / name)


def load_classifier(directory: str | Path = PRETRAINED_DIR):
    """The shipped MNIST classifier of :mod:`ganlib.classifier`, hash-checked."""
    verify([CLASSIFIER_WEIGHTS, CLASSIFIER_INFO], directory)
    return load_classifier_from(directory)


def classifier_info(directory: str | Path = PRETRAINED_DIR) -> dict:
    """How the shipped classifier was trained: seed, hold-out size, epochs, hold-out accuracy."""
    verify([CLASSIFIER_INFO], directory)
    return read_info(directory)


def gif_frames(frames: list, max_frames: int) -> list:
    """At most ``max_frames`` of ``frames``, evenly strided, the last one always among them:
    the shipped GIF keeps pretrained/ small."""
    stride = -(-len(frames) // max_frames)
    return frames[::-1][::stride][::-1]


def ship(run_dir: str | Path, target: str | Path = PRETRAINED_DIR, grid_n: int = 64, grid_seed: int = 0,
         max_frames: int = 100, with_discriminator: bool = True, losses_every: int = 1) -> list[str]:
    """Copy a training run's model into ``target`` as the shipped model and record hashes.

    Writes ``config.json``, ``generator.weights.h5`` and ``discriminator.weights.h5``
    (from the run's newest checkpoint, weights only; ``with_discriminator=False`` leaves D
    out, for a model whose D is too big to ship and is not needed to sample), ``losses.csv``, the run's
    ``quality.csv`` as ``quality_during_training.csv`` (if it measured quality),
    ``training.gif`` of the per-epoch grids (every k-th epoch, ending with the last, when
    there are more than ``max_frames``; none with ``max_frames=0``) with
    ``training_gif_epochs.json``, the epoch of each frame, and ``final_grid.png`` of ``grid_n`` samples
    from latent seed ``grid_seed`` (an InfoGAN's: its per-epoch grid, one row per category); then
    rewrites ``SHA256SUMS`` for every file in ``target``. ``losses_every=k`` keeps every k-th step
    of ``losses.csv`` (and the last), to keep a long run's table small. Returns the names written.
    """
    import shutil

    import tensorflow as tf

    from .checkpoints import latest_checkpoint, load_config
    from .latent import sample_latent
    from .models import cycling_labels, generate_images, make_discriminator, make_generator
    from .plotting import save_gif, save_grid
    from .runfolder import (DISCRIMINATOR_WEIGHTS, FINAL_GRID, GIF_EPOCHS_FILE, GIF_FILE, HISTORY_FILE,
                            ISING_FILE, QUALITY_FILE, SHIPPED_QUALITY_FILE, sample_grids, write_gif_epochs)

    run_dir, target = Path(run_dir), Path(target)
    cfg = load_config(run_dir)
    path = latest_checkpoint(run_dir)
    if path is None:
        raise CheckpointError(f"{run_dir} holds no checkpoint to ship")
    generator, d = make_generator(cfg), make_discriminator(cfg)
    key = "ema_generator" if cfg.ema_decay > 0 else "generator"  # the one that samples
    tf.train.Checkpoint(**{key: generator}, discriminator=d).restore(path) \
        .expect_partial().assert_existing_objects_matched()
    target.mkdir(parents=True, exist_ok=True)
    cfg.save(target / CONFIG_FILE)
    generator.save_weights(str(target / GENERATOR_WEIGHTS))
    names = [CONFIG_FILE, GENERATOR_WEIGHTS]
    if with_discriminator:
        d.save_weights(str(target / DISCRIMINATOR_WEIGHTS))
        names.append(DISCRIMINATOR_WEIGHTS)
    if (run_dir / HISTORY_FILE).is_file():
        lines = (run_dir / HISTORY_FILE).read_text().splitlines(keepends=True)
        rows = lines[1:]
        kept = [row for i, row in enumerate(rows) if (i + 1) % losses_every == 0 or i == len(rows) - 1]
        (target / HISTORY_FILE).write_text("".join(lines[:1] + kept))
        names.append(HISTORY_FILE)
    if (run_dir / ISING_FILE).is_file():  # a spin model: the temperature of each label
        shutil.copyfile(run_dir / ISING_FILE, target / ISING_FILE)
        names.append(ISING_FILE)
    if (run_dir / QUALITY_FILE).is_file():
        shutil.copyfile(run_dir / QUALITY_FILE, target / SHIPPED_QUALITY_FILE)
        names.append(SHIPPED_QUALITY_FILE)
    frames = sample_grids(run_dir) if max_frames > 0 else []
    if frames:
        kept = gif_frames(frames, max_frames)
        save_gif(kept, target / GIF_FILE, duration_ms=80)
        write_gif_epochs(target, kept)
        names += [GIF_FILE, GIF_EPOCHS_FILE]
    if cfg.infogan:
        from .training import draw_sample_grid

        images, columns = draw_sample_grid(cfg, generator)  # a row per category
        save_grid(images, target / FINAL_GRID, ncols=columns)
    else:
        z = sample_latent(grid_n, cfg.latent_dim, seed=grid_seed)
        labels = cycling_labels(grid_n, cfg.num_classes) if cfg.conditional else None  # a column per digit
        save_grid(generate_images(generator, z, labels), target / FINAL_GRID,
                  ncols=min(grid_n, cfg.num_classes) if cfg.conditional else None)
    names.append(FINAL_GRID)
    write_hashes(target)
    return names
