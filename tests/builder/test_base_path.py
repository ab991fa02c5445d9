"""A site under a base-URL path: ``base_url = "https://example.org/docs/"`` puts the whole site under
``/docs/`` — every link the builder writes, the feeds, the sitemap, robots.txt, redirects — while its
files stay where a site at the root would have them (``_site/about/index.html``), since the deploy puts
them under the bucket prefix ``docs/``. The output's link checker reads links as the browser does, on
the host, and names a link that leaves the base path."""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.builder.linkcheck import SiteFiles, extract_links, resolve, target_key
from sitepush.builder.urls import site_href
from sitepush.config import load_config, parse_config
from sitepush.errors import ConfigError

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
BASE = "https://example.org/docs/"

PAGES = {
    "_index.md": "---\ntitle: Home\n---\nWelcome. See [the guide](guide/install.md) and ![logo](/img/logo.png).\n",
    "about.md": "---\ntitle: About\naliases: [/old-about/]\n---\nAbout us. [Home](/) and [raw](/img/logo.png#top).\n"
                '<a href="/guide/">raw HTML link</a>\n\n`<a href="/in-code/">` stays code.\n',
    "blog/_index.md": "---\ntitle: Blog\n---\n",
    "blog/first.md": "---\ntitle: First\ndate: 2026-01-02\ntags: [go]\n---\nFirst post. [About](/about/)\n"
                     "<!--more-->\nMore.\n",
    "blog/second.md": "---\ntitle: Second\ndate: 2026-02-03\ntags: [go, web]\n---\nSecond post. ![x](pic.png)\n",
    "blog/pic.png": b"\x89PNG fake",
    "guide/_index.md": "---\ntitle: Guide\nlayout: docs\n---\nThe guide.\n",
    "guide/install.md": "---\ntitle: Install\nweight: 1\n---\nInstall it. Next: [use](use.md).\n",
    "guide/use.md": "---\ntitle: Use\nweight: 2\n---\nUse it.\n",
    "404.md": "---\ntitle: Not here\n---\nTry [the guide](/guide/).\n",
}
CONFIG = f"""[site]
title = "Docs"
base_url = "{{base}}"
logo = "/img/logo.png"
extra_css = ["css/extra.css"]

[build]
paginate = 1

[[menu]]
title = "Guide"
url = "/guide/"

[[menu]]
title = "Elsewhere"
url = "https://elsewhere.example/"

[[redirects]]
from = "/moved/"
to = "/blog/"
"""


def make_site(tmp_path: Path, base: str = BASE, pages: dict[str, str | bytes] | None = None,
              templates: dict[str, str] | None = None) -> Path:
    site = tmp_path / "site"
    for rel, text in (pages or PAGES).items():
        path = site / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, "utf-8")
    for rel, data in {"img/logo.png": b"\x89PNG logo", "css/extra.css": b"body{}"}.items():
        path = site / "static" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for rel, text in (templates or {}).items():
        path = site / "templates" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    (site / "sitepush.toml").write_text(CONFIG.replace("{base}", base), "utf-8")
    return site


def build(tmp_path: Path, site: Path) -> BuildResult:
    return Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                   workers=1).build(now=NOW)


