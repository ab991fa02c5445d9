"""Markdown as docs authors write it for GitHub and MkDocs, on top of Python-Markdown.

* :func:`superfences_extension` — pymdown-extensions' SuperFences for fences *nested* in list items
  and block quotes (Python-Markdown only knows fences at the left margin), highlighted by sitepush's
  own :func:`~sitepush.builder.highlight.highlight_code` so the lexer cache stays the one cache;
* :class:`GitHubAlertTreeprocessor` — ``> [!NOTE]`` … ``> [!CAUTION]`` quotes become the same
  ``<div class="admonition note">`` callouts as ``!!! note``;
* :class:`HeadingAliasTreeprocessor` — a heading whose id differs from the one GitHub, MkDocs or Zola would
  give it gets those ids too (as empty anchors inside it), so hand-written ``#anchors`` keep working.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.superfences import SuperFencesCodeExtension

from sitepush.builder.highlight import highlight_code

ALERT_KINDS = ("note", "tip", "important", "warning", "caution")
"""GitHub's alert types (docs.github.com, "Basic writing and formatting syntax", Alerts)."""
_ALERT_RE = re.compile(r"^[ \t]*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)", re.IGNORECASE)
_BOOL_TRUE = {"true", "yes", "on", "1", "linenums"}


# --- SuperFences with sitepush's highlighter -------------------------------------------------------

def _fence_validator(language: str, inputs: dict[str, str], options: dict[str, Any],
                     attrs: dict[str, str], md: Markdown) -> bool:
    for key, value in inputs.items():
        if key in ("hl_lines", "linenums"):
            options[key] = value
        else:
            attrs[key] = value
    return True


def _fence_format(source: str, language: str, class_name: str, options: dict[str, Any], md: Markdown,
                  **kwargs: Any) -> str:
    # Imported here: _md_extensions imports this module's siblings, not the other way round.
    from sitepush.builder._md_extensions import FenceInfo, decorate_code_block, parse_hl_lines

    hl_lines = parse_hl_lines(str(options.get("hl_lines", "")))
    linenums = str(options.get("linenums", "")).lower() in _BOOL_TRUE
    if not source.endswith("\n"):
        source += "\n"  # as a top-level fence's code ends
    block = highlight_code(source, language or None, hl_lines=hl_lines, linenums=linenums)
    attrs: dict[str, str] = kwargs.get("attrs") or {}
    info = FenceInfo(lang=language or None, block_id=str(kwargs.get("id_value") or ""),
                     classes=tuple(kwargs.get("classes") or ()),
                     extra=tuple((str(k), str(v)) for k, v in attrs.items()))
    return decorate_code_block(block, info)


# A fence SuperFences must take: indented, or after a quote's `>` (left-margin fences are sitepush's own).
# One class of characters then a look-behind, so that a line of thousands of spaces is scanned once.
_NESTED_FENCE_RE = re.compile(r"^[ \t>]*(?<=[ \t>])(?:`{3}|~{3})", re.MULTILINE)


class _NestedFencesOnly(Preprocessor):
    """SuperFences' preprocessor, skipped for the many documents with no nested fence: its line-by-line
    scan cost 5 % of rendering Hugo's docs, which have almost none. Everything else is SuperFences'
    (its fence validators look the preprocessor up by name and call ``get_hl_settings``)."""

    def __init__(self, md: Markdown, inner: Preprocessor) -> None:
        super().__init__(md)
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def run(self, lines: list[str]) -> list[str]:
        if not _NESTED_FENCE_RE.search("\n".join(lines)):
            return lines
        result: list[str] = self._inner.run(lines)
        return result


def superfences_extension() -> Extension:
    """SuperFences whose every fence (the ``*`` custom fence) is highlighted by ``highlight_code``."""
    extension: Extension = SuperFencesCodeExtension(custom_fences=[
        {"name": "*", "class": "", "format": _fence_format, "validator": _fence_validator}])
    return extension


# --- GitHub alerts ---------------------------------------------------------------------------------

