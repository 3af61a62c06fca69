"""The built web book and decks in headless Chromium, with the network cut off.

The site from ``python -m ganlib book`` is served on 127.0.0.1; every request for
anything else is aborted and recorded, so a page that needs the network fails here
exactly as it would in a lecture hall without wifi. Screenshots (the top of every page,
two slides of every deck) go to runs/browser-test/book/.

    pytest -m book tests/browser/test_book.py
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest

from ganlib import book

pytestmark = [pytest.mark.browser, pytest.mark.book]

NOTEBOOKS = sorted(book.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
PAGES = ["intro", *[f"notebooks/{path.stem}" for path in NOTEBOOKS]]

# Text outside code, scripts and typeset maths: what a reader sees as prose.
VISIBLE_PROSE = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, mjx-assistive-mml, .MathJax')
      .forEach(node => node.remove());
  return copy.textContent;
}"""
BROKEN_IMAGES = "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    handler = functools.partial(_Quiet, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def offline_page(chromium, site):
    """A page on which every non-local request is aborted; yields (page, aborted, errors)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    aborted, errors = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            aborted.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # a missing file is an error; the browser's own guess at /favicon.ico is not the book's
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    try:
        yield page, aborted, errors
    finally:
        context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # MathJax typesets after load; wait until it says it is done
    page.wait_for_function("() => !window.MathJax || !window.MathJax.startup || "
                           "window.MathJax.startup.promise.then(() => true)", timeout=30_000)
    page.wait_for_timeout(300)


def _has_maths(path: Path) -> bool:
    notebook = nbformat.read(path, as_version=4)
    return any("$" in cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def _widget_outputs(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
               for cell in notebook.cells for output in cell.get("outputs", []))


@pytest.mark.parametrize("name", PAGES)
def test_book_page_reads_offline(offline_page, site, artifacts, name):
    page, aborted, errors = offline_page
    _open(page, urljoin(site, f"{name}.html"))
    (artifacts / "book").mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "book" / f"page-{Path(name).name}.png"))
    assert aborted == [], f"{name} needed the network: {aborted}"
    assert errors == [], f"{name}: {errors}"
    assert page.evaluate(BROKEN_IMAGES) == []
    prose = page.evaluate(VISIBLE_PROSE)
    assert "NBVAL" not in page.evaluate("() => document.body.innerText")
    for raw in ("$$", "\\(", "\\[", "\\frac", "\\mathbb"):
        assert raw not in prose, f"{name} shows untypeset maths ({raw!r})"
    if name != "intro":
        path = book.NOTEBOOKS / f"{Path(name).name}.ipynb"
        if _has_maths(path):
            assert page.locator("mjx-container").count() > 0, f"{name}: MathJax rendered nothing"
        widgets = _widget_outputs(path)
        if widgets:
            # the saved explorer draws its picture: an <img> from the widget state's PNG bytes
            pictures = page.locator(".widget-image")
            assert pictures.count() >= widgets
            assert all(width > 0 for width in pictures.evaluate_all("els => els.map(e => e.naturalWidth)"))


def test_book_pages_chain_with_next_and_previous_links(offline_page, site):
    page, aborted, _ = offline_page
    for k, name in enumerate(PAGES):
        _open(page, urljoin(site, f"{name}.html"))
        links = {kind: page.locator(f"a.{kind}") for kind in ("left-prev", "right-next")}
        if k + 1 < len(PAGES):
            target = urljoin(page.url, links["right-next"].get_attribute("href"))
            assert target.split("#")[0] == urljoin(site, f"{PAGES[k + 1]}.html"), f"next of {name}"
        else:
            assert links["right-next"].count() == 0
        if k > 0:
            target = urljoin(page.url, links["left-prev"].get_attribute("href"))
            assert target.split("#")[0] == urljoin(site, f"{PAGES[k - 1]}.html"), f"previous of {name}"
    assert aborted == []


def test_a_solution_is_folded_until_asked_for(offline_page, site):
    page, _, _ = offline_page
    _open(page, urljoin(site, "notebooks/01_gan_theory.html"))
    solution = page.locator("details.hide", has_text="Show solution").first
    code = solution.locator("pre").first
    assert not code.is_visible()
    solution.locator("summary").click()
    assert code.is_visible()
    why = page.locator("details.sd-dropdown", has_text="Show why").first
    assert not why.locator("p").first.is_visible()
    why.locator("summary").click()
    assert why.locator("p").first.is_visible()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deck_shows_its_title_and_the_right_arrow_moves_on(offline_page, site, artifacts, path):
    page, aborted, errors = offline_page
    _open(page, urljoin(site, f"slides/{path.stem}.slides.html"))
    (artifacts / "book").mkdir(exist_ok=True)
    title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
    current = page.locator(".reveal .slides section.present")
    assert current.locator("h1").first.is_visible()
    assert current.locator("h1").first.inner_text().lower().startswith(title.lower()[:12])
    page.screenshot(path=str(artifacts / "book" / f"deck-{path.stem}-1.png"))
    before = page.evaluate("() => location.hash")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)  # the slide transition
    assert page.evaluate("() => location.hash") not in (before, "", "#/"), "the right arrow did not move on"
    page.screenshot(path=str(artifacts / "book" / f"deck-{path.stem}-2.png"))
    assert aborted == [], f"{path.stem} deck needed the network: {aborted}"
    assert errors == [], f"{path.stem} deck: {errors}"
    assert page.evaluate(BROKEN_IMAGES) == []
    if _has_maths(path):
        assert page.locator("mjx-container").count() > 0
    assert "NBVAL" not in page.evaluate("() => document.body.innerText")
