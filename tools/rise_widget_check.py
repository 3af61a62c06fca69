"""Does an ipywidgets 8 widget draw on a live RISE slide? (README: Presenting the live notebook)

    pip install jupyterlab-rise playwright      # and Chromium at /usr/bin/chromium
    python tools/rise_widget_check.py

Writes a two-slide notebook with a slider and an image widget into a temporary folder,
starts JupyterLab on 127.0.0.1 with a private configuration, opens the notebook in
RISE (/rise/NAME) in headless Chromium, runs the widget cell there and counts the
widget views drawn; then the same in JupyterLab's ordinary notebook view, as the control. Prints the versions, the count and any widget-manager errors, and
saves runs/rise-check-RISE.png and -notebook.png. Exit code 0 if the widget drew in RISE, 1 if not.
Not part of the test suite: RISE is not a ganlib dependency.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
WIDGET_CELL = """import io
import ipywidgets as widgets
import numpy as np
from PIL import Image
buffer = io.BytesIO()
Image.fromarray((np.random.default_rng(0).random((28, 28)) * 255).astype("uint8")).resize((140, 140)).save(buffer, "png")
widgets.VBox([widgets.IntSlider(description="seed", value=3), widgets.Image(value=buffer.getvalue(), format="png")])"""


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="rise-check-"))
    notebook = new_notebook(cells=[
        new_markdown_cell("# A title slide", metadata={"slideshow": {"slide_type": "slide"}}),
        new_markdown_cell("## A widget slide", metadata={"slideshow": {"slide_type": "slide"}}),
        new_code_cell(WIDGET_CELL, metadata={"slideshow": {"slide_type": "-"}})])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "widget.ipynb")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(12)
    env = dict(os.environ, **{name: str(folder / sub) for name, sub in (
        ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("JUPYTER_RUNTIME_DIR", "runtime"))})
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    errors: list[str] = []
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            drawn = {}
            for view, path in (("RISE", "rise/widget.ipynb"), ("notebook", "lab/tree/widget.ipynb")):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.on("console", lambda m, view=view: errors.append(f"{view}: {m.text.splitlines()[0][:160]}")
                        if m.type == "error" and ("widget" in m.text.lower() or "comm" in m.text.lower()
                                                  or "shared module" in m.text.lower()) else None)
                page.goto(f"{base}/{path}?token={token}")
                page.wait_for_selector(".jp-CodeCell .jp-InputArea-editor", timeout=60_000)
                page.wait_for_timeout(5000)  # the kernel starts
                if view == "RISE":
                    page.keyboard.press("ArrowRight")
                    page.wait_for_timeout(1000)
                page.locator(".jp-CodeCell .jp-InputArea-editor").last.click()
                page.keyboard.press("Shift+Enter")
                page.wait_for_timeout(8000)
                drawn[view] = page.locator(".jupyter-widgets.widget-slider, .jupyter-widgets.widget-image").count()
                (REPO / "runs").mkdir(exist_ok=True)
                page.screenshot(path=str(REPO / "runs" / f"rise-check-{view}.png"))
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(15)
    print(f"jupyterlab {version('jupyterlab')}, jupyterlab-rise {version('jupyterlab_rise')}, "
          f"ipywidgets {version('ipywidgets')}: widget views drawn (2 expected): "
          + ", ".join(f"{view} {count}" for view, count in drawn.items()))
    for line in sorted(set(errors)):
        print(f"  browser console: {line}")
    return 0 if drawn["RISE"] >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
