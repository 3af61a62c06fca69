"""The three ways into this project must agree.

``pyproject.toml`` (pip), ``environment.yml`` (conda) and ``.ci/run`` (CI) each name
what a student installs and runs. These tests fail as soon as one drifts: a package
added to one file only, a lower bound raised in one place, or a test command in
README.md that is no longer the one CI runs.

environment.yml is read with PyYAML, a test dependency (``pip install -e ".[test]"``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

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


def parse_environment(text: str) -> dict:
    """Read a conda environment file with PyYAML.

    Returns ``{"name": str | None, "channels": [...], "conda": [...], "pip": [...]}``,
    the last three lists of strings as written. Raises ValueError when the file is not
    the shape conda environment files have (a mapping whose dependencies are strings
    and at most one ``pip:`` list).
    """
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise ValueError("environment.yml must be a mapping with name, channels and dependencies")
    conda, pip = [], []
    for item in loaded.get("dependencies") or []:
        if isinstance(item, str):
            conda.append(item)
        elif isinstance(item, dict) and list(item) == ["pip"] and isinstance(item["pip"], list):
            pip.extend(item["pip"])
        else:
            raise ValueError(f"environment.yml: unexpected dependency {item!r}; use a package spec or 'pip:' list")
    return {"name": loaded.get("name"), "channels": list(loaded.get("channels") or []), "conda": conda, "pip": pip}


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


def test_parser_rejects_what_it_does_not_understand():
    with pytest.raises(ValueError):
        parse_environment("- numpy\n")
    with pytest.raises(ValueError):
        parse_environment("name: x\ndependencies:\n  - numpy\n  - conda: [scipy]\n")
    assert parse_environment("name: x\ndependencies:\n  - pip\n  - pip: [numpy>=2]\n")["pip"] == ["numpy>=2"]


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
