"""Block and tree processors a page cannot need are skipped (no table without ``|``, no admonition
without ``!!!``…), and the output is byte for byte what Python-Markdown makes with all of them."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markdown.blockparser import BlockParser
from markdown.extensions.toc import TocTreeprocessor

from sitepush.builder.frontmatter import parse_front_matter
from sitepush.builder.markdown_render import BLOCK_GATES, PRE_GATES, TREE_GATES, MarkdownRenderer
from tests.fixtures.paths import REPO, corpus_dir


def ungated_renderer() -> MarkdownRenderer:
    """The same renderer with Python-Markdown's own block parser and toc, and every processor run."""
    renderer = MarkdownRenderer()
    md = renderer._md
    md.parser.__class__ = BlockParser
    md.treeprocessors["toc"].__class__ = TocTreeprocessor
    for name in TREE_GATES:
        del md.treeprocessors[name].run  # the gate in front of the method
    for name in PRE_GATES:
        del md.preprocessors[name].run
    return renderer


def offered(renderer: MarkdownRenderer) -> list[str]:
    """Names the block processors whose test runs from now on, one entry per test."""
    registry = renderer._md.parser.blockprocessors
    tested: list[str] = []
    for item in registry._priority:  # type: ignore[attr-defined]
        processor = registry[item.name]

        def counting(parent: Any, block: str, _test: Any = processor.test, _name: str = item.name) -> bool:
            tested.append(_name)
            return bool(_test(parent, block))

        processor.test = counting  # type: ignore[method-assign]
    return tested


def test_a_page_of_plain_paragraphs_offers_its_blocks_to_no_table_admonition_or_list_processor() -> None:
    renderer = MarkdownRenderer()
    tested = offered(renderer)
    assert renderer.render("Plain words.\n\nMore plain words.\n").html == \
        "<p>Plain words.</p>\n<p>More plain words.</p>"
    assert set(tested) == {"empty", "indent", "code", "paragraph"}


def test_a_page_with_a_table_offers_its_blocks_to_the_table_processor_but_not_to_footnotes() -> None:
    renderer = MarkdownRenderer()
    tested = offered(renderer)
    assert "<table>" in renderer.render("| a | b |\n|---|---|\n| 1 | 2 |\n").html
    assert "table" in tested and not {"footnote", "admonition", "deflist", "abbr"} & set(tested)


def test_a_block_without_a_hash_is_not_tested_for_a_heading_though_the_page_has_one() -> None:
    renderer = MarkdownRenderer()
    tested = offered(renderer)
    assert renderer.render("# Title\n\nPlain words.\n\nMore words.\n").html == \
        '<h1 id="title">Title<a class="anchor" href="#title" title="Link to this section">#</a></h1>\n' \
        "<p>Plain words.</p>\n<p>More words.</p>"
    assert tested.count("hashheader") == 1


def test_a_page_with_markdown_inside_html_is_offered_to_every_processor() -> None:
    renderer = MarkdownRenderer()
    tested = offered(renderer)
    html = renderer.render('<div markdown="1">\n!!! note\n    Inside.\n</div>\n').html
    assert '<div class="admonition note">' in html
    # No processor left out for the page (a block is still not tested for syntax it does not hold).
    parser = renderer._md.parser
    assert [p for p, _ in parser._processors] == list(parser.blockprocessors)  # type: ignore[attr-defined]
    assert set(tested) >= {"admonition", "details", "markdown_block"}


