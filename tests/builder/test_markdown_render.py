"""Markdown bodies → RenderedBody: sitepush's fenced code, literal shortcodes, link placeholders, the
table of contents, summaries and word counts, on one renderer reused for every page."""

from __future__ import annotations

import html
import pickle
import re
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitepush.builder.markdown_render import MarkdownRenderer, count_words, slugify_heading
from sitepush.builder.model import ASSET_PLACEHOLDER, LINK_PLACEHOLDER, RenderedBody, TocEntry
from sitepush.errors import BuildError
from tests.fixtures.paths import REPO, corpus_dir

PERMALINK = '<a class="anchor" href="#{0}" title="Link to this section">#</a>'


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def html_of(renderer: MarkdownRenderer, body: str) -> str:
    return renderer.render(body).html


# --- fenced code -----------------------------------------------------------------------------------

def test_a_fenced_python_block_is_highlighted_with_pygments_spans(renderer: MarkdownRenderer) -> None:
    assert html_of(renderer, "```python\nx = 1\n```\n") == (
        '<div class="highlight"><pre><span></span><code><span class="n">x</span> '
        '<span class="o">=</span> <span class="mi">1</span>\n</code></pre></div>')


@pytest.mark.parametrize("body", [
    "~~~python\nx = 1\n~~~\n",
    "```{.python}\nx = 1\n```\n",
    "``` python\nx = 1\n```\n",
    "   ```python\n   x = 1\n   ```\n",
])
def test_tilde_fences_attribute_braces_and_indented_fences_are_fenced_code(
        renderer: MarkdownRenderer, body: str) -> None:
    assert html_of(renderer, body) == html_of(renderer, "```python\nx = 1\n```\n")


@pytest.mark.parametrize(("body", "expected"), [
    ("```nosuchlang\nimport os\n```\n", '<pre><code class="language-nosuchlang">import os\n</code></pre>'),
    ("```\nimport os\ndef f(): pass\n```\n", "<pre><code>import os\ndef f(): pass\n</code></pre>"),
    ("```go-html-template\n{{ if .X }}<b>{{ end }}\n```\n",
     '<pre><code class="language-go-html-template">{{ if .X }}&lt;b&gt;{{ end }}\n</code></pre>'),
])
def test_an_unknown_or_missing_language_is_plain_escaped_code_never_guessed(
        renderer: MarkdownRenderer, body: str, expected: str) -> None:
    assert html_of(renderer, body) == expected


def test_fence_attributes_set_id_classes_highlighted_lines_and_code_attributes(
        renderer: MarkdownRenderer) -> None:
    body = '```{.python .wide #setup hl_lines="2" file="setup.py"}\na\nb\n```\n'
    assert html_of(renderer, body) == (
        '<div id="setup" class="wide highlight"><pre><span></span><code file="setup.py">'
        '<span class="n">a</span>\n<span class="hll"><span class="n">b</span>\n</span></code></pre></div>')


def test_the_hugo_form_lang_then_braces_is_understood(renderer: MarkdownRenderer) -> None:
    body = '```go-html-template {file="layouts/home.html" copy=true}\n{{ .Title }}\n```'
    assert html_of(renderer, body) == (
        '<pre><code class="language-go-html-template" file="layouts/home.html" copy="true">'
        "{{ .Title }}\n</code></pre>")


def test_a_fence_closes_only_on_the_same_fence_and_an_unclosed_one_runs_to_the_end(
        renderer: MarkdownRenderer) -> None:
    assert html_of(renderer, "````\n```\ninner\n```\n````\n\nafter") == (
        "<pre><code>```\ninner\n```\n</code></pre>\n<p>after</p>")
    assert html_of(renderer, "intro\n\n```\nnever closed\n\n# not a heading") == (
        "<p>intro</p>\n<pre><code>never closed\n\n# not a heading\n</code></pre>")


