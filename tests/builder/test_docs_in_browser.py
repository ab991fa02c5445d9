"""A docs site in a real browser (Debian's Chromium, through the preview server on loopback): the
sidebar marks the current page, the search box finds a word of another page and opens it (also a
word saved while serving, once the index has followed, asking nothing of any other host), and
prev/next walk the nav order."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from sitepush.preview.live import LiveHub
from sitepush.preview.server import PreviewServer
from sitepush.preview.watch import SiteRebuilder

pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("pagefind") is None,
                                                   reason="pagefind[bin] is not installed")]

NAV = """
[[nav]]
title = "Welcome"
page = "index.md"
[[nav]]
title = "Guide"
[[nav.children]]
title = "Install"
page = "guide/install.md"
[[nav.children]]
title = "Configure"
page = "guide/configure.md"
[[nav]]
title = "Reference"
page = "reference.md"
"""


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[PreviewServer, SiteRebuilder, Path]]:
    site = tmp_path / "site"
    pages = {"index.md": "# Welcome\n\nStart here.\n",
             "guide/install.md": "# Install\n\nRun the installer.\n",
             "guide/configure.md": "# Configure\n\nSet the quokka option to yes.\n",
             "reference.md": "# Reference\n\nEvery flag.\n"}
    for rel, text in pages.items():
        (site / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / rel).write_text(text, "utf-8")
    (site / "sitepush.toml").write_text('[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n\n'
                                        '[build]\nlayout = "docs"\nsearch = true\n' + NAV, "utf-8")
    rebuilder = SiteRebuilder(site, LiveHub(), drafts=False, output_dir=tmp_path / "preview" / "site",
                              cache_folder=tmp_path / "preview")
    assert rebuilder.build()
    server = PreviewServer(rebuilder.source, lambda: rebuilder.website, hub=LiveHub(), port=0)
    server.start()
    yield server, rebuilder, site
    server.stop()


@pytest.fixture()
def preview(served: tuple[PreviewServer, SiteRebuilder, Path]) -> PreviewServer:
    return served[0]


def test_the_sidebar_marks_the_current_page(preview: PreviewServer, browser_page: Any) -> None:
    browser_page.goto(preview.url + "guide/install/")
    current = browser_page.locator('.docs-nav a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == "Install"
    assert browser_page.locator(".docs-nav li.nav-open > span").inner_text() == "Guide"


def test_the_search_box_finds_a_word_of_another_page_and_opens_it(preview: PreviewServer,
                                                                   browser_page: Any) -> None:
    browser_page.goto(preview.url + "reference/")
    browser_page.keyboard.press("/")  # focuses the search box
    browser_page.keyboard.type("quokka")
    result = browser_page.locator(".pagefind-ui__result-link").first
    result.wait_for()
    assert result.inner_text() == "Configure"
    result.click()
    browser_page.wait_for_url("**/guide/configure/")
    assert browser_page.locator("h1").first.inner_text().startswith("Configure")


def test_a_word_saved_while_serving_is_found_once_the_index_follows_with_no_request_elsewhere(
        served: tuple[PreviewServer, SiteRebuilder, Path], browser_page: Any) -> None:
    server, rebuilder, site = served
    (site / "content" / "reference.md").write_text("# Reference\n\nEvery wombat flag.\n", "utf-8")
    assert rebuilder.build()  # the pages are served at once; the index is rebuilt in the background
    rebuilder.builder.finish_search()
    hosts: list[str] = []
    browser_page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    browser_page.goto(server.url + "guide/install/")
    browser_page.keyboard.press("/")
    browser_page.keyboard.type("wombat")
    result = browser_page.locator(".pagefind-ui__result-link").first
    result.wait_for()
    assert result.inner_text() == "Reference"
    assert set(hosts) == {urlsplit(server.url).netloc}


def test_prev_and_next_follow_the_nav(preview: PreviewServer, browser_page: Any) -> None:
    browser_page.goto(preview.url)
    visited = []
    for _ in range(4):  # bounded: the nav has four pages
        visited.append(browser_page.locator("h1").first.inner_text().rstrip("#").strip())
        following = browser_page.locator("a.next")
        if following.count() == 0:
            break
        following.click()
        browser_page.wait_for_load_state()
    assert visited == ["Welcome", "Install", "Configure", "Reference"]
    browser_page.locator("a.prev").click()
    browser_page.wait_for_url("**/guide/configure/")