class GitHubAlertTreeprocessor(Treeprocessor):
    """Turn a quote whose first line is ``[!NOTE]`` (any of :data:`ALERT_KINDS`) into an admonition.

    Runs before the inline patterns, so the marker is still the raw text of the quote's first
    paragraph; GitHub takes it only as the quote's very first line, and so does this.
    """

    def run(self, root: Element) -> None:
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not first.text:
                continue
            marker = _ALERT_RE.match(first.text)
            if marker is None:
                continue
            kind = marker[1].lower()
            first.text = first.text[marker.end():]
            if not first.text.strip() and not len(first):
                quote.remove(first)
            quote.tag = "div"
            quote.set("class", f"admonition {kind}")
            title = Element("p", {"class": "admonition-title"})
            title.text = kind.capitalize()
            quote.insert(0, title)


# --- heading ids as GitHub and MkDocs make them ----------------------------------------------------

_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_GITHUB_DROP_RE = re.compile(r"[^\w\- ]", re.UNICODE)
_MKDOCS_DROP_RE = re.compile(r"[^\w\s-]")
_MKDOCS_JOIN_RE = re.compile(r"[-\s]+")


def github_slug(text: str) -> str:
    """GitHub's heading id (github-slugger): lower case, punctuation dropped, each space a hyphen."""
    return _GITHUB_DROP_RE.sub("", text.strip().lower()).replace(" ", "-")


def mkdocs_slug(text: str) -> str:
    """MkDocs' default heading id (Python-Markdown's ``toc.slugify``): ASCII only, runs joined."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _MKDOCS_JOIN_RE.sub("-", _MKDOCS_DROP_RE.sub("", ascii_text).strip().lower())


_ZOLA_JOIN_RE = re.compile(r"[^a-z0-9]+")


def zola_slug(text: str) -> str:
    """Zola's (and the ``slug`` crate's) heading id: ASCII, every run of other characters one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _ZOLA_JOIN_RE.sub("-", ascii_text.lower()).strip("-")


class HeadingAliasTreeprocessor(Treeprocessor):
    """Give each heading the ids GitHub, MkDocs and Zola would give it, where they differ from its own.

    Runs after the toc extension (which set the ids and unique ``_1`` suffixes). GitHub numbers
    repeats ``-1``, ``-2``; MkDocs ``_1``, ``_2``. An alias another element already uses is skipped.
    """

    def run(self, root: Element) -> None:
        taken: set[str | None] = set()
        headings: list[Element] = []
        for element in root.iter():  # one walk: the ids taken, and the headings (before any alias is added)
            element_id = element.get("id")
            if element_id:
                taken.add(element_id)
                if element.tag in _HEADING_TAGS:
                    headings.append(element)
        if not headings:
            return
        seen_github: dict[str, int] = {}
        seen_mkdocs: dict[str, int] = {}
        seen_zola: dict[str, int] = {}
        for heading in headings:
            text = "".join(_heading_text(heading))
            aliases = [_numbered(github_slug(text), seen_github, "-"),
                       _numbered(mkdocs_slug(text), seen_mkdocs, "_"),
                       _numbered(zola_slug(text), seen_zola, "-")]
            for alias in dict.fromkeys(aliases):
                if alias and alias not in taken:
                    taken.add(alias)
                    anchor = SubElement(heading, "a", {"id": alias, "class": "heading-alias"})
                    anchor.text = ""  # an empty <a></a>, not a self-closed one


def _numbered(slug: str, seen: dict[str, int], joiner: str) -> str:
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return f"{slug}{joiner}{count}" if count else slug


def _heading_text(element: Element) -> list[str]:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "a" and "anchor" in (child.get("class") or "").split():
            parts.append(child.tail or "")  # the permalink's "#" is not part of the heading
            continue
        parts.extend(_heading_text(child))
        parts.append(child.tail or "")
    return parts


class DocsMarkdownExtension(Extension):
    """Registers the alert and heading-alias tree processors, and gates SuperFences' scan
    (add it after :func:`superfences_extension`)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Alerts before the inline patterns (20); aliases after the toc (5)."""
        md.registerExtension(self)
        if "fenced_code_block" in md.preprocessors:
            md.preprocessors.register(_NestedFencesOnly(md, md.preprocessors["fenced_code_block"]),
                                      "fenced_code_block", 25)
        md.treeprocessors.register(GitHubAlertTreeprocessor(md), "sitepush_github_alerts", 25)
        md.treeprocessors.register(HeadingAliasTreeprocessor(md), "sitepush_heading_aliases", 4.5)