def test_rendering_never_loads_codehilite_or_the_fenced_code_extension() -> None:
    script = ("import sys; from sitepush.builder.markdown_render import MarkdownRenderer; "
              "MarkdownRenderer().render('```python\\nx\\n```\\n```\\ny\\n```'); "
              "print(sorted(m for m in sys.modules if m.endswith(('codehilite', 'fenced_code'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=REPO, timeout=60)
    assert result.stdout == "[]\n"


def test_indented_code_blocks_stay_plain_python_markdown_code(renderer: MarkdownRenderer) -> None:
    assert html_of(renderer, "Text:\n\n    x = 1\n") == "<p>Text:</p>\n<pre><code>x = 1\n</code></pre>"


# --- literal template code and shortcodes --------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ('A {{< figure src="x" >}} b', "<p>A {{&lt; figure src=&quot;x&quot; &gt;}} b</p>"),
    ("A {{<figure>}} b", "<p>A {{&lt;figure&gt;}} b</p>"),
    ('{{<figure src="x.png">}}', "<p>{{&lt;figure src=&quot;x.png&quot;&gt;}}</p>"),
    ("{{% note %}}\nHi\n{{% /note %}}", "<p>{{% note %}}\nHi\n{{% /note %}}</p>"),
    ("Title: {{ .Title }} {% if x %}", "<p>Title: {{ .Title }} {% if x %}</p>"),
    ("`{{<figure>}}` and `{{ .X }}`", "<p><code>{{&lt;figure&gt;}}</code> and <code>{{ .X }}</code></p>"),
    ("The `{{<` and `>}}` delimiters", "<p>The <code>{{&lt;</code> and <code>&gt;}}</code> delimiters</p>"),
    ("<div>\n{{<figure>}}\n</div>", "<div>\n{{&lt;figure&gt;}}\n</div>"),
    ("```\n{{<figure>}} {{ .X }}\n```", "<pre><code>{{&lt;figure&gt;}} {{ .X }}\n</code></pre>"),
    ("    {{<figure>}}", "<pre><code>{{&lt;figure&gt;}}\n</code></pre>"),
])
def test_shortcodes_and_template_code_come_out_as_literal_visible_text(
        renderer: MarkdownRenderer, body: str, expected: str) -> None:
    out = html_of(renderer, body)
    assert out == expected
    assert "<figure" not in out


def test_raw_html_blocks_of_the_author_pass_through(renderer: MarkdownRenderer) -> None:
    body = '<figure class="wide">\n<img src="a.png" alt="">\n</figure>\n\nText.'
    assert html_of(renderer, body) == body.replace("\n\nText.", "\n\n<p>Text.</p>")


# --- links -----------------------------------------------------------------------------------------

def test_links_to_markdown_sources_become_placeholders_in_document_order(renderer: MarkdownRenderer) -> None:
    body = ("[a](../install.md#pip) [b](/docs/page.markdown?x=1) [c](https://x/a.md) [d](//host/a.md) "
            "[e](#only.md) [f](mailto:me@x.md) [g](page.html) [h](guide.md)\n\n"
            "![img](pic.md) [ref][r]\n\n[r]: other/README.MD\n")
    out = renderer.render(body)
    assert out.html == (
        f'<p><a href="{LINK_PLACEHOLDER}../install.md#pip">a</a> '
        f'<a href="{LINK_PLACEHOLDER}/docs/page.markdown?x=1">b</a> <a href="https://x/a.md">c</a> '
        '<a href="//host/a.md">d</a> <a href="#only.md">e</a> <a href="mailto:me@x.md">f</a> '
        f'<a href="{ASSET_PLACEHOLDER}page.html">g</a> <a href="{LINK_PLACEHOLDER}guide.md">h</a></p>\n'
        f'<p><img alt="img" src="{ASSET_PLACEHOLDER}pic.md"> <a href="{LINK_PLACEHOLDER}other/README.MD">ref</a></p>')
    assert out.links == ("../install.md#pip", "/docs/page.markdown?x=1", "guide.md", "other/README.MD")


def test_links_inside_markdown_in_html_blocks_and_footnotes_are_rewritten_too(
        renderer: MarkdownRenderer) -> None:
    out = renderer.render('<div markdown="1">\n[x](a.md)\n</div>\n\nNote[^1].\n\n[^1]: See [y](b.md).\n')
    assert out.links == ("a.md", "b.md")


# --- table of contents, headings -------------------------------------------------------------------

