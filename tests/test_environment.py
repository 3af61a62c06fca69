"""The three ways into this project must agree.

``pyproject.toml`` (pip), ``environment.yml`` (conda) and ``.ci/run`` (CI) each name
what a student installs and runs. These tests fail as soon as one drifts: a package
added to one file only, a lower bound raised in one place, or a test command in
README.md that is no longer the one CI runs.

PyYAML is not a dependency of ganlib, so environment.yml is read with the small
parser below, which understands the subset of YAML that conda environment files use.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"
CI_RUN = ROOT / ".ci" / "run"
README = ROOT / "README.md"

# Conda packages with no pip counterpart to compare: the interpreter and pip itself.
CONDA_ONLY = {"python", "pip"}
# PyPI names that conda-forge spells differently (PyPI name -> conda-forge name).
CONDA_FORGE_NAMES: dict[str, str] = {}

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LOWER_BOUND = re.compile(r">=\s*([0-9][0-9A-Za-z.*+!-]*)")


def normalise(name: str) -> str:
    """Lowercase, '_' and '.' to '-': the form pip and conda-forge compare names in."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_spec(spec: str) -> tuple[str, str | None]:
    """``"numpy>=2.4,<3"`` -> ``("numpy", "2.4")``; the bound is None when absent."""
    match = _NAME.match(spec)
    if not match:
        raise ValueError(f"cannot read a package name from {spec!r}")
    bound = _LOWER_BOUND.search(spec[match.end():])
    return normalise(match.group(1)), bound.group(1) if bound else None


def _strip_comment(line: str) -> str:
    # YAML comments start at a '#' that begins the line or follows whitespace
    return re.sub(r"(^|\s)#.*$", "", line).rstrip()


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse_environment(text: str) -> dict:
    """Read a conda environment file.

    Returns ``{"name": str | None, "channels": [...], "conda": [...], "pip": [...]}``,
    the last three lists of strings as written. Raises ValueError on anything outside
    the subset conda environment files use, rather than guessing.
    """
    result: dict = {"name": None, "channels": [], "conda": [], "pip": []}
    section = None  # top-level key whose list we are in
    pip_indent = None  # indentation of the "- pip:" item while inside its list
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if indent == 0 and not body.startswith("-"):
            key, sep, value = body.partition(":")
            if not sep:
                raise ValueError(f"environment.yml line {number}: expected 'key: value', got {raw!r}")
            key, value = key.strip(), _unquote(value)
            section, pip_indent = key, None
            if key == "name":
                result["name"] = value
            elif value:
                raise ValueError(f"environment.yml line {number}: unexpected inline value for {key!r}")
            continue
        if not body.startswith("- "):
            raise ValueError(f"environment.yml line {number}: expected a list item, got {raw!r}")
        item = _unquote(body[2:])
        if pip_indent is not None and indent > pip_indent:
            result["pip"].append(item)
            continue
        pip_indent = None
        if section == "channels":
            result["channels"].append(item)
        elif section == "dependencies":
            if item.rstrip() == "pip:":
                pip_indent = indent
            else:
                result["conda"].append(item)
        else:
            raise ValueError(f"environment.yml line {number}: list item outside channels/dependencies")
    return result


def pyproject_requirements() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["test"])


def environment() -> dict:
    return parse_environment(ENVIRONMENT.read_text())


def _is_this_package(pip_line: str) -> bool:
    return re.fullmatch(r"(-e|--editable)\s+\.(\[[^\]]*\])?", pip_line.strip()) is not None


def test_environment_yml_names_the_same_packages_as_pyproject():
    env = environment()
    wanted = {}
    for spec in pyproject_requirements():
        name, bound = split_spec(spec)
        wanted[CONDA_FORGE_NAMES.get(name, name)] = bound
    given = {}
    for spec in env["conda"]:
        name, bound = split_spec(spec)
        if name not in CONDA_ONLY:
            given[name] = bound
    for line in env["pip"]:
        if not _is_this_package(line):
            name, bound = split_spec(line)
            given[name] = bound

    missing_in_env = sorted(set(wanted) - set(given))
    missing_in_pyproject = sorted(set(given) - set(wanted))
    assert not missing_in_env and not missing_in_pyproject, (
        f"environment.yml lacks {missing_in_env or 'nothing'}; "
        f"pyproject.toml (dependencies + optional test) lacks {missing_in_pyproject or 'nothing'}"
    )

    differing = {
        name: (wanted[name], given[name])
        for name in wanted
        if wanted[name] is not None and given[name] is not None and wanted[name] != given[name]
    }
    assert not differing, (
        "lower bounds differ (pyproject.toml, environment.yml): "
        + ", ".join(f"{name} {a} vs {b}" for name, (a, b) in sorted(differing.items()))
    )


def test_environment_yml_pins_python_installs_ganlib_and_uses_conda_forge_only():
    env = environment()
    assert env["name"] == "ganlib"
    assert env["channels"] == ["conda-forge"], f"channels must be exactly [conda-forge], got {env['channels']}"
    pythons = [spec for spec in env["conda"] if split_spec(spec)[0] == "python"]
    assert len(pythons) == 1 and re.fullmatch(r"python\s*==?\s*3\.\d+(\.\d+)?", pythons[0]), (
        f"environment.yml must pin python to one version (python=3.X), got {pythons}"
    )
    assert any(split_spec(spec)[0] == "pip" for spec in env["conda"]), "environment.yml needs pip for its pip section"
    assert any(_is_this_package(line) for line in env["pip"]), "environment.yml must install ganlib itself with '-e .'"


def test_parser_reads_what_yaml_reads():
    yaml = pytest.importorskip("yaml")  # not a dependency; present with jupyterlab
    loaded = yaml.safe_load(ENVIRONMENT.read_text())
    ours = environment()
    conda = [d for d in loaded["dependencies"] if isinstance(d, str)]
    pip = [line for d in loaded["dependencies"] if isinstance(d, dict) for line in d["pip"]]
    assert (ours["name"], ours["channels"], ours["conda"], ours["pip"]) == (
        loaded["name"], loaded["channels"], conda, pip
    )


def test_parser_rejects_what_it_does_not_understand():
    with pytest.raises(ValueError):
        parse_environment("name: x\ndependencies: [numpy]\n")
    with pytest.raises(ValueError):
        parse_environment("dependencies:\n  numpy\n")


def ci_test_command() -> str:
    """The line of .ci/run that installs the test extras and runs pytest."""
    commands = re.findall(r"^[ \t]*(pip install .*&&[ \t]*pytest\b.*?)[ \t]*$", CI_RUN.read_text(), re.MULTILINE)
    assert len(commands) == 1, f".ci/run must hold exactly one 'pip install ... && pytest' line, found {commands}"
    return commands[0]


def test_readme_shows_the_test_command_that_ci_runs():
    command = ci_test_command()
    # the whole command: a line of its own (a code block) or in backticks, not a prefix
    shown = re.search(r"(^[ \t]*|`)" + re.escape(command) + r"([ \t]*$|`)", README.read_text(), re.MULTILINE)
    assert shown, f"README.md must show the test command CI runs, verbatim, on its own line: {command}"


def test_ci_script_is_executable_bash_with_strict_mode():
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") or text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    assert CI_RUN.stat().st_mode & 0o111, ".ci/run must be executable"
