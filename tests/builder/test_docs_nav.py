"""Docs navigation: a sidebar tree (``[[nav]]``, else weight, else title), the current page marked and
its branch open, prev/next and breadcrumbs from the same tree, README.md as a folder's index, the docs
layout chosen per site or per section while blog sections keep their listing, and a sidebar whose
size follows the page's branch, not the site."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitepush.builder.builder import Builder, BuildResult
from sitepush.config import load_config
from tests.fixtures.paths import corpus_dir

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def nav_toml(entries: list[Any], table: str = "nav") -> str:
    """mkdocs.yml's ``nav:`` as sitepush.toml ``[[nav]]`` tables."""
    out = []
    for entry in entries:
        (title, value), = entry.items()
        out.append(f'[[{table}]]\ntitle = "{title}"\n')
        if isinstance(value, str):
            out.append(f'page = "{value}"\n')
        else:
            out.append(nav_toml(value, f"{table}.children"))
    return "".join(out)


def flat_titles(entries: list[Any]) -> list[str]:
    titles = []
    for entry in entries:
        (title, value), = entry.items()
        titles.append(title)
        if not isinstance(value, str):
            titles.extend(flat_titles(value))
    return titles


def build_site(tmp: Path, pages: dict[str, str], toml: str = "", content: Path | None = None) -> BuildResult:
    site = tmp / "site"
    (site / "content").mkdir(parents=True, exist_ok=True)
    for rel, text in pages.items():
        (site / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / rel).write_text(text, "utf-8")
    content_line = f'content_dir = "{content}"\n' if content else ""
    build_table = "[build]\n" + content_line
    if "[build]" in toml:
        toml = toml.replace("[build]\n", build_table)
    else:
        toml = build_table + toml
    (site / "sitepush.toml").write_text(f'[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n{toml}',
                                        "utf-8")
    return Builder(load_config(site), output_dir=tmp / "out", cache_folder=tmp / "cache",
                   workers=1).build(now=NOW)


def sidebar(result: BuildResult, key: str) -> str:
    found = re.search(r'<nav aria-label="Documentation">(.*?)</nav>', (result.output_dir / key).read_text("utf-8"))
    assert found, f"{key} has no sidebar"
    return found[1]


def link_texts(fragment: str) -> list[str]:
    return re.findall(r"<(?:a|span)[^>]*>([^<]*)</(?:a|span)>", fragment)


def prev_next(result: BuildResult, key: str) -> tuple[str | None, str | None]:
    html = (result.output_dir / key).read_text("utf-8")
    before = re.search(r'<a class="prev" href="([^"]+)"', html)
    after = re.search(r'<a class="next" href="([^"]+)"', html)
    return (before[1] if before else None, after[1] if after else None)


# --- httpx-docs with [[nav]] mirroring its mkdocs.yml -----------------------------------------------

@pytest.fixture(scope="module")
def httpx_nav() -> list[Any]:
    nav: list[Any] = yaml.safe_load((corpus_dir("httpx-docs") / "mkdocs.yml").read_text("utf-8"))["nav"]
    return nav


@pytest.fixture(scope="module")
def httpx(tmp_path_factory: pytest.TempPathFactory, httpx_nav: list[Any]) -> BuildResult:
    return build_site(tmp_path_factory.mktemp("httpx"), {}, '[build]\nlayout = "docs"\n' + nav_toml(httpx_nav),
                      content=corpus_dir("httpx-docs") / "docs")


@pytest.mark.slow
def test_every_httpx_page_shows_the_mkdocs_nav_order_and_marks_itself(httpx: BuildResult,
                                                                      httpx_nav: list[Any]) -> None:
    top = [next(iter(entry)) for entry in httpx_nav]
    # advanced/index.html is the page of a folder without an index page: no entry of its own (below).
    pages = [key for key in httpx.files if key.endswith("index.html")
             and key not in ("index.html", "advanced/index.html") and not key.startswith("overrides/")]
    assert len(pages) == 22
    order = flat_titles(httpx_nav)
    for key in pages:
        fragment = sidebar(httpx, key)
        texts = link_texts(fragment)
        assert [t for t in texts if t in top] == top, key       # every top-level entry, in order
        assert texts == [t for t in order if t in texts], key   # what is shown keeps the nav order
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', fragment)
        assert current == ["/" + key.removesuffix("index.html")], key


@pytest.mark.slow
def test_httpx_prev_next_follow_the_nav(httpx: BuildResult) -> None:
    assert prev_next(httpx, "quickstart/index.html") == ("/", "/advanced/clients/")
    assert prev_next(httpx, "advanced/extensions/index.html") == ("/advanced/text-encodings/", "/async/")
    assert prev_next(httpx, "code_of_conduct/index.html") == ("/contributing/", None)


@pytest.mark.slow
def test_the_current_branch_is_open_and_the_others_closed(httpx: BuildResult) -> None:
    fragment = sidebar(httpx, "http2/index.html")
    assert '<li class="nav-open"><span>Guides</span><ul>' in fragment
    assert '<li class="nav-closed"><a href="/advanced/clients/">Advanced</a></li>' in fragment
    assert "Text Encodings" not in fragment   # a closed branch's pages are not in this page's HTML


