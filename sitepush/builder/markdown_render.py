"""A page's Markdown body → :class:`RenderedBody` (HTML, table of contents, summary, links).

One :class:`MarkdownRenderer` per worker process holds one ``markdown.Markdown`` and resets it
between documents; building a ``Markdown`` (and its extensions' regexes) per page was a large part of
the cost of a build. Extensions: Python-Markdown's tables, footnotes, attr_list, def_list, abbr,
md_in_html, admonition and toc; pymdown-extensions' details (``???`` collapsibles), tasklist and
superfences (fences inside lists and quotes); sitepush's own fenced code, shortcode and link
processors (``_md_extensions``) and GitHub alerts and heading-id aliases (``_md_docs``).
``codehilite`` and ``fenced_code`` are deliberately not used: all code goes through ``highlight``.

Everything a render returns depends on the body alone: equal bodies give equal RenderedBody values.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

from markdown import Markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.admonition import AdmonitionExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.tables import TableExtension
from pymdownx.details import DetailsExtension
from pymdownx.tasklist import TasklistExtension

from sitepush.builder._md_docs import ALERT_KINDS as ALERT_KINDS
from sitepush.builder._md_docs import DocsMarkdownExtension, superfences_extension
from sitepush.builder._md_docs import github_slug as github_slug
from sitepush.builder._md_docs import mkdocs_slug as mkdocs_slug
from sitepush.builder._md_docs import zola_slug as zola_slug
from sitepush.builder._md_extensions import SitepushExtension
from sitepush.builder._md_gates import BLOCK_GATES as BLOCK_GATES  # tests reach the gates here
from sitepush.builder._md_gates import PRE_GATES as PRE_GATES
from sitepush.builder._md_gates import TREE_GATES as TREE_GATES
from sitepush.builder._md_gates import GatesExtension, HeadinglessTocExtension
from sitepush.builder._md_inline import ListedInlineExtension
from sitepush.builder._md_inline import ListedInlineProcessor as ListedInlineProcessor  # tests reach it here
from sitepush.builder._md_inline import bracket_text as bracket_text
from sitepush.builder.model import RenderedBody, TocEntry
from sitepush.errors import BuildError

MORE_MARKER = "<!--more-->"
"""Where the author ends a page's summary."""

_SLUG_DROP_RE = re.compile(r"[^\w\s-]")
_SLUG_SEPARATOR_RE = re.compile(r"[-\s]+")
_TAG_RE = re.compile(r"<[^<>]*>")
_FOOTNOTE_REF_RE = re.compile(r'<sup id="fnref[^"<>]*"><a [^<>]*>[^<>]*</a></sup>')
_OPEN_OR_CLOSE_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
_WORDLESS_RUN_RE = re.compile(r"\s[^\s\w]++(?!\S)")
# Block elements whose paragraphs are not the page's own opening text.
_CONTAINER_ELEMENTS = frozenset(
    "article aside blockquote dd details dl dt div fieldset figure footer form header li nav ol "
    "section table td th ul".split())
_VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split())


def slugify_heading(value: str, separator: str) -> str:
    """A heading's id: Python-Markdown's ``slugify_unicode`` (letters of every script kept,
    lower-cased, punctuation dropped, runs of spaces and hyphens joined by ``separator``)
    with the patterns compiled once."""
    value = _SLUG_DROP_RE.sub("", value).strip().lower()
    return _SLUG_SEPARATOR_RE.sub(separator, value)


class _Markdown(Markdown):
    """``Markdown`` answering ``is_block_level`` from a table: the tree processors that lay out the HTML
    ask it about every element (80,000 times over Hugo's docs), and the stock answer lower-cases the tag
    and scans a list. The table is emptied by ``reset`` (between documents), so a change to
    ``block_level_elements`` is seen from the next document on."""

    def __init__(self, **kwargs: Any) -> None:
        self._block_level: dict[Any, bool] = {}
        super().__init__(**kwargs)

    def is_block_level(self, tag: Any) -> bool:
        try:
            return self._block_level[tag]
        except KeyError:
            answer = self._block_level[tag] = super().is_block_level(tag)
            return answer

    def reset(self) -> _Markdown:
        self._block_level = {}
        super().reset()
        return self


