"""Every source of a Jekyll folder at the URL Jekyll gives it — derived from Jekyll's documented rules.

jekyllrb.com "Permalinks": the built-in styles (date, pretty, ordinal, weekdate, none), the template
placeholders, pages at ``/:path/:basename`` with the style's suffix, collections at their own
``permalink``; "Posts": ``_posts/YYYY-MM-DD-title.md``, the folders above ``_posts`` are categories;
"Configuration": ``exclude``/``include`` and the underscore rule. The expected URLs below are written
from those rules (and were checked against Debian's jekyll 4.3.1 building the same files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitepush.builder.jekyll import expand, style_template
from sitepush.builder.jekyll.permalinks import UrlParts, jekyll_slugify, page_template, site_url
from sitepush.builder.builder import Builder
from sitepush.config import load_config
from tests.builder.jekyll.conftest import NOW, JekyllBuild, page_keys, write

WHEN = datetime(2016, 4, 9, 14, 5, 6, tzinfo=ZoneInfo("America/Los_Angeles"))
POST = UrlParts(path="/2016-04-09-Hello_World", basename="Hello_World", collection="posts",
                slug="Hello_World", categories=("News", "Go"), date=WHEN)


@pytest.mark.parametrize(("permalink", "url"), [
    ("date", "/news/go/2016/04/09/Hello_World.html"),
    ("pretty", "/news/go/2016/04/09/Hello_World/"),
    ("ordinal", "/news/go/2016/100/Hello_World.html"),
    ("weekdate", "/news/go/2016/W14/Sat/Hello_World.html"),
    ("none", "/news/go/Hello_World.html"),
    ("/:year/:i_month/:i_day/:slug/", "/2016/4/9/hello-world/"),
    ("/blog/:short_year/:short_month/:long_day/:hour:minute:second/:name:output_ext",
     "/blog/16/Apr/Saturday/140506/hello-world.html"),
    ("/:categories/:title", "/news/go/Hello_World"),
    ("/:collection/:path/", "/posts/2016-04-09-Hello_World/"),
])
def test_a_post_is_at_the_url_its_permalink_style_or_template_gives(permalink: str, url: str) -> None:
    assert expand(style_template(permalink), POST) == url


@pytest.mark.parametrize(("rel", "permalink", "url"), [
    ("about.md", None, "/about.html"),
    ("about.md", "pretty", "/about/"),
    ("docs/Guide.md", "pretty", "/docs/Guide/"),               # pages keep their case
    ("docs/index.md", "date", "/docs/"),
    ("index.md", "pretty", "/"),
    ("feed.xml", "pretty", "/feed.xml"),
    ("docs/x.md", "/:year/:title/", "/docs/x/"),                # a template ending in / gives pretty pages
])
def test_a_page_is_at_its_path_with_the_style_suffix(rel: str, permalink: str | None, url: str) -> None:
    folder, _, name = rel.rpartition("/")
    template = page_template(rel, site_permalink=permalink, html=not rel.endswith(".xml"))
    stem, _, ext = name.rpartition(".")
    parts = UrlParts(path="/" + folder if folder else "", basename=stem,
                     output_ext=".html" if ext in ("md", "html") else "." + ext)
    assert expand(template, parts) == url


def test_slugify_modes_are_jekylls() -> None:
    assert jekyll_slugify("The _config.yml file") == "the-config-yml-file"
    assert jekyll_slugify("The _config.yml file", "pretty") == "the-_config.yml-file"
    assert jekyll_slugify("Hello World!", "pretty", cased=True) == "Hello-World!"


def test_a_url_without_extension_is_served_as_a_folder_except_the_error_page() -> None:
    assert [site_url(u) for u in ("/a.html", "/a/", "/a", "/404", "/")] == ["/a.html", "/a/", "/a/", "/404.html", "/"]


SITE = {
    "_config.yml": "timezone: America/Los_Angeles\npermalink: pretty\ninclude: [_keep.md]\n"
                   "exclude: [drafts-notes/, '*.txt']\n"
                   "collections:\n  docs:\n    output: true\n    permalink: /manual/:path/\n"
                   "  recipes:\n    output: false\n",
    "_posts/2016-04-19-naive.md": "---\ndate: 2016-04-19 03:00:00\n---\nUTC 03:00 is the 18th in LA.\n",
    "_posts/2016-04-19-offset.md": "---\ndate: 2016-04-19 23:00:00 +0200\n---\n",
    "_posts/2016-04-19-dateonly.md": "---\n---\n",
    "_posts/2016-04-19-ruby.md": "---\ndate: 2016-04-19 22:30:22 2016 -0800\n---\n",
    "_posts/2016-04-19-cats.md": "---\ncategories: Foo bar\n---\n",
    "_posts/2016-04-19-cat.md": "---\ncategory: Foo\n---\n",
    "_posts/2016-04-19-Title_Case.md": "---\ntitle: Hello World\n---\n",
    "_posts/not-dated.md": "---\n---\nNot a post: Jekyll reads only dated names.\n",
    "news/_posts/2016-04-20-news.md": "---\ncategories: [x]\n---\n",
    "_docs/a.md": "---\ntitle: A\n---\n",
    "_docs/sub/b.md": "---\ntitle: B\n---\n",
    "_recipes/r.md": "---\ntitle: R\n---\n",
    "_keep.md": "---\n---\n",
    "_other.md": "---\n---\n",
    "_data/people.yml": "- Ann\n",
    "_includes/x.html": "x",
    ".hidden.md": "---\n---\n",
    "sub/Page.md": "---\n---\n",
    "Sub Folder/My Page.md": "---\n---\n",
    "Sub Folder/My Pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    "sub/index.md": "---\n---\n",
    "about.md": "---\npermalink: /about-us/\n---\n",
    "drafts-notes/n.md": "---\n---\n",
    "notes.txt": "excluded by glob",
    "readme.md": "no front matter: Jekyll copies this file as it is\n",
    "index.md": "---\ntitle: Home\n---\n",
}


def test_a_jekyll_folder_publishes_what_jekyll_publishes_at_its_urls(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build(SITE)
    assert page_keys(result) == {
        "index.html",
        "2016/04/18/naive/index.html",            # a YAML time without offset is UTC: the 18th in LA
        "2016/04/19/offset/index.html",            # 23:00 +0200 is 14:00 in LA
        "2016/04/19/dateonly/index.html",
        "2016/04/19/ruby/index.html",
        "foo/bar/2016/04/19/cats/index.html",      # categories: a string split at spaces
        "foo/2016/04/19/cat/index.html",
        "2016/04/19/Title_Case/index.html",        # :title keeps the file name's case
        "news/x/2016/04/20/news/index.html",       # the folder above _posts is a category
        "manual/a/index.html", "manual/sub/b/index.html",
        "_keep/index.html",                        # include: brings an underscore name back
        "sub/Page/index.html", "sub/index.html",
        "Sub Folder/My Page/index.html",           # a page's path keeps its folder's and its own name
        "about-us/index.html",
    }
    assert "readme.md" in result.files
    assert "Sub Folder/My Pic.svg" in result.files  # so does a static file
    assert not [k for k in result.files if k.startswith(("_config", "_data", "_includes", "_other",
                                                         "_recipes", "drafts-notes", "_posts"))
                or k in ("notes.txt", "sitepush.toml", ".hidden.md", ".hidden/index.html")]


def test_post_dates_and_categories_are_jekylls(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build(SITE)
    assert result.site is not None
    pages = result.site.by_rel
    la = ZoneInfo("America/Los_Angeles")
    assert pages["_posts/2016-04-19-naive.md"].meta.date == datetime(2016, 4, 18, 20, 0, tzinfo=la)
    assert pages["_posts/2016-04-19-ruby.md"].meta.date == datetime(2016, 4, 19, 22, 30, 22, tzinfo=la)
    assert pages["_posts/2016-04-19-cats.md"].meta.taxonomies["categories"] == ("Foo", "bar")
    assert pages["news/_posts/2016-04-20-news.md"].meta.taxonomies["categories"] == ("news", "x")
    assert pages["_posts/2016-04-19-dateonly.md"].meta.title == "Dateonly"  # Jekyll titleizes the slug


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("jekyll") is None, reason="Debian's jekyll is not installed")
def test_the_same_folder_built_by_jekyll_has_the_same_pages(jekyll_build: JekyllBuild, tmp_path: Path) -> None:
    result = jekyll_build(SITE)
    source, out = tmp_path / "jekyll-src", tmp_path / "jekyll-out"
    write(source, SITE)
    subprocess.run(["jekyll", "build", "-q", "-s", str(source), "-d", str(out)], check=True, timeout=120,
                   capture_output=True, env={**os.environ, "JEKYLL_ENV": "production"})
    theirs = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert theirs == page_keys(result) | {"readme.md", "Sub Folder/My Pic.svg"}


def test_drafts_are_posts_built_only_with_drafts_dated_by_their_file(jekyll_build: JekyllBuild,
                                                                    tmp_path: Path) -> None:
    files = {"_config.yml": "permalink: /:year/:title/\n", "_drafts/next-big-thing.md": "---\n---\nSoon.\n"}
    assert [k for k in page_keys(jekyll_build(files)) if "thing" in k] == []
    draft = tmp_path / "site" / "_drafts" / "next-big-thing.md"
    stamp = datetime(2025, 3, 4, 12, 0, tzinfo=ZoneInfo("UTC")).timestamp()
    os.utime(draft, (stamp, stamp))
    result = Builder(load_config(tmp_path / "site"), drafts=True, cache_folder=tmp_path / "cache2",
                     workers=1).build(now=NOW)
    assert "2025/next-big-thing/index.html" in page_keys(result)
    assert result.site is not None and result.site.by_rel["_drafts/next-big-thing.md"].meta.title == "Next Big Thing"