def test_headings_get_unicode_ids_permalinks_and_a_nested_toc(renderer: MarkdownRenderer) -> None:
    body = ("# Hello, World!\n\n## Ünïcode Überschrift\n\n## Ünïcode Überschrift\n\n"
            "### Deep `code` & more\n\n# Second\n")
    out = renderer.render(body)
    assert out.html.splitlines()[:2] == [
        f'<h1 id="hello-world">Hello, World!{PERMALINK.format("hello-world")}</h1>',
        f'<h2 id="ünïcode-überschrift">Ünïcode Überschrift'
        f'{PERMALINK.format("ünïcode-überschrift")}'
        '<a class="heading-alias" id="unicode-uberschrift"></a></h2>',  # MkDocs' ASCII id too
    ]
    assert out.toc == (
        TocEntry(1, "hello-world", "Hello, World!", (
            TocEntry(2, "ünïcode-überschrift", "Ünïcode Überschrift"),
            TocEntry(2, "ünïcode-überschrift_1", "Ünïcode Überschrift", (
                TocEntry(3, "deep-code-more", "Deep code & more"),
            )),
        )),
        TocEntry(1, "second", "Second"),
    )
    assert out.toc_html.startswith('<div class="toc">\n<ul>\n<li><a href="#hello-world">Hello, World!</a>')
    assert '<a href="#deep-code-more">Deep code &amp; more</a>' in out.toc_html


@pytest.mark.parametrize(("body", "toc_html"), [
    ("Just text.", ""),
    ("# Only one\n\nText.", ""),
    ("# One\n\n## Two", '<div class="toc">\n<ul>\n<li><a href="#one">One</a><ul>\n'
                        '<li><a href="#two">Two</a></li>\n</ul>\n</li>\n</ul>\n</div>\n'),
])
def test_toc_html_is_empty_below_two_headings(renderer: MarkdownRenderer, body: str, toc_html: str) -> None:
    assert renderer.render(body).toc_html == toc_html


@pytest.mark.parametrize(("body", "first"), [
    ("## Intro\n\n# The *Real* Title & more\n\n# Later", "The Real Title & more"),
    ("Text\n\n## Only h2", None),
    ("Setext title\n============\n", "Setext title"),
    ("# Title {#custom .big}\n", "Title"),
])
def test_first_heading_is_the_plain_text_of_the_first_h1(renderer: MarkdownRenderer, body: str,
                                                         first: str | None) -> None:
    assert renderer.render(body).first_heading == first


@pytest.mark.parametrize(("text", "slug"), [
    ("Hello, World!", "hello-world"),
    ("  Déjà   vu -- again ", "déjà-vu-again"),
    ("日本語 の 見出し", "日本語-の-見出し"),
    ("snake_case & C++", "snake_case-c"),
])
def test_heading_ids_keep_letters_of_every_script(text: str, slug: str) -> None:
    assert slugify_heading(text, "-") == slug


# --- Python-Markdown extensions --------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(
        "Text[^a].\n\n[^a]: The note.\n",
        '<p>Text<sup id="fnref:a"><a class="footnote-ref" href="#fn:a">1</a></sup>.</p>\n'
        '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:a">\n<p>The note.&#160;<a class="footnote-backref" '
        'href="#fnref:a" title="Jump back to footnote 1 in the text">&#8617;</a></p>\n</li>\n</ol>\n</div>',
        id="footnotes"),
    pytest.param(
        '!!! note "Heads up"\n    Body *text*.\n',
        '<div class="admonition note">\n<p class="admonition-title">Heads up</p>\n'
        "<p>Body <em>text</em>.</p>\n</div>",
        id="admonition"),
    pytest.param(
        "| a | b |\n|---|---|\n| 1 | `2` |\n",
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n"
        "<td><code>2</code></td>\n</tr>\n</tbody>\n</table>",
        id="tables"),
    pytest.param(
        "Apple\n:   A fruit.\n\nOrange\n:   A colour.\n",
        "<dl>\n<dt>Apple</dt>\n<dd>A fruit.</dd>\n<dt>Orange</dt>\n<dd>A colour.</dd>\n</dl>",
        id="definition-lists"),
    pytest.param(
        'Para\n{: .lead data-x="1" }\n\n[link](https://x){target=_blank}\n',
        '<p class="lead" data-x="1">Para</p>\n<p><a href="https://x" target="_blank">link</a></p>',
        id="attr-list"),
    pytest.param(
        "The HTML spec.\n\n*[HTML]: Hyper Text Markup Language\n",
        '<p>The <abbr title="Hyper Text Markup Language">HTML</abbr> spec.</p>',
        id="abbreviations"),
    pytest.param(
        '<div class="box" markdown="1">\n*em*\n</div>\n',
        '<div class="box">\n<p><em>em</em></p>\n</div>',
        id="markdown-in-html"),
    pytest.param(
        "1. one\n2. two\n\nText.\n\n- a\n- b\n",
        "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n<p>Text.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
        id="lists"),
])
def test_python_markdown_extensions_render_as_documented(renderer: MarkdownRenderer, body: str,
                                                          expected: str) -> None:
    assert html_of(renderer, body) == expected


