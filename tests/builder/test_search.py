"""Search: with ``[build] search = true`` Pagefind's index is built with the site under /pagefind/,
the theme shows the search box, a rebuild whose pages kept their bytes keeps the index without
running Pagefind, a one-page change rewrites only the index files that changed, and the preview
builder publishes the pages before the index catches up."""

from __future__ import annotations

import gzip
import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.builder.search import SearchIndexJob, page_url, search_document
from sitepush.config import load_config
from sitepush.errors import BuildError

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
needs_pagefind = pytest.mark.skipif(importlib.util.find_spec("pagefind") is None,
                                    reason="pagefind[bin] is not installed")


def docs_site(root: Path, search: bool = True) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n\nWelcome.\n", "utf-8")
    (root / "content" / "install.md").write_text("# Install\n\nUse the zanzibar installer.\n", "utf-8")
    (root / "content" / "guide.md").write_text("# Guide\n\n## Setup\n\nRun the quokka tool.\n", "utf-8")
    (root / "sitepush.toml").write_text(
        '[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n\n'
        f'[build]\nlayout = "docs"\nsearch = {"true" if search else "false"}\n', "utf-8")
    return root


def fragments(out: Path) -> dict[str, dict[str, object]]:
    """URL → what Pagefind's index holds of the page (its fragment: text, title, anchors)."""
    pages = {}
    for path in (out / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data
    return pages


def indexed_words(out: Path, *, swept: bool = True) -> dict[str, str]:
    """URL → indexed text of each page; with ``swept``, fails if the folder holds a fragment no page
    has (an old index's, left behind)."""
    found = fragments(out)
    assert not swept or len(found) == len(list((out / "pagefind" / "fragment").iterdir()))
    return {url: str(fragment["content"]) for url, fragment in found.items()}


# -- the search document (no Pagefind needed) --------------------------------------------------

PAGE = ('<!doctype html><html lang="de"><head><title>T</title></head><body><nav>Sidebar words</nav>'
        '<main><article class="page" data-pagefind-body><h1>Title</h1><article>inner</article>'
        '<p>Body</p></article></main><footer>Footer</footer></body></html>')


def test_the_search_document_is_the_body_element_with_the_page_language() -> None:
    assert search_document(PAGE) == ('<html lang="de"><body><article class="page" data-pagefind-body>'
                                     '<h1>Title</h1><article>inner</article><p>Body</p></article>'
                                     '</body></html>')


@pytest.mark.parametrize("page", [
    "<html><body><p>no body element</p></body></html>",
    '<html><body><div data-pagefind-body>a</div><div data-pagefind-body>b</div></body></html>',
    '<html><head><meta data-pagefind-meta="image:x.png"></head><body><div data-pagefind-body>a</div></body></html>',
    '<html><body><div data-pagefind-body>a</div><span data-pagefind-filter="tag">x</span></body></html>',
    '<html><body><div data-pagefind-body>never closed</body></html>',
])
def test_a_page_pagefind_would_read_beyond_one_body_element_is_sent_whole(page: str) -> None:
    assert search_document(page) == page


def test_page_urls_are_the_ones_pagefinds_cli_gives() -> None:
    assert [page_url(k) for k in ("index.html", "docs/index.html", "404.html", "a/b.html")] == \
        ["/", "/docs/", "/404.html", "/a/b.html"]


# -- with Pagefind -----------------------------------------------------------------------------

@needs_pagefind
def test_the_index_and_its_ui_are_built_with_the_site_and_linked_from_every_page(tmp_path: Path) -> None:
    builder = Builder(load_config(docs_site(tmp_path / "site")), output_dir=tmp_path / "out",
                      cache_folder=tmp_path / "cache", workers=1)
    result = builder.build(now=NOW)
    assert {"pagefind/pagefind-ui.js", "pagefind/pagefind-ui.css", "pagefind/pagefind-entry.json"} <= \
        set(result.files)
    html = (result.output_dir / "install/index.html").read_text("utf-8")
    assert '<script src="/pagefind/pagefind-ui.js" defer></script>' in html
    assert 'class="site-search"' in html and "data-pagefind-body" in html
    assert [w for w in result.warnings if "broken link" in w.message] == []
    words = indexed_words(result.output_dir)
    assert "zanzibar" in words["/install/"] and "Sidebar" not in words["/install/"]
    # Unchanged pages: Pagefind does not run, its files stay published.
    entry = result.output_dir / "pagefind/pagefind-entry.json"
    before = entry.stat().st_mtime_ns
    (tmp_path / "site" / "content" / "extra.txt").write_text("not a page", "utf-8")
    again = builder.build(now=NOW)
    assert entry.stat().st_mtime_ns == before and "pagefind/pagefind-ui.js" in again.files


@needs_pagefind
def test_the_body_element_alone_indexes_exactly_as_the_whole_page(tmp_path: Path) -> None:
    result = Builder(load_config(docs_site(tmp_path / "site")), output_dir=tmp_path / "out",
                     cache_folder=tmp_path / "cache", workers=1).build(now=NOW)
    pages = [key for key in result.files if key.endswith(".html") and not key.startswith("pagefind/")]
    whole = tmp_path / "whole"
    for key in pages:  # the same pages with a data-pagefind-meta outside the body: sent whole
        html = (result.output_dir / key).read_text("utf-8").replace(
            "<head>", '<head><meta data-pagefind-meta="source:whole">')
        assert search_document(html) == html
        (whole / key).parent.mkdir(parents=True, exist_ok=True)
        (whole / key).write_text(html, "utf-8")
    SearchIndexJob(whole, pages).wait()
    ours, sent_whole = fragments(result.output_dir), fragments(whole)
    assert {url: fragment["meta"].pop("source") for url, fragment in sent_whole.items()} == \
        dict.fromkeys(ours, "whole")
    assert sent_whole == ours


@needs_pagefind
def test_a_one_page_change_rewrites_only_the_index_files_that_changed(tmp_path: Path) -> None:
    site = docs_site(tmp_path / "site")
    builder = Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                      workers=1)
    first = builder.build(now=NOW)
    index_files = [key for key in first.files if key.startswith("pagefind/")]
    (site / "content" / "install.md").write_text("# Install\n\nUse the wombat installer.\n", "utf-8")
    again = builder.build(now=NOW)
    assert again.stats.written < len(index_files) // 2
    words = indexed_words(again.output_dir)
    assert "wombat" in words["/install/"] and len(words) == 3  # the old fragment is swept
    assert sorted(key for key in again.files if key.startswith("pagefind/")) == \
        sorted(str(path.relative_to(again.output_dir)) for path in (again.output_dir / "pagefind").rglob("*")
               if path.is_file())
    assert not [key for key in again.files if key.startswith("pagefind/")
                and not (again.output_dir / key).is_file()]


