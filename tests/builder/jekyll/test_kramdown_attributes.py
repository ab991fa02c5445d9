"""kramdown's block attribute lists, as Jekyll sites write them, read the way kramdown reads them."""

from __future__ import annotations

import pytest

from sitepush.builder.jekyll import convert_attribute_lists, finish_html
from sitepush.builder.markdown_render import MarkdownRenderer


def html_of(markdown: str) -> str:
    return finish_html(MarkdownRenderer().render(convert_attribute_lists(markdown))).html


@pytest.mark.parametrize(("markdown", "expected"), [
    ("# Title\n{: .no_toc }\n", '<h1 class="no_toc" id="title">'),
    ("## Sub\n{: #custom .d-inline-block }\n", '<h2 class="d-inline-block" id="custom">'),
    ("Lead text.\n{: .fs-6 .fw-300 }\n", '<p class="fs-6 fw-300">Lead text.</p>'),
    ("Size 1\n{: .fs-1 }\nSize 2\n{: .fs-2 }\n", '<p class="fs-1">Size 1</p>\n<p class="fs-2">Size 2</p>'),
    ("{: .text-center }\nCentred.\n", '<p class="text-center">Centred.</p>'),
    ("<span>New</span>{: .label .label-green } text\n", '<span class="label label-green">New</span> text'),
])
def test_an_attribute_list_styles_the_block_next_to_it(markdown: str, expected: str) -> None:
    assert expected in html_of(markdown)


def test_a_callout_before_a_quote_becomes_an_admonition_with_its_title() -> None:
    html = html_of("{: .warning }\n> Mind the gap.\n\n{: .note-title }\n> Custom\n>\n> Body.\n")
    assert '<div class="admonition warning">\n<p class="admonition-title">Warning</p>\n<p>Mind the gap.</p>' in html
    assert '<div class="admonition note">\n<p class="admonition-title">Custom</p>\n<p>Body.</p>' in html


def test_toc_marker_lists_the_headings_but_not_the_no_toc_ones() -> None:
    html = html_of("# Page\n{: .no_toc }\n\n## Contents\n{: .no_toc .text-delta }\n\n1. TOC\n{:toc}\n\n"
                   "## First\n\n### Deeper\n\n## Second\n")
    toc = html[html.index('<div class="toc">'):html.index("</div>", html.index('<div class="toc">'))]
    assert [part.split('"')[0] for part in toc.split('href="#')[1:]] == ["first", "deeper", "second"]
    assert "{:" not in html and "TOC" not in html.replace('class="toc"', "")


def test_attribute_lists_inside_code_and_quotes_are_kept_or_dropped_never_printed() -> None:
    html = html_of("```markdown\n{: .note }\n> quoted\n```\n\n> {: .highlight }\n  A paragraph\n\n{: .lh-0 }\n```\ntree\n```\n")
    assert "<code>{: .note }" in html.replace('<span class="p">', "").replace("</span>", "") or "{: .note }" in html
    outside = html.split("</pre>")[-1]
    assert "{:" not in outside
