"""Data-parallel training with tf.distribute: N replicas compute what one device computes.

The 2-core CPU is split into two logical devices, which TensorFlow allows only before it
starts; so each such check runs this file as a script in a fresh Python, which prints its
findings as one line of JSON, and the test judges them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

REPLICAS = 2
GLOBAL_BATCH = 32  # 16 images per replica
ROOT = Path(__file__).resolve().parent.parent


def _in_two_replicas(case: str, tmp_path: Path) -> dict:
    """Run ``case`` of :func:`_main` in a fresh Python whose CPU is two logical devices."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, __file__, case, str(tmp_path)], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


# Tolerances of one step on 2 replicas against one step on one device. The two round
# differently: each replica sums its 16 examples and the all-reduce adds the two sums where
# one device sums 32 at once, and synchronized BatchNorm takes the variance as
# E[x^2] - E[x]^2 where the plain layer subtracts the mean first. Those are float32
# roundings, ~1e-7 relative, so the logged losses agree to ~1e-7 and most variables to
# ~1e-4 of the change the step made (the plain variant here: 2e-5). But a rounding can
# also carry one LeakyReLU input across 0 (a step has ~2e6 of them); that unit's gradient
# then changes by (1 - slope), and Adam's first step, lr * g / (|g| + eps), hands the change
# on to weights with small gradients. The conditional variant here has such a crossing: a
# tensor (the weight average's gamma) 1.4e-2 of its change apart, Adam's moments (the
# gradients themselves) 2.4e-3 of their value (2.2e-2 and 2.6e-3 the worst seen in scratch
# runs on other digits). Hence, per tensor in norm: Adam's moments within 1% of their value;
# weights, BatchNorm statistics and the weight average within 10% of their change. The
# faults these guard against lie far outside: without the 1/N share of the loss the summed
# gradients double and Adam's second moment is 300% off (the weights alone would not show
# it, since Adam's step ignores the gradient's scale: 3% off), and with BatchNorm
# unsynchronised its statistics are 100% off and the gradients 60%.
LOSS_RTOL = 1e-5
ADAM_TOLERANCE = 0.01
WEIGHT_TOLERANCE = 0.1


@pytest.fixture(scope="module")
def one_step_reports(tmp_path_factory) -> dict:
    """One train step on one device and on 2 replicas, for each variant of the step and each 16-bit
    precision: one fresh Python for both tests that read them."""
    return _in_two_replicas("steps", tmp_path_factory.mktemp("steps"))


def test_a_step_on_two_replicas_is_the_step_on_one_device(one_step_reports):
    found = one_step_reports["step"]
    assert set(found) == {"plain", "conditional_r1_ema_minimax_smoothing"}
    for variant, report in found.items():
        assert report["replicas"] == REPLICAS
        assert report["same_start"], f"{variant}: the replicas did not start from one device's weights"
        assert report["noise_states"][0] == report["noise_states"][1], f"{variant}: other noise draws"
        assert report["steps"] == [1, 1]
        assert report["copies_agree"], f"{variant}: the replicas hold different values after the step"
        for name, (one, two) in report["values"].items():
            assert two == pytest.approx(one, rel=LOSS_RTOL), f"{variant}: {name}"
        worst, name = report["adam"]
        assert worst <= ADAM_TOLERANCE, f"{variant}: Adam's {name} is {worst:.1e} of its value apart"
        worst, name = report["weights"]
        assert worst <= WEIGHT_TOLERANCE, f"{variant}: {name} is {worst:.1e} of its change apart"
        assert report["unchanged_but_different"] == []


