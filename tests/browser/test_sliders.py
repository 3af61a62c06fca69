"""The slider explorers of notebooks 05 and 06, moved in JupyterLab in a real browser.

nbval runs a notebook's kernel but never draws a widget. Here JupyterLab runs the
notebook in headless Chromium, the controls are moved as a student would (a slider
from the keyboard, a dropdown by choosing an option), and after every move the picture
must change: the front end, the widget extension, the comm round trip and the kernel's
redraw all take part. In notebook 05 that is the mean_scale slider, the std_scale
slider and the direction dropdown, one after another; in 06 the step slider; in 09 the InfoGAN's
c1 slider and its category dropdown.
Screenshots of the picture before and after each move are kept in ``runs/browser-test/``
as ``<notebook>-<control>-before.png`` and ``-after.png``, and the whole widget after the
last move as ``<notebook>-widget.png``.

Run it alone with ``pytest -m browser tests/browser``; it needs the Python package
playwright and Chromium at /usr/bin/chromium (see README.md, "Browser test").
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import re
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Move:
    """One thing a student does to a widget: press a key on a slider, or pick a dropdown option."""

    kind: str  # "slider" or "dropdown"
    description: str  # the control's label
    action: str  # the key pressed on the slider's handle, or the dropdown option's label

    @property
    def widget_class(self) -> str:
        return {"slider": "widget-slider", "dropdown": "widget-dropdown"}[self.kind]


CASES = [
    # notebook, which <img> of the widget shows the result, the moves made one after another;
    # each move must bring a new picture
    pytest.param("notebooks/05_latent_space.ipynb", 0,
                 (Move("slider", "mean_scale", "PageUp"), Move("slider", "std_scale", "PageUp"),
                  Move("dropdown", "direction", "random")), id="05-mean-std-direction"),
    pytest.param("notebooks/06_interpolation.ipynb", -1, (Move("slider", "step", "PageUp"),), id="06-step"),
    pytest.param("notebooks/09_infogan.ipynb", 0,
                 (Move("slider", "c1", "PageUp"), Move("dropdown", "category", "5")), id="09-c1-category"),
]


def _control(page, notebook: str, move: Move, within=None):
    """The live control labelled exactly ``move.description`` (the committed output holds only text),
    looked for in ``within`` (default: the whole page)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # exactly: "seed" must not find "direction seed"
    label = page.locator(".widget-label", has_text=re.compile(rf"^\s*{re.escape(move.description)}\s*$"))
    control = (within or page).locator(f".jupyter-widgets.{move.widget_class}").filter(has=label)
    try:
        control.first.wait_for(timeout=60 * MS)
    except PlaywrightTimeout:
        raise AssertionError(
            f"{notebook}: no live {move.kind} labelled {move.description!r} appeared after Run All Cells; "
            "is the widget extension (jupyterlab_widgets) installed and enabled? "
            f"errors shown: {_error_outputs(page)}") from None
    assert control.count() == 1, f"{notebook}: {control.count()} {move.kind}s labelled {move.description!r}"
    return control


def _readout(control, move: Move) -> str:
    if move.kind == "slider":
        return control.locator(".widget-readout").text_content().strip()
    select = control.locator("select")
    return select.evaluate("s => s.options[s.selectedIndex].text")


def _make(page, control, move: Move) -> None:
    if move.kind == "slider":
        control.locator(".noUi-handle").focus()
        page.keyboard.press(move.action)  # continuous_update=False: one release, one redraw
    else:
        control.locator("select").select_option(label=move.action)


@pytest.mark.parametrize(("notebook", "image_index", "moves"), CASES)
def test_moving_the_controls_redraws_the_picture(chromium, lab_server, artifacts, notebook, image_index, moves):
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

        output = page.locator(".jp-OutputArea-output").filter(has=_control(page, notebook, moves[0]))
        image = output.locator("img.widget-image").nth(image_index)
        image.wait_for(timeout=30 * MS)
        for move in moves:
            control = _control(page, notebook, move, within=output)  # the same widget as the picture
            before_state = _image_state(image)
            assert before_state["ready"], f"{notebook}: the widget's image did not load"
            before_png = _image_bytes(image)
            readout_before = _readout(control, move)
            before = _screenshot(image, artifacts / f"{name}-{move.description}-before.png")

            _make(page, control, move)
            readout_after = _readout(control, move)
            assert readout_after != readout_before, (
                f"{notebook}: {move.action} on the {move.description} {move.kind} left it at {readout_before}")

            deadline = time.monotonic() + REDRAW_TIMEOUT_S
            state = _image_state(image)
            while (state["src"] == before_state["src"] or not state["ready"]) and time.monotonic() < deadline:
                time.sleep(0.25)
                state = _image_state(image)
            assert state["src"] != before_state["src"], (
                f"{notebook}: {move.description} moved from {readout_before} to {readout_after}, but the kernel "
                f"sent no new picture within {REDRAW_TIMEOUT_S} s; errors shown: {_error_outputs(page)}")
            assert _image_bytes(image) != before_png, (
                f"{notebook}: {move.description} moved from {readout_before} to {readout_after}; the kernel "
                "sent a picture, but the same PNG as before")
            after = _screenshot(image, artifacts / f"{name}-{move.description}-after.png")
            changed = ImageChops.difference(_pixels(before), _pixels(after)).getbbox()
            assert changed is not None, (
                f"{notebook}: {move.description} moved from {readout_before} to {readout_after} and a new "
                f"picture arrived, but the page shows the same picture as before (see {artifacts})")
        output.evaluate("el => el.scrollIntoView({block: 'start'})")
        output.screenshot(path=artifacts / f"{name}-widget.png", animations="disabled")  # controls and picture
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
