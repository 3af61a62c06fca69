"""Saving and restoring GAN training state, loudly.

The lecture restored with ``checkpoint.restore(tf.train.latest_checkpoint(d))``,
which does nothing at all when ``d`` holds no checkpoint, so its latent-space
section could silently explore an untrained generator (erratum 7). Every restore
here either restores everything it was asked to or raises :class:`CheckpointError`
with a message that says what to do.

The files of a run folder (written by :func:`ganlib.training.train`) are named in
:mod:`ganlib.runfolder`.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf

from .config import DCGANConfig
from .runfolder import CHECKPOINT_INDEX, CHECKPOINT_SUBDIR, CONFIG_FILE, GENERATOR_WEIGHTS


class CheckpointError(RuntimeError):
    """A checkpoint is missing, corrupt, or does not fit the model it is restored into."""


def checkpoint_dir(run_dir: str | Path) -> Path:
    """Where a run keeps its checkpoints; accepts the run folder or that folder itself."""
    run_dir = Path(run_dir)
    if (run_dir / CHECKPOINT_SUBDIR).is_dir():
        return run_dir / CHECKPOINT_SUBDIR
    if (run_dir / CHECKPOINT_INDEX).is_file():
        return run_dir
    return run_dir / CHECKPOINT_SUBDIR


def latest_checkpoint(run_dir: str | Path) -> str | None:
    """Path prefix of the newest checkpoint of a run, or None when there is none."""
    directory = checkpoint_dir(run_dir)
    return tf.train.latest_checkpoint(str(directory)) if directory.is_dir() else None


def build_optimizer(optimizer, model) -> None:
    """Create a Keras 3 optimizer's slot variables now rather than at its first step.

    A fresh optimizer has no slots, so a restore would leave the saved moments
    pending and a full restore could not be verified.
    """
    if not optimizer.built:
        optimizer.build(model.trainable_variables)


def restore_checkpoint(checkpoint: tf.train.Checkpoint, run_dir: str | Path) -> str:
    """Restore the newest checkpoint of ``run_dir`` into every object of ``checkpoint``.

    Optimizers inside ``checkpoint`` must already be built (:func:`build_optimizer`).
    Returns the restored checkpoint's path prefix.

    Raises
    ------
    CheckpointError
        When no checkpoint exists, the files are unreadable, or the saved variables
        do not match the objects (a different architecture or configuration).
    """
    path = latest_checkpoint(run_dir)
    if path is None:
        raise CheckpointError(
            f"no checkpoint in {checkpoint_dir(run_dir)}: train one with "
            f"`python -m ganlib train --out {run_dir}` or point to a folder that a training run wrote"
        )
    failure = _try_restore(checkpoint, path, full=True)
    if failure:
        raise CheckpointError(
            f"checkpoint {path} does not fit this model ({failure}); was it trained "
            "with another configuration (gen_filters, latent_dim)? Build the model from the "
            f"run's own {CONFIG_FILE}, or retrain"
        )
    return path


def _try_restore(checkpoint: tf.train.Checkpoint, path: str, full: bool) -> str | None:
    """Restore ``path`` into ``checkpoint``; return the first line of the error, or None.

    ``full`` demands that every saved value and every object match (assert_consumed);
    otherwise only the objects given must all be restored. A failed restore leaves
    TensorFlow's bookkeeping of unmatched values behind, and when Python collects it
    TensorFlow logs dozens of warnings into whatever runs next (in a notebook: an
    unrelated later cell). The error raised by the caller says all there is to say,
    so the bookkeeping is silenced and collected here, with the logger muted.
    """
    import gc
    import logging

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)
    status = None
    try:
        try:
            status = checkpoint.restore(path)
            if full:
                status.assert_consumed()
            else:
                status.expect_partial().assert_existing_objects_matched()
            return None
        except (AssertionError, ValueError, tf.errors.OpError) as err:
            failure = _first_line(err)
            _silence_restore_coordinators(err)
        if status is not None:
            status.expect_partial()
        del status
        gc.collect()
        return failure
    finally:
        logger.setLevel(level)


def _silence_restore_coordinators(err: BaseException) -> None:
    """Mark the restore bookkeeping that a failed ``restore()`` left as partial.

    When ``restore`` itself raises (a shape mismatch), no status object is returned
    and the bookkeeping stays attached to the caller's variables, warning when they
    are collected. It is a local of a frame in the traceback; TensorFlow's own
    ``expect_partial`` property silences it.
    """
    tb = err.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if hasattr(value, "expect_partial_attr"):  # tf's _CheckpointRestoreCoordinator
                value.expect_partial = True
        tb = tb.tb_next


def load_config(run_dir: str | Path) -> DCGANConfig:
    """The configuration a run folder was trained with."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise CheckpointError(f"no such folder: {run_dir}")
    path = run_dir / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError(
            f"{run_dir} has no {CONFIG_FILE}; it is not a folder written by `python -m ganlib train`"
        )
    try:
        return DCGANConfig.load(path)
    except ValueError as err:
        raise CheckpointError(f"{path} is corrupt: {err}") from None


def load_generator(run_dir: str | Path, cfg: DCGANConfig | None = None):
    """Rebuild a run's generator and restore its weights, ready for inference.

    Takes the newest checkpoint in ``run_dir/checkpoints`` when there is one, else
    ``run_dir/generator.weights.h5``. ``cfg`` defaults to the run's ``config.json``.
    A run with ``ema_decay > 0`` gives its weight-averaged generator; a conditional
    run (``conditional`` in its config) gives a conditional generator, which takes
    [z, label] (:func:`ganlib.models.make_conditional_generator`).
    """
    from .models import make_generator

    run_dir = Path(run_dir)
    cfg = cfg if cfg is not None else load_config(run_dir)
    generator = make_generator(cfg)
    path = latest_checkpoint(run_dir)
    if path is not None:
        key = "ema_generator" if cfg.ema_decay > 0 else "generator"  # the one that samples
        failure = _try_restore(tf.train.Checkpoint(**{key: generator}), path, full=False)
        if failure:
            raise CheckpointError(
                f"generator in {path} does not fit the configuration given ({failure}); was it "
                f"trained with another configuration (gen_filters, latent_dim, conditional)? Leave cfg out to "
                f"use the run's own {CONFIG_FILE}"
            )
        return generator
    weights = run_dir / GENERATOR_WEIGHTS
    if weights.is_file():
        load_weights(generator, weights)
        return generator
    raise CheckpointError(
        f"{run_dir} holds neither a checkpoint nor {GENERATOR_WEIGHTS}: train with "
        f"`python -m ganlib train --out {run_dir}`"
    )


def load_weights(model, path: str | Path) -> None:
    """``model.load_weights`` with a clear error for a corrupt or mismatched file."""
    try:
        model.load_weights(str(path))
    except Exception as err:  # h5py and Keras raise a variety of types here
        raise CheckpointError(
            f"cannot load {path} into {model.name} ({_first_line(err)}); the file is corrupt "
            "or was saved from another architecture"
        ) from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:300] if text else type(err).__name__