class MarkdownRenderer:
    """Renders Markdown bodies; create one per process and call :meth:`render` for each page."""

    def __init__(self, *, summary_words: int = 60) -> None:
        if summary_words < 1:
            raise ValueError(f"summary_words must be at least 1, not {summary_words}")
        self._summary_words = summary_words
        self._sitepush = SitepushExtension()
        self._md = _Markdown(output_format="html", extensions=[
            TableExtension(),
            FootnoteExtension(),
            AttrListExtension(),
            DefListExtension(),
            AbbrExtension(),
            MarkdownInHtmlExtension(),
            AdmonitionExtension(),
            DetailsExtension(),
            TasklistExtension(custom_checkbox=False),
            superfences_extension(),
            DocsMarkdownExtension(),
            HeadinglessTocExtension(  # the stock toc, short on a page without headings
                permalink="#",
                permalink_class="anchor",
                permalink_title="Link to this section",
                slugify=slugify_heading,
            ),
            self._sitepush,
            ListedInlineExtension(),  # the stock inline pass, cheaper (same output)
            GatesExtension(),  # last: skips the processors a page cannot need (same output)
        ])

    # A process pool may pickle the renderer into its workers: send the settings, rebuild the rest.
    def __getstate__(self) -> dict[str, Any]:
        return {"summary_words": self._summary_words}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(summary_words=state["summary_words"])  # type: ignore[misc]

    def render(self, body: str) -> RenderedBody:
        """Render one Markdown body. Pure: the same body always gives the same RenderedBody.

        Raises :class:`BuildError` (without a file; the caller attaches it) only when the body nests
        so deeply that Python-Markdown's recursion runs out (hundreds of ``<div markdown>`` or
        ``*`` levels; lists and quotes are flattened below 32 levels before that can happen).
        """
        md = self._md
        md.reset()
        # The toc's [TOC] marker search walks every element's text; a body without the marker
        # cannot hold it (escaped or entity-written brackets are placeholders at that point).
        md.treeprocessors["toc"].marker = "[TOC]" if "[TOC]" in body else ""  # type: ignore[attr-defined]
        try:
            body_html = md.convert(body)
        except RecursionError:
            md.reset()
            raise BuildError(
                "Markdown nests lists, quotes, emphasis or HTML blocks too deeply to render",
                hint="flatten the nesting to a few dozen levels") from None
        tokens: list[dict[str, Any]] = getattr(md, "toc_tokens", [])
        toc = tuple(_toc_entry(token) for token in tokens)
        heading_count = _count_entries(toc)
        return RenderedBody(
            html=body_html,
            toc_html=str(getattr(md, "toc", "")) if heading_count >= 2 else "",
            toc=toc,
            first_heading=_first_heading(toc),
            summary_html=_summary_html(body_html, self._summary_words),
            word_count=count_words(body_html),
            links=self._sitepush.links,
        )


def _toc_entry(token: dict[str, Any]) -> TocEntry:
    return TocEntry(
        level=int(token["level"]),
        id=str(token["id"]),
        # The toc extension gives the name as HTML text (`A &amp; B`); templates escape it themselves.
        name=html.unescape(str(token["name"])),
        children=tuple(_toc_entry(child) for child in token.get("children", ())),
    )


def _count_entries(entries: tuple[TocEntry, ...]) -> int:
    return sum(1 + _count_entries(entry.children) for entry in entries)


def _first_heading(entries: tuple[TocEntry, ...]) -> str | None:
    for entry in entries:  # document order is a pre-order walk of the nested entries
        if entry.level == 1:
            return entry.name.strip() or None
        found = _first_heading(entry.children)
        if found is not None:
            return found
    return None


def _visible_text(fragment: str) -> str:
    return html.unescape(_TAG_RE.sub("", fragment))


def count_words(body_html: str) -> int:
    """Words of the visible text of rendered HTML, code blocks included (as Hugo counts them).

    A word is a whitespace-separated run that holds at least one letter or digit, so the ``#`` of
    heading permalinks and the ``↩`` of footnote back-links do not count.
    """
    text = _visible_text(body_html)
    # Counted in C: every run, less the runs without a letter or digit. Each of those is found with the
    # whitespace before it (hence the space in front), which lets the search skip to whitespace; the
    # run is possessive, so a long one is scanned once.
    return len(text.split()) - len(_WORDLESS_RUN_RE.findall(" " + text))


def _summary_html(body_html: str, summary_words: int) -> str:
    return summary_before_more(body_html) or _paragraph_summary(body_html, summary_words)


def summary_before_more(body_html: str) -> str | None:
    """The HTML before the ``<!--more-->`` marker, its open tags closed; None without a marker. Called
    again on the body with its links resolved, so that a listing links where the page links."""
    marker = body_html.find(MORE_MARKER)
    if marker < 0:
        return None
    return _close_open_tags(body_html[:marker].rstrip())


def _paragraph_summary(body_html: str, limit: int) -> str:
    """Plain text of the first top-level paragraphs, cut at ``limit`` words, in one ``<p>``.

    Paragraphs inside containers (admonitions, quotes, lists, tables, the footnotes) are skipped:
    they are asides, not the opening of the page.
    """
    words: list[str] = []
    depth = 0
    content_start = -1
    for tag in _OPEN_OR_CLOSE_TAG_RE.finditer(body_html):
        closing, name = tag[1], tag[2].lower()
        if name == "p":
            if not closing:
                content_start = tag.end() if depth == 0 else -1
            elif content_start >= 0:
                fragment = _FOOTNOTE_REF_RE.sub("", body_html[content_start:tag.start()])
                words.extend(_visible_text(fragment).split())
                content_start = -1
                if len(words) > limit:
                    break
        elif name in _CONTAINER_ELEMENTS and not tag[3]:
            depth = max(0, depth - 1) if closing else depth + 1
    if not words:
        return ""
    summary = " ".join(words[:limit]) + ("…" if len(words) > limit else "")
    return f"<p>{html.escape(summary, quote=False)}</p>"


def _close_open_tags(fragment: str) -> str:
    """Close the elements a cut at ``<!--more-->`` left open (a marker inside a paragraph)."""
    stack: list[str] = []
    open_counts: Counter[str] = Counter()
    for match in _OPEN_OR_CLOSE_TAG_RE.finditer(fragment):
        closing, name, self_closing = match[1], match[2].lower(), match[3]
        if self_closing or name in _VOID_ELEMENTS:
            continue
        if not closing:
            stack.append(name)
            open_counts[name] += 1
        elif open_counts[name]:
            while stack:
                top = stack.pop()
                open_counts[top] -= 1
                if top == name:
                    break
    return fragment + "".join(f"</{name}>" for name in reversed(stack))
