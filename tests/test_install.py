"""ganlib installed from its wheel, away from the source tree: the shipped models come along.

The wheel is built from a copy of what the build reads (pyproject.toml, README.md,
ganlib/, pretrained/), installed with ``pip install --no-deps --target``, and run with
only that folder on ``PYTHONPATH`` from an empty working folder, so neither the
checkout nor its editable install can stand in for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
BUILD_INPUTS = ("pyproject.toml", "README.md", "ganlib", "pretrained")


def pip(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=600,
                            env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    pip("wheel", "--no-deps", "-w", str(out), str(source))
    (built,) = out.glob("ganlib-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    pip("install", "--no-deps", "--target", str(target), str(wheel))
    return target


def run_installed(site: Path, cwd: Path, *args: str, module: bool = True) -> subprocess.CompletedProcess:
    """``python -m ganlib ARGS`` (or ``python -c ARGS[0]``) with only ``site`` on the path, in ``cwd``.

    Keras' home (where it writes keras.json) is a folder beside ``cwd``, so that ``cwd``
    shows exactly what the command wrote."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(site), TF_CPP_MIN_LOG_LEVEL="3", KERAS_HOME=str(cwd.parent / "keras-home"))
    command = ["-m", "ganlib", *args] if module else ["-c", *args]
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600)


@pytest.fixture
def workdir(tmp_path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_the_wheel_holds_every_file_of_both_shipped_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in ((ROOT / "pretrained", "ganlib/_shipped"),
                           (ROOT / "pretrained" / "conditional", "ganlib/_shipped/conditional"),
                           (ROOT / "pretrained" / "lecture", "ganlib/_shipped/lecture"),
                           (ROOT / "pretrained" / "infogan", "ganlib/_shipped/infogan"),
                           (ROOT / "pretrained" / "ising", "ganlib/_shipped/ising"),
                           (ROOT / "pretrained" / "ising" / "monte_carlo", "ganlib/_shipped/ising/monte_carlo")):
        shipped = {p.name for p in folder.iterdir() if p.is_file()}
        model = {"README.md", "config.json", "generator.weights.h5"} if folder.name != "monte_carlo" else set()
        assert {"SHA256SUMS"} | model <= shipped
        missing = sorted(f"{inside}/{name}" for name in shipped if f"{inside}/{name}" not in names)
        assert not missing, f"the wheel lacks {missing}"


LOAD_ALL = """
import ganlib, numpy as np
from ganlib import data, pretrained
print(ganlib.__file__)
print(pretrained.PRETRAINED_DIR)
print(data.DATA_DIR)
g = ganlib.load_pretrained()
images = ganlib.generate_images(g, ganlib.sample_latent(3, ganlib.latent_dim_of(g), seed=0))
c = ganlib.load_pretrained_conditional()
sevens = ganlib.generate_images(c, ganlib.sample_latent(3, ganlib.latent_dim_of(c), seed=0), np.full(3, 7))
clf = ganlib.load_classifier()
spins = ganlib.ising_gan.generate_spins(ganlib.load_pretrained_ising(), ganlib.pretrained.load_ising_monte_carlo(
    "test.npz")["temperatures"], 2.269, 3)
print(images.shape, sevens.shape, spins.shape, ganlib.predict_proba(clf, sevens).argmax(axis=1).tolist())
"""


def test_the_installed_package_finds_its_models_from_any_folder(installed, workdir):
    result = run_installed(installed, workdir, LOAD_ALL, module=False)
    assert result.returncode == 0, result.stderr[-3000:]
    package, models, data_dir, shapes = result.stdout.strip().splitlines()[-4:]
    assert Path(package).is_relative_to(installed), f"ganlib came from {package}, not the installed copy"
    assert Path(models) == installed / "ganlib" / "_shipped"
    # user data never goes into site-packages: an installed ganlib uses Keras' dataset cache
    assert Path(data_dir) == workdir.parent / "keras-home" / "datasets"
    assert shapes.startswith("(3, 28, 28, 1) (3, 28, 28, 1) (3, 16, 16) [")
    assert shapes.count("7") >= 3  # the conditional model drew sevens, and the classifier saw them


def test_sample_and_evaluate_run_from_the_installed_package(installed, workdir):
    sample = run_installed(installed, workdir, "sample", "--n", "4", "--out", "d.png")
    assert sample.returncode == 0, sample.stderr[-3000:]
    with Image.open(workdir / "d.png") as image:
        assert image.size[0] > 28 and image.size[1] > 28
    evaluate = run_installed(installed, workdir, "evaluate", "--n", "500")
    assert evaluate.returncode == 0, evaluate.stderr[-3000:]
    assert "coverage" in evaluate.stdout and "meets the quality bar" in evaluate.stdout
    assert sorted(p.name for p in workdir.iterdir()) == ["d.png"]  # nothing else written to the working folder


def test_the_installed_copy_is_still_hash_checked(installed, tmp_path, workdir):
    site = tmp_path / "site"
    shutil.copytree(installed, site)
    weights = site / "ganlib" / "_shipped" / "generator.weights.h5"
    raw = bytearray(weights.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one flipped byte
    weights.write_bytes(bytes(raw))
    result = run_installed(site, workdir, "sample", "--n", "4", "--out", "d.png")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "corrupt" in lines[0] and "reinstall ganlib" in lines[0], result.stderr
    assert not (workdir / "d.png").exists()


def test_a_build_without_the_models_says_how_to_get_them(installed, tmp_path, workdir):
    site = tmp_path / "site"
    shutil.copytree(installed, site, ignore=shutil.ignore_patterns("_shipped"))
    result = run_installed(site, workdir, "evaluate", "--n", "500")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no shipped models" in lines[0] and "does not exist" in lines[0] and "reinstall ganlib" in lines[0]
