"""`[build.permalinks]`: Hugo's permalink tokens place the pages of a top-level section."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.builder.model import PageKind, SourceFile
from sitepush.builder.permalinks import expand_permalink, permalink_pattern
from sitepush.config import load_config
from sitepush.errors import ConfigError

WHEN = datetime(2024, 3, 9, 10, 0, tzinfo=UTC)


def page(rel: str, *, bundle: bool = False) -> SourceFile:
    return SourceFile(rel, Path(rel), PageKind.PAGE, bundle=bundle)


@pytest.mark.parametrize(("pattern", "rel", "slug", "url"), [
    ("/:year/:month/:day/:slug/", "posts/2024-03-09-first.md", None, "/2024/03/09/hello-world/"),
    ("/:year/:month/:slug/", "posts/first.md", "Custom", "/2024/03/Custom/"),
    ("/:section/:filename/", "posts/2024-03-09-first.md", None, "/posts/first/"),
    ("/:sections/:title/", "docs/guide/intro.md", None, "/docs/guide/hello-world/"),
    ("/:slugorfilename/", "posts/trip/index.md", None, "/trip/"),
    ("/:monthname/:yearday/:weekdayname/", "posts/a.md", None, "/march/69/saturday/"),
    ("/articles/:year/:filename", "posts/a.md", None, "/articles/2024/a/"),
])
def test_hugo_tokens_expand_as_hugo_documents_them(pattern: str, rel: str, slug: str | None, url: str) -> None:
    source = page(rel, bundle=rel.endswith("/index.md"))
    assert expand_permalink(pattern, source, title="Hello, World", slug=slug, date=WHEN) == url


def test_the_pattern_is_chosen_by_the_top_level_section_or_slash_for_the_root() -> None:
    permalinks = {"posts": "/:year/:slug/", "/": "/pages/:slug/"}
    assert permalink_pattern(permalinks, page("posts/deep/x.md")) == "/:year/:slug/"
    assert permalink_pattern(permalinks, page("about.md")) == "/pages/:slug/"
    assert permalink_pattern(permalinks, page("docs/x.md")) is None
    section = SourceFile("posts/_index.md", Path("x"), PageKind.SECTION)
    assert permalink_pattern(permalinks, section) is None


def test_a_build_places_pages_by_pattern_and_an_own_url_wins(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "sitepush.toml").write_text('[build.permalinks]\nposts = "/:year/:month/:slug/"\n', "utf-8")
    (site / "content" / "posts" / "a.md").write_text("---\ntitle: A post\ndate: 2024-03-09\n---\n", "utf-8")
    (site / "content" / "posts" / "b.md").write_text("---\ntitle: B\ndate: 2024-03-09\nurl: /b/\n---\n", "utf-8")
    result = Builder(load_config(site), cache_folder=tmp_path / "cache", workers=1).build(now=WHEN)
    assert result.site is not None
    assert {p.rel: p.url for p in result.site.pages if p.rel.startswith("posts/")} == {
        "posts/a.md": "/2024/03/a-post/", "posts/b.md": "/b/"}


def test_a_pattern_that_climbs_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "sitepush.toml").write_text('[build.permalinks]\nposts = "/../:slug/"\n', "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert raised.value.render() == ('sitepush.toml:1: `build.permalinks` "posts" = "/../:slug/" leaves the site '
                                     "— write a path from the site's root")
