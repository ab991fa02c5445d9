"""Python-Markdown's processors, skipped for a document that cannot need them.

The block parser offers every block of a document to each of its twenty processors in priority order,
reaching them through the registry (a sort check and a list built per block): on hugo-docs, about 25
blocks a page and 400 tests, most of them regular-expression searches for syntax the page does not use
(admonitions, ``???`` details, tables, definition lists, footnotes, abbreviations). Three tree processors
(attribute lists, task lists, unescaping of ``\\`` escapes) walk the whole tree of every page for the
same reason. :class:`GatedBlockParser` and :func:`gate_tree_processor` decide once per document, from
the text the block parser is given, which of them can act at all, and skip the others. Two more passes
are cut short the same way: the raw-HTML preprocessor (Python's HTML parser over the whole page) on a
page without ``<`` (:data:`PRE_GATES`), and the table of contents on a page without headings
(:class:`HeadinglessTocTreeprocessor`).

Why a skip cannot change the output: every block and every piece of element text that reaches a
processor is cut out of that text (prefixes such as ``> ``, list markers and indentation removed,
lines re-joined with newlines, stash placeholders put in), never glued together within a line. So a
string that a processor's match must contain, and that holds no newline, is in the document's text
whenever the processor could match: a text without ``|`` holds no table, one without ``!!!`` no
admonition. Each skip below names the strings its processor's stock regular expression cannot match
without; a processor that is not the stock class under its stock name is never skipped. A processor
skipped is one whose test would have said no (or whose ``run`` would have put the block back and
returned False) on every block, and the ones that remain run in the same order. The same holds block
by block: a processor whose test is a search of the block alone is not asked about a block that holds
none of the strings its match needs (:attr:`Gate.block_needs`).

One case is not covered by the text: Markdown inside HTML (``<div markdown="1">``), whose content the
``md_in_html`` preprocessor keeps in the stash as elements. A document with such an element is parsed
with every processor, as is a document parsed through :meth:`BlockParser.parseBlocks` alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ElementTree

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

# Lines of three -, _ or * (spaces between allowed), as HRProcessor.RE requires.
_RULE_RE = re.compile(r"-[ ]{0,2}-[ ]{0,2}-|_[ ]{0,2}_[ ]{0,2}_|\*[ ]{0,2}\*[ ]{0,2}\*")
_ORDERED_ITEM_RE = re.compile(r"\d\.[ ]")       # OListProcessor.RE: \d+\.[ ]+ (any script's digits)
_UNORDERED_ITEM_RE = re.compile(r"[*+-][ ]")    # UListProcessor.RE: [*+-][ ]+
_TASK_RE = re.compile(r"\[[xX ]\]")             # pymdownx.tasklist RE_CHECKBOX: \[(x|X| )\]


@dataclass(frozen=True)
class Gate:
    """A stock processor, and the test a document's text must pass for it to have anything to do."""

    module: str
    cls: str
    can_act: Callable[[str], bool]
    block_needs: tuple[str, ...] = ()
    """For a block processor whose test is a search of the block alone: strings one of which the block
    must hold for it to say yes (or for its ``run`` to take the block); checked before the test."""


def _holds(*parts: str) -> Callable[[str], bool]:
    return lambda text: any(part in text for part in parts)


def _deflist(text: str) -> bool:
    return ": " in text  # DefListProcessor.RE: (^|\n)[ ]{0,3}:[ ]{1,3}


