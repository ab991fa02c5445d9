"""How file and folder names become URLs. By default (``[build] url_names = "slug"``, Hugo's way) they are
lower-cased and unsafe characters become dashes. ``url_names = "as-written"`` keeps them as MkDocs and
Jekyll do — case, spaces and date prefixes included — so a site brought from either keeps every URL its
readers and search engines know. A URL is held unescaped (it is the S3 key too) and is percent-encoded
where it is written: hrefs, the sitemap, feeds, canonical links.

MkDocs' rule (its "Writing your docs" page, *File layout*, with ``use_directory_urls: true``):
``index.md`` and ``README.md`` are a folder's index, any other ``name.md`` is ``name/index.html``, and the
path keeps the file and folder names. Checked against MkDocs 1.6.1 here: ``CONTRIBUTING.md`` →
``CONTRIBUTING/index.html``, ``Sub Dir/My Page.md`` → ``Sub Dir/My Page/index.html``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.builder.linkcheck import SiteFiles, extract_links, resolve, target_key
from sitepush.builder.urls import href_escaped, name_segment
from sitepush.config import load_config

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)

PAGES: dict[str, str | bytes] = {
    "index.md": "# Home\n\nSee [contributing](CONTRIBUTING.md), [my page](Sub%20Dir/My%20Page.md), "
                "[the section](<Sub Dir/README.md>) and ![a picture](<Sub Dir/img/Pic One.PNG>).\n",
    "CONTRIBUTING.md": "# Contributing\n\nBack [home](index.md).\n",
    "Sub Dir/README.md": "# The section\n\n[Its page](My%20Page.md#usage)\n",
    "Sub Dir/My Page.md": "# My page\n\n## Usage\n\nText.\n",
    "Sub Dir/img/Pic One.PNG": b"\x89PNG fake",
    "2020-01-01-notes.md": "# Notes\n\nDated by name only.\n",
}


def make_site(tmp_path: Path, url_names: str | None) -> Path:
    site = tmp_path / "site"
    for rel, text in PAGES.items():
        path = site / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, "utf-8")
    names = f'url_names = "{url_names}"\n' if url_names else ""
    (site / "sitepush.toml").write_text(
        '[site]\ntitle = "Named"\nbase_url = "https://named.example/"\n\n'
        f'[build]\ncontent_dir = "docs"\nlayout = "docs"\n{names}', "utf-8")
    return site


def build(tmp_path: Path, url_names: str | None) -> BuildResult:
    site = make_site(tmp_path, url_names)
    return Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                   workers=1).build(now=NOW)


@pytest.fixture(scope="module")
def as_written(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(tmp_path_factory.mktemp("as-written"), "as-written")


def test_as_written_names_put_each_page_where_mkdocs_puts_it(as_written: BuildResult) -> None:
    pages = sorted(key for key in as_written.files if key.endswith("index.html"))
    assert pages == ["2020-01-01-notes/index.html", "CONTRIBUTING/index.html", "Sub Dir/My Page/index.html",
                     "Sub Dir/index.html", "index.html"]
    assert "Sub Dir/img/Pic One.PNG" in as_written.files  # a file of the content folder keeps its path too


def test_links_to_as_written_names_are_percent_encoded_and_every_one_reaches_its_file(
        as_written: BuildResult) -> None:
    assert [w.render() for w in as_written.warnings] == []
    home = (as_written.output_dir / "index.html").read_text("utf-8")
    for href in ('href="/CONTRIBUTING/"', 'href="/Sub%20Dir/My%20Page/"', 'href="/Sub%20Dir/"',
                 'src="/Sub%20Dir/img/Pic%20One.PNG"'):
        assert href in home, href
    section = (as_written.output_dir / "Sub Dir/index.html").read_text("utf-8")
    assert 'href="/Sub%20Dir/My%20Page/#usage"' in section
    files = SiteFiles(frozenset(as_written.files), frozenset(as_written.redirects), "named.example", "/")
    checked = 0
    for key in (k for k in as_written.files if k.endswith(".html")):
        for target in extract_links((as_written.output_dir / key).read_text("utf-8")).targets:
            assert " " not in target, f"{key} links to {target!r} unescaped"
            where = resolve(target, key, files)
            if where is None or target.startswith("#"):
                continue
            assert target_key(where[0], files) is not None, f"{key} → {target}"
            checked += 1
    assert checked > 30


def test_the_sitemap_and_canonical_links_carry_escaped_urls(as_written: BuildResult) -> None:
    sitemap = (as_written.output_dir / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://named.example/Sub%20Dir/My%20Page/</loc>" in sitemap
    assert " Dir" not in sitemap
    page = (as_written.output_dir / "Sub Dir/My Page/index.html").read_text("utf-8")
    assert re.search(r'<link rel="canonical" href="https://named\.example/Sub%20Dir/My%20Page/"', page)


def test_slug_names_are_the_default_lower_case_with_dashes_and_no_date_prefix(tmp_path: Path) -> None:
    result = build(tmp_path, None)
    pages = sorted(key for key in result.files if key.endswith("index.html"))
    assert pages == ["contributing/index.html", "index.html", "notes/index.html", "sub-dir/index.html",
                     "sub-dir/my-page/index.html"]
    assert "sub-dir/img/Pic One.PNG" in result.files
    assert [w.render() for w in result.warnings] == []


def test_a_name_as_written_is_one_segment_that_a_url_can_hold() -> None:
    assert name_segment("My Page", as_written=True) == "My Page"
    assert name_segment("Ünïcode Name", as_written=True) == "Ünïcode Name"
    assert name_segment("what?#100%", as_written=True) == "what-100-"
    assert name_segment("..", as_written=True) == ""
    assert name_segment("a/b\\c", as_written=True) == "a-b-c"
    assert name_segment("My Page", as_written=False) == "my-page"


def test_escaping_a_url_touches_only_its_path_and_escapes_an_escaped_url_to_itself() -> None:
    assert href_escaped("/Sub Dir/My Page/") == "/Sub%20Dir/My%20Page/"
    assert href_escaped("/Sub%20Dir/") == "/Sub%20Dir/"
    assert href_escaped("/a b/?q=x y#c d") == "/a%20b/?q=x y#c d"
    assert href_escaped("/café/") == "/café/"
    assert href_escaped('/x"<>{}|^`\\/') == "/x%22%3C%3E%7B%7D%7C%5E%60%5C/"
    for url in ("/Sub Dir/", "/x y/z", "/plain/"):
        assert href_escaped(href_escaped(url)) == href_escaped(url)


def test_a_bad_url_names_value_is_one_line_naming_the_choices(tmp_path: Path) -> None:
    from sitepush.errors import ConfigError

    site = make_site(tmp_path, "verbatim")
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    assert 'url_names' in str(caught.value) and '"as-written"' in str(caught.value)
