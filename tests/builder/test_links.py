"""Links between Markdown files become the final URLs of their pages; broken ones are reported."""

from __future__ import annotations

import pytest

from sitepush.builder.links import line_of_link, resolve_links, resolve_target

URLS = {"docs/install.md": "/docs/install/", "index.md": "/", "blog/post.md": "/blog/post/"}


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("docs/quick.md", "install.md", ("docs/install.md", "")),
    ("docs/quick.md", "./install.md#pip", ("docs/install.md", "#pip")),
    ("blog/post.md", "../docs/install.md?x=1#pip", ("docs/install.md", "?x=1#pip")),
    ("blog/post.md", "/docs/install.md", ("docs/install.md", "")),
    ("index.md", "docs/my%20page.md", ("docs/my page.md", "")),
])
def test_targets_resolve_against_the_linking_page_folder(source: str, target: str,
                                                         expected: tuple[str, str]) -> None:
    assert resolve_target(source, target) == expected


def test_placeholders_become_page_urls_keeping_the_fragment() -> None:
    html = ('<p><a href="sitepush-link:install.md#pip">a</a> '
            '<a href="sitepush-link:../blog/post.md">b</a> <a href="https://x/a.md">c</a></p>')
    out, broken = resolve_links(html, "docs/quick.md", URLS, lambda rel: False)
    assert out == ('<p><a href="/docs/install/#pip">a</a> <a href="/blog/post/">b</a> '
                   '<a href="https://x/a.md">c</a></p>')
    assert broken == ()


def test_a_link_to_a_missing_or_draft_page_is_reported_and_left_as_written() -> None:
    html = '<a href="sitepush-link:nope.md">x</a><a href="sitepush-link:draft.md">y</a>'
    out, broken = resolve_links(html, "docs/quick.md", URLS, lambda rel: rel == "docs/draft.md")
    assert out == '<a href="nope.md">x</a><a href="draft.md">y</a>'
    assert [(b.target, b.reason) for b in broken] == [
        ("nope.md", "no such page"), ("draft.md", "it is a draft or not yet published")]


def test_the_line_of_a_broken_link_is_found_in_the_source() -> None:
    text = "---\ntitle: x\n---\n\nIntro.\n\nSee [the thing](nope.md) here.\n"
    assert line_of_link(text, "nope.md") == 7
    assert line_of_link("[ref]: other.md\n", "other.md") == 1
    assert line_of_link("nothing", "gone.md") is None
