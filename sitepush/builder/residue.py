"""Nothing left behind silently: the constructs of other generators a page still holds as plain text.

sitepush renders none of these; each stays in the page as text the reader sees. The scan finds, per
page, the first line of each kind; the build then says once per kind how many pages hold it and where
the first one is (:func:`residue_warnings`), so a user knows exactly what to port.

============  ==============================================================================
kind          what is matched (outside fenced and indented code, and outside inline code spans)
============  ==============================================================================
liquid        ``{{ … }}`` or ``{% … %}`` — Liquid (Jekyll), Tera (Zola) or Go template code; not in Jekyll
              mode, nor inside a paired Hugo shortcode (``{{< code >}}…{{< /code >}}`` is the shortcode's)
shortcode     ``{{< … >}}`` or ``{{% … %}}`` — Hugo shortcodes
directive     a line ``::: name`` (at most 3 spaces in) — MkDocs plugin directives (mkautodoc,
              mkdocstrings), Docusaurus; an indented ``:::lang`` is code (Python-Markdown's CodeHilite)
admonition    ``!!! type`` / ``??? type`` with a type outside reStructuredText's nine (Python-Markdown's
              admonition documents them; the theme styles them), e.g. ``!!! seealso``
============  ==============================================================================

Code is fenced (```` ``` ````/``~~~``), indented by 4 spaces after a blank line (8 inside a list item or an
admonition, whose content is indented by 4) or an inline code span.

Pure: a Markdown body in, ``(kind, line, text)`` triples out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sitepush.errors import Problem

KINDS = ("liquid", "shortcode", "directive", "admonition")

DESCRIPTIONS = {
    "liquid": ("template code (Liquid, Tera, Go) left as text", "replace it with Markdown, or move it into "
               "a template"),
    "shortcode": ("Hugo shortcode left as text", "replace it with Markdown or HTML, or move it into a template"),
    "directive": ("MkDocs `:::` directive left as text", "write out what the plugin generated"),
    "admonition": ("unknown admonition type, rendered unstyled", "use note, tip, hint, important, warning, "
                   "caution, danger, error or attention"),
}

KNOWN_ADMONITIONS = frozenset(("attention", "caution", "danger", "error", "hint", "important", "note", "tip",
                               "warning"))

_QUOTE_RE = re.compile(r"^ {0,3}(?:> ?)+")
_FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SHORTCODE_RE = re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}")
_LIQUID_RE = re.compile(r"\{\{(?![<%]).*?\}\}|(?<!\{)\{%(?!\}).*?%\}")
_DIRECTIVE_RE = re.compile(r"^ {0,3}:::\s*[A-Za-z_{]")
_PAIRED_OPEN_RE = re.compile(r"^\s*\{\{([<%])\s*([\w-]+)(?:[^/>%]|/(?![>%]))*[>%]\}\}\s*$")
_ADMONITION_RE = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*([A-Za-z][\w-]*)")
_LIST_RE = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s")
_CONTAINER_RE = re.compile(r"^\s{0,3}(?:!!!|\?\?\?)")


def _closer(name: str) -> re.Pattern[str]:
    return re.compile(r"\{\{[<%]\s*/" + re.escape(name) + r"\s*[>%]\}\}")


def scan_residue(body: str, *, first_line: int = 1, liquid: bool = True) -> tuple[tuple[str, int, str], ...]:
    """``(kind, line, text)`` of the first construct of each kind in ``body``; lines are the source file's."""
    found: dict[str, tuple[int, str]] = {}
    fence: str | None = None
    fence_indent = 0
    previous_blank = True
    in_container = False  # a list item or an admonition: lines indented by 4 below are its content
    indented_code = False
    paired: str | None = None  # inside {{< name >}} … {{< /name >}}: the name
    for number, line in enumerate(body.split("\n"), first_line):
        if ">" in line[:4]:  # _QUOTE_RE needs one there
            line = _QUOTE_RE.sub("", line)  # a quote's content is read as if it stood alone
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]} \
                    and len(line) - len(line.lstrip()) <= fence_indent + 3:
                fence = None
            continue
        opening = _FENCE_RE.match(line) if "```" in line or "~~~" in line else None
        if opening is not None:
            fence, fence_indent = opening.group(2), len(opening.group(1))
            previous_blank = False
            continue
        if not line.strip():
            previous_blank = True
            continue
        code_indent = ("        ", "\t\t", "    \t") if in_container else ("    ", "\t")
        if line.startswith(code_indent) and (previous_blank or indented_code):
            indented_code = True
            continue
        indented_code = False
        if not line.startswith((" ", "\t")):
            # Both patterns need the line to start with a marker, a digit (any script's) or whitespace.
            first = line[0]
            if (first in "-*+!?" or first.isdecimal() or first.isspace()) and \
                    (_LIST_RE.match(line) or _CONTAINER_RE.match(line)):
                in_container = True
            elif previous_blank:
                in_container = False
        previous_blank = False
        text = _CODE_SPAN_RE.sub("", line) if "`" in line else line
        if "{{" in text:
            shortcode = _SHORTCODE_RE.search(text)
            if shortcode is not None:
                found.setdefault("shortcode", (number, shortcode.group(0)))
                pair = _PAIRED_OPEN_RE.match(text)
                if paired is None and pair is not None and _closer(pair.group(2)).search(body):
                    paired = pair.group(2)
                elif paired is not None and _closer(paired).search(text):
                    paired = None
                continue
        if liquid and paired is None and ("{{" in text or "{%" in text):
            template = _LIQUID_RE.search(text)
            if template is not None:
                found.setdefault("liquid", (number, template.group(0)))
        if ":::" in text and _DIRECTIVE_RE.match(text):
            found.setdefault("directive", (number, text.strip()))
        admonition = _ADMONITION_RE.match(text) if "!!!" in text or "???" in text else None
        if admonition is not None and admonition.group(1).lower() not in KNOWN_ADMONITIONS:
            found.setdefault("admonition", (number, admonition.group(0).strip()))
    return tuple((kind, *found[kind]) for kind in KINDS if kind in found)


def residue_warnings(pages: Iterable[tuple[str, Sequence[tuple[str, int, str]]]]) -> tuple[Problem, ...]:
    """One warning per kind: on how many pages it stays as text, at the first such page's line.

    ``pages`` are ``(display path, scan_residue(...))``; the first page is the first in path order.
    """
    count: dict[str, int] = {}
    first: dict[str, tuple[str, int, str]] = {}
    for display, hits in sorted(pages, key=lambda item: item[0]):
        for kind, line, text in hits:
            count[kind] = count.get(kind, 0) + 1
            first.setdefault(kind, (display, line, text))
    problems = []
    for kind in KINDS:
        if kind in count:
            what, fix = DESCRIPTIONS[kind]
            display, line, text = first[kind]
            sample = text if len(text) <= 50 else text[:47] + "..."
            pages_text = "1 page" if count[kind] == 1 else f"{count[kind]:,} pages"
            problems.append(Problem(f"{what} on {pages_text}, first {sample}", display, line, fix))
    return tuple(problems)
