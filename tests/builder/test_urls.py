"""Where pages land: URLs from the content tree and front matter, and the files that serve them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.builder.model import PageKind, SourceFile
from sitepush.builder.urls import normalise_url, output_key, page_url, paginated_url, slugify


def source(rel: str, kind: PageKind = PageKind.PAGE, bundle: bool = False,
           lang: str | None = None) -> SourceFile:
    return SourceFile(rel, Path("/c") / rel, kind, bundle=bundle, lang=lang)


@pytest.mark.parametrize(("src", "slug", "url", "pretty", "expected"), [
    (source("about.md"), None, None, True, "/about/"),
    (source("about.md"), None, None, False, "/about.html"),
    (source("blog/2016-10-08-post.md"), None, None, True, "/blog/post/"),
    (source("blog/2016-10-08_post.markdown"), None, None, True, "/blog/post/"),
    (source("blog/Some Post & More.md"), None, None, True, "/blog/some-post-more/"),
    (source("blog/x.md"), "Custom Slug", None, True, "/blog/Custom-Slug/"),
    (source("blog/x.md"), None, "/elsewhere/page", True, "/elsewhere/page/"),
    (source("blog/x.md"), None, "feed/special.xml", True, "/feed/special.xml"),
    (source("blog/bundle/index.md", bundle=True), None, None, True, "/blog/bundle/"),
    (source("blog/bundle/index.md", bundle=True), "renamed", None, True, "/blog/renamed/"),
    (source("blog/_index.md", PageKind.SECTION), None, None, True, "/blog/"),
    (source("_index.md", PageKind.HOME), None, None, True, "/"),
    (source("Docs/Change Log/release-2.5.md"), None, None, True, "/docs/change-log/release-2.5/"),
    (source("base.fr.md", lang="fr"), None, None, True, "/fr/base/"),
    (source("blog/_index.fr.md", PageKind.SECTION, lang="fr"), None, None, True, "/fr/blog/"),
    (source("base.en.md", lang="en"), None, None, True, "/base/"),
    (source("café/naïve.md"), None, None, True, "/café/naïve/"),
])
def test_page_url(src: SourceFile, slug: str | None, url: str | None, pretty: bool,
                  expected: str) -> None:
    assert page_url(src, slug=slug, url=url, pretty=pretty, default_lang="en") == expected


@pytest.mark.parametrize(("url", "key"), [
    ("/", "index.html"), ("/blog/", "blog/index.html"), ("/about.html", "about.html"),
    ("/feed.xml", "feed.xml"),
])
def test_output_key_is_what_s3_website_hosting_looks_up(url: str, key: str) -> None:
    assert output_key(url) == key


@pytest.mark.parametrize(("raw", "clean"), [
    ("old", "/old/"), ("/old/", "/old/"), ("/a/../b", "/b/"), ("../../etc/passwd", "/etc/passwd/"),
    ("//double//slash/", "/double/slash/"), ("/x.html", "/x.html"), ("/", "/"),
])
def test_explicit_urls_are_normalised_and_cannot_escape_the_site(raw: str, clean: str) -> None:
    assert normalise_url(raw) == clean


@pytest.mark.parametrize(("text", "slug"), [
    ("Hello & Goodbye!", "hello-goodbye"), ("  spaces  in  ", "spaces-in"), ("C++ tips", "c-tips"),
    ("a/b", "a-b"), ("../../x", "x"), ("Ünïcode Tïtle", "ünïcode-tïtle"), ("what?#%", "what"), ("...", ""),
])
def test_slugify_keeps_letters_and_drops_url_specials(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_paginated_urls() -> None:
    assert paginated_url("/blog/", 1) == "/blog/"
    assert paginated_url("/blog/", 3) == "/blog/page/3/"
    assert paginated_url("/", 2) == "/page/2/"
