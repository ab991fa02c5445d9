"""The inline pass skips the patterns a text cannot match (a link needs ``[``, code a backtick…) and
reads them from a list, and its output is byte for byte Python-Markdown's own."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import InlineProcessor

from sitepush.builder.frontmatter import parse_front_matter
from sitepush.builder.markdown_render import ListedInlineProcessor, MarkdownRenderer, bracket_text
from tests.fixtures.paths import REPO, corpus_dir

EVERY_INLINE = """\
`code` and \\*escaped\\* with a footnote[^1], a [link](a.md "t"), [ref][r], [short], ![img](i.png),
![iref][r], ![short], <https://example.org/>, <me@example.org>, a line break  
here, <b>html</b> &amp; &copy; *em* **strong** ***both*** _u_ __uu__ snake_case_word 2*3*4.

[r]: /r/
[short]: /s/
[^1]: The note.
"""


def stock_renderer() -> MarkdownRenderer:
    renderer = MarkdownRenderer()
    md = renderer._md
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)  # Python-Markdown's own, as shipped
    return renderer


def counted(renderer: MarkdownRenderer) -> list[str]:
    """Names the pattern classes the inline pass tries from now on, one entry per try."""
    processor = renderer._md.treeprocessors["inline"]
    assert isinstance(processor, ListedInlineProcessor)
    tried: list[str] = []
    apply = processor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def counting(pattern: Any, *args: Any) -> Any:
        tried.append(type(pattern).__name__)
        return apply(pattern, *args)

    processor._InlineProcessor__applyPattern = counting  # type: ignore[attr-defined]
    return tried


def test_a_text_without_markup_tries_no_inline_pattern() -> None:
    renderer = MarkdownRenderer()
    tried = counted(renderer)
    assert renderer.render("Plain words, then more plain words.\n").html == \
        "<p>Plain words, then more plain words.</p>"
    assert tried == []


def test_a_text_with_a_link_tries_the_link_patterns_but_not_code_or_html() -> None:
    renderer = MarkdownRenderer()
    tried = counted(renderer)
    assert renderer.render("A [link](/x/) here.\n").html == '<p>A <a href="/x/">link</a> here.</p>'
    assert "LinkInlineProcessor" in tried
    assert not {"BacktickInlineProcessor", "HtmlInlineProcessor", "AutolinkInlineProcessor"} & set(tried)


def test_every_inline_construct_renders_as_python_markdown_renders_it() -> None:
    assert MarkdownRenderer().render(EVERY_INLINE) == stock_renderer().render(EVERY_INLINE)


def test_a_pattern_an_extension_puts_under_a_stock_name_is_always_tried() -> None:
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    renderer = MarkdownRenderer()
    # ~~strike~~ under the name "link": not the stock regex, so never skipped for lacking "[".
    renderer._md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "link", 160)
    assert renderer.render("a ~~gone~~ word\n").html == "<p>a <del>gone</del> word</p>"


@pytest.mark.parametrize("folder", ["httpx-docs/docs", "python-markdown-docs/docs", "zola-docs/docs/content"])
def test_corpus_pages_render_as_with_python_markdowns_own_inline_pass(folder: str) -> None:
    ours, stock = MarkdownRenderer(), stock_renderer()
    root = corpus_dir(folder.split("/")[0]) / folder.split("/", 1)[1]
    paths = sorted(root.rglob("*.md")) + sorted((REPO / "example-site" / "content").rglob("*.md"))
    assert len(paths) > 20
    for path in paths:
        body = parse_front_matter(path.read_bytes(), str(path)).body
        assert ours.render(body) == stock.render(body), str(path)


def test_a_toc_marker_is_replaced_by_the_table_of_contents_and_only_where_written() -> None:
    renderer = MarkdownRenderer()
    with_marker = renderer.render("[TOC]\n\n## One\n\n## Two\n").html
    assert with_marker.startswith('<div class="toc">\n<ul>\n<li><a href="#one">One</a></li>')
    without = renderer.render("## One\n\nNo marker: \\[TOC\\] is escaped.\n").html
    assert '<div class="toc">' not in without and "[TOC] is escaped" in without


def test_link_text_is_cut_where_python_markdowns_own_scan_cuts_it() -> None:
    """Nested and unclosed brackets, escapes, an index at or past the end: every answer the stock one's."""
    stock = LinkInlineProcessor.getText
    rnd = random.Random(11)
    for _ in range(20000):
        data = "".join(rnd.choice("[]ab\\(") for _ in range(rnd.randint(0, 12)))
        index = rnd.randint(0, len(data) + 1)
        assert bracket_text(data, index) == stock(None, data, index), (data, index)  # type: ignore[arg-type]


def test_the_link_patterns_use_the_faster_bracket_scan() -> None:
    renderer = MarkdownRenderer()
    assert renderer.render("[a [b] c](/x/) and ![i](/i.png)\n").html == \
        '<p><a href="/x/">a [b] c</a> and <img alt="i" src="/i.png"></p>'
    patterns = renderer._md.inlinePatterns
    assert all(patterns[name].getText is bracket_text for name in ("link", "reference", "image_link"))