def test_a_page_without_braces_escapes_or_checkboxes_skips_those_tree_processors(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    probe = MarkdownRenderer()._md.treeprocessors
    for name in TREE_GATES:
        cls = type(probe[name])

        def recording(self: Any, root: Any, _run: Any = cls.run, _name: str = name) -> Any:
            ran.append(_name)
            return _run(self, root)

        monkeypatch.setattr(cls, "run", recording)
    renderer = MarkdownRenderer()  # its gates stand in front of the recording methods
    renderer.render("# Title\n\nWords.\n")
    assert ran == []
    renderer.render("# Title {#t}\n\nA \\*star\\*.\n\n- [x] done\n")
    assert sorted(ran) == sorted(TREE_GATES)


def test_a_page_without_tags_or_numeric_references_skips_the_raw_html_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stock = ungated_renderer().render("A &#38 B\n").html
    seen: list[list[str]] = []
    cls = type(MarkdownRenderer()._md.preprocessors["html_block"])

    def recording(self: Any, lines: list[str], _run: Any = cls.run) -> list[str]:
        seen.append(lines)
        return list(_run(self, lines))

    monkeypatch.setattr(cls, "run", recording)
    renderer = MarkdownRenderer()
    assert renderer.render("Tom &amp; Jerry &copy; 2024\n").html == "<p>Tom &amp; Jerry &copy; 2024</p>"
    assert seen == []
    # The parser adds the `;` a numeric reference lacks: such a page still goes through it.
    assert renderer.render("A &#38 B\n").html == stock == "<p>A &#38; B</p>"
    assert renderer.render("<b>bold</b>\n").html == "<p><b>bold</b></p>"
    assert len(seen) == 2


@pytest.mark.parametrize("text", ["Words, no heading.\n", "[TOC]\n\nNo heading under the marker.\n",
                                  "<h2>Raw</h2>\n\n## Markdown {#m}\n"])
def test_a_page_without_headings_gets_the_stock_table_of_contents(text: str) -> None:
    ours, stock = MarkdownRenderer(), ungated_renderer()
    assert ours.render(text) == stock.render(text)
    assert (ours._md.toc, ours._md.toc_tokens) == (stock._md.toc, stock._md.toc_tokens)  # type: ignore[attr-defined]


def test_a_processor_an_extension_puts_under_a_stock_name_is_never_skipped() -> None:
    from markdown.blockprocessors import ParagraphProcessor

    class Shout(ParagraphProcessor):
        def run(self, parent: Any, blocks: list[str]) -> None:
            blocks[0] = blocks[0].upper()
            super().run(parent, blocks)

    renderer = MarkdownRenderer()
    renderer._md.parser.blockprocessors.register(Shout(renderer._md.parser), "table", 75)
    assert renderer.render("no pipes here\n").html == "<p>NO PIPES HERE</p>"


# Syntax where a prefix is cut away before a processor sees it: quotes, list items, footnotes,
# definitions, admonitions, HTML blocks with Markdown inside.
NESTED = [
    "> | a | b |\n> |---|---|\n> | 1 | 2 |\n",
    "- !!! note\n\n        In a list.\n",
    "Term\n: A definition with a | b | c\n: > and a quote\n",
    "Text[^n].\n\n[^n]: !!! tip\n        A note in a footnote.\n\n    # Not a heading? {.x}\n",
    "1. ??? note \"Folded\"\n       Body.\n2. - - -\n",
    "> > - nested\n> >   ---\n> > Setext\n> > ===\n",
    '<div markdown="1">\n| x | y |\n|---|---|\n| 1 | 2 |\n\n*[HTML]: Hyper\n</div>\n\nHTML here\n',
    "*[HTML]: Hyper Text\n\nHTML and \\*escapes\\* and {: .no }\n\n- [ ] box\n- [X] done\n",
    "[ref]: /x/ \"Title\"\n\n[ref] and a [link][ref]\n",
    "Line\n\n    indented code: with | pipes\n\nPara {: #id }\n{: .cls }\n",
    "\u0663. Arabic-Indic digits number a list\n\u0664. as \\d matches them\n",
    "\uff11. fullwidth\n\n> \u0967. Devanagari\n",
]


@pytest.mark.parametrize("text", NESTED)
def test_nested_syntax_renders_as_with_every_processor(text: str) -> None:
    assert MarkdownRenderer().render(text) == ungated_renderer().render(text)


PIECES = ["", "> ", "- ", "* ", "1. ", "2) ", "\u0663. ", "    ", "  ", "\t", ": ", "[^1]: ", "[^1]", "*[HTML]: Hyper", "HTML",
          "!!! note", '!!! tip "T"', "??? note", "???+ tip", "| a | b |", "|---|---|", "a | b", "--- | ---",
          "# ", "## h", "===", "---", "- - -", "***", "_ _ _", "[x] ", "[ ] ", "{: .cls }", "{#id}", "\\*",
          "\\#", '<div markdown="1">', "</div>", "<div>", "[ref]: /x", "[ref]", "term", "text", "*em*",
          "`code`", "```", "> [!NOTE]", "&amp;", "<b>x</b>", "[TOC]", "1\\. x", "abc: def", "x|y",
          "&#38", "&#x26;", "&nbsp", "<div>", "</div>: x"]


def test_thousands_of_random_documents_render_as_with_every_processor() -> None:
    """Lines glued together from the pieces each gate looks for, nested in every container."""
    ours, stock = MarkdownRenderer(), ungated_renderer()
    rnd = random.Random(17)
    for _ in range(3000):
        lines = []
        for _ in range(rnd.randint(1, 14)):
            lines.append("".join(rnd.choice(PIECES) for _ in range(rnd.choice([1, 1, 2, 2, 3]))))
            if rnd.random() < 0.3:
                lines.append("")
        text = "\n".join(lines) + "\n"
        assert ours.render(text) == stock.render(text), text


def test_the_gates_name_processors_python_markdown_registers_and_keep_their_order() -> None:
    md = ungated_renderer()._md
    # The same processors in the same order (the toc's is the stock one's subclass).
    assert [TocTreeprocessor if isinstance(p, TocTreeprocessor) else type(p)
            for p in MarkdownRenderer()._md.treeprocessors] == [type(p) for p in md.treeprocessors]
    for name, gate in BLOCK_GATES.items():
        processor = md.parser.blockprocessors[name]
        assert (type(processor).__module__, type(processor).__name__) == (gate.module, gate.cls), name
    for name, gate in TREE_GATES.items():
        tree_processor = md.treeprocessors[name]
        assert (type(tree_processor).__module__, type(tree_processor).__name__) == (gate.module, gate.cls), name


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["hugo-docs/content/en", "httpx-docs/docs", "python-markdown-docs/docs",
                                    "zola-docs/docs/content", "just-the-docs/docs"])
def test_corpus_pages_render_as_with_every_processor(folder: str) -> None:
    ours, stock = MarkdownRenderer(), ungated_renderer()
    root = corpus_dir(folder.split("/")[0]) / folder.split("/", 1)[1]
    paths = sorted(root.rglob("*.md")) + sorted((REPO / "example-site" / "content").rglob("*.md"))
    assert len(paths) > 20
    for path in paths:
        body = parse_front_matter(path.read_bytes(), str(path)).body
        assert ours.render(body) == stock.render(body), str(path)