@pytest.mark.slow
def test_an_httpx_folder_without_an_index_page_opens_its_group_of_the_nav(httpx: BuildResult) -> None:
    html = (httpx.output_dir / "advanced/index.html").read_text("utf-8")
    fragment = sidebar(httpx, "advanced/index.html")
    assert '<li class="nav-open"><span>Advanced</span><ul><li><a href="/advanced/clients/">' in fragment
    assert "aria-current" not in fragment and 'class="listing-pages"' not in html
    entries = re.search(r'<ul class="section-entries">(.*?)</ul>', html)
    assert entries and re.findall(r'href="([^"]+)"', entries[1])[:2] == ["/advanced/clients/",
                                                                         "/advanced/authentication/"]


# --- folders, weights, README, per-section layout ---------------------------------------------------

def test_a_docs_folder_without_an_index_page_is_a_section_of_the_nav_not_a_listing(tmp_path: Path) -> None:
    result = build_site(tmp_path, {
        "index.md": "# Home\n",
        "guide/zeta.md": "# Zeta\n",
        "guide/alpha.md": "# Alpha\n",
        "guide/deeper/inner.md": "# Inner\n",
        "blog/_index.md": "---\ntitle: Blog\n---\n",
    }, '[build]\nlayout = "docs"\n')
    html = (result.output_dir / "guide/index.html").read_text("utf-8")
    assert 'class="listing-pages"' not in html and "min read" not in html   # no dated listing
    fragment = sidebar(result, "guide/index.html")
    assert '<li class="nav-open"><span>Guide</span><ul><li><a href="/guide/alpha/">Alpha</a></li>' in fragment
    assert "aria-current" not in fragment          # the folder is no entry of its own
    entries = re.search(r'<ul class="section-entries">(.*?)</ul>', html)
    assert entries and link_texts(entries[1]) == ["Alpha", "Deeper", "Zeta"]  # the nav order
    assert 'href="/guide/deeper/inner/">Deeper' in entries[1]   # a subfolder links to its first page
    assert re.search(r'<nav class="breadcrumbs".*?<a href="/">Home</a>.*?aria-current="page">Guide<', html,
                     re.DOTALL)
    # A deeper folder without an index page: its own branch open, its parent in the crumbs.
    deeper = (result.output_dir / "guide/deeper/index.html").read_text("utf-8")
    assert '<span>Deeper</span><ul><li><a href="/guide/deeper/inner/">Inner</a>' in sidebar(result, "guide/deeper/index.html")
    assert re.search(r'<a href="/guide/alpha/">Guide</a>', deeper)



def test_without_nav_the_sidebar_follows_weight_then_title_and_readme_is_the_index(tmp_path: Path) -> None:
    result = build_site(tmp_path, {
        "index.md": "# Home\n",
        "guide/README.md": "# Guide\n\nThe guide.\n",
        "guide/zeta.md": "# Zeta\n",
        "guide/alpha.md": "# Alpha\n",
        "guide/first.md": "---\nweight: 1\n---\n# First\n",
    }, '[build]\nlayout = "docs"\n')
    assert "guide/index.html" in result.files and "guide/readme/index.html" not in result.files
    fragment = sidebar(result, "guide/alpha/index.html")
    assert link_texts(fragment) == ["Home", "Guide", "First", "Alpha", "Zeta"]
    assert prev_next(result, "guide/alpha/index.html") == ("/guide/first/", "/guide/zeta/")
    assert '<a href="/guide/" aria-current="page">Guide</a>' in sidebar(result, "guide/index.html")


def test_a_section_chooses_docs_while_the_blog_keeps_its_listing(tmp_path: Path) -> None:
    result = build_site(tmp_path, {
        "docs/_index.md": "---\ntitle: Docs\nlayout: docs\n---\nRead on.\n",
        "docs/install.md": "# Install\n",
        "docs/use.md": "# Use\n",
        "blog/_index.md": "---\ntitle: Blog\n---\n",
        "blog/post.md": "---\ndate: 2025-01-02\n---\n# Post\n",
    })
    assert link_texts(sidebar(result, "docs/use/index.html")) == ["Docs", "Install", "Use"]
    assert 'class="listing-pages"' not in (result.output_dir / "docs/index.html").read_text("utf-8")
    blog = (result.output_dir / "blog/index.html").read_text("utf-8")
    assert 'class="listing-pages"' in blog and "docs-nav" not in blog
    assert "docs-nav" not in (result.output_dir / "blog/post/index.html").read_text("utf-8")
    assert not [w for w in result.warnings if "docs.html" in w.message]  # layout: docs is no template


def test_a_sidebar_holds_its_branch_not_the_whole_site(tmp_path: Path) -> None:
    pages = {f"s{s:02}/p{p:02}.md": f"# S{s} P{p}\n" for s in range(20) for p in range(20)}
    result = build_site(tmp_path, pages, '[build]\nlayout = "docs"\n')
    fragment = sidebar(result, "s07/p03/index.html")
    assert len(re.findall(r"<a ", fragment)) <= 20 + 20   # the sections, and the pages of this one


def test_a_nav_entry_naming_no_page_is_a_warning(tmp_path: Path) -> None:
    result = build_site(tmp_path, {"a.md": "# A\n"},
                        '[build]\nlayout = "docs"\n[[nav]]\ntitle = "A"\npage = "a.md"\n'
                        '[[nav]]\ntitle = "Gone"\npage = "gone.md"\n')
    assert [w.render() for w in result.warnings] == [
        'sitepush.toml: nav[2] "Gone": page gone.md is not a published page'
        " — give its path relative to the content folder"]
