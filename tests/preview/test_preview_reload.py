"""Live reload in a real browser: headless Chromium (Debian's) on a page of the preview, edits on disk.

The server runs in this process on a free loopback port, watching a copy of example-site with
watchdog's native observer; Playwright drives /usr/bin/chromium (no downloaded browser). A marker set
on ``window`` before an edit and gone after it proves the page really reloaded; a marker that
survives a CSS edit proves the stylesheet was swapped in place. Every wait is bounded.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitepush.preview.live import LiveHub
from sitepush.preview.server import PreviewServer
from sitepush.preview.watch import SiteRebuilder
from tests.fixtures.paths import REPO

pytestmark = pytest.mark.slow


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(REPO / "example-site", folder)
    return folder


@pytest.fixture()
def preview(site: Path, tmp_path: Path) -> Iterator[PreviewServer]:
    hub = LiveHub()
    rebuilder = SiteRebuilder(site, hub, drafts=False, output_dir=tmp_path / "preview" / "site",
                              cache_folder=tmp_path / "preview")
    assert rebuilder.build()
    server = PreviewServer(rebuilder.source, lambda: rebuilder.website, hub=hub, port=0)
    server.start()
    rebuilder.start()
    yield server
    rebuilder.stop()
    server.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_saving_a_page_reloads_it_in_the_browser_with_the_new_text(
        preview: PreviewServer, browser_page: Any, site: Path) -> None:
    page = browser_page
    page.goto(preview.url + "about/")
    page.wait_for_function("document.body.innerText.includes('three things')")
    page.evaluate("window.sitepushMarker = 'before the edit'")
    edit(site / "content" / "about.md", "It does three things", "It does exactly four things")
    page.wait_for_function("document.body.innerText.includes('exactly four things')")
    assert page.evaluate("window.sitepushMarker") is None  # a new document: the page really reloaded


def test_a_broken_front_matter_shows_an_overlay_that_the_fix_clears(
        preview: PreviewServer, browser_page: Any, site: Path) -> None:
    page = browser_page
    page.goto(preview.url + "about/")
    page.wait_for_function("document.body.innerText.includes('three things')")
    source = site / "content" / "about.md"
    good = source.read_text("utf-8")
    source.write_text(good.replace('title = "About"', 'title = "About'), "utf-8")
    overlay = page.locator("#sitepush-error-overlay")
    overlay.wait_for(state="visible")
    assert "content/about.md:2" in overlay.inner_text()
    assert "three things" in page.inner_text("main")  # the last good build stays on screen
    source.write_text(good, "utf-8")
    overlay.wait_for(state="detached")


def test_a_stylesheet_edit_swaps_the_css_in_place_without_reloading(
        preview: PreviewServer, browser_page: Any, site: Path) -> None:
    page = browser_page
    page.goto(preview.url)
    page.evaluate("window.sitepushMarker = 'kept'")
    theme_css = (REPO / "templates" / "assets" / "style.css").read_text("utf-8")
    override = site / "static" / "assets" / "style.css"  # a site overrides theme assets from static/
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(theme_css + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n", "utf-8")
    page.wait_for_function("getComputedStyle(document.body).outlineWidth === '7px'")
    assert page.evaluate("window.sitepushMarker") == "kept"


def test_two_tabs_both_reload_after_one_save(preview: PreviewServer, browser_page: Any, site: Path) -> None:
    first = browser_page
    second = first.context.new_page()
    second.set_default_timeout(10_000)
    for tab in (first, second):
        tab.goto(preview.url + "about/")
        tab.wait_for_function("document.body.innerText.includes('three things')")
    edit(site / "content" / "about.md", "It does three things", "It does two things")
    for tab in (first, second):
        tab.wait_for_function("document.body.innerText.includes('two things')")


def test_an_open_page_reconnects_after_a_server_restart_and_reloads(
        site: Path, tmp_path: Path, browser_page: Any) -> None:
    rebuilder = SiteRebuilder(site, LiveHub(), drafts=False, output_dir=tmp_path / "p" / "site",
                              cache_folder=tmp_path / "p")
    assert rebuilder.build()
    first = PreviewServer(rebuilder.source, lambda: rebuilder.website, hub=rebuilder.hub, port=0)
    port = first.server_address[1]
    first.start()
    page = browser_page
    page.goto(first.url + "about/")
    page.evaluate("window.sitepushMarker = 'before the restart'")
    first.stop()
    second = PreviewServer(rebuilder.source, lambda: rebuilder.website, hub=LiveHub(), port=port)
    second.start()
    try:
        page.wait_for_function("window.sitepushMarker === undefined")  # reloaded from the new server
        assert "three things" in page.inner_text("main")
    finally:
        second.stop()
