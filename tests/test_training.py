import json

import numpy as np
import pytest
import tensorflow as tf

from ganlib import training
from ganlib.checkpoints import GENERATOR_WEIGHTS, load_generator
from ganlib.models import generate_images
from ganlib.runfolder import HISTORY_COLUMNS, append_rows
from ganlib.training import build_gan, make_train_step, read_history, train

from . import lecture_defects as lecture
from .conftest import replace


def _weights(model):
    return [w.numpy().copy() for w in model.weights]


def test_one_train_step_changes_both_networks_and_returns_finite_losses(tiny_cfg, small_images):
    state = build_gan(tiny_cfg)
    before_g, before_d = _weights(state.generator), _weights(state.discriminator)
    out = make_train_step(state)(tf.constant(small_images[:16]))
    assert set(out) == {"gen_loss", "disc_loss", "d_real", "d_fake"}
    assert all(np.isfinite(float(v)) for v in out.values())
    assert 0 < float(out["d_real"]) < 1 and 0 < float(out["d_fake"]) < 1
    after_g, after_d = _weights(state.generator), _weights(state.discriminator)
    assert any(not np.array_equal(a, b) for a, b in zip(before_g, after_g))
    assert any(not np.array_equal(a, b) for a, b in zip(before_d, after_d))
    assert int(state.step) == 1
    assert int(state.gen_optimizer.iterations) == int(state.disc_optimizer.iterations) == 1


def test_minimax_variant_trains_too(tiny_cfg, small_images):
    state = build_gan(replace(tiny_cfg, generator_loss="minimax"))
    out = make_train_step(state)(tf.constant(small_images[:16]))
    assert float(out["gen_loss"]) < 0  # log(1 - D(G(z))) is negative


def test_same_seed_same_weights(tiny_cfg, small_images, tmp_path):
    a = train(tiny_cfg, small_images, tmp_path / "a", epochs=1, verbose=0)
    b = train(tiny_cfg, small_images, tmp_path / "b", epochs=1, verbose=0)
    for wa, wb in zip(_weights(a.state.generator), _weights(b.state.generator)):
        np.testing.assert_array_equal(wa, wb)
    c = train(replace(tiny_cfg, seed=4), small_images, tmp_path / "c", epochs=1, verbose=0)
    assert not np.array_equal(_weights(a.state.generator)[0], _weights(c.state.generator)[0])


def test_train_creates_its_folders_and_writes_every_artifact(tiny_cfg, small_images, tmp_path):
    out = tmp_path / "not" / "yet" / "there"
    result = train(tiny_cfg, small_images, out, verbose=0)
    assert result.epochs_run == [1, 2] and result.steps == 6 and not result.stopped_early
    assert json.loads((out / "config.json").read_text())["seed"] == tiny_cfg.seed
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["epoch_001.png", "epoch_002.png"]
    assert result.gif == out / "training.gif" and result.gif.stat().st_size > 0
    assert (out / GENERATOR_WEIGHTS).is_file()
    history = read_history(out)
    assert history["step"].tolist() == [1, 2, 3, 4, 5, 6]
    assert history["epoch"].tolist() == [1, 1, 1, 2, 2, 2]
    assert np.all(np.isfinite(history["gen_loss"])) and np.all(np.isfinite(history["disc_loss"]))


@pytest.mark.parametrize("impl", [
    "ganlib",
    pytest.param("lecture", marks=pytest.mark.xfail(strict=True, reason="erratum 3: str(list) loss file")),
])
def test_loss_history_reads_back_as_numbers(impl, tiny_cfg, small_images, tmp_path):
    gen = np.array([0.7, 0.69, 0.71], np.float32)
    disc = np.array([1.4, 1.38, 1.35], np.float32)
    path = tmp_path / "losses"
    if impl == "ganlib":
        append_rows(path, HISTORY_COLUMNS, [(i + 1, 1, g, d, 0.5, 0.5) for i, (g, d) in enumerate(zip(gen, disc))])
    else:
        lecture.write_losses(path, gen, disc)
    history = read_history(path)
    np.testing.assert_allclose(history["gen_loss"], gen, rtol=1e-5)
    np.testing.assert_allclose(history["disc_loss"], disc, rtol=1e-5)


