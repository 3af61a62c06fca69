"""The run-folder layout: one set of names that training, checkpoints, shipping and the command line share."""

import subprocess
import sys

import numpy as np

from ganlib import runfolder
from ganlib.runfolder import HISTORY_COLUMNS, append_rows, read_history, truncate_rows


def test_append_rows_writes_the_header_once_and_reads_back_typed(tmp_path):
    path = tmp_path / "t.csv"
    append_rows(path, HISTORY_COLUMNS, [(1, 1, 0.5, 1.25, 0.5, 0.25)])
    append_rows(path, HISTORY_COLUMNS, [(2, 1, 0.123456789, 1.0, 0.5, 0.5), (3, 2, 1e-9, 2.0, 0.1, 0.9)])
    assert path.read_text().splitlines()[0] == ",".join(HISTORY_COLUMNS)
    assert path.read_text().count("step") == 1
    table = read_history(path)
    assert table["step"].dtype == np.int64 and table["step"].tolist() == [1, 2, 3]
    assert table["epoch"].tolist() == [1, 1, 2]
    assert table["gen_loss"].dtype == np.float64
    np.testing.assert_allclose(table["gen_loss"], [0.5, 0.123457, 1e-9])  # 6 significant digits


def test_append_rows_takes_any_measured_columns(tmp_path):
    path = tmp_path / "quality.csv"
    values = {"score": 7.25, "coverage": 0.5}
    append_rows(path, ["step", "epoch", *values], [(78, 1, *values.values())])
    table = read_history(path)
    assert list(table) == ["step", "epoch", "score", "coverage"]
    assert table["step"].tolist() == [78] and table["score"].tolist() == [7.25] and table["coverage"].tolist() == [0.5]


def test_truncate_rows_keeps_what_a_checkpoint_at_that_step_has_seen(tmp_path):
    path = tmp_path / "losses.csv"
    append_rows(path, HISTORY_COLUMNS, [(s, 1, 0.1 * s, 1.0, 0.5, 0.5) for s in range(1, 8)])
    truncate_rows(path, 4)
    assert read_history(path)["step"].tolist() == [1, 2, 3, 4]
    truncate_rows(tmp_path / "absent.csv", 4)  # nothing to cut: no error, no file
    assert not (tmp_path / "absent.csv").exists()


def test_sample_grid_names_sort_by_epoch(tmp_path):
    (tmp_path / runfolder.SAMPLES_SUBDIR).mkdir()
    for epoch in (10, 2, 100, 1):
        (tmp_path / runfolder.SAMPLES_SUBDIR / runfolder.sample_grid_name(epoch)).write_bytes(b"")
    assert [p.name for p in runfolder.sample_grids(tmp_path)] == [
        "epoch_001.png", "epoch_002.png", "epoch_010.png", "epoch_100.png"]


def test_a_trained_run_holds_the_files_runfolder_names(tiny_cfg, small_images, tmp_path):
    from ganlib.training import train

    out = tmp_path / "run"
    assert not runfolder.has_checkpoint(out)
    train(tiny_cfg, small_images, out, epochs=1, verbose=0, quality=lambda g: {"score": 1.0})
    for name in (runfolder.CONFIG_FILE, runfolder.GENERATOR_WEIGHTS, runfolder.DISCRIMINATOR_WEIGHTS,
                 runfolder.HISTORY_FILE, runfolder.QUALITY_FILE, runfolder.GIF_FILE):
        assert (out / name).is_file(), name
    assert runfolder.has_checkpoint(out)
    assert [p.name for p in runfolder.sample_grids(out)] == [runfolder.sample_grid_name(1)]


def test_runfolder_does_not_start_tensorflow():
    # the command line checks a run folder before TensorFlow starts; this module must stay light
    code = "import sys, ganlib.runfolder, ganlib.__main__; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
