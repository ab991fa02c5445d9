"""A ``<!--more-->`` summary is the start of the page's own body, so a listing that shows it links where
the page links: a link to another ``.md`` page or to a file of the content folder is resolved to its URL
in the summary too, on every listing (section, home, terms) and after the target moves. A placeholder
the build failed to resolve is never taken for another URL scheme by the output's link checker."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sitepush.builder.builder import Builder, BuildResult
from sitepush.builder.linkcheck import SiteFiles, resolve, target_key
from sitepush.builder.model import ASSET_PLACEHOLDER, LINK_PLACEHOLDER
from sitepush.config import load_config

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def make_site(tmp_path: Path, base_url: str = "https://m.example/") -> Path:
    site = tmp_path / "site"
    blog = site / "content" / "blog"
    blog.mkdir(parents=True)
    (site / "sitepush.toml").write_text(f'[site]\ntitle = "M"\nbase_url = "{base_url}"\n', "utf-8")
    (blog / "a.md").write_text("---\ntitle: A\ndate: 2026-01-01\ntags: [x]\n---\nSee [b](b.md) and "
                               "![pic](pic.png).\n\n<!--more-->\nMore.\n", "utf-8")
    (blog / "b.md").write_text("---\ntitle: B\ndate: 2026-01-02\n---\nB.\n", "utf-8")
    (blog / "pic.png").write_bytes(b"\x89PNG fake")
    return site


def build(tmp_path: Path, site: Path) -> BuildResult:
    return Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                   workers=1).build(now=NOW)


def test_a_summary_on_every_listing_links_where_its_page_links(tmp_path: Path) -> None:
    result = build(tmp_path, make_site(tmp_path))
    assert [w.render() for w in result.warnings] == []
    for listing in ("blog/index.html", "index.html", "tags/x/index.html"):
        html = (result.output_dir / listing).read_text("utf-8")
        assert 'href="/blog/b/"' in html and 'src="/blog/pic.png"' in html, listing
        assert LINK_PLACEHOLDER not in html and ASSET_PLACEHOLDER not in html, listing


def test_a_summary_of_a_site_under_a_path_links_under_it(tmp_path: Path) -> None:
    result = build(tmp_path, make_site(tmp_path, "https://m.example/docs/"))
    html = (result.output_dir / "blog" / "index.html").read_text("utf-8")
    assert 'href="/docs/blog/b/"' in html and 'src="/docs/blog/pic.png"' in html


def test_a_summary_follows_the_page_it_links_to_when_that_page_moves(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    build(tmp_path, site)
    b = site / "content" / "blog" / "b.md"
    b.write_text("---\ntitle: B\ndate: 2026-01-02\nslug: bee\n---\nB.\n", "utf-8")
    result = build(tmp_path, site)
    html = (result.output_dir / "blog" / "index.html").read_text("utf-8")
    assert 'href="/blog/bee/"' in html and 'href="/blog/b/"' not in html


def test_an_unresolved_placeholder_in_the_output_is_a_broken_link_not_another_scheme() -> None:
    files = SiteFiles(frozenset({"index.html", "b/index.html"}), frozenset())
    for target in (f"{LINK_PLACEHOLDER}b.md", f"{ASSET_PLACEHOLDER}pic.png"):
        where = resolve(target, "index.html", files)
        assert where is not None and target_key(where[0], files) is None