def test_resume_runs_epoch_two_not_epoch_one_again(tiny_cfg, small_images, tmp_path):
    straight = train(tiny_cfg, small_images, tmp_path / "straight", epochs=2, verbose=0)

    first = train(tiny_cfg, small_images, tmp_path / "split", epochs=1, verbose=0)
    assert first.epochs_run == [1]
    second = train(tiny_cfg, small_images, tmp_path / "split", epochs=2, resume=True, verbose=0)
    assert second.epochs_run == [2]
    assert int(second.state.gen_optimizer.iterations) == 6  # Adam's state came back with the weights
    history = read_history(tmp_path / "split")
    assert history["step"].tolist() == list(range(1, 7))
    assert history["epoch"].tolist() == [1, 1, 1, 2, 2, 2]
    # noise RNG, shuffle order, weights and Adam moments all restored: the same run
    for a, b in zip(_weights(straight.state.generator), _weights(second.state.generator)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(straight.state.gen_optimizer.variables, second.state.gen_optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_a_stop_inside_an_epoch_resumes_exactly(tiny_cfg, small_images, tmp_path):
    straight = train(tiny_cfg, small_images, tmp_path / "straight", verbose=0)
    part = train(tiny_cfg, small_images, tmp_path / "r", max_steps=4, verbose=0)
    assert part.stopped_early and part.steps == 4 and part.epochs_run == [1]
    rest = train(tiny_cfg, small_images, tmp_path / "r", resume=True, verbose=0)
    # epoch 2 continues with its second batch: the same six steps as without the stop
    assert rest.epochs_run == [2] and rest.steps == 6
    history = read_history(tmp_path / "r")
    assert history["step"].tolist() == list(range(1, 7)) and history["epoch"].tolist() == [1, 1, 1, 2, 2, 2]
    np.testing.assert_allclose(history["gen_loss"], read_history(tmp_path / "straight")["gen_loss"], rtol=1e-4)
    for a, b in zip(_weights(straight.state.generator), _weights(rest.state.generator)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_interrupt_saves_a_checkpoint_that_resume_continues(tiny_cfg, small_images, tmp_path, monkeypatch):
    real_save_grid = training.save_grid
    calls = []

    def interrupt_after_first_epoch(*args, **kwargs):
        real_save_grid(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(training, "save_grid", interrupt_after_first_epoch)
    with pytest.raises(KeyboardInterrupt):
        train(replace(tiny_cfg, checkpoint_every=10), small_images, tmp_path / "i", verbose=0)
    resumed = train(replace(tiny_cfg, checkpoint_every=10), small_images, tmp_path / "i", resume=True, verbose=0)
    assert resumed.epochs_run == [2] and resumed.steps == 6
    assert read_history(tmp_path / "i")["step"].tolist() == list(range(1, 7))


def test_a_finished_run_is_never_overwritten_by_accident(tiny_cfg, small_images, tmp_path):
    train(tiny_cfg, small_images, tmp_path / "run", epochs=1, verbose=0)
    with pytest.raises(FileExistsError, match="resume"):
        train(tiny_cfg, small_images, tmp_path / "run", epochs=1, verbose=0)
    with pytest.raises(ValueError, match="gen_filters"):
        train(replace(tiny_cfg, gen_filters=4), small_images, tmp_path / "run", resume=True, verbose=0)


def test_the_per_epoch_grid_uses_the_same_latent_points(tiny_cfg, small_images, tmp_path):
    result = train(tiny_cfg, small_images, tmp_path / "g", epochs=1, verbose=0)
    np.testing.assert_array_equal(training.fixed_latent(tiny_cfg), training.fixed_latent(tiny_cfg))
    restored = load_generator(tmp_path / "g")
    z = training.fixed_latent(tiny_cfg)
    np.testing.assert_array_equal(generate_images(restored, z), generate_images(result.state.generator, z))


def test_quality_hook_is_recorded_every_k_epochs_and_survives_resume(tiny_cfg, small_images, tmp_path):
    seen = []

    def probe(generator):
        seen.append(generator.name)
        return {"score": 1.5 * len(seen), "coverage": 0.5}

    cfg = replace(tiny_cfg, epochs=4)
    train(cfg, small_images, tmp_path / "q", epochs=2, verbose=0, quality=probe, quality_every=2)
    train(cfg, small_images, tmp_path / "q", resume=True, verbose=0, quality=probe, quality_every=2)
    table = read_history(tmp_path / "q" / training.QUALITY_FILE)
    assert table["epoch"].tolist() == [2, 4] and table["step"].tolist() == [6, 12]
    assert table["score"].tolist() == [1.5, 3.0] and seen == ["generator", "generator"]


def test_ema_generator_averages_the_weights_and_is_what_samples(tiny_cfg, small_images, tmp_path):
    cfg = replace(tiny_cfg, ema_decay=0.5)
    state = build_gan(cfg)
    before = _weights(state.generator)
    make_train_step(state)(tf.constant(small_images[:16]))
    after = _weights(state.generator)
    decay = min(0.5, 1 / 10)  # warm-up at step 0: (1 + step) / (10 + step)
    for average, w0, w1 in zip(_weights(state.ema_generator), before, after):
        np.testing.assert_allclose(average, decay * w0 + (1 - decay) * w1, rtol=1e-5, atol=1e-6)

    result = train(cfg, small_images, tmp_path / "ema", epochs=1, verbose=0)
    z = training.fixed_latent(cfg)
    restored = load_generator(tmp_path / "ema")
    np.testing.assert_array_equal(generate_images(restored, z), generate_images(result.state.ema_generator, z))
    assert not np.allclose(generate_images(restored, z), generate_images(result.state.generator, z))


def test_one_conditional_train_step_changes_both_networks_and_returns_finite_losses(
        tiny_cond_cfg, small_images, small_labels):
    state = build_gan(replace(tiny_cond_cfg, ema_decay=0.5))
    assert len(state.generator.inputs) == len(state.ema_generator.inputs) == 2
    before_g, before_d = _weights(state.generator), _weights(state.discriminator)
    out = make_train_step(state)(tf.constant(small_images[:16]), tf.constant(small_labels[:16]))
    assert all(np.isfinite(float(v)) for v in out.values())
    assert 0 < float(out["d_real"]) < 1 and 0 < float(out["d_fake"]) < 1
    assert any(not np.array_equal(a, b) for a, b in zip(before_g, _weights(state.generator)))
    assert any(not np.array_equal(a, b) for a, b in zip(before_d, _weights(state.discriminator)))
    assert int(state.step) == 1
    with pytest.raises(ValueError, match="needs the real images' labels"):
        make_train_step(state)(tf.constant(small_images[:16]))


def test_the_fake_labels_come_from_the_states_noise_generator(tiny_cond_cfg, small_images, small_labels):
    # after the normal draw of z, a conditional step draws one uniform int per fake from the
    # same noise generator: the same seed gives the same step, another seed another one
    def first_step(seed):
        state = build_gan(tiny_cond_cfg)
        state.noise.reset_from_seed(seed)
        make_train_step(state)(tf.constant(small_images[:16]), tf.constant(small_labels[:16]))
        return _weights(state.generator), state.noise.state.numpy().copy()

    (a, state_a), (b, _), (c, _) = first_step(1), first_step(1), first_step(2)
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)
    assert any(not np.array_equal(wa, wc) for wa, wc in zip(a, c))
    plain = build_gan(replace(tiny_cond_cfg, conditional=False))
    plain.noise.reset_from_seed(1)
    make_train_step(plain)(tf.constant(small_images[:16]))
    assert not np.array_equal(plain.noise.state.numpy(), state_a)  # the labels took draws of their own


def test_a_conditional_run_writes_its_files_and_resumes(tiny_cond_cfg, mnist, tmp_path):
    images, labels = mnist[0][:128], mnist[1][:128]
    cfg = replace(tiny_cond_cfg, batch_size=32, sample_grid_size=20)
    first = train(cfg, images, tmp_path / "c", epochs=1, verbose=0, labels=labels)
    assert first.epochs_run == [1] and first.steps == 4
    out = tmp_path / "c"
    assert json.loads((out / "config.json").read_text())["conditional"] is True
    assert (out / "samples" / "epoch_001.png").is_file() and (out / GENERATOR_WEIGHTS).is_file()
    assert first.gif.stat().st_size > 0
    np.testing.assert_array_equal(training.fixed_labels(cfg), np.arange(20) % 10)

    second = train(cfg, images, out, epochs=2, resume=True, verbose=0, labels=labels)
    assert second.epochs_run == [2] and second.steps == 8
    history = read_history(out)
    assert history["step"].tolist() == list(range(1, 9)) and np.all(np.isfinite(history["gen_loss"]))
    straight = train(cfg, images, tmp_path / "straight", epochs=2, verbose=0, labels=labels)
    for a, b in zip(_weights(straight.state.generator), _weights(second.state.generator)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)

    restored = load_generator(out)  # config.json says conditional: a generator that takes labels
    z, digits = training.fixed_latent(cfg), training.fixed_labels(cfg)
    np.testing.assert_array_equal(generate_images(restored, z, digits),
                                  generate_images(second.state.generator, z, digits))


def test_a_conditional_run_needs_labels_and_an_unconditional_one_refuses_them(
        tiny_cfg, tiny_cond_cfg, small_images, small_labels, tmp_path):
    with pytest.raises(ValueError, match="labels=labels"):
        train(tiny_cond_cfg, small_images, tmp_path / "a", epochs=1, verbose=0)
    with pytest.raises(ValueError, match="conditional=True"):
        train(tiny_cfg, small_images, tmp_path / "b", epochs=1, verbose=0, labels=small_labels)
    with pytest.raises(ValueError, match="47 labels for 48 images"):
        train(tiny_cond_cfg, small_images, tmp_path / "c", epochs=1, verbose=0, labels=small_labels[:47])
    assert not any((tmp_path / name).exists() for name in "abc")  # refused before any folder is written


def test_r1_penalty_is_the_slope_at_the_real_images_and_only_changes_d(tiny_cfg, small_images):
    cfg = replace(tiny_cfg, dropout=0.0, r1_gamma=2.0)  # no dropout: D is deterministic
    images = tf.constant(small_images[:16])
    with_r1, without = build_gan(cfg), build_gan(replace(cfg, r1_gamma=0.0))
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(with_r1.discriminator(images, training=True))
    slopes = tape.gradient(total, images).numpy().reshape(16, -1)
    expected = 0.5 * 2.0 * np.mean(np.sum(slopes ** 2, axis=1))
    assert expected > 0

    out = make_train_step(with_r1)(images)
    plain = make_train_step(without)(images)
    assert float(out["r1_penalty"]) == pytest.approx(expected, rel=1e-4)
    assert "r1_penalty" not in plain
    # the logged losses are the plain ones, so runs with and without R1 compare directly
    for key in ("gen_loss", "disc_loss", "d_real", "d_fake"):
        assert float(out[key]) == pytest.approx(float(plain[key]), rel=1e-5)
    # G's update is untouched; D's follows the penalty too
    for a, b in zip(_weights(with_r1.generator), _weights(without.generator)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(a, b, rtol=1e-4, atol=1e-6)
               for a, b in zip(_weights(with_r1.discriminator), _weights(without.discriminator)))


@pytest.mark.parametrize("precision", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_computes_in_16_bits_and_keeps_float32_where_it_matters(tiny_cfg, small_images,
                                                                                precision):
    import keras

    state = build_gan(replace(tiny_cfg, precision=precision, r1_gamma=1.0, ema_decay=0.9))
    half = precision.removeprefix("mixed_")
    assert state.generator.get_layer("project").compute_dtype == half
    assert state.discriminator.get_layer("down_14x14").compute_dtype == half
    assert state.discriminator.get_layer("logit").compute_dtype == "float32"
    assert all(w.dtype == "float32" for w in state.generator.weights + state.ema_generator.weights)
    assert keras.config.dtype_policy().name == "float32"  # building did not change the global policy
    assert isinstance(state.gen_optimizer, keras.optimizers.LossScaleOptimizer) == (precision == "mixed_float16")
    before = _weights(state.generator)
    out = make_train_step(state)(tf.constant(small_images[:16]))
    assert {v.dtype for v in out.values()} == {tf.float32}
    assert all(np.isfinite(float(v)) for v in out.values())
    assert any(not np.array_equal(a, b) for a, b in zip(before, _weights(state.generator)))
    assert generate_images(state.generator, np.zeros((2, tiny_cfg.latent_dim))).dtype == np.float32


def test_a_checkpoint_restores_under_another_precision(tiny_cfg, small_images, tmp_path):
    from ganlib.checkpoints import restore_checkpoint

    train(replace(tiny_cfg, precision="mixed_bfloat16", epochs=1), small_images, tmp_path, verbose=0)
    for precision in ("float32", "mixed_float16"):
        other = build_gan(replace(tiny_cfg, precision=precision))
        restore_checkpoint(other.checkpoint(), tmp_path)
        saved = build_gan(replace(tiny_cfg, precision="mixed_bfloat16"))
        restore_checkpoint(saved.checkpoint(), tmp_path)
        for a, b in zip(_weights(other.generator), _weights(saved.generator)):
            np.testing.assert_array_equal(a, b)
        assert int(training.unscaled(other.gen_optimizer).iterations) == int(other.step) == 3


def test_float32_is_the_default_and_an_unknown_precision_is_named(tiny_cfg):
    assert tiny_cfg.precision == "float32"
    with pytest.raises(ValueError, match="precision must be one of float32, mixed_bfloat16, mixed_float16"):
        replace(tiny_cfg, precision="bfloat16")


def test_a_run_resumes_in_another_precision_but_not_with_another_recipe(tiny_cfg, small_images, tmp_path):
    train(replace(tiny_cfg, precision="mixed_bfloat16", epochs=1), small_images, tmp_path, verbose=0)
    result = train(tiny_cfg, small_images, tmp_path, epochs=2, resume=True, verbose=0)
    assert result.epochs_run == [2] and result.steps == 6
    with pytest.raises(ValueError, match="gen_learning_rate"):
        train(replace(tiny_cfg, gen_learning_rate=1e-3), small_images, tmp_path, epochs=3, resume=True, verbose=0)


def test_the_infogan_architecture_trains_and_resumes_exactly(tiny_cfg, small_images, tmp_path):
    # BatchNorm in D and no dropout: the train step, checkpoints and resume work unchanged
    cfg = replace(tiny_cfg, architecture="infogan", leaky_relu_slope=0.1, ema_decay=0.9)
    straight = train(cfg, small_images, tmp_path / "straight", verbose=0)
    part = train(cfg, small_images, tmp_path / "r", max_steps=4, verbose=0)
    rest = train(cfg, small_images, tmp_path / "r", resume=True, verbose=0)
    assert part.steps == 4 and rest.steps == 6
    history = read_history(tmp_path / "r")
    assert np.all(np.isfinite(history["gen_loss"])) and np.all(np.isfinite(history["disc_loss"]))
    np.testing.assert_allclose(history["gen_loss"], read_history(tmp_path / "straight")["gen_loss"], rtol=1e-4)
    # Adam divides each gradient element by its running size, so an element whose gradient is
    # rounding noise (the 1,024-unit Dense layers have many) can still move by up to one learning
    # rate, 1e-4, per step. oneDNN's threaded sums round differently from run to run under load:
    # in CI 25 of 8,192 such weights differed by up to 4e-6. A tenth of one step bounds that, and
    # a resume that lost or repeated a step would be off by whole steps.
    for a, b in zip(_weights(straight.state.sampler), _weights(rest.state.sampler)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=0.1 * cfg.gen_learning_rate)


def _info_cfg(tiny_cfg):
    return replace(tiny_cfg, architecture="compact", leaky_relu_slope=0.1, dropout=0.0, ema_decay=0.9,
                   info_categories=4, info_continuous=2, sample_grid_size=8)


def test_an_infogan_logs_its_information_terms_and_resumes_exactly(tiny_cfg, small_images, tmp_path):
    from PIL import Image

    from ganlib.runfolder import INFO_COLUMNS

    cfg = _info_cfg(tiny_cfg)
    straight = train(cfg, small_images, tmp_path / "straight", verbose=0)
    part = train(cfg, small_images, tmp_path / "r", max_steps=4, verbose=0)
    rest = train(cfg, small_images, tmp_path / "r", resume=True, verbose=0)
    assert part.steps == 4 and rest.steps == 6
    history = read_history(tmp_path / "r")
    assert set(INFO_COLUMNS) <= set(history)
    # a Q that knows nothing has cross-entropy log 4 for 4 categories
    assert np.all(np.abs(history["info_category"][:1] - np.log(4)) < 0.5)
    np.testing.assert_allclose(history["info_loss"],
                               history["info_category"] + 0.1 * history["info_continuous"], rtol=1e-4)
    for column in ("gen_loss", "info_loss"):
        np.testing.assert_allclose(history[column], read_history(tmp_path / "straight")[column], rtol=1e-4)
    for a, b in zip(_weights(straight.state.discriminator), _weights(rest.state.discriminator)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=0.1 * cfg.disc_learning_rate)
    # one grid row per category: 4 rows of 2
    with Image.open(tmp_path / "r" / "samples" / "epoch_002.png") as grid:
        assert grid.size[1] > grid.size[0]


def test_at_information_weight_0_nothing_trains_q(tiny_cfg, small_images):
    state = build_gan(replace(_info_cfg(tiny_cfg), info_weight=0.0))
    q_weights = [w for layer in state.discriminator.layers if layer.name.startswith("q_")
                 for w in layer.trainable_weights]
    assert len(q_weights) == 9  # Dense kernel, BatchNorm gamma and beta, three heads' kernels and biases
    before = [np.asarray(w).copy() for w in q_weights]
    body_before = _weights(state.discriminator)
    values = make_train_step(state)(small_images[:16])
    # the term is measured but weighs nothing: Adam moves no weight whose gradient is 0
    assert float(values["info_loss"]) == 0.0 and float(values["info_category"]) > 0
    for w, b in zip(q_weights, before):
        np.testing.assert_array_equal(np.asarray(w), b)
    assert any(not np.allclose(a, b) for a, b in zip(_weights(state.discriminator), body_before))
