"""The slider explorers of notebooks 05 and 06, moved in JupyterLab in a real browser.

nbval runs a notebook's kernel but never draws a widget. Here JupyterLab runs the
notebook in headless Chromium, a slider is moved from the keyboard as a student
would, and the picture must change: the front end, the widget extension, the comm
round trip and the kernel's redraw all take part. Screenshots of the picture before
and after are kept in ``runs/browser-test/``.

Run it alone with ``pytest -m browser tests/browser``; it needs the Python package
playwright and Chromium at /usr/bin/chromium (see README.md, "Browser test").
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from .conftest import REPO, listening_addresses

pytestmark = pytest.mark.browser

RUN_ALL_TIMEOUT_S = 150  # the notebooks take 30-60 s on a busy 2-core machine
REDRAW_TIMEOUT_S = 60
MS = 1000


def _wait_for_run_all(page, path: str) -> None:
    """Wait until every code cell has run: none queued or running, none skipped."""
    prompts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + RUN_ALL_TIMEOUT_S
    started = False
    while time.monotonic() < deadline:
        texts = [t.strip() for t in prompts.all_text_contents()]
        running = sum(t == "[*]:" for t in texts)
        started = started or running > 0
        if started and running == 0:
            not_run = [i for i, t in enumerate(texts) if t in ("[ ]:", "")]
            assert not not_run, (f"{path}: code cells {not_run} did not run (an earlier cell raised?); "
                                 f"errors shown: {_error_outputs(page)}")
            return
        time.sleep(1)
    raise AssertionError(f"{path}: Run All Cells did not finish within {RUN_ALL_TIMEOUT_S} s "
                         f"(started: {started}); errors shown: {_error_outputs(page)}")


def _error_outputs(page) -> list[str]:
    return [text[:500] for text in page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()]


def _image_state(image) -> dict:
    return image.evaluate("img => ({src: img.src, ready: img.complete && img.naturalWidth > 0})")


def _image_bytes(image) -> bytes:
    """The bytes the <img> shows: the PNG the kernel sent, behind a blob: URL."""
    values = image.evaluate("async img => Array.from(new Uint8Array("
                            "await (await fetch(img.src)).arrayBuffer()))")
    return bytes(values)


def _screenshot(image, path: Path) -> bytes:
    # centred, so that neither the toolbar nor the status bar covers it
    image.evaluate("img => img.scrollIntoView({block: 'center', inline: 'center'})")
    return image.screenshot(path=path, animations="disabled")


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


CASES = [
    # notebook, the slider's description, which <img> of the widget shows the result,
    # the key pressed on the slider's handle, the readout expected afterwards
    pytest.param("notebooks/05_latent_space.ipynb", "mean_scale", 0, "PageUp", id="05-mean_scale"),
    pytest.param("notebooks/06_interpolation.ipynb", "step", -1, "PageUp", id="06-step"),
]


@pytest.mark.parametrize(("notebook", "description", "image_index", "key"), CASES)
def test_moving_a_slider_redraws_the_picture(chromium, lab_server, artifacts, notebook, description,
                                             image_index, key):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # importable: the chromium fixture checked

    name = Path(notebook).stem
    committed = hashlib.sha256((REPO / notebook).read_bytes()).hexdigest()
    # tall enough that the 05 grid, which ipywidgets stretches to the cell's width, fits
    page = chromium.new_page(viewport={"width": 1400, "height": 1600})
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        # a workspace of its own, reset: JupyterLab would otherwise reopen the last test's tabs
        page.goto(f"{lab_server.url}/lab/workspaces/{name}/tree/{notebook}?reset&token={lab_server.token}",
                  timeout=120 * MS)
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120 * MS)
        lab_server.wait_for_kernel(timeout_s=120)
        page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            state="attached", timeout=120 * MS)

        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator(".lm-Menu .lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        _wait_for_run_all(page, notebook)

        # the committed output holds the text fallback; this is the live widget
        slider = page.locator(".jupyter-widgets.widget-slider").filter(
            has=page.locator(".widget-label", has_text=description))
        try:
            slider.first.wait_for(timeout=60 * MS)
        except PlaywrightTimeout:
            raise AssertionError(
                f"{notebook}: no live slider labelled {description!r} appeared after Run All Cells; "
                "is the widget extension (jupyterlab_widgets) installed and enabled? "
                f"errors shown: {_error_outputs(page)}") from None
        assert slider.count() == 1, f"{notebook}: {slider.count()} sliders labelled {description!r}"
        output = page.locator(".jp-OutputArea-output").filter(has=slider)
        image = output.locator("img.widget-image").nth(image_index)
        image.wait_for(timeout=30 * MS)
        before_state = _image_state(image)
        assert before_state["ready"], f"{notebook}: the widget's image did not load"
        before_png = _image_bytes(image)
        readout = slider.locator(".widget-readout")
        readout_before = readout.text_content().strip()
        before = _screenshot(image, artifacts / f"{name}-before.png")

        slider.locator(".noUi-handle").focus()
        page.keyboard.press(key)  # continuous_update=False: one release, one redraw
        readout_after = readout.text_content().strip()
        assert readout_after != readout_before, (
            f"{notebook}: pressing {key} on the {description} slider left it at {readout_before}")

        deadline = time.monotonic() + REDRAW_TIMEOUT_S
        state = _image_state(image)
        while (state["src"] == before_state["src"] or not state["ready"]) and time.monotonic() < deadline:
            time.sleep(0.25)
            state = _image_state(image)
        assert state["src"] != before_state["src"], (
            f"{notebook}: {description} moved from {readout_before} to {readout_after}, but the kernel "
            f"sent no new picture within {REDRAW_TIMEOUT_S} s; errors shown: {_error_outputs(page)}")
        assert _image_bytes(image) != before_png, (
            f"{notebook}: {description} moved from {readout_before} to {readout_after}; the kernel "
            "sent a picture, but the same PNG as before")
        after = _screenshot(image, artifacts / f"{name}-after.png")
        changed = ImageChops.difference(_pixels(before), _pixels(after)).getbbox()
        assert changed is not None, (
            f"{notebook}: {description} moved from {readout_before} to {readout_after} and a new "
            f"picture arrived, but the page shows the same picture as before (see {artifacts})")
        assert not page_errors, f"{notebook}: errors in the page: {page_errors}"

        # while the kernel is alive: the server and its kernels listen on loopback only
        exposed = [address for address in listening_addresses(lab_server.pids())
                   if not ipaddress.ip_address(address.rsplit(":", 1)[0]).is_loopback]
        assert not exposed, f"JupyterLab or its kernel listens beyond loopback: {exposed}"
    except Exception:
        try:  # the whole page, for whoever reads the failure
            page.screenshot(path=artifacts / f"{name}-failure.png", full_page=True)
            (artifacts / f"{name}-failure.html").write_text(page.content())
        except Exception as error:  # noqa: BLE001  (a crashed page must not hide the real failure)
            print(f"no failure screenshot: {error}")
        raise
    finally:
        page.close()
        lab_server.shutdown_kernels()
    # autosave is off, so the browser's run must not have rewritten the committed outputs
    assert hashlib.sha256((REPO / notebook).read_bytes()).hexdigest() == committed, (
        f"{notebook} was changed on disk by the browser test")