def links_of_output(result: BuildResult) -> dict[str, list[str]]:
    return {key: list(extract_links((result.output_dir / key).read_text("utf-8")).targets)
            for key in result.files if key.endswith(".html")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = tmp_path_factory.mktemp("base-path")
    return build(folder, make_site(folder))


def test_a_site_under_a_path_builds_with_no_broken_link_and_its_files_where_a_root_site_has_them(
        built: BuildResult) -> None:
    assert [w.render() for w in built.warnings] == []
    for key in ("index.html", "about/index.html", "blog/first/index.html", "blog/page/2/index.html",
                "tags/go/index.html", "guide/install/index.html", "404.html", "assets/style.css",
                "img/logo.png", "feed.xml", "sitemap.xml", "robots.txt"):
        assert key in built.files, key
    assert not any(key.startswith("docs/") for key in built.files)


def test_every_internal_link_of_every_page_is_under_the_base_path_and_reaches_a_file(built: BuildResult) -> None:
    files = SiteFiles(frozenset(built.files), frozenset(built.redirects), "example.org", "/docs/")
    checked = 0
    for key, targets in links_of_output(built).items():
        for target in targets:
            if target.startswith(("#", "http://", "https://", "mailto:")) or not target:
                continue
            assert target.startswith("/docs/"), f"{key} links to {target}"
            where = resolve(target, key, files)
            assert where is not None and target_key(where[0], files) is not None, f"{key} → {target}"
            checked += 1
    assert checked > 200  # theme, sidebar, listings, pagination, tags, breadcrumbs, prev/next, Markdown


def test_theme_nav_listings_and_markdown_links_carry_the_path(built: BuildResult) -> None:
    def page(key: str) -> str:
        return (built.output_dir / key).read_text("utf-8")

    home = page("index.html")
    assert 'href="/docs/assets/style.css"' in home and 'src="/docs/assets/theme.js"' in home
    assert 'href="/docs/css/extra.css"' in home and 'src="/docs/img/logo.png"' in home
    assert 'class="site-title" href="/docs/"' in home and 'href="/docs/feed.xml"' in home
    assert 'href="/docs/guide/install/"' in home  # a .md link, resolved then put under the path
    assert '<img alt="logo" src="/docs/img/logo.png">' in home  # a site-absolute link the author wrote
    assert 'href="https://elsewhere.example/"' in home  # a URL elsewhere is left alone
    about = page("about/index.html")
    assert 'href="/docs/img/logo.png#top"' in about and '<a href="/docs/guide/">raw HTML link</a>' in about
    assert '<code>&lt;a href="/in-code/"&gt;</code>' in about  # code is text, never a link
    install = page("guide/install/index.html")
    assert '<a href="/docs/guide/install/" aria-current="page">' in install  # the docs sidebar
    assert 'class="next" href="/docs/guide/use/"' in install
    listing = page("blog/index.html")
    assert 'href="/docs/blog/page/2/"' in listing and 'href="/docs/tags/go/"' in listing
    assert '<img alt="x" src="/docs/blog/pic.png">' in page("blog/second/index.html")  # a file beside it
    assert 'href="/docs/about/"' in page("blog/page/2/index.html")  # a <!--more--> summary's link
    not_found = page("404.html")
    assert 'href="/docs/"' in not_found and 'href="/docs/guide/"' in not_found


def test_feeds_sitemap_canonical_links_and_robots_use_the_full_base_url(built: BuildResult) -> None:
    feed = (built.output_dir / "feed.xml").read_text("utf-8")
    assert "<id>https://example.org/docs/</id>" in feed
    assert '<link rel="self" href="https://example.org/docs/feed.xml" />' in feed
    assert "<id>https://example.org/docs/blog/second/</id>" in feed
    locs = re.findall(r"<loc>([^<]*)</loc>", (built.output_dir / "sitemap.xml").read_text("utf-8"))
    assert locs and all(loc.startswith(BASE) for loc in locs)
    assert "https://example.org/docs/guide/use/" in locs
    assert (built.output_dir / "robots.txt").read_text("utf-8").endswith(
        "Sitemap: https://example.org/docs/sitemap.xml\n")
    about = (built.output_dir / "about/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/docs/about/">' in about
    assert '<meta property="og:url" content="https://example.org/docs/about/">' in about


def test_aliases_and_redirects_keep_site_paths_as_sources_and_send_to_paths_under_the_base(
        built: BuildResult) -> None:
    assert built.redirects == {"/moved/": "/docs/blog/", "/old-about/": "/docs/about/"}


def test_a_link_outside_the_base_path_is_broken_and_named_with_its_template(tmp_path: Path) -> None:
    # A template of the site's own that writes a view's URL straight into an href, as a site at the root may.
    override = ('<!doctype html><title>{{ page.title }}</title><a href="{{ page.url }}">self</a>'
                '<a href="{{ page.url|relative_url }}">ok</a>{{ page.content }}')
    result = build(tmp_path, make_site(tmp_path, templates={"page.html": override}))
    messages = [w.render() for w in result.warnings]
    assert any(m.startswith("template page.html: broken link to /about/ (on ") and
               "outside the site, which lives under /docs/" in m for m in messages), messages
    assert not any("broken link to /docs/about/" in m for m in messages)


def test_a_broken_site_absolute_link_is_named_as_written_at_its_line(tmp_path: Path) -> None:
    pages = {**PAGES, "about.md": "---\ntitle: About\n---\nIntro.\n\n[gone](/nowhere/)\n"}
    result = build(tmp_path, make_site(tmp_path, pages=pages))
    assert [w.render() for w in result.warnings if "broken" in w.message] == [
        "content/about.md:6: broken link to /nowhere/: no such page or file in the site — fix the path "
        "(relative to this file) or remove the link"]


def test_a_base_url_without_a_trailing_slash_is_the_same_folder(tmp_path: Path) -> None:
    config = parse_config('[site]\nbase_url = "https://example.org/docs"\n', root=tmp_path)
    assert config.site.base_path == "/docs/" and config.deploy_prefix == "docs/"
    root = parse_config('[site]\nbase_url = "https://example.org"\n', root=tmp_path)
    assert root.site.base_path == "/" and root.deploy_prefix == ""
    explicit = parse_config('[site]\nbase_url = "https://example.org/docs/"\n[deploy]\nprefix = "site/"\n',
                            root=tmp_path)
    assert explicit.deploy_prefix == "site/"


@pytest.mark.parametrize(("base_url", "says"), [
    ("https://example.org/my docs/", "must be an absolute http(s) URL"),
    ("https://example.org/docs/?v=2", "must not have a query or fragment"),
    ("https://example.org/docs/../x/", "not plain folder names"),
    ("https://example.org/d%C3%A9/", "not plain folder names"),
])
def test_a_base_url_path_that_cannot_be_a_bucket_prefix_is_refused_at_its_line(
        tmp_path: Path, base_url: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(f'[site]\ntitle = "x"\nbase_url = "{base_url}"\n', root=tmp_path)
    assert raised.value.render().startswith("sitepush.toml:3: `site.base_url` ") and says in raised.value.render()


def test_a_private_origin_refuses_a_base_url_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config('[site]\nbase_url = "https://example.org/docs/"\n[cloudfront]\norigin = "private"\n',
                     root=tmp_path)
    assert raised.value.render() == (
        'sitepush.toml:2: base_url https://example.org/docs/ has a path, which [cloudfront] origin = "private" '
        'does not serve — set [cloudfront] origin = "website", or serve the site at the root of its host')


def test_site_href_puts_site_paths_under_the_base_and_leaves_everything_else() -> None:
    assert site_href("/guide/", "/docs/") == "/docs/guide/"
    assert site_href("/", "/docs/") == "/docs/"
    assert site_href("img/x.png", "/docs/") == "/docs/img/x.png"
    assert site_href("/guide/", "/") == "/guide/"
    for kept in ("https://x.example/", "//cdn.example/x.js", "mailto:a@b.example", "#top", "?q=1", ""):
        assert site_href(kept, "/docs/") == kept


def test_the_same_site_at_the_root_of_its_host_links_without_a_prefix(tmp_path: Path) -> None:
    result = build(tmp_path, make_site(tmp_path, base="https://example.org/"))
    assert [w.render() for w in result.warnings] == []
    for key, targets in links_of_output(result).items():
        assert not [t for t in targets if t.startswith("/docs/")], key
    assert result.redirects == {"/moved/": "/blog/", "/old-about/": "/about/"}


@pytest.mark.skipif(importlib.util.find_spec("pagefind") is None, reason="pagefind[bin] is not installed")
def test_the_search_bundle_is_linked_under_the_path_so_pagefind_finds_results_there(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    text = (site / "sitepush.toml").read_text("utf-8").replace("[build]\n", "[build]\nsearch = true\n")
    (site / "sitepush.toml").write_text(text, "utf-8")
    result = build(tmp_path, site)
    assert [w.render() for w in result.warnings] == []
    home = (result.output_dir / "index.html").read_text("utf-8")
    # Pagefind's UI takes its base URL from the bundle's path (/docs/pagefind/ → /docs/), so results
    # open under /docs/ with no option of ours.
    assert 'data-bundle="/docs/pagefind/"' in home and 'src="/docs/pagefind/pagefind-ui.js"' in home
    assert "pagefind/pagefind-ui.js" in result.files
