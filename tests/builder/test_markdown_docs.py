"""Markdown as GitHub and MkDocs users write it: fences inside lists and quotes, GitHub alerts, ``???``
collapsibles, task lists, and heading ids that GitHub's and MkDocs' hand-written ``#anchors`` reach."""

from __future__ import annotations

import re

import pytest
from markdown.extensions.toc import slugify as mkdocs_toc_slugify

from sitepush.builder.markdown_render import ALERT_KINDS, MarkdownRenderer, github_slug, mkdocs_slug, zola_slug
from tests.fixtures.paths import corpus_dir

PYTHON_X = ('<div class="highlight"><pre><span></span><code><span class="n">x</span> '
            '<span class="o">=</span> <span class="mi">1</span>\n</code></pre></div>')


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


def html_of(renderer: MarkdownRenderer, body: str) -> str:
    return renderer.render(body).html


# --- fences inside containers ----------------------------------------------------------------------

def test_a_fence_inside_a_list_item_is_highlighted_code_inside_that_item(renderer: MarkdownRenderer) -> None:
    html = html_of(renderer, "1. Install:\n\n    ```python\n    x = 1\n    ```\n\n2. Run it.\n")
    assert html == f"<ol>\n<li>\n<p>Install:</p>\n{PYTHON_X}\n</li>\n<li>\n<p>Run it.</p>\n</li>\n</ol>"


def test_a_fence_inside_a_block_quote_is_code_inside_the_quote(renderer: MarkdownRenderer) -> None:
    html = html_of(renderer, "> Try:\n>\n> ```python\n> x = 1\n> ```\n")
    assert html == f"<blockquote>\n<p>Try:</p>\n{PYTHON_X}\n</blockquote>"


def test_a_nested_fence_keeps_its_attributes_and_plain_code_stays_escaped(renderer: MarkdownRenderer) -> None:
    html = html_of(renderer, '- a\n\n    ``` { .python #ex hl_lines="1" }\n    x = 1\n    ```\n\n'
                             "- b\n\n    ```\n    <b> & c\n    ```\n")
    assert '<div id="ex" class="highlight"><pre><span></span><code><span class="hll">' in html
    assert "<pre><code>&lt;b&gt; &amp; c\n</code></pre>" in html
    assert "<code>`" not in html  # no fence collapsed into inline code


def test_the_httpx_docs_render_as_many_code_blocks_as_mkdocs() -> None:
    # MkDocs 1.6.1 (default theme, mkdocs.yml without its theme and mkautodoc) renders 199 <pre> blocks
    # from these 23 pages; the issue counted 176 for sitepush before fences were read as CommonMark does.
    renderer = MarkdownRenderer()
    docs = corpus_dir("httpx-docs") / "docs"
    bodies = [path.read_text("utf-8") for path in sorted(docs.rglob("*.md"))]
    rendered = [renderer.render(body).html for body in bodies]
    assert sum(html.count("<pre") for html in rendered) == 199
    assert not any(re.search(r"<code>`{3}", html) for html in rendered)


# --- callouts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ALERT_KINDS)
def test_github_alerts_are_admonitions_like_python_markdowns(renderer: MarkdownRenderer, kind: str) -> None:
    alert = html_of(renderer, f"> [!{kind.upper()}]\n> Read *this*.\n")
    admonition = html_of(renderer, f'!!! {kind} "{kind.capitalize()}"\n    Read *this*.\n')
    assert alert == admonition == (f'<div class="admonition {kind}">\n<p class="admonition-title">'
                                   f"{kind.capitalize()}</p>\n<p>Read <em>this</em>.</p>\n</div>")


def test_only_a_marker_on_the_first_line_of_a_quote_makes_an_alert(renderer: MarkdownRenderer) -> None:
    assert html_of(renderer, "> Text [!NOTE]\n") == "<blockquote>\n<p>Text [!NOTE]</p>\n</blockquote>"
    assert html_of(renderer, "> [!NOPE]\n> x\n").startswith("<blockquote>")


def test_an_alert_keeps_every_paragraph_and_nested_code(renderer: MarkdownRenderer) -> None:
    html = html_of(renderer, "> [!WARNING]\n> One.\n>\n> ```python\n> x = 1\n> ```\n")
    assert html == ('<div class="admonition warning">\n<p class="admonition-title">Warning</p>\n'
                    f"<p>One.</p>\n{PYTHON_X}\n</div>")


def test_question_mark_blocks_are_collapsible_callouts_and_plus_opens_them(renderer: MarkdownRenderer) -> None:
    assert html_of(renderer, '??? note "Click me"\n    Hidden.\n') == \
        '<details class="note">\n<summary>Click me</summary>\n<p>Hidden.</p>\n</details>'
    assert html_of(renderer, "???+ tip\n    Shown.\n") == \
        '<details class="tip" open>\n<summary>Tip</summary>\n<p>Shown.</p>\n</details>'


def test_task_lists_are_disabled_checkboxes(renderer: MarkdownRenderer) -> None:
    assert html_of(renderer, "- [x] done\n- [ ] todo\n") == (
        '<ul class="task-list">\n<li class="task-list-item"><input type="checkbox" disabled checked/> done</li>\n'
        '<li class="task-list-item"><input type="checkbox" disabled/> todo</li>\n</ul>')


# --- heading ids -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Hello, World!", "Déjà vu -- again", "snake_case & C++",
                                  "Ünïcode Überschrift", "HTTP/2 Support", "日本語 の 見出し"])
def test_mkdocs_heading_ids_are_python_markdowns_toc_slugify(text: str) -> None:
    assert mkdocs_slug(text) == mkdocs_toc_slugify(text, "-")


@pytest.mark.parametrize(("text", "slug"), [
    # github-slugger's own test cases (github.com/Flet/github-slugger, test/fixtures.json)
    ("Hello, World!", "hello-world"),
    ("foo & bar", "foo--bar"),
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    ("snake_case", "snake_case"),
    ("HTTP/2 Support", "http2-support"),
])
def test_github_heading_ids_follow_github_slugger(text: str, slug: str) -> None:
    assert github_slug(text) == slug


def test_a_heading_answers_to_its_own_github_and_mkdocs_ids(renderer: MarkdownRenderer) -> None:
    html = html_of(renderer, "## Déjà vu & more\n\n## Déjà vu & more\n")
    ids = re.findall(r'id="([^"]+)"', html)
    assert ids == ["déjà-vu-more", "déjà-vu--more", "deja-vu-more",  # own, GitHub's, MkDocs' = Zola's
                   "déjà-vu-more_1", "déjà-vu--more-1", "deja-vu-more_1", "deja-vu-more-1"]


def test_an_ascii_heading_gets_no_alias_when_all_three_agree(renderer: MarkdownRenderer) -> None:
    assert 'heading-alias' not in html_of(renderer, "## Install the client\n")


def test_zola_heading_ids_join_every_other_character_run_with_one_hyphen() -> None:
    # zola-docs link to `overview.md#get-image-metadata` for the heading `get_image_metadata`
    assert zola_slug("get_image_metadata") == "get-image-metadata"
    assert zola_slug("Déjà vu -- again!") == "deja-vu-again"
