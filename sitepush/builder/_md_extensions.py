"""sitepush's own Python-Markdown processors, registered together by :class:`SitepushExtension`.

* :class:`FencedCodePreprocessor` — fenced code blocks highlighted by :func:`highlight_code`
  (replaces ``fenced_code`` + ``codehilite``, whose lexer guessing dominated build time);
* :class:`NestingLimitPreprocessor` — caps how deep a line nests lists and quotes, so that hostile
  input cannot make Python-Markdown recurse or go quadratic;
* :class:`ShortcodePreprocessor` — Hugo shortcodes (``{{< x >}}``, ``{{% x %}}``) become literal text;
* :class:`LinkPlaceholderTreeprocessor` — links to other Markdown sources become ``sitepush-link:``
  placeholders and are collected in document order; relative links to other files ``sitepush-asset:``.

Every piece of per-document state lives in ``md.htmlStash`` or is cleared by
:meth:`SitepushExtension.reset`, which ``Markdown.reset()`` calls between documents.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs_and_remainder, sanitize_name
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from sitepush.builder.highlight import highlight_code
from sitepush.builder.model import ASSET_PLACEHOLDER, LINK_PLACEHOLDER

MAX_NESTING = 32
"""Deepest nesting of lists and quotes on one line that is rendered as written; deeper is flattened."""

# A line that could open or close a top-level fence: at the left margin, as in Python-Markdown. Fences
# indented under a list item or inside a quote are SuperFences' (``_md_docs``), which keeps them in
# their container; an indented fence outside any container is its too.
_FENCE_LINE_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$", re.MULTILINE)
# The info string after an opening fence, as in Python-Markdown's FencedBlockPreprocessor, plus the
# `lang {attrs}` form Hugo content uses (```go {file="x.go"}).
_INFO_RE = re.compile(r"""
    [ ]*
    (?: \{(?P<attrs>[^\n]*)\}
      | \.?(?P<lang>[\w#.+-]*)[ ]*
        (?: \{(?P<lang_attrs>[^\n]*)\}
          | hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)
        )?
    )
    [ ]*$""", re.VERBOSE)
_BOOL_TRUE = {"true", "yes", "on", "1", "linenums"}


@dataclass(frozen=True)
class FenceInfo:
    """What the opening fence line says about its block."""

    lang: str | None = None
    block_id: str = ""
    classes: tuple[str, ...] = ()
    """Classes after the language class, for the outer element."""
    extra: tuple[tuple[str, str], ...] = ()
    """Other ``key=value`` attributes, for the ``<code>`` element."""
    hl_lines: tuple[int, ...] = ()
    linenums: bool = False


def parse_fence_info(info_text: str) -> FenceInfo | None:
    """The info string after an opening fence, or None when the line is not an opening fence."""
    info = _INFO_RE.match(info_text)
    if info is None:
        return None
    attrs_text = info["attrs"] if info["attrs"] is not None else info["lang_attrs"]
    lang: str | None = info["lang"] or None
    hl_lines = parse_hl_lines(info["hl_lines"]) if info["hl_lines"] is not None else ()
    if attrs_text is None:
        return FenceInfo(lang=lang, hl_lines=hl_lines)
    attrs, remainder = get_attrs_and_remainder(attrs_text)
    if remainder:  # unbalanced braces: Python-Markdown does not take it as a fence either
        return None
    block_id, classes, extra, linenums = "", [], [], False
    for key, value in attrs:
        value = key if value is None else value
        if key == "id":
            block_id = value
        elif key == ".":
            classes.append(value)
        elif key == "hl_lines":
            hl_lines = parse_hl_lines(value)
        elif key == "linenums":
            linenums = value.lower() in _BOOL_TRUE
        else:
            extra.append((sanitize_name(key), value))
    if classes and lang is None:
        lang = classes.pop(0)
    return FenceInfo(lang, block_id, tuple(classes), tuple(extra), hl_lines, linenums)


class FencedCodePreprocessor(Preprocessor):
    """Replace each fenced code block by a stash placeholder holding its highlighted HTML.

    As in Python-Markdown, a block closes at the next line holding exactly the opening fence; as in
    CommonMark (and Hugo, Zola, GitHub), a fence never closed runs to the end of the document.
    """

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "```" not in text and "~~~" not in text:
            return lines
        fences = list(_FENCE_LINE_RE.finditer(text))
        # Every line that can close a fence, by exact fence string, so that finding an opener's closer
        # is a bisect rather than a scan (hostile input can hold thousands of fences).
        closers: dict[str, list[int]] = {}
        for index, match in enumerate(fences):
            if not match["info"].strip(" "):
                closers.setdefault(match["fence"], []).append(index)
        pieces: list[str] = []
        done = 0  # offset in text up to which pieces holds the output
        index = 0
        while index < len(fences):
            opener = fences[index]
            info = parse_fence_info(opener["info"])
            if info is None:
                index += 1
                continue
            candidates = closers.get(opener["fence"], [])
            after = bisect_right(candidates, index)
            if after < len(candidates):
                closer = fences[candidates[after]]
                code = text[opener.end() + 1:closer.start()]
                block_end, index = closer.end(), candidates[after] + 1
            else:
                # Python-Markdown appended blank lines to the document: keep them outside the code.
                block_end, index = len(text.rstrip("\n")), len(fences)
                code = text[opener.end() + 1:block_end] + "\n" if block_end > opener.end() else ""
            block = highlight_code(code, info.lang, hl_lines=info.hl_lines, linenums=info.linenums)
            # Newlines around the placeholder, as Python-Markdown's fenced_code does.
            pieces.append(text[done:opener.start()])
            pieces.append(f"\n{self.md.htmlStash.store(decorate_code_block(block, info))}\n")
            done = block_end
        pieces.append(text[done:])
        return "".join(pieces).split("\n")


def parse_hl_lines(expression: str) -> tuple[int, ...]:
    try:
        return tuple(int(number) for number in expression.split())
    except ValueError:
        return ()


def decorate_code_block(block: str, info: FenceInfo) -> str:
    """Put the fence's #id and extra .classes on the outer element and key=value pairs on ``<code>``,
    where Python-Markdown's fenced_code (with attr_list) puts them."""
    if info.block_id or info.classes:
        tag_end = block.index(">")
        tag, _, own_class = block[:tag_end].partition(' class="')
        names = " ".join([html.escape(name) for name in info.classes] + [own_class.rstrip('"')]).strip()
        id_attr = f' id="{html.escape(info.block_id)}"' if info.block_id else ""
        class_attr = f' class="{names}"' if names else ""
        block = f"{tag}{id_attr}{class_attr}{block[tag_end:]}"
    if info.extra:
        pairs = "".join(f' {name}="{html.escape(value)}"' for name, value in info.extra)
        code_tag_end = block.index(">", block.index("<code"))
        block = block[:code_tag_end] + pairs + block[code_tag_end:]
    return block


class NestingLimitPreprocessor(Preprocessor):
    """Flatten lines that nest lists and quotes deeper than :data:`MAX_NESTING` levels.

    Python-Markdown recurses once per level (a RecursionError near 400 levels of ``- - - x``) and
    takes quadratic time on deep quotes; no real document nests 32 levels deep.
    """

    # Candidates only: a long run of characters that can open containers at the start of a line.
    _DEEP_LINE_RE = re.compile(r"^[ >*+\-.)0-9]{%d,}" % MAX_NESTING, re.MULTILINE)
    _LEVEL_RE = re.compile(r"[ ]{0,3}(?:>[ ]?|[-*+][ ]+|[0-9]{1,9}[.)][ ]+)|[ ]{4}")

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if not self._DEEP_LINE_RE.search(text):
            return lines
        return [self._flatten(line) for line in lines]

    def _flatten(self, line: str) -> str:
        # Keep the first MAX_NESTING - 1 levels and the innermost one (the list marker or quote
        # that owns the text), drop the levels in between.
        position, depth, cut, innermost = 0, 0, 0, 0
        while match := self._LEVEL_RE.match(line, position):
            depth += 1
            if depth == MAX_NESTING - 1:
                cut = match.end()
            innermost = position
            position = match.end()
        if depth <= MAX_NESTING:
            return line
        return line[:cut] + line[innermost:]


class ShortcodePreprocessor(Preprocessor):
    """Make Hugo shortcodes literal, escaped text: ``{{<figure>}}`` must never become a ``<figure>``.

    Each shortcode goes into the stash as escaped text, so it stays literal in prose, headings, inline
    code and the author's raw HTML blocks alike. Fenced code was stashed before this runs.
    """

    # No backticks inside (so `{{<` and `>}}` in separate code spans stay code spans), at most 1000
    # characters, and no other opener inside, which keeps the scan linear on hostile input.
    _SHORTCODE_RE = re.compile(
        r"\{\{<(?:(?!\{\{[<%])[^`]){0,1000}?>\}\}|\{\{%(?:(?!\{\{[<%])[^`]){0,1000}?%\}\}")

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "{{<" not in text and "{{%" not in text:
            return lines
        stash = self.md.htmlStash
        text = self._SHORTCODE_RE.sub(lambda m: stash.store(html.escape(m[0])), text)
        return text.split("\n")


_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def is_markdown_link(href: str) -> bool:
    """True for a relative or site-absolute path (no scheme, not ``//host``, not only ``#frag``)
    whose path part, before any ``?`` or ``#`` and a trailing ``/``, ends in ``.md`` or ``.markdown``
    (MkDocs users write ``page.md/#anchor`` too)."""
    if not href or href.startswith(("#", "//")) or _SCHEME_RE.match(href):
        return False
    path = href.split("#", 1)[0].split("?", 1)[0].lower().rstrip("/")
    return path.endswith((".md", ".markdown"))


def is_relative_path(href: str) -> bool:
    """True for a relative path (``img/x.png``, ``../file.zip``): no scheme, not site-absolute, not
    only a ``#fragment`` or ``?query``, no template code.

    MkDocs resolves these against the folder of the Markdown file, not of the page's URL (which is one
    folder deeper under directory URLs); the builder does the same when the file exists.
    """
    return bool(href) and not href.startswith(("#", "/", "?")) and not _SCHEME_RE.match(href) \
        and "{{" not in href


class LinkPlaceholderTreeprocessor(Treeprocessor):
    """Prefix links to Markdown sources with :data:`LINK_PLACEHOLDER` and relative links to other files
    (``<a href>``, ``<img src>``) with :data:`ASSET_PLACEHOLDER`, target kept verbatim."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.links: list[str] = []

    def run(self, root: Element) -> None:
        # Links in document order (the one order that matters: self.links); images after them.
        for element in root.iter("a"):
            target = element.get("href")
            if target is None:
                continue
            if is_markdown_link(target):
                element.set("href", LINK_PLACEHOLDER + target)
                self.links.append(target)
            elif is_relative_path(target):
                element.set("href", ASSET_PLACEHOLDER + target)
        for element in root.iter("img"):
            target = element.get("src")
            if target is not None and is_relative_path(target):
                element.set("src", ASSET_PLACEHOLDER + target)


class SitepushExtension(Extension):
    """Registers the processors above; ``links`` holds the current document's Markdown links."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._links: LinkPlaceholderTreeprocessor | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        """Register with priorities relative to Python-Markdown's own processors:
        normalize_whitespace (30) > fences (26) > SuperFences' nested fences (25) > nesting (24) > shortcodes (23) > html_block (20);
        links after the toc (5), so the toc sees the author's hrefs, and before unescape (0)."""
        md.registerExtension(self)
        md.preprocessors.register(FencedCodePreprocessor(md), "sitepush_fenced_code", 26)
        md.preprocessors.register(NestingLimitPreprocessor(md), "sitepush_nesting_limit", 24)
        md.preprocessors.register(ShortcodePreprocessor(md), "sitepush_shortcodes", 23)
        self._links = LinkPlaceholderTreeprocessor(md)
        md.treeprocessors.register(self._links, "sitepush_links", 4)

    @property
    def links(self) -> tuple[str, ...]:
        """Targets rewritten in the last document, in document order."""
        return tuple(self._links.links) if self._links else ()

    def reset(self) -> None:
        """Forget the previous document's links (called by ``Markdown.reset``)."""
        if self._links is not None:
            self._links.links = []