@needs_pagefind
def test_the_preview_builder_publishes_the_pages_first_and_the_index_after(tmp_path: Path) -> None:
    site = docs_site(tmp_path / "site")
    builder = Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                      workers=1, persist=False, background_search=True)
    first = builder.build(now=NOW)  # no index yet: built in the build
    assert "zanzibar" in indexed_words(first.output_dir)["/install/"]
    (site / "content" / "install.md").write_text("# Install\n\nUse the wombat installer.\n", "utf-8")
    again = builder.build(now=NOW)
    assert "wombat" in (again.output_dir / "install/index.html").read_text("utf-8")
    assert again.stats.written == 1  # the page; no file of the index was written by the build
    builder.finish_search()  # what the next build waits for; it sweeps the old index's files
    assert "wombat" in " ".join(indexed_words(again.output_dir, swept=False).values())
    third = builder.build(now=NOW)  # nothing changed: the index the thread built is kept, old files swept
    assert third.stats.written == 0
    words = indexed_words(third.output_dir)
    assert len(words) == 3 and "wombat" in words["/install/"]


@needs_pagefind
def test_stopping_the_preview_mid_index_keeps_the_last_index_and_the_next_build_catches_up(
        tmp_path: Path) -> None:
    site = docs_site(tmp_path / "site")
    options = {"output_dir": tmp_path / "out", "cache_folder": tmp_path / "cache", "workers": 1}
    serving = Builder(load_config(site), persist=False, background_search=True, **options)
    serving.build(now=NOW)
    (site / "content" / "install.md").write_text("# Install\n\nUse the wombat installer.\n", "utf-8")
    serving.build(now=NOW)
    serving.save_cache()  # what stopping the server does: Pagefind is stopped, not waited for
    assert not serving.search.running
    result = Builder(load_config(site), **options).build(now=NOW)
    words = indexed_words(result.output_dir)
    assert len(words) == 3 and "wombat" in words["/install/"]


@pytest.mark.parametrize(("binary", "message"), [
    ("missing", "sitepush.toml: search is on but Pagefind is not installed — pip install 'pagefind[bin]', "
                "or set [build] search = false"),
    ("/bin/false", "sitepush.toml: Pagefind stopped without writing the index — pip install "
                   "--force-reinstall 'pagefind[bin]', or set [build] search = false"),
])
def test_a_pagefind_that_is_missing_or_stops_is_one_line_naming_the_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, binary: str, message: str) -> None:
    pytest.importorskip("pagefind")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / binary) if binary == "missing" else binary)
    builder = Builder(load_config(docs_site(tmp_path / "site")), output_dir=tmp_path / "out",
                      cache_folder=tmp_path / "cache", workers=1)
    with pytest.raises(BuildError) as raised:
        builder.build(now=NOW)
    assert [problem.render() for problem in raised.value.problems] == [message]


def test_without_search_no_box_and_no_index(tmp_path: Path) -> None:
    result = Builder(load_config(docs_site(tmp_path / "site", search=False)), output_dir=tmp_path / "out",
                     cache_folder=tmp_path / "cache", workers=1).build(now=NOW)
    assert not [key for key in result.files if key.startswith("pagefind/")]
    assert "site-search" not in (result.output_dir / "install/index.html").read_text("utf-8")
