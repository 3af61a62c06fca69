"""The command line, end to end, in real subprocesses."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image


def run(*args, cwd=None):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "ganlib", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600)


def test_help_lists_both_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "train" in result.stdout and "sample" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["train", "--preset", "huge", "--out", "x"], "unknown preset 'huge'"),
    (["train", "--data", "mnist-from-mars", "--out", "x"], "unknown data source"),
    (["train", "--epochs", "0", "--out", "x"], "--epochs must be positive"),
    (["train", "--resume", "--out", "no/such/run"], "--resume needs an existing run folder"),
    (["sample", "--n", "0", "--out", "x.png"], "--n must be positive"),
    (["sample", "--n", "4", "--out", "x.jpg", "--from", "."], ".npy or .png"),
    (["sample", "--n", "4", "--out", "x.png", "--from", "no/such/folder"], "no such model folder"),
    (["sample", "--n", "many", "--out", "x.png"], "invalid int value"),
    (["train", "--set", "colour=red", "--out", "x"], "--set needs FIELD=VALUE"),
    (["train", "--set", "batch_size=big", "--out", "x"], "--set batch_size needs a int"),
    (["train", "--set", "ema_decay=1.5", "--data", "embedded", "--out", "x"], "ema_decay must lie in [0, 1)"),
    (["train", "--set", "conditional=maybe", "--out", "x"], "--set conditional needs a bool (true or false)"),
    (["sample", "--n", "4", "--digit", "10", "--out", "x.png"], "--digit must be a digit from 0 to 9, got 10"),
    (["sample", "--n", "4", "--digit", "-1", "--out", "x.png"], "--digit must be a digit from 0 to 9, got -1"),
    (["sample", "--n", "4", "--out", "afile/x.png"], "afile is a file, so no folder can be made there"),
    (["sample", "--n", "4", "--out", "adir.png"], "--out adir.png is a folder"),
    (["evaluate", "--json", "afile/q.json"], "afile is a file"),
    (["train", "--out", "afile", "--data", "embedded"], "--out afile is a file, not a folder"),
    (["classifier", "--out", "afile/c"], "afile is a file"),
    (["colour"], "(see `python -m ganlib --help`)"),
    (["sample", "--colour"], "(see `python -m ganlib sample --help`)"),
])
def test_bad_arguments_get_one_line_and_exit_code_2(args, message, tmp_path):
    (tmp_path / "afile").write_text("a file where a folder would have to be\n")
    (tmp_path / "adir.png").mkdir()
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_train_then_sample_end_to_end(tmp_path):
    out = tmp_path / "run"
    trained = run("train", "--preset", "fast", "--data", "embedded", "--max-steps", "3", "--out", out)
    assert trained.returncode == 0, trained.stderr
    assert (out / "config.json").is_file() and (out / "losses.csv").is_file()
    assert "Traceback" not in trained.stderr and "I0000" not in trained.stderr
    from ganlib.runtime import cpu_bf16_flags
    native = bool(cpu_bf16_flags())  # CI's Xeon has AMX; a laptop may have neither flag
    precision = json.loads((out / "config.json").read_text())["precision"]
    assert precision == ("mixed_bfloat16" if native else "float32")
    assert ("trains in mixed_bfloat16 on this CPU" in trained.stdout) == native

    again = run("train", "--preset", "fast", "--max-steps", "3", "--out", out)
    assert again.returncode == 2 and "already holds a training run" in again.stderr

    resumed = run("train", "--data", "embedded", "--max-steps", "5", "--out", out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed" in resumed.stdout and "step 5" in resumed.stdout

    for name in ("a.npy", "b.npy"):
        result = run("sample", "--n", "6", "--seed", "7", "--out", tmp_path / name, "--from", out)
        assert result.returncode == 0, result.stderr
    a, b = np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy")
    assert a.shape == (6, 28, 28, 1) and a.dtype == np.float32
    assert a.min() >= -1 and a.max() <= 1
    np.testing.assert_array_equal(a, b)  # same seed, same samples

    evaluated = run("evaluate", "--from", out, "--n", "300", "--json", tmp_path / "q.json")
    assert evaluated.returncode == 0, evaluated.stderr
    assert "classifier score" in evaluated.stdout and "meets the quality bar" in evaluated.stdout
    assert '"frechet_floor"' in (tmp_path / "q.json").read_text()

    png = run("sample", "--n", "6", "--seed", "8", "--out", tmp_path / "grid.png", "--from", out)
    assert png.returncode == 0, png.stderr
    with Image.open(tmp_path / "grid.png") as img:
        assert img.format == "PNG" and img.size[0] > 28


def test_sampling_from_a_folder_without_a_model_is_a_clear_error(tmp_path):
    result = run("sample", "--n", "2", "--out", tmp_path / "x.npy", "--from", tmp_path)
    assert result.returncode == 2
    assert "config.json" in result.stderr and "Traceback" not in result.stderr


def test_classifier_command_writes_weights_and_its_record(tmp_path):
    result = run("classifier", "--out", tmp_path / "clf", "--epochs", "1")
    assert result.returncode == 0, result.stderr
    info = json.loads((tmp_path / "clf" / "classifier.json").read_text())
    assert info["holdout_size"] == 2500 and info["epochs"] == 1 and 0.5 < info["holdout_accuracy"] <= 1
    assert (tmp_path / "clf" / "classifier.weights.h5").stat().st_size > 100_000


def test_sample_uses_the_shipped_model_by_default(tmp_path):
    result = run("sample", "--n", "3", "--seed", "0", "--out", tmp_path / "d.npy")
    assert result.returncode == 0, result.stderr
    assert np.load(tmp_path / "d.npy").shape == (3, 28, 28, 1)


def test_sample_digit_uses_the_shipped_conditional_model_by_default(tmp_path):
    import ganlib

    for name, digit in (("one.npy", 1), ("seven.npy", 7)):
        result = run("sample", "--digit", digit, "--n", "5", "--seed", "2", "--out", tmp_path / name)
        assert result.returncode == 0, result.stderr
        assert f"5 samples of the digit {digit}" in result.stdout
    one, seven = np.load(tmp_path / "one.npy"), np.load(tmp_path / "seven.npy")
    assert one.shape == (5, 28, 28, 1) and one.min() >= -1 and one.max() <= 1

    generator = ganlib.load_pretrained_conditional()  # what the command should have used
    z = ganlib.sample_latent(5, ganlib.latent_dim_of(generator), seed=2)
    np.testing.assert_allclose(one, ganlib.generate_images(generator, z, np.full(5, 1)), atol=1e-4)
    np.testing.assert_allclose(seven, ganlib.generate_images(generator, z, np.full(5, 7)), atol=1e-4)


def test_sample_digit_without_a_shipped_conditional_model_says_how_to_restore_it(tmp_path, monkeypatch, capsys):
    from ganlib import pretrained
    from ganlib.__main__ import main

    monkeypatch.setattr(pretrained, "CONDITIONAL_DIR", tmp_path / "conditional")  # as if it were deleted
    assert main(["sample", "--digit", "3", "--n", "2", "--out", str(tmp_path / "x.npy")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "no shipped conditional model" in lines[0] and "git checkout" in lines[0]
    assert not (tmp_path / "x.npy").exists()


def test_train_conditional_then_sample_a_digit_end_to_end(tmp_path):
    out = tmp_path / "cond"
    trained = run("train", "--conditional", "--preset", "fast", "--data", "embedded", "--max-steps", "3",
                  "--out", out)
    assert trained.returncode == 0, trained.stderr
    assert json.loads((out / "config.json").read_text())["conditional"] is True
    assert "Traceback" not in trained.stderr

    for name, digit in (("three.npy", 3), ("five.npy", 5)):
        result = run("sample", "--digit", digit, "--n", "4", "--seed", "1", "--out", tmp_path / name,
                     "--from", out)
        assert result.returncode == 0, result.stderr
        assert f"of the digit {digit}" in result.stdout
    three, five = np.load(tmp_path / "three.npy"), np.load(tmp_path / "five.npy")
    assert three.shape == (4, 28, 28, 1) and three.min() >= -1 and three.max() <= 1
    assert not np.array_equal(three, five)  # same latent points, another digit

    grid = run("sample", "--n", "20", "--out", tmp_path / "all.png", "--from", out)  # no --digit: 0-9 in turn
    assert grid.returncode == 0, grid.stderr
    with Image.open(tmp_path / "all.png") as img:
        assert img.size[0] > img.size[1]  # ten columns, two rows

    bad = run("sample", "--digit", "12", "--n", "4", "--out", tmp_path / "x.npy", "--from", out)
    assert bad.returncode == 2 and "--digit must be a digit from 0 to 9" in bad.stderr


def test_digit_from_an_unconditional_run_is_refused_before_tensorflow_starts(tmp_path):
    from ganlib.pretrained import PRETRAINED_DIR

    run_dir = tmp_path / "plain"
    run_dir.mkdir()
    (run_dir / "config.json").write_text((PRETRAINED_DIR / "config.json").read_text())  # no "conditional"
    result = run("sample", "--digit", "3", "--n", "2", "--out", tmp_path / "x.npy", "--from", run_dir)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is unconditional and cannot be told a digit" in lines[0], result.stderr


def test_devices_says_what_16_bit_arithmetic_the_machine_has(capsys):
    from ganlib.__main__ import main

    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "native bfloat16" in out and "GPUs:" in out


@pytest.mark.parametrize("preset, flags, expected", [
    ("fast", ["avx512_bf16"], True),
    ("fast", ["amx_bf16", "avx512_bf16"], True),
    ("fast", [], False),            # emulated bfloat16 is slower than float32
    ("lecture", ["amx_bf16"], False),  # bfloat16 measured to help only where CPU_BF16_PRESETS says
    ("dcgan_r1", ["amx_bf16"], False),
])
def test_train_defaults_to_bf16_only_for_measured_presets_on_native_cpus(preset, flags, expected, monkeypatch):
    from ganlib import __main__ as cli
    from ganlib import runtime

    monkeypatch.setattr(runtime, "cpu_bf16_flags", lambda cpuinfo=None: flags)
    assert cli.native_bf16_default(preset) is expected


def test_set_precision_overrides_the_bf16_default(tmp_path):
    out = tmp_path / "run"
    trained = run("train", "--preset", "fast", "--data", "embedded", "--max-steps", "1", "--out", out,
                  "--set", "precision=float32")
    assert trained.returncode == 0, trained.stderr
    assert json.loads((out / "config.json").read_text())["precision"] == "float32"
    assert "mixed_bfloat16" not in trained.stdout


@pytest.mark.parametrize("args, message", [
    (["ising", "--temperature", "2", "--n", "4", "--L", "1", "--out", "x.npy"], "--L must be at least 2, got 1"),
    (["ising", "--temperature", "0", "--n", "4", "--out", "x.npy"], "--temperature must be a positive number"),
    (["ising", "--temperature", "-1.5", "--n", "4", "--out", "x.npy"], "--temperature must be a positive number"),
    (["ising", "--temperature", "2", "--n", "4", "--algorithm", "glauber", "--out", "x.npy"],
     "unknown --algorithm 'glauber': use metropolis, wolff, auto"),
    (["ising", "--temperature", "2", "--n", "0", "--out", "x.npy"], "--n must be positive"),
    (["ising", "--temperature", "2", "--n", "4", "--out", "x.txt"], "--out must end in .npy or .png"),
    (["sample", "--temperature", "2.269", "--digit", "3", "--n", "4", "--out", "x.npy"], "exclude each other"),
    (["sample", "--temperature", "0", "--n", "4", "--out", "x.npy"], "--temperature must be a positive number"),
    (["sample", "--raw", "--n", "4", "--out", "x.npy"], "--raw applies to Ising spins only"),
    (["sample", "--temperature", "2.269", "--n", "4", "--out", "x.npy", "--from", "."],
     "--temperature needs a model trained on Ising spins"),
])
def test_ising_arguments_get_one_line_and_exit_code_2(args, message, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_ising_command_writes_int8_spins(tmp_path):
    result = run("ising", "--temperature", "1.5", "--n", "6", "--L", "8", "--out", tmp_path / "s.npy")
    assert result.returncode == 0, result.stderr
    spins = np.load(tmp_path / "s.npy")
    assert spins.dtype == np.int8 and spins.shape == (6, 8, 8) and set(np.unique(spins)) <= {-1, 1}
    assert np.abs(spins.mean(axis=(1, 2))).mean() > 0.9  # far below T_c the lattice is ordered
    assert "wolff" in result.stdout


def test_train_on_an_ising_data_set_then_sample_spins(tmp_path):
    from ganlib import ising

    data_file = tmp_path / "tiny.npz"
    ising.save_dataset(data_file, ising.dataset(8, [1.5, 3.5], 32, seed=0))
    out = tmp_path / "run"
    refused = run("train", "--preset", "ising", "--data", data_file, "--max-steps", "2", "--out", out)
    assert refused.returncode == 2
    assert "--set image_size=8 --set num_classes=2" in refused.stderr, refused.stderr
    trained = run("train", "--preset", "ising", "--data", data_file, "--max-steps", "2", "--out", out,
                  "--set", "image_size=8", "--set", "num_classes=2", "--set", "batch_size=16")
    assert trained.returncode == 0, trained.stderr
    assert json.loads((out / "ising.json").read_text())["temperatures"] == [1.5, 3.5]
    drawn = run("sample", "--from", out, "--temperature", "3.5", "--n", "5", "--out", tmp_path / "g.npy")
    assert drawn.returncode == 0, drawn.stderr
    spins = np.load(tmp_path / "g.npy")
    assert spins.dtype == np.int8 and spins.shape == (5, 8, 8) and set(np.unique(spins)) <= {-1, 1}
    assert "flipped with probability 1/2" in drawn.stdout
    other = run("sample", "--from", out, "--temperature", "2.0", "--n", "5", "--out", tmp_path / "h.npy")
    assert other.returncode == 2 and "not trained at T = 2; choose one of its temperatures: 1.5, 3.5" in other.stderr


def test_train_an_infogan_then_sample_with_fixed_and_drawn_codes(tmp_path):
    out = tmp_path / "info"
    trained = run("train", "--preset", "infogan", "--data", "embedded", "--max-steps", "3", "--out", out)
    assert trained.returncode == 0, trained.stderr
    header = (out / "losses.csv").read_text().splitlines()[0]
    assert header.endswith("info_loss,info_category,info_continuous")

    drawn = run("sample", "--n", "6", "--seed", "1", "--out", tmp_path / "drawn.npy", "--from", out)
    fixed = run("sample", "--n", "6", "--seed", "1", "--code", "3", "--continuous", "0.5,-1",
                "--out", tmp_path / "fixed.npy", "--from", out)
    assert drawn.returncode == 0 and fixed.returncode == 0, drawn.stderr + fixed.stderr
    assert "with code 3 and continuous 0.5,-1" in fixed.stdout
    a, b = np.load(tmp_path / "drawn.npy"), np.load(tmp_path / "fixed.npy")
    assert a.shape == b.shape == (6, 28, 28, 1) and not np.allclose(a, b)

    for args, message in (
            (["--code", "10"], "--code must be a category from 0 to 9, got 10"),
            (["--code", "-1"], "--code must be a category from 0 to 9, got -1"),
            (["--continuous", "0.5"], "--continuous needs 2 numbers, one per continuous code of this model, got 1"),
            (["--continuous", "up,down"], "--continuous needs 2 comma-separated numbers"),
            (["--continuous", "inf,0"], "--continuous values must be finite numbers"),
            (["--code", "1", "--digit", "1"], "--code and --continuous are an InfoGAN's")):
        bad = run("sample", "--n", "2", "--out", tmp_path / "x.npy", "--from", out, *args)
        lines = bad.stderr.strip().splitlines()
        assert bad.returncode == 2 and len(lines) == 1 and message in lines[0], bad.stderr


def test_codes_for_a_model_without_them_are_refused(tmp_path):
    from ganlib.pretrained import PRETRAINED_DIR

    bad = run("sample", "--n", "2", "--code", "1", "--out", tmp_path / "x.npy", "--from", PRETRAINED_DIR)
    assert bad.returncode == 2 and "need an InfoGAN (train --preset infogan)" in bad.stderr
