import numpy as np
import pytest
import tensorflow as tf

from ganlib.checkpoints import (
    GENERATOR_WEIGHTS, CheckpointError, load_config, load_generator, restore_checkpoint,
)
from ganlib.latent import sample_latent
from ganlib.models import generate_images
from ganlib.training import build_gan, train

from . import lecture_defects as lecture
from .conftest import replace


@pytest.fixture(scope="module")
def trained_run(tiny_cfg, small_images, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = train(tiny_cfg, small_images, out, epochs=1, verbose=0)
    return out, result.state


def test_restore_reproduces_the_generator_exactly(trained_run, tiny_cfg):
    out, state = trained_run
    z = sample_latent(10, tiny_cfg.latent_dim, seed=5)
    np.testing.assert_array_equal(generate_images(load_generator(out), z), generate_images(state.generator, z))


def test_full_restore_brings_back_both_optimizers_and_counters(trained_run, tiny_cfg):
    out, state = trained_run
    fresh = build_gan(replace(tiny_cfg, seed=11))  # other initial weights
    restore_checkpoint(fresh.checkpoint(), out)
    assert int(fresh.epoch) == 1 and int(fresh.step) == int(state.step) == 3
    for opt_a, opt_b in ((fresh.gen_optimizer, state.gen_optimizer), (fresh.disc_optimizer, state.disc_optimizer)):
        assert int(opt_a.iterations) == 3
        for a, b in zip(opt_a.variables, opt_b.variables):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    for a, b in zip(fresh.discriminator.weights, state.discriminator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 7: restores nothing, silently")),
])
def test_restoring_from_a_folder_without_checkpoint_raises(impl, tiny_cfg, tmp_path):
    state = build_gan(tiny_cfg)
    with pytest.raises(CheckpointError, match="no checkpoint"):
        if impl == "ganlib":
            restore_checkpoint(state.checkpoint(), tmp_path)
        else:
            lecture.restore(state.checkpoint(), tmp_path)


def test_restoring_into_another_architecture_raises(trained_run, tiny_cfg):
    out, _ = trained_run
    other = build_gan(replace(tiny_cfg, gen_filters=4))
    with pytest.raises(CheckpointError, match="does not fit"):
        restore_checkpoint(other.checkpoint(), out)
    with pytest.raises(CheckpointError, match="does not fit"):
        load_generator(out, replace(tiny_cfg, latent_dim=9))


def test_a_restore_into_an_unbuilt_optimizer_cannot_be_verified(trained_run, tiny_cfg):
    """Why build_gan builds the optimizers: Keras 3 creates Adam's slots lazily."""
    import keras

    out, _ = trained_run
    fresh = build_gan(tiny_cfg)
    lazy = keras.optimizers.Adam(1e-3)
    ckpt = tf.train.Checkpoint(generator=fresh.generator, generator_optimizer=lazy)
    status = ckpt.restore(tf.train.latest_checkpoint(str(out / "checkpoints"))).expect_partial()
    with pytest.raises(AssertionError):
        status.assert_consumed()


def test_missing_or_corrupt_run_folders_give_clear_errors(trained_run, tmp_path):
    with pytest.raises(CheckpointError, match="no such folder"):
        load_generator(tmp_path / "nowhere")
    with pytest.raises(CheckpointError, match="config.json"):
        load_generator(tmp_path)  # exists, but was not written by train
    (tmp_path / "config.json").write_text("{broken")
    with pytest.raises(CheckpointError, match="corrupt"):
        load_config(tmp_path)
    out, _ = trained_run
    (tmp_path / "config.json").write_text((out / "config.json").read_text())
    with pytest.raises(CheckpointError, match="neither a checkpoint nor"):
        load_generator(tmp_path)
    (tmp_path / GENERATOR_WEIGHTS).write_bytes(b"not an HDF5 file")
    with pytest.raises(CheckpointError, match="corrupt"):
        load_generator(tmp_path)


def test_weights_file_alone_is_enough_for_inference(trained_run, tiny_cfg, tmp_path):
    out, state = trained_run
    (tmp_path / "config.json").write_text((out / "config.json").read_text())
    (tmp_path / GENERATOR_WEIGHTS).write_bytes((out / GENERATOR_WEIGHTS).read_bytes())
    z = sample_latent(4, tiny_cfg.latent_dim, seed=0)
    np.testing.assert_array_equal(generate_images(load_generator(tmp_path), z), generate_images(state.generator, z))


def test_a_failed_restore_leaves_no_warnings_for_later(trained_run, tiny_cfg, caplog):
    import gc
    import logging

    out, _ = trained_run
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        with pytest.raises(CheckpointError):
            load_generator(out, replace(tiny_cfg, latent_dim=9))
        with pytest.raises(CheckpointError):
            restore_checkpoint(build_gan(replace(tiny_cfg, gen_filters=4)).checkpoint(), out)
        gc.collect()  # what Python would do later, in some unrelated cell
    assert not [r for r in caplog.records if "checkpoint" in r.getMessage().lower()]
