"""The notebooks' first cell: in Colab it installs ganlib and lets ipywidgets 8 draw.

Outside Colab the cell does nothing: a checkout or ``pip install`` already provides
ganlib, and JupyterLab, VS Code and Notebook 7 draw ipywidgets 8 widgets without help.
In a Colab runtime it pip-installs ganlib from the repository (which also upgrades
Colab's TensorFlow and Keras to ganlib's lower bounds), then calls
``google.colab.output.enable_custom_widget_manager()``, without which Colab draws no
ipywidgets 8 widget.

In a fresh Colab runtime the cell runs before ganlib exists, so it is plain Python
(the standard library only) with the repository's URL written into it. That URL has
one home, ``[project.urls] Repository`` in ``pyproject.toml``: :func:`first_cell`
writes it into the cell's text, ``python -m ganlib.colab`` prints that text for the
notebooks, and ``tests/test_colab.py`` checks that the notebooks' cells are that text.
:func:`setup` runs the same text in this process. This module imports nothing heavy.
"""

from __future__ import annotations

import json
from importlib import metadata

#: The key of ``[project.urls]`` in ``pyproject.toml`` that names the repository.
URL_KEY = "Repository"
#: The first line of the cell: how a notebook's copy of the cell is recognised.
FIRST_LINE = "# Colab only: install ganlib and let the widgets draw. Elsewhere this cell does nothing."
#: Modules that pip may upgrade: loaded before the install, their old versions stay in use.
UPGRADED = ("numpy", "tensorflow", "keras", "ipywidgets")

_CELL = '''{first_line}
import sys
GANLIB_REPOSITORY = {url}  # [project.urls] Repository in ganlib's pyproject.toml
if "google.colab" in sys.modules:
    try:
        import ganlib
    except ImportError:
        if not GANLIB_REPOSITORY:
            print("ganlib cannot be installed here: its repository URL is not set yet ([project.urls] Repository "
                  "in pyproject.toml); install it by hand (pip install <its folder or URL>), then run this cell again.")
        else:
            import subprocess
            print(f"Installing ganlib from {{GANLIB_REPOSITORY}}; pip also upgrades Colab's TensorFlow and Keras "
                  "to ganlib's versions, which takes one to three minutes.")
            pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "ganlib @ git+" + GANLIB_REPOSITORY],
                                 capture_output=True, text=True)
            if pip.returncode != 0:
                raise RuntimeError("pip could not install ganlib:\\n" + pip.stderr[-3000:])
            if any(name in sys.modules for name in ({upgraded})):
                print("Installed. Restart the session (Runtime > Restart session) so that the upgraded packages "
                      "load, then run the notebook from the top.")
    from google.colab import output
    output.enable_custom_widget_manager()
'''


def repository_url() -> str:
    """``[project.urls] Repository`` of ganlib's ``pyproject.toml``; ``""`` while it is not set.

    Read from the checkout's ``pyproject.toml`` when ganlib runs from a source checkout
    (so an edit shows at once), else from the installed distribution's metadata, which
    setuptools writes from that same table.
    """
    from .data import source_checkout

    root = source_checkout()
    if root is not None:
        import tomllib

        project = tomllib.loads((root / "pyproject.toml").read_text()).get("project", {})
        return str(project.get("urls", {}).get(URL_KEY, "")).strip()
    try:
        entries = metadata.metadata("ganlib").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ""
    for entry in entries:  # "Repository, https://..."
        label, _, url = entry.partition(",")
        if label.strip() == URL_KEY:
            return url.strip()
    return ""


def first_cell(url: str | None = None) -> str:
    """The source of the notebooks' first cell, with ``url`` (default: :func:`repository_url`) written in.

    It needs nothing but the standard library, because in Colab it runs before ganlib
    is installed. Outside Colab (no ``google.colab`` in ``sys.modules``) it does nothing.
    In Colab, when ganlib cannot be imported, it pip-installs ``ganlib @ git+<url>``,
    or, with no URL set, prints one line saying so; then it enables Colab's custom
    widget manager, which ipywidgets 8 needs there.
    """
    url = repository_url() if url is None else url
    return _CELL.format(first_line=FIRST_LINE, url=json.dumps(url),
                        upgraded=", ".join(json.dumps(name) for name in UPGRADED)).rstrip("\n")


def setup(url: str | None = None) -> None:
    """Do here what the notebooks' first cell does: run :func:`first_cell`'s text in this process."""
    exec(compile(first_cell(url), "<ganlib first cell>", "exec"), {"__name__": "__ganlib_first_cell__"})


if __name__ == "__main__":
    print(first_cell())
