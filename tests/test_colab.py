"""The notebooks' first cell, run with a stand-in for Colab that records what it is asked to do."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
import types
from email.message import Message
from pathlib import Path

import pytest

from ganlib import colab, data

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
URL = "https://example.org/course/ganlib"


class Recorder:
    """Stands in for ``subprocess.run`` and ``google.colab.output``: keeps every request."""

    def __init__(self, returncode: int = 0, stderr: str = ""):
        self.commands: list[list[str]] = []
        self.widget_manager_calls = 0
        self.returncode, self.stderr = returncode, stderr

    def run(self, command, **kwargs):
        self.commands.append(list(command))
        return subprocess.CompletedProcess(command, self.returncode, "", self.stderr)

    def enable_custom_widget_manager(self):
        self.widget_manager_calls += 1


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(subprocess, "run", recorder.run)  # no test ever really runs pip
    return recorder


@pytest.fixture
def in_colab(monkeypatch, recorder) -> Recorder:
    """A Colab runtime: ``google.colab`` (with ``output``) is loaded."""
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = recorder.enable_custom_widget_manager
    google_colab = types.ModuleType("google.colab")
    google_colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    return recorder


@pytest.fixture
def without_ganlib(monkeypatch):
    """As in a fresh Colab runtime: ``import ganlib`` fails (a None entry in sys.modules makes it raise)."""
    monkeypatch.setitem(sys.modules, "ganlib", None)


@pytest.fixture
def outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)


@pytest.fixture
def checkout_with_url(tmp_path, monkeypatch) -> Path:
    """A checkout whose pyproject.toml sets [project.urls] Repository."""
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "ganlib"\n\n[project.urls]\nRepository = "{URL}"\n')
    monkeypatch.setattr(data, "source_checkout", lambda: tmp_path)
    return tmp_path


def test_in_colab_it_installs_from_the_url_in_pyproject_and_enables_the_widget_manager(
        checkout_with_url, in_colab, without_ganlib, capsys):
    colab.setup()
    assert in_colab.commands == [[sys.executable, "-m", "pip", "install", "--quiet", f"ganlib @ git+{URL}"]]
    assert in_colab.widget_manager_calls == 1
    printed = capsys.readouterr().out
    assert URL in printed and "TensorFlow and Keras" in printed and "minutes" in printed
    assert "Restart the session" in printed  # numpy is loaded here, so the old one would stay in use


def test_in_colab_with_ganlib_installed_it_only_enables_the_widget_manager(in_colab, capsys):
    colab.setup(URL)
    assert in_colab.commands == [] and in_colab.widget_manager_calls == 1
    assert capsys.readouterr().out == ""


def test_outside_colab_it_does_nothing(outside_colab, recorder, without_ganlib, capsys):
    colab.setup(URL)
    assert recorder.commands == [] and recorder.widget_manager_calls == 0
    assert capsys.readouterr().out == ""


def test_with_the_url_unset_it_prints_one_line_and_installs_nothing(in_colab, without_ganlib, capsys):
    colab.setup("")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "not set" in lines[0] and "[project.urls] Repository" in lines[0]
    assert in_colab.commands == []
    assert in_colab.widget_manager_calls == 1


def test_a_failed_install_shows_what_pip_said(in_colab, without_ganlib, capsys):
    in_colab.returncode, in_colab.stderr = 1, "ERROR: Repository not found"
    with pytest.raises(RuntimeError, match="pip could not install ganlib:\nERROR: Repository not found"):
        colab.setup(URL)


def test_the_cell_needs_nothing_but_the_standard_library():
    tree = ast.parse(colab.first_cell(URL))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported - set(sys.stdlib_module_names) == {"ganlib", "google.colab"}  # tried, and Colab's own
    assert colab.first_cell(URL).splitlines()[0] == colab.FIRST_LINE


def test_the_url_comes_from_pyproject_in_a_checkout():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("urls", {})
    assert colab.repository_url() == urls.get(colab.URL_KEY, "")
    assert f"GANLIB_REPOSITORY = {json.dumps(colab.repository_url())}" in colab.first_cell()


def test_an_installed_ganlib_reads_the_url_from_its_metadata(monkeypatch):
    message = Message()
    message["Project-URL"] = "Homepage, https://example.org/elsewhere"
    message["Project-URL"] = f"Repository, {URL}"
    monkeypatch.setattr(data, "source_checkout", lambda: None)
    monkeypatch.setattr(colab.metadata, "metadata", lambda name: message)
    assert colab.repository_url() == URL
    assert f'GANLIB_REPOSITORY = "{URL}"' in colab.first_cell()


def test_python_m_ganlib_colab_prints_the_cell():
    result = subprocess.run([sys.executable, "-m", "ganlib.colab"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == colab.first_cell() + "\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_a_notebook_that_carries_the_cell_carries_it_as_generated(path):
    """Regenerate with `python -m ganlib.colab` when pyproject's URL or the cell changes."""
    cells = [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]
    carrying = [k for k, cell in enumerate(cells) if colab.FIRST_LINE in "".join(cell["source"])]
    if not carrying:
        pytest.fail(f"{path.name} has no Colab cell: run python tools/colab_cell.py")
    assert carrying == [0], f"{path.name}: the Colab cell must be the first code cell, and only once"
    assert "".join(cells[0]["source"]) == colab.first_cell()