BLOCK_GATES: dict[str, Gate] = {
    "admonition": Gate("markdown.extensions.admonition", "AdmonitionProcessor", _holds("!!!")),
    "details": Gate("pymdownx.details", "DetailsProcessor", _holds("???")),
    "table": Gate("markdown.extensions.tables", "TableProcessor", _holds("|"), ("|",)),
    "hashheader": Gate("markdown.blockprocessors", "HashHeaderProcessor", _holds("#"), ("#",)),
    "setextheader": Gate("markdown.blockprocessors", "SetextHeaderProcessor", _holds("=", "-"),
                         ("\n=", "\n-")),  # SetextHeaderProcessor.RE: ^.*?\n(?:=+|-+)
    "hr": Gate("markdown.blockprocessors", "HRProcessor", lambda text: bool(_RULE_RE.search(text)),
               ("-", "_", "*")),
    "olist": Gate("markdown.blockprocessors", "OListProcessor",
                  lambda text: bool(_ORDERED_ITEM_RE.search(text))),
    "ulist": Gate("markdown.blockprocessors", "UListProcessor",
                  lambda text: bool(_UNORDERED_ITEM_RE.search(text))),
    "quote": Gate("markdown.blockprocessors", "BlockQuoteProcessor", _holds(">"), (">",)),
    "deflist": Gate("markdown.extensions.def_list", "DefListProcessor", _deflist, (": ",)),
    # Indented content under a <dd>/<dl>: only a definition list makes those (the li/ul/ol cases are
    # taken by the stock ListIndentProcessor, which comes first and tests the same way).
    "defindent": Gate("markdown.extensions.def_list", "DefListIndentProcessor", _deflist),
    "footnote": Gate("markdown.extensions.footnotes", "FootnoteBlockProcessor",
                     lambda text: "[^" in text and "]:" in text, ("[^",)),
    "abbr": Gate("markdown.extensions.abbr", "AbbrBlockprocessor", _holds("*["), ("*[",)),
    "reference": Gate("markdown.blockprocessors", "ReferenceProcessor", _holds("]:"), ("]:",)),
    # Its run only acts on a placeholder of a stashed element: with one, nothing is skipped at all.
    "markdown_block": Gate("markdown.extensions.md_in_html", "MarkdownInHtmlProcessor", lambda text: False),
}
"""Block processor name → its gate. Not here (always offered): empty, indent, code, paragraph. No block
strings for the admonition and details processors, whose test also takes an indented block after one."""

TREE_GATES: dict[str, Gate] = {
    # AttrListTreeprocessor's BASE_RE: \{\:?[ ]*([^\}\n ][^\n]*)\}
    "attr_list": Gate("markdown.extensions.attr_list", "AttrListTreeprocessor",
                      lambda text: "{" in text and "}" in text),
    "task-list": Gate("pymdownx.tasklist", "TasklistTreeprocessor", lambda text: bool(_TASK_RE.search(text))),
    # What it restores are the placeholders EscapeInlineProcessor leaves for a backslash escape
    # (NormalizeWhitespace removed any STX/ETX the author wrote).
    "unescape": Gate("markdown.treeprocessors", "UnescapeTreeprocessor", _holds("\\")),
}
"""Tree processor name → its gate."""

PRE_GATES: dict[str, Gate] = {
    # The raw-HTML pass runs Python's HTML parser over the whole text. Without a ``<`` it finds no tag,
    # and what it writes back is the text as it was, but for numeric character references: it adds the
    # ``;`` that ``&#38`` lacks (named ones it only takes with their ``;``, and writes back as read).
    "html_block": Gate("markdown.extensions.md_in_html", "HtmlBlockPreprocessor",
                       lambda text: "<" in text or "&#" in text),
}
"""Preprocessor name → its gate (tested on the preprocessor's own input)."""


def _is_stock(gate: Gate | None, processor: object) -> bool:
    cls = type(processor)
    return gate is not None and cls.__name__ == gate.cls and cls.__module__ == gate.module