@pytest.mark.slow
def test_a_two_replica_run_resumes_from_its_checkpoint_and_restores_on_one_device(tmp_path):
    found = _in_two_replicas("resume", tmp_path)
    assert found["replicas"] == REPLICAS
    # stopped after 4 of 6 steps and resumed on 2 replicas: the uninterrupted run, dropout included
    assert found["resumed"] == {"epochs_run": [2], "steps": 6, "history_steps": list(range(1, 7))}
    assert found["resumed_vs_straight"] <= 1e-6
    # the 2-replica checkpoint in a one-device state, and a one-device checkpoint on 2 replicas
    assert found["restored_on_one_device"] == "equal"
    assert found["restored_on_two_replicas"] == "equal"
    assert found["every_replica_restored"]
    # and a run resumes under another strategy than it started with
    assert found["resumed_on_one_device"] == {"epochs_run": [2], "steps": 6, "history_steps": list(range(1, 7))}


def test_mixed_precision_trains_on_two_replicas(one_step_reports):
    found = one_step_reports["precision"]
    assert set(found) == {"mixed_bfloat16", "mixed_float16"}
    for precision, report in found.items():
        assert report["finite"] and report["generator_changed"], precision
        assert report["loss_scale_optimizer"] == (precision == "mixed_float16")
        for name, (one, two) in report["values"].items():
            # 16-bit arithmetic rounds at ~4e-3 (bfloat16) and ~5e-4 (float16)
            assert two == pytest.approx(one, rel=1e-2), f"{precision}: {name}"


def test_a_batch_that_does_not_split_over_the_replicas_is_refused(tiny_cfg, small_images, tmp_path):
    from ganlib.training import train

    three = SimpleNamespace(num_replicas_in_sync=3)  # train reads only this before it builds anything
    with pytest.raises(ValueError, match=r"batch_size 16 does not split evenly over 3 replicas: .*batch_size=18"):
        train(tiny_cfg, small_images, tmp_path / "run", strategy=three, verbose=0)
    assert not (tmp_path / "run").exists()


def test_strategies_by_name():
    import tensorflow as tf

    from ganlib.training import make_strategy

    assert make_strategy("default") is None
    assert isinstance(make_strategy("mirrored"), tf.distribute.MirroredStrategy)
    with pytest.raises(ValueError, match="choose one of: default, mirrored"):
        make_strategy("tpu")


