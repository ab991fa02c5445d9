"""`sitepush build example-site`: the exact site it produces, page by page, listing by listing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitepush.builder.builder import MARKER, Builder, BuildResult
from sitepush.cli import main
from sitepush.config import load_config
from tests.fixtures.paths import EXAMPLE_SITE

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
"""After every date in example-site (the draft is dated 2026-10-20), so the clock decides nothing."""
BASE = "https://www.example.com"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

PAGES = {
    # output key → <title>
    "index.html": "sitepush",
    "page/2/index.html": "Page 2 · sitepush",  # the home page lists every dated post, 3 a page
    "about/index.html": "About · sitepush",
    "blog/index.html": "Blog · sitepush",
    "blog/page/2/index.html": "Blog (page 2) · sitepush",
    "blog/a-look-at-the-theme/index.html": "A look at the default theme · sitepush",
    "blog/first-deploy/index.html": "The first deploy · sitepush",
    "blog/redirects-without-a-server/index.html": "Redirects on S3 without a server · sitepush",
    "blog/why-content-hashes/index.html": "Why sitepush compares content hashes, not timestamps · sitepush",
    "docs/index.html": "Documentation · sitepush",
    "docs/page/2/index.html": "Documentation (page 2) · sitepush",
    "docs/configuration/index.html": "Configuration · sitepush",
    "docs/deploying/index.html": "Deploying · sitepush",
    "docs/install/index.html": "Install · sitepush",
    "docs/quick-start/index.html": "Quick start · sitepush",
    "docs/troubleshooting/index.html": "Troubleshooting · sitepush",
    "tags/index.html": "Tags · sitepush",
    "tags/deploy/index.html": "deploy · Tags · sitepush",
    "tags/design/index.html": "design · Tags · sitepush",
    "tags/redirects/index.html": "redirects · Tags · sitepush",
    "tags/s3/index.html": "s3 · Tags · sitepush",
    "tags/theme/index.html": "theme · Tags · sitepush",
    "categories/index.html": "Categories · sitepush",
    "categories/engineering/index.html": "engineering · Categories · sitepush",
    "categories/notes/index.html": "notes · Categories · sitepush",
    "404.html": "Page not found · sitepush",
}
OTHER_FILES = {
    "feed.xml", "blog/feed.xml", "sitemap.xml", "robots.txt",
    "assets/style.css", "assets/highlight.css", "assets/theme.js", "assets/favicon.svg",  # theme
    "blog/a-look-at-the-theme/layout.svg", "blog/a-look-at-the-theme/screenshot.png",  # bundle
    "favicon.svg", "images/deploy-flow.svg", ".well-known/security.txt",  # static/
}
ALL_KEYS = set(PAGES) | OTHER_FILES
DRAFT_PAGE = "blog/preview-server-notes/index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """example-site built once, straight from the repository, into a temporary folder."""
    tmp = tmp_path_factory.mktemp("example-site")
    builder = Builder(load_config(EXAMPLE_SITE), output_dir=tmp / "site", cache_folder=tmp / "cache")
    return builder.build(now=NOW)


def html(result: BuildResult, key: str) -> str:
    return (result.output_dir / key).read_text("utf-8")


def listed_urls(page_html: str) -> list[str]:
    """The pages a listing shows, in order."""
    return re.findall(r'class="entry-title"><a href="([^"]*)"', page_html)


def test_example_site_builds_without_a_warning(built: BuildResult) -> None:
    assert built.warnings == ()


def test_output_is_exactly_the_pages_listings_feeds_and_copied_files(built: BuildResult) -> None:
    assert set(built.files) == ALL_KEYS
    assert len(built.files) == 39


def test_every_file_on_disk_is_in_the_result_and_only_the_marker_is_extra(built: BuildResult) -> None:
    on_disk = {p.relative_to(built.output_dir).as_posix() for p in built.output_dir.rglob("*") if p.is_file()}
    assert on_disk == ALL_KEYS | {MARKER}
    assert MARKER not in built.files


def test_result_records_the_size_and_md5_of_every_file(built: BuildResult) -> None:
    import hashlib

    for key, info in built.files.items():
        data = (built.output_dir / key).read_bytes()
        assert (info.key, info.size, info.md5) == (key, len(data), hashlib.md5(data).hexdigest())


def test_stats_count_published_pages_and_sources(built: BuildResult) -> None:
    stats = built.stats
    # 14 Markdown sources, one of them a draft; 25 templates ran plus the generated highlight.css.
    assert (stats.sources, stats.published, stats.parsed, stats.rendered, stats.written, stats.removed) == (
        14, 13, 14, 27, 39, 0)


def test_the_draft_page_is_not_built(built: BuildResult) -> None:
    assert DRAFT_PAGE not in built.files
    assert "tags/preview/index.html" not in built.files  # its only tag
    assert all("preview-server-notes" not in html(built, key) for key in PAGES)


def test_redirects_are_the_page_alias_and_the_config_redirect(built: BuildResult) -> None:
    assert built.redirects == {
        "/2025/old-url/": "/blog/redirects-without-a-server/",
        "/getting-started/": "/docs/quick-start/",
    }


@pytest.mark.parametrize(("key", "title"), sorted(PAGES.items()))
def test_page_title(built: BuildResult, key: str, title: str) -> None:
    assert re.findall(r"<title>(.*?)</title>", html(built, key)) == [title]


def test_relative_md_links_are_rewritten_to_page_urls(built: BuildResult) -> None:
    for key in PAGES:
        text = html(built, key)
        assert "sitepush-link:" not in text, key
        assert not re.search(r'href="[^"]*\.md(#[^"]*)?"', text), key
    docs = html(built, "docs/index.html")
    for url in ("/docs/install/", "/docs/quick-start/", "/docs/configuration/", "/docs/deploying/",
                "/docs/troubleshooting/"):
        assert f'<a href="{url}">' in docs
    assert '<a href="/docs/install/#pip">installed</a>' in html(built, "docs/quick-start/index.html")
    assert '<a href="/docs/deploying/">deploying guide</a>' in html(
        built, "blog/why-content-hashes/index.html")
    assert '<a href="/blog/">blog</a>' in html(built, "index.html")  # a link to a section's _index.md


def test_every_internal_link_and_image_points_at_a_built_file(built: BuildResult) -> None:
    broken = []
    for key in [k for k in built.files if k.endswith(".html")]:
        folder = "/" + key.rpartition("/")[0] + "/" if "/" in key else "/"
        for target in re.findall(r'(?:href|src)="([^"]*)"', html(built, key)):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path if parts.path.startswith("/") else folder + parts.path)
            wanted = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
            if wanted not in built.files and path not in built.redirects:
                broken.append((key, target))
    assert broken == []


def test_code_blocks_are_highlighted_with_css_classes(built: BuildResult) -> None:
    page = html(built, "blog/first-deploy/index.html")
    assert ('<div class="highlight"><pre><span></span><code>sitepush<span class="w"> </span>deploy'
            in page)
    # The stylesheet is the one for the styles sitepush.toml names, and colours the classes used.
    from sitepush.builder.highlight import highlight_css

    css = html(built, "assets/highlight.css")
    assert css == highlight_css("friendly", "monokai")
    assert ".highlight .c1 {" in css


def test_admonitions_render_with_their_titles(built: BuildResult) -> None:
    assert ('<div class="admonition note">\n<p class="admonition-title">Only the S3 website endpoint '
            'redirects</p>') in html(built, "blog/redirects-without-a-server/index.html")
    assert ('<div class="admonition warning">\n<p class="admonition-title">Deletes are real</p>'
            in html(built, "docs/deploying/index.html"))


def test_footnotes_link_both_ways(built: BuildResult) -> None:
    page = html(built, "docs/troubleshooting/index.html")
    assert '<sup id="fnref:etag"><a class="footnote-ref" href="#fn:etag">1</a></sup>' in page
    assert '<li id="fn:etag">' in page
    assert '<a class="footnote-backref" href="#fnref:etag"' in page


def test_headings_get_anchors_and_explicit_ids(built: BuildResult) -> None:
    install = html(built, "docs/install/index.html")
    assert '<h2 id="pip">Install with pip<a class="anchor" href="#pip"' in install
    assert '<h2 id="pipx">' in install and '<h2 id="source">' in install


def test_table_of_contents_is_shown_where_the_page_asks_for_it(built: BuildResult) -> None:
    page = html(built, "blog/a-look-at-the-theme/index.html")
    toc = page[page.index('<nav class="toc-nav"'):page.index("</nav>", page.index('<nav class="toc-nav"'))]
    assert re.findall(r'<a href="#([^"]+)">', toc) == [
        "what-it-does-for-you", "changing-one-template", "how-the-picture-was-made"]
    for anchor in ("what-it-does-for-you", "changing-one-template", "how-the-picture-was-made"):
        assert f'<h2 id="{anchor}">' in page


@pytest.mark.parametrize(("key", "urls"), [
    ("index.html", ["/blog/a-look-at-the-theme/", "/blog/redirects-without-a-server/",
                    "/blog/why-content-hashes/"]),
    ("blog/index.html", ["/blog/a-look-at-the-theme/", "/blog/redirects-without-a-server/",
                         "/blog/why-content-hashes/"]),
    ("blog/page/2/index.html", ["/blog/first-deploy/"]),
    ("docs/index.html", ["/docs/install/", "/docs/quick-start/", "/docs/configuration/"]),
    ("docs/page/2/index.html", ["/docs/deploying/", "/docs/troubleshooting/"]),
    ("tags/s3/index.html", ["/blog/redirects-without-a-server/", "/blog/why-content-hashes/",
                            "/blog/first-deploy/"]),
    ("tags/theme/index.html", ["/blog/a-look-at-the-theme/"]),
    ("categories/engineering/index.html", ["/blog/redirects-without-a-server/",
                                           "/blog/why-content-hashes/"]),
    ("categories/notes/index.html", ["/blog/a-look-at-the-theme/", "/blog/first-deploy/"]),
])
def test_listings_show_three_pages_each_in_order(built: BuildResult, key: str, urls: list[str]) -> None:
    # Blog posts newest first; docs by weight; paginate = 3 in example-site/sitepush.toml.
    assert listed_urls(html(built, key)) == urls


def test_pagination_links_between_list_pages(built: BuildResult) -> None:
    assert '<a class="pagination-next" href="/blog/page/2/" rel="next">' in html(built, "blog/index.html")
    assert '<a class="pagination-prev" href="/docs/" rel="prev">' in html(built, "docs/page/2/index.html")
    assert '<span class="pagination-status">Page 2 of 2</span>' in html(built, "docs/page/2/index.html")


def test_bundle_files_are_published_beside_their_page(built: BuildResult) -> None:
    bundle = EXAMPLE_SITE / "content" / "blog" / "a-look-at-the-theme"
    for name in ("layout.svg", "screenshot.png"):
        assert (built.output_dir / "blog/a-look-at-the-theme" / name).read_bytes() == \
            (bundle / name).read_bytes()
    assert 'src="/blog/a-look-at-the-theme/screenshot.png"' in html(built, "blog/a-look-at-the-theme/index.html")


def test_static_files_are_copied_byte_for_byte_including_dot_folders(built: BuildResult) -> None:
    static = EXAMPLE_SITE / "static"
    for key in ("favicon.svg", "images/deploy-flow.svg", ".well-known/security.txt"):
        assert (built.output_dir / key).read_bytes() == (static / key).read_bytes()


def test_sitemap_lists_every_published_page_absolute_and_no_draft(built: BuildResult) -> None:
    root = ET.fromstring((built.output_dir / "sitemap.xml").read_bytes())
    locs = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    expected_paths = sorted(
        "/" + key.removesuffix("index.html") for key in PAGES
        if key != "404.html" and not key.startswith("page/") and "/page/" not in key)
    assert locs == [BASE + path for path in expected_paths]
    assert len(locs) == 22
    lastmod = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
               for url in root.findall(f"{SITEMAP}url")}
    assert lastmod[f"{BASE}/blog/a-look-at-the-theme/"] == "2025-10-01T08:00:00+00:00"  # lastmod wins
    assert lastmod[f"{BASE}/blog/redirects-without-a-server/"] == "2025-06-19T00:00:00+00:00"


def test_robots_txt_points_at_the_sitemap(built: BuildResult) -> None:
    assert html(built, "robots.txt") == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE}/sitemap.xml\n")


@pytest.mark.parametrize(("key", "title"), [("feed.xml", "sitepush"), ("blog/feed.xml", "Blog · sitepush")])
def test_feeds_are_atom_with_entries_newest_first(built: BuildResult, key: str, title: str) -> None:
    feed = ET.fromstring((built.output_dir / key).read_bytes())
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == title
    self_link = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == [f"{BASE}/{key}"]
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"{BASE}/blog/a-look-at-the-theme/", f"{BASE}/blog/redirects-without-a-server/",
        f"{BASE}/blog/why-content-hashes/", f"{BASE}/blog/first-deploy/"]
    published = [datetime.fromisoformat(e.findtext(f"{ATOM}published") or "") for e in entries]
    assert published == sorted(published, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == "2025-10-01T08:00:00+00:00"


def test_dates_from_yaml_toml_and_file_names_are_shown(built: BuildResult) -> None:
    cases = {  # YAML date, TOML datetime, TOML datetime with an offset, date from the file name
        "blog/redirects-without-a-server/index.html": ("2025-06-19T00:00:00+00:00", "June 19, 2025"),
        "blog/why-content-hashes/index.html": ("2025-04-02T09:30:00+00:00", "April 2, 2025"),
        "blog/a-look-at-the-theme/index.html": ("2025-09-08T14:00:00+02:00", "September 8, 2025"),
        "blog/first-deploy/index.html": ("2025-03-14T00:00:00+00:00", "March 14, 2025"),
    }
    for key, (stamp, shown) in cases.items():
        assert f'<time datetime="{stamp}">{shown}</time>' in html(built, key), key


def test_the_build_command_prints_one_summary_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE_SITE), "--output", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert re.fullmatch(r"Built 13 pages from 14 sources in \d+\.\d\d s \(parsed 14, rendered 27, "
                        r"wrote 39 files, removed 0\) → " + re.escape(str(out)) + "\n", captured.out)


def test_drafts_flag_adds_the_draft_page_but_not_to_the_feed_or_sitemap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE_SITE), "--drafts", "--output", str(out)]) == 0
    assert capsys.readouterr().out.startswith("Built 14 pages from 14 sources in ")
    built_keys = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert built_keys == ALL_KEYS | {MARKER, DRAFT_PAGE, "tags/preview/index.html"}
    page = (out / DRAFT_PAGE).read_text("utf-8")
    assert "<title>Notes on the preview server · sitepush</title>" in page
    assert '<span class="badge badge-draft">Draft</span>' in page
    assert "preview-server-notes" not in (out / "sitemap.xml").read_text("utf-8")
    assert "preview-server-notes" not in (out / "feed.xml").read_text("utf-8")