# --- summary and word count ------------------------------------------------------------------------

def test_the_summary_is_the_html_before_the_more_marker(renderer: MarkdownRenderer) -> None:
    body = "First *para*.\n\nSecond.\n\n<!--more-->\n\nRest of the page.\n"
    assert renderer.render(body).summary_html == "<p>First <em>para</em>.</p>\n<p>Second.</p>"


def test_a_more_marker_inside_a_paragraph_leaves_no_element_open(renderer: MarkdownRenderer) -> None:
    assert renderer.render("- First *para* <!--more--> rest.\n").summary_html == (
        "<ul>\n<li>First <em>para</em></li></ul>")


def test_a_more_marker_inside_code_is_not_a_marker(renderer: MarkdownRenderer) -> None:
    assert renderer.render("Intro.\n\n```\n<!--more-->\n```\n").summary_html == "<p>Intro.</p>"


def test_without_a_marker_the_summary_is_the_first_paragraphs_cut_at_the_word_limit() -> None:
    short = MarkdownRenderer(summary_words=5)
    body = ("# Title\n\nOne *two* three.\n\n!!! note\n    Not this.\n\n> Nor this.\n\n"
            "four five & <six> seven[^1].\n\n[^1]: Nor the footnote.\n")
    assert short.render(body).summary_html == "<p>One two three. four five…</p>"
    assert short.render("One two three four five\n\n- not a paragraph").summary_html == (
        "<p>One two three four five</p>")
    assert short.render("a b & c < d <b>e</b>\n").summary_html == "<p>a b &amp; c &lt;…</p>"
    assert short.render("- only\n- a list\n").summary_html == ""


def test_word_count_counts_visible_words_including_code() -> None:
    assert count_words("<h1>Hi there<a href='#x'>#</a></h1>\n<p>A &amp; B&#160;<a>&#8617;</a></p>") == 4
    body = "# Hello world\n\nSome *emphasised* text[^1].\n\n```python\nprint(x)\n```\n\n[^1]: A note."
    # hello world# / some emphasised text1. / print(x) / a note. — the "#" and "↩" are not words.
    assert MarkdownRenderer().render(body).word_count == 8


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\u00a0\u2003-#.—a1é_&;<>", max_size=40))
def test_a_word_is_a_whitespace_separated_run_holding_a_letter_or_digit(text: str) -> None:
    visible = re.sub(r"<[^<>]*>", "", text)
    expected = sum(1 for run in html.unescape(visible).split() if re.search(r"\w", run))
    assert count_words(text) == expected


# --- one renderer for many pages -------------------------------------------------------------------

DOCUMENTS = [
    "# A\n\nText[^1] with HTML.\n\n[^1]: Note A.\n\n*[HTML]: Hyper Text\n\n[x](a.md)\n",
    "# B\n\nHTML again[^1], no abbreviation here.\n\n[^1]: Note B.\n",
    "<div>raw</div>\n\n```python\nx = 1\n```\n\n{{<figure>}}\n\n## Sub\n\n## Sub\n",
    "Plain text without anything.\n",
    "# A\n\nText[^1] with HTML.\n\n[^1]: Note A.\n\n*[HTML]: Hyper Text\n\n[x](a.md)\n",
]


def test_a_reused_renderer_gives_what_fresh_renderers_give() -> None:
    reused = MarkdownRenderer()
    assert [reused.render(body) for body in DOCUMENTS] == [MarkdownRenderer().render(body)
                                                           for body in DOCUMENTS]
    second = reused.render(DOCUMENTS[1])
    assert "<abbr" not in second.html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in second.html
    assert second.links == ()


def test_a_renderer_survives_pickling_for_a_process_pool() -> None:
    original = MarkdownRenderer(summary_words=3)
    copy = pickle.loads(pickle.dumps(original))
    assert copy.render("one two three four") == original.render("one two three four")
    assert copy.render("one two three four").summary_html == "<p>one two three…</p>"


def test_summary_words_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="summary_words must be at least 1"):
        MarkdownRenderer(summary_words=0)


