"""Search: with ``[build] search = true`` Pagefind's index is built with the site under /pagefind/,
the theme shows the search box, and a rebuild that changes no HTML keeps the index without running
Pagefind again."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.config import load_config

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(importlib.util.find_spec("pagefind") is None,
                                reason="pagefind[bin] is not installed")


def docs_site(root: Path, search: bool = True) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n\nWelcome.\n", "utf-8")
    (root / "content" / "install.md").write_text("# Install\n\nUse the zanzibar installer.\n", "utf-8")
    (root / "sitepush.toml").write_text(
        '[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n\n'
        f'[build]\nlayout = "docs"\nsearch = {"true" if search else "false"}\n', "utf-8")
    return root


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
    # Unchanged: Pagefind does not run, its files stay published.
    entry = result.output_dir / "pagefind/pagefind-entry.json"
    before = entry.stat().st_mtime_ns
    (tmp_path / "site" / "content" / "extra.txt").write_text("not a page", "utf-8")
    again = builder.build(now=NOW)
    assert entry.stat().st_mtime_ns == before and "pagefind/pagefind-ui.js" in again.files


def test_without_search_no_box_and_no_index(tmp_path: Path) -> None:
    result = Builder(load_config(docs_site(tmp_path / "site", search=False)), output_dir=tmp_path / "out",
                     cache_folder=tmp_path / "cache", workers=1).build(now=NOW)
    assert not [key for key in result.files if key.startswith("pagefind/")]
    assert "site-search" not in (result.output_dir / "install/index.html").read_text("utf-8")
