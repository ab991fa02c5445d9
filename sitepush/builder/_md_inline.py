"""Python-Markdown's inline pass, made cheaper without changing a byte of its output.

Python-Markdown tries each of its fifteen inline patterns on every piece of text, reaching each through
its priority registry (a sort check and two lookups per try): on hugo-docs, about 400 tries a page, most
of which cannot match because the text lacks the one character the pattern starts with. This
treeprocessor is the stock ``InlineProcessor`` with these differences:

* the patterns are read into a list (again when the registry changes), not through the registry on
  every try;
* a pattern whose match must contain a character (a link needs ``[``, code a backtick, emphasis ``*``
  or ``_``…) is skipped for a text without it. Only the stock patterns under their stock names are
  skipped this way; any other (an extension's) is always tried;
* a text in which no pattern can match (half the texts of hugo-docs) is left as it is, without the
  stock passes that would have given it back unchanged;
* link, reference and image text is cut at its closing bracket by :func:`bracket_text`.

A skipped pattern is one whose regular expression would have found nothing, so the result is the
stock one; tests compare both over the shared corpora.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown, inlinepatterns, util
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.treeprocessors import InlineProcessor

# Stock pattern name → (its class's name, strings of which the text must hold at least one for a match),
# read from the patterns' regular expressions (markdown/inlinepatterns.py, extensions/footnotes.py).
_NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "backtick": ("BacktickInlineProcessor", ("`",)),
    "escape": ("EscapeInlineProcessor", ("\\",)),
    "footnote": ("FootnoteInlineProcessor", ("[^",)),
    "reference": ("ReferenceInlineProcessor", ("[",)),
    "link": ("LinkInlineProcessor", ("[",)),
    "image_link": ("ImageInlineProcessor", ("![",)),
    "image_reference": ("ImageReferenceInlineProcessor", ("![",)),
    "short_reference": ("ShortReferenceInlineProcessor", ("[",)),
    "short_image_ref": ("ShortImageReferenceInlineProcessor", ("![",)),
    "autolink": ("AutolinkInlineProcessor", ("<",)),
    "automail": ("AutomailInlineProcessor", ("<",)),
    "linebreak": ("SubstituteTagInlineProcessor", ("  \n",)),
    "html": ("HtmlInlineProcessor", ("<",)),
    "entity": ("HtmlInlineProcessor", ("&",)),
}
# The stock regexes these names hold; a pattern under a stock name with another regex is always tried.
_STOCK_RE = {
    "backtick": inlinepatterns.BACKTICK_RE, "escape": inlinepatterns.ESCAPE_RE,
    "reference": inlinepatterns.REFERENCE_RE, "link": inlinepatterns.LINK_RE,
    "image_link": inlinepatterns.IMAGE_LINK_RE, "image_reference": inlinepatterns.IMAGE_REFERENCE_RE,
    "short_reference": inlinepatterns.REFERENCE_RE, "short_image_ref": inlinepatterns.IMAGE_REFERENCE_RE,
    "autolink": inlinepatterns.AUTOLINK_RE, "automail": inlinepatterns.AUTOMAIL_RE,
    "linebreak": inlinepatterns.LINE_BREAK_RE, "html": inlinepatterns.HTML_RE,
    "entity": inlinepatterns.ENTITY_RE, "footnote": r"\[\^([^\]]*)\]",  # FootnoteExtension's own
}


class ListedInlineProcessor(InlineProcessor):
    """``InlineProcessor`` reading its patterns from a list, skipping those the text cannot match."""

    _listed: tuple[list[Any], list[tuple[Any, tuple[str, ...]]], re.Pattern[str] | None] | None = None

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # Read again only when the registry changed (iterating it sorts by priority, as the stock one does).
        patterns = list(self.inlinePatterns)
        if self._listed is None or self._listed[0] != patterns:
            listed = [(pattern, _needs(name, pattern)) for name, pattern in _named(self.inlinePatterns)]
            for pattern in patterns:
                if getattr(type(pattern), "getText", None) is inlinepatterns.LinkInlineProcessor.getText:
                    setattr(pattern, "getText", bracket_text)  # noqa: B010 - the stock scan, faster
            every = {part for _, needs in listed for part in needs}
            marked = re.compile("|".join(re.escape(part) for part in sorted(every))) \
                if listed and all(needs for _, needs in listed) else None
            self._listed = (patterns, listed, marked)
        self._patterns = self._listed[1]
        return self._run(tree, ancestors, self._listed[2])

    def _run(self, tree: Any, ancestors: list[str] | None, marked: re.Pattern[str] | None) -> Any:
        # The stock method (markdown/treeprocessors.py, InlineProcessor.run), with one short cut: a text
        # or tail in which no pattern can match (``marked`` finds none of their strings) is what the
        # stock passes would leave it, so it is left as it is without them.
        handle = self._InlineProcessor__handleInline
        process = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]

        def plain(text: str) -> bool:
            return marked is not None and marked.search(text) is None

        self.stashed_nodes: dict[str, Any] = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = [(tree, tree_parents)]
        self._InlineProcessor__build_ancestors(tree, tree_parents)  # type: ignore[attr-defined]
        while stack:
            currElement, parents = stack.pop(0)  # noqa: N806 - the stock names
            self.ancestors = parents
            if currElement is not tree:
                self.ancestors.append(currElement.tag.lower())
            insertQueue = []  # noqa: N806
            for child in currElement:
                if child.text and not isinstance(child.text, util.AtomicString) and not plain(child.text):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    child.text = None
                    lst = process(handle(text), child)
                    for item in lst:
                        self.parent_map[item[0]] = child
                    stack += lst
                    insertQueue.append((child, lst))
                    self.ancestors.pop()
                if child.tail and not plain(child.tail):
                    tail = handle(child.tail)
                    dumby = Element("d")
                    child.tail = None
                    tailResult = process(tail, dumby, False)  # noqa: N806
                    if dumby.tail:
                        child.tail = dumby.tail
                    pos = list(currElement).index(child) + 1
                    tailResult.reverse()
                    for newChild in tailResult:  # noqa: N806
                        self.parent_map[newChild[0]] = currElement
                        currElement.insert(pos, newChild[0])
                if len(child):
                    self.parent_map[child] = currElement
                    stack.append((child, self.ancestors[:]))
            for element, lst in insertQueue:
                for i, obj in enumerate(lst):
                    element.insert(i, obj[0])
        return tree

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        # The stock method's loop (markdown/treeprocessors.py, InlineProcessor.__handleInline).
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        patterns = self._patterns
        count = len(patterns)
        start = 0
        while patternIndex < count:
            pattern, needs = patterns[patternIndex]
            if needs:
                for part in needs:
                    if part in data:
                        break
                else:  # a match only takes text away (leaving a placeholder): it stays unmatched
                    patternIndex += 1
                    start = 0
                    continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def bracket_text(data: str, index: int) -> tuple[str, int, bool]:
    """``LinkInlineProcessor.getText``: the text between ``[`` (just before ``index``) and the ``]``
    that closes it, nested brackets counted; the index after that ``]``; whether there was one.

    The stock method walks the text a character at a time in Python (the links, references and images
    of a page each scan the same brackets); this one jumps from bracket to bracket with ``str.find``.
    """
    depth, position = 1, index
    while depth:
        close = data.find("]", position)
        if close < 0:
            return data[index:], max(index, len(data)), False
        opening = data.find("[", position, close)
        if opening >= 0:
            depth, position = depth + 1, opening + 1
        else:
            depth, position = depth - 1, close + 1
    return data[index:position - 1], position, True


def _named(registry: util.Registry[Any]) -> list[tuple[str, Any]]:
    """(name, pattern) in the order the stock processor indexes them (iterating sorts by priority);
    the name is "" for a pattern under a name this module knows nothing about."""
    named = {id(registry[name]): name for name in (*_NEEDS, "em_strong") if name in registry}
    return [(named.get(id(pattern), ""), pattern) for pattern in registry]


def _needs(name: str, pattern: Any) -> tuple[str, ...]:
    """What the text must contain for ``pattern`` to match; () when unknown (always tried)."""
    cls = type(pattern)
    if cls.__name__ == "DelimiterProcessor" and cls.__module__ == inlinepatterns.__name__:
        # Emphasis (Markdown 3.11's delimiter run processor): a match starts at one of its delimiters.
        delimiters = getattr(pattern, "delimiters", None)
        return tuple(delimiters) if isinstance(delimiters, dict) and delimiters else ()
    known = _NEEDS.get(name)
    if known is None or cls.__name__ != known[0] or \
            cls.__module__ not in (inlinepatterns.__name__, FootnoteInlineProcessor.__module__):
        return ()
    if getattr(pattern, "pattern", None) != _STOCK_RE[name]:
        return ()
    return known[1]


class ListedInlineExtension(Extension):
    """Puts :class:`ListedInlineProcessor` where the stock inline treeprocessor is."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(ListedInlineProcessor(md), "inline", 20)