def _cli(*args, cwd):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "ganlib", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_an_unknown_strategy_gets_one_line_and_exit_code_2(tmp_path):
    result = _cli("train", "--strategy", "tpu", "--out", "run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown --strategy 'tpu': use default (one device) or mirrored" in lines[0]


def test_train_mirrored_from_the_command_line(tmp_path):
    tiny = ["--set", "gen_filters=8", "--set", "latent_dim=8", "--set", "batch_size=16"]
    result = _cli("train", "--strategy", "mirrored", "--data", "embedded", *tiny, "--max-steps", "2", "--out", "run",
                  cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # no GPU here, so MirroredStrategy takes the CPU alone
    assert "mirrored: 1 replica(s) on CPU:0, each step splits the batch of 16 over them" in result.stdout
    assert "step 2" in result.stdout and (tmp_path / "run" / "checkpoints").is_dir()


# ---- what runs in the fresh Python, with the CPU split into two logical devices ----------------------

def _tiny(**changes):
    """tests/conftest.py's tiny_cfg at the global batch of these tests."""
    from ganlib.config import DCGANConfig

    return DCGANConfig(**{**dict(latent_dim=8, gen_filters=8, batch_size=GLOBAL_BATCH, epochs=2, seed=3,
                                 checkpoint_every=1, sample_grid_size=4), **changes})


def _digits(n: int):
    """n embedded digits of every kind (the embedded set is sorted by label): float32 images, int32 labels."""
    from ganlib.data import load_mnist

    images, labels = load_mnist("embedded", verbose=False)
    pick = np.linspace(0, len(images) - 1, n).astype(int)
    return images[pick], labels[pick].astype(np.int32)


def _variables(state) -> dict[str, np.ndarray]:
    """Every variable of a GANState a step may change, named alike in any two states."""
    from ganlib.training import unscaled

    found = {}
    for net, model in (("G", state.generator), ("D", state.discriminator), ("EMA", state.ema_generator)):
        for i, w in enumerate(model.weights if model is not None else []):
            found[f"{net} {i} {w.name}"] = np.array(w.numpy(), np.float64)
    for net, optimizer in (("G", state.gen_optimizer), ("D", state.disc_optimizer)):
        for i, v in enumerate(unscaled(optimizer).variables):
            found[f"{net} Adam {i} {v.name}"] = np.array(v.numpy(), np.float64)
    return found


def _one_step_each(cfg, strategy, images, labels):
    """One train step from the same start on one device and under ``strategy``."""
    import tensorflow as tf

    from ganlib.training import build_gan, make_train_step

    runs = []
    for where in (None, strategy):
        state = build_gan(cfg, where)
        before = _variables(state)
        step = make_train_step(state)
        values = step(tf.constant(images), tf.constant(labels)) if cfg.conditional else step(tf.constant(images))
        runs.append(dict(before=before, after=_variables(state), values={k: float(v) for k, v in values.items()},
                         noise=state.noise.state.numpy().tolist(), step=int(state.step),
                         copies_agree=where is None or _copies_agree(state)))
    return runs


def _copies_agree(state) -> bool:
    """Whether every replica holds the same value of every variable (a checkpoint saves one of them)."""
    from ganlib.training import unscaled

    models = [m for m in (state.generator, state.discriminator, state.ema_generator) if m is not None]
    variables = [w for m in models for w in m.weights]
    variables += unscaled(state.gen_optimizer).variables + unscaled(state.disc_optimizer).variables
    return all(all(np.array_equal(copy.numpy(), v.numpy()) for copy in v.value.values) for v in variables)


def _step_case(strategy) -> dict:
    # no dropout: Keras' dropout layers draw one mask for all replicas (one seed state), and
    # masks of 16 rows cannot be those of 32 (the shipped recipe, dcgan_r1, has no dropout)
    variants = {"plain": _tiny(dropout=0.0),
                "conditional_r1_ema_minimax_smoothing": _tiny(dropout=0.0, conditional=True, r1_gamma=1.0,
                                                              ema_decay=0.9, generator_loss="minimax",
                                                              label_smoothing=0.1)}
    images, labels = _digits(GLOBAL_BATCH)
    report = {}
    for name, cfg in variants.items():
        one, two = _one_step_each(cfg, strategy, images, labels)
        worst = {"adam": (0.0, ""), "weights": (0.0, "")}
        unchanged_but_different = []
        for key, start in one["before"].items():
            a, b = one["after"][key], two["after"][key]
            change = np.linalg.norm(a - start)
            if change == 0:
                if not np.array_equal(a, b):
                    unchanged_but_different.append(key)
                continue
            kind = "adam" if " Adam " in key else "weights"
            apart = float(np.linalg.norm(b - a) / change)  # for Adam's moments, which start at 0: of their value
            worst[kind] = max(worst[kind], (apart, key))
        report[name] = dict(
            replicas=strategy.num_replicas_in_sync,
            same_start=all(np.array_equal(one["before"][k], two["before"][k]) for k in one["before"]),
            noise_states=[one["noise"], two["noise"]], steps=[one["step"], two["step"]],
            copies_agree=two["copies_agree"],
            values={k: [one["values"][k], two["values"][k]] for k in one["values"]},
            unchanged_but_different=unchanged_but_different, **worst)
    return report


def _precision_case(strategy) -> dict:
    import keras

    from ganlib.training import build_gan

    images, _ = _digits(GLOBAL_BATCH)
    report = {}
    for precision in ("mixed_bfloat16", "mixed_float16"):
        one, two = _one_step_each(_tiny(dropout=0.0, precision=precision), strategy, images, None)
        report[precision] = dict(
            finite=all(np.isfinite(v) for v in two["values"].values()),
            generator_changed=any(not np.array_equal(two["before"][k], two["after"][k])
                                  for k in two["before"] if k.startswith("G ") and " Adam " not in k),
            loss_scale_optimizer=isinstance(build_gan(_tiny(precision=precision), strategy).gen_optimizer,
                                            keras.optimizers.LossScaleOptimizer),
            values={k: [one["values"][k], two["values"][k]] for k in one["values"]})
    return report


def _everything(state) -> dict[str, np.ndarray]:
    """What a checkpoint holds: the variables, both counters, the noise and the dropout RNG states."""
    found = _variables(state)
    found.update(step=state.step.numpy(), epoch=state.epoch.numpy(), noise=state.noise.state.numpy())
    dropout = [layer.seed_generator.state for layer in state.discriminator.layers if hasattr(layer, "seed_generator")]
    found.update({f"dropout {i}": np.array(seed.numpy()) for i, seed in enumerate(dropout)})
    return found


def _same(a, b) -> str:
    va, vb = _everything(a), _everything(b)
    differing = [k for k in va if not np.array_equal(va[k], vb[k])]
    return "equal" if not differing else f"differ: {differing[:5]}"


def _resume_case(strategy, out: Path) -> dict:
    import shutil

    import tensorflow as tf

    from ganlib.checkpoints import restore_checkpoint
    from ganlib.runfolder import read_history
    from ganlib.training import build_gan, make_train_step, train

    cfg = _tiny(conditional=True, ema_decay=0.5)  # dropout on: its RNG state is checkpointed too
    images, labels = _digits(3 * GLOBAL_BATCH)  # 3 steps an epoch, 2 epochs

    def summary(result, folder):
        return dict(epochs_run=result.epochs_run, steps=result.steps,
                    history_steps=read_history(folder)["step"].astype(int).tolist())

    def restored(folder, where):
        state = build_gan(cfg, where)
        restore_checkpoint(state.checkpoint(), folder)
        return state

    straight = train(cfg, images, out / "straight", labels=labels, strategy=strategy, verbose=0)
    part = train(cfg, images, out / "split", labels=labels, strategy=strategy, max_steps=4, verbose=0)
    shutil.copytree(out / "split", out / "cross")
    rest = train(cfg, images, out / "split", resume=True, labels=labels, strategy=strategy, verbose=0)
    a, b = _variables(straight.state), _variables(rest.state)
    apart = max(float(np.max(np.abs(a[k] - b[k]))) for k in a)

    on_two = restored(out / "cross", strategy)  # the 2-replica checkpoint of step 4, back on 2 replicas
    every_replica = _copies_agree(on_two)
    on_one = restored(out / "cross", None)  # ... and on one device

    single = build_gan(cfg)  # a one-device state one step on, saved, restored on 2 replicas
    make_train_step(single)(tf.constant(images[:GLOBAL_BATCH]), tf.constant(labels[:GLOBAL_BATCH]))
    single.checkpoint().save(str(out / "single" / "checkpoints" / "ckpt"))

    cross = train(cfg, images, out / "cross", resume=True, labels=labels, strategy=None, verbose=0)
    return dict(replicas=strategy.num_replicas_in_sync, resumed=summary(rest, out / "split"),
                resumed_vs_straight=apart,
                restored_on_one_device=_same(part.state, on_one) if _same(part.state, on_two) == "equal"
                else "the 2-replica restore differs already",
                restored_on_two_replicas=_same(single, restored(out / "single", strategy)),
                every_replica_restored=every_replica, resumed_on_one_device=summary(cross, out / "cross"))


def _main(case: str, out: str) -> None:
    from ganlib.runtime import quiet_tensorflow

    tf = quiet_tensorflow(onednn=True)  # the kernels of the test suite and the command line
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * REPLICAS)
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(REPLICAS)])
    if case == "steps":
        report = {"step": _step_case(strategy), "precision": _precision_case(strategy)}
    else:
        report = _resume_case(strategy, Path(out))
    print(json.dumps(report))


if __name__ == "__main__":
    _main(*sys.argv[1:3])