class GatedBlockParser(BlockParser):
    """``BlockParser`` offering each block only to the processors the document can need.

    :meth:`parseDocument` chooses them (and keeps the text for :func:`gate_tree_processor`); the
    footnotes' content, parsed later by a tree processor, is part of the same text.
    """

    document_text: str = ""
    """The text of the document being converted, as the block parser was given it."""
    gated: bool = False
    """Whether processors may be skipped for this document (no Markdown-in-HTML element)."""
    _processors: list[tuple[BlockProcessor, tuple[str, ...]]] | None = None
    _gates_of: tuple[list[BlockProcessor], list[Gate | None]] | None = None

    def parseDocument(self, lines: Any) -> ElementTree:  # noqa: N802 - Python-Markdown's name
        text = "\n".join(lines)
        self.document_text = text
        self.gated = not any(isinstance(block, Element) for block in self.md.htmlStash.rawHtmlBlocks)
        processors = list(self.blockprocessors)  # iterating sorts by priority, as parseBlocks does
        gates = self._gates(processors)
        self._processors = [(processor, gate.block_needs if gate is not None else ())
                            for processor, gate in zip(processors, gates)
                            if gate is None or not self.gated or gate.can_act(text)]
        self.root = Element(self.md.doc_tag)
        self.parseChunk(self.root, text)
        return ElementTree(self.root)

    def _gates(self, processors: list[BlockProcessor]) -> list[Gate | None]:
        """Each processor's gate (None: always offered), worked out again only when the registry changed."""
        if self._gates_of is not None and self._gates_of[0] == processors:  # the same objects in order
            return self._gates_of[1]
        registry = self.blockprocessors
        by_id = {id(registry[name]): gate for name, gate in BLOCK_GATES.items()
                 if name in registry and _is_stock(gate, registry[name])}
        gates = [by_id.get(id(processor)) for processor in processors]
        self._gates_of = (processors, gates)
        return gates

    def parseBlocks(self, parent: Element, blocks: list[str]) -> None:  # noqa: N802
        # The stock loop (markdown/blockparser.py, BlockParser.parseBlocks) over the chosen list, a
        # processor's test skipped for a block without any of its strings.
        processors = self._processors
        if processors is None:
            processors = [(processor, ()) for processor in self.blockprocessors]
        while blocks:
            for processor, needs in processors:
                block = blocks[0]
                if needs:
                    for part in needs:
                        if part in block:
                            break
                    else:
                        continue
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break


def gate_tree_processor(md: Markdown, processor: Treeprocessor, gate: Gate) -> None:
    """Make ``processor`` (a stock tree processor) run only when the document's text passes ``gate``.

    Its ``run`` is replaced on the instance, so the registry keeps its order and other processors
    reading its attributes (the inline patterns read ``unescape``'s ``RE``) see it unchanged."""
    run = processor.run

    def gated(root: Element) -> Element | None:
        parser = md.parser
        if isinstance(parser, GatedBlockParser) and parser.gated and not gate.can_act(parser.document_text):
            return None
        result: Element | None = run(root)
        return result

    setattr(processor, "run", gated)  # noqa: B010 - an instance attribute in front of the method


def gate_preprocessor(processor: Preprocessor, gate: Gate) -> None:
    """Make ``processor`` (a stock preprocessor) leave the lines as they are when they fail ``gate``."""
    run = processor.run

    def gated(lines: list[str]) -> list[str]:
        if not gate.can_act("\n".join(lines)):
            return lines
        result: list[str] = run(lines)
        return result

    setattr(processor, "run", gated)  # noqa: B010 - an instance attribute in front of the method


class HeadinglessTocTreeprocessor(TocTreeprocessor):
    """The toc extension's processor, short on a page without headings (most of Hugo's docs pages).

    The stock pass walks every element twice, for ids and for headings; a page with no heading and no
    ``[TOC]`` marker gets from it no tokens and the empty table, the same as an empty document, which is
    what it is given instead (one walk to see there is no heading, with the stock test)."""

    def run(self, doc: Element) -> None:
        match = self.header_rgx.match
        if not self.marker and not any(isinstance(tag := element.tag, str) and tag[:1] in "hH" and match(tag)
                                       for element in doc.iter()):
            doc = Element(self.md.doc_tag)
        super().run(doc)


class HeadinglessTocExtension(TocExtension):
    """``TocExtension`` with :class:`HeadinglessTocTreeprocessor`."""

    TreeProcessorClass = HeadinglessTocTreeprocessor


class GatesExtension(Extension):
    """Makes the block parser a :class:`GatedBlockParser` and gates the tree processors of
    :data:`TREE_GATES` and the preprocessors of :data:`PRE_GATES`; add it after every other extension,
    so that it sees their processors."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        """Swap the parser's class in place: the block processors hold the parser itself."""
        if type(md.parser) is BlockParser:
            md.parser.__class__ = GatedBlockParser
        for name, gate in TREE_GATES.items():
            if name in md.treeprocessors and _is_stock(gate, md.treeprocessors[name]):
                gate_tree_processor(md, md.treeprocessors[name], gate)
        for name, gate in PRE_GATES.items():
            if name in md.preprocessors and _is_stock(gate, md.preprocessors[name]):
                gate_preprocessor(md.preprocessors[name], gate)