# --- hostile input ---------------------------------------------------------------------------------

HOSTILE_BODIES = {
    "chained bullets": "- " * 2000 + "x",
    "chained numbers": "1. " * 2000 + "x",
    "deep quote": ">" * 5000 + " x",
    "deep indented list": "".join("    " * depth + "- x\n" for depth in range(600)),
    "quote staircase": "".join("> " * depth + "x\n" for depth in range(600)),
    "indented chained bullets": "  " + "- " * 3000 + "x",
    "deep admonitions": "".join("    " * depth + "!!! note\n" for depth in range(400)) + "    " * 400 + "x",
    "bare fences": "```\n" * 3001,
    "unclosed fences": "```a\n" * 5000,
    "shortcode openers": "{{<" * 20000 + "x",
    "long unclosed shortcodes": ("{{< " + "x" * 900 + " ") * 200,
    "unclosed p before more": "<p " * 20000 + "<!--more-->",
    "control characters": "\x00\x01\x02\x03\ufffd\ud7ff" * 2000,
    "a 1 MB document": "Lorem *ipsum* dolor sit amet, [link](a.md) `code`.\n\n" * 20000,
}


@pytest.mark.parametrize("body", list(HOSTILE_BODIES.values()), ids=list(HOSTILE_BODIES))
def test_hostile_bodies_render_in_bounded_time(renderer: MarkdownRenderer, body: str) -> None:
    # Not a speed target (bench/build.py measures speed): a guard against work that grows
    # quadratically or worse with these inputs, which would take hours, not the seconds this
    # takes even on a loaded machine.
    started = time.perf_counter()
    assert isinstance(renderer.render(body), RenderedBody)
    assert time.perf_counter() - started < 150


def test_lists_nested_deeper_than_32_levels_keep_every_item_at_the_32nd_level(
        renderer: MarkdownRenderer) -> None:
    out = html_of(renderer, "".join("    " * depth + f"- item{depth}\n" for depth in range(40)))
    assert out.count("<li>") == 40
    assert out.count("<ul>") == 32
    assert "<li>item30<ul>\n<li>item31</li>\n<li>item32</li>\n" in out


def test_html_blocks_nested_beyond_what_the_parser_can_recurse_are_a_build_error(
        renderer: MarkdownRenderer) -> None:
    body = '<div markdown="1">\n' * 1000 + "x\n" + "</div>\n" * 1000
    with pytest.raises(BuildError) as caught:
        renderer.render(body)
    assert caught.value.render() == (
        "Markdown nests lists, quotes, emphasis or HTML blocks too deeply to render — "
        "flatten the nesting to a few dozen levels")
    assert renderer.render("# fine again").first_heading == "fine again"


MARKDOWN_ALPHABET = st.sampled_from(list("#*_`~>-+=|:[](){}<>!\\&;. \n\t\"'xyz1") + [
    "```", "~~~", "{{<", ">}}", "{{%", "%}}", "<!--more-->", "[^1]", "[^1]: ", "!!! note\n    ",
    "<div markdown=\"1\">\n", "</div>\n", "*[x]: ", "{: .c }", "\n\n", "    ", "\x00", "\x02", "é"])


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKDOWN_ALPHABET, max_size=200).map("".join) | st.text(max_size=400))
def test_any_body_renders_and_rendering_is_pure(body: str) -> None:
    renderer = MarkdownRenderer(summary_words=7)
    first = renderer.render(body)
    renderer.render("# Other page[^1]\n\n[^1]: x\n\n*[x]: y\n")
    assert renderer.render(body) == first
    assert first.toc_html == "" or first.toc_html.startswith('<div class="toc">')
    assert first.html.count(f'href="{LINK_PLACEHOLDER}') == len(first.links)


# --- the Hugo docs corpus --------------------------------------------------------------------------

@pytest.mark.slow
def test_every_hugo_docs_page_renders_without_shortcodes_becoming_html() -> None:
    root = corpus_dir("hugo-docs") / "content" / "en"
    renderer = MarkdownRenderer()
    pages = 0
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            text = text[end + 4:] if end != -1 else text
        html = renderer.render(text).html
        # "{{</code>" and "{{<span" are a literal "{{" followed by markup of the page's own.
        assert re.search(r"\{\{<(?!/[a-z]|span\b)", html) is None, path
        assert "<figure" not in html, path
        pages += 1
    assert pages == 992
