"""kramdown's attribute lists, written as Jekyll sites write them, turned into what Python-Markdown reads.

kramdown (jekyllrb's Markdown) takes a line ``{: .note #id key="v"}`` as the attributes of the block
it follows (on the next line, no blank line between) or, alone before a block, of the block after
it. Python-Markdown's ``attr_list`` reads them at the end of a paragraph's last line or of a heading's
line. So, outside fenced code:

- a heading followed by ``{: …}`` gets ``{: …}`` on its own line;
- ``{: …}`` before a quote whose class is a callout (just-the-docs' ``{: .note}``, ``{: .warning}``)
  makes the quote an admonition (``!!! note "Note"``), which the theme shows as a callout;
  ``{: .note-title}`` takes the quote's first line as the callout's title;
- ``{: …}`` before any other block moves to after it (its last line);
- ``* TOC`` / ``1. TOC`` followed by ``{:toc}`` becomes ``[TOC]``, the table of contents, without the
  headings marked ``.no_toc``.
"""

from __future__ import annotations

import re

IAL_RE = re.compile(r"^[ \t]{0,3}\{:\s*([^}]*)\}\s*$")
_QUOTED_IAL_RE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+\{:[^}]*\}\s*$")
_INLINE_HTML_IAL_RE = re.compile(r"<([A-Za-z][\w-]*)((?:\s[^<>]*)?)>([^<>]*)</\1>\{:\s*([^}]*)\}")
_TOC_ITEM_RE = re.compile(r"^[ \t]{0,3}(?:[*+-]|\d+\.)[ \t]+.*$")
_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"^#{1,6}[ \t]")
_SETEXT_RE = re.compile(r"^(=+|-+)[ \t]*$")
CALLOUTS = {"note": ("note", "Note"), "warning": ("warning", "Warning"), "important": ("important", "Important"),
            "highlight": ("tip", ""), "new": ("tip", "New"), "tip": ("tip", "Tip"), "caution": ("caution", "Caution")}
"""just-the-docs' callouts (its default ``callouts:``) → the theme's admonition kind and title."""
NO_TOC_MARK = "jekyll-no-toc"


def convert_attribute_lists(body: str) -> str:
    """The body with kramdown's block attribute lists rewritten for Python-Markdown (see the module)."""
    if "{:" not in body:
        return body
    lines = body.split("\n")
    out: list[str] = []
    fence: str | None = None
    pending: str | None = None  # an IAL waiting for the block after it
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE_RE.match(line)
        if fence is not None:
            out.append(line)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip()[len(opening.group(1)):].strip():
                fence = None
            index += 1
            continue
        if opening is not None:
            fence = opening.group(1)
            pending = None  # attributes of a code block: the theme styles code itself
            out.append(line)
            index += 1
            continue
        match = IAL_RE.match(line)
        if match is None and _QUOTED_IAL_RE.match(line):
            index += 1  # an attribute list inside a quote styles a block of the quote: left out
            continue
        if match is None:
            if pending is not None and line.strip():
                index = _apply_before(lines, index, pending, out)
                pending = None
                continue
            out.append(_inline_html_attributes(line) if "}{:" not in line and "{:" in line else line)
            index += 1
            continue
        attributes = match.group(1).strip()
        previous = out[-1] if out else ""
        if attributes == "toc" or attributes.startswith("toc "):
            if previous and _TOC_ITEM_RE.match(previous):
                out[-1] = "[TOC]"
            index += 1
            continue
        if previous.strip() and not _is_quote(previous):
            _apply_after(out, attributes)
            if index + 1 < len(lines) and lines[index + 1].strip() and not IAL_RE.match(lines[index + 1]):
                out.append("")  # kramdown ends the paragraph at its attribute list
        else:
            pending = attributes
        index += 1
    if pending is not None:
        out.append("")
    return "\n".join(out)


def _inline_html_attributes(line: str) -> str:
    """``<span>New</span>{: .label}`` → ``<span class="label">New</span>`` (kramdown's span attributes)."""
    def apply(match: re.Match[str]) -> str:
        tag, attrs, text, ial = match.groups()
        classes = " ".join(w[1:] for w in ial.split() if w.startswith("."))
        ident = next((w[1:] for w in ial.split() if w.startswith("#")), None)
        extra = (f' class="{classes}"' if classes and "class=" not in attrs else "") + \
            (f' id="{ident}"' if ident and "id=" not in attrs else "")
        return f"<{tag}{attrs}{extra}>{text}</{tag}>"
    return _INLINE_HTML_IAL_RE.sub(apply, line)


def _unquote_block(lines: list[str]) -> list[str]:
    """A quote's body with kramdown's ``<div markdown="block">`` wrapper taken off (the callout is the block)."""
    if lines and re.fullmatch(r"\s*<div markdown=\"(?:1|block)\">\s*", lines[0]) \
            and lines[-1].strip() == "</div>":
        return lines[1:-1]
    return lines


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _python_markdown_attrs(attributes: str) -> str:
    words = attributes.split()
    if ".no_toc" in words:
        words.append("." + NO_TOC_MARK)
    return "{: " + " ".join(words) + " }"


def _apply_after(out: list[str], attributes: str) -> None:
    """Attributes of the block that ends on ``out[-1]``."""
    last = out[-1]
    if _HEADING_RE.match(last.lstrip()) or (len(out) >= 2 and _SETEXT_RE.match(last) and out[-2].strip()):
        if _SETEXT_RE.match(last):
            out[-2] = out[-2].rstrip() + " " + _python_markdown_attrs(attributes)
        else:
            out[-1] = last.rstrip().rstrip("#").rstrip() + " " + _python_markdown_attrs(attributes)
        return
    out.append(_python_markdown_attrs(attributes))


def _apply_before(lines: list[str], index: int, attributes: str, out: list[str]) -> int:
    """Attributes written before the block starting at ``lines[index]``; returns the index after it."""
    classes = [w[1:] for w in attributes.split() if w.startswith(".")]
    end = index
    while end < len(lines) and lines[end].strip() and not IAL_RE.match(lines[end]):
        end += 1
    block = lines[index:end]
    if block and _is_quote(block[0]):
        found = next((c for c in classes if c.removesuffix("-title") in CALLOUTS), None)
        if found is not None:
            kind, title = CALLOUTS[found.removesuffix("-title")]
            body = [re.sub(r"^(\s*)>\s?", r"\1", line, count=1) for line in block]
            if found.endswith("-title") and body:
                title, body = body[0].strip(), body[1:]
                while body and not body[0].strip():
                    body = body[1:]
            out.append(f'!!! {kind} "{title}"')
            inner = convert_attribute_lists("\n".join(_unquote_block(body))).split("\n")
            out.extend(("    " + line).rstrip() for line in inner)
            return end
        out.extend(block)
        return end
    if block and _HEADING_RE.match(block[0].lstrip()):
        out.append(block[0].rstrip() + " " + _python_markdown_attrs(attributes))
        out.extend(block[1:])
        return end
    out.extend(block)
    if block and not block[-1].lstrip().startswith(("|", "<", "*", "-", "+")) and not re.match(r"\s*\d+\.", block[-1]):
        out.append(_python_markdown_attrs(attributes))
    return end


_TOC_DIV_RE = re.compile(r'<div class="toc">.*?</div>', re.S)
_NO_TOC_ID_RE = re.compile(r'<h[1-6]\b[^>]*>')
_LI_RE = re.compile(r'<li><a href="#([^"]+)"[^>]*>.*?</a>(?:</li>|(?=<ul>))', re.S)


def no_toc_ids(html: str) -> set[str]:
    """The ids of the headings marked ``.no_toc`` in rendered HTML."""
    hidden = set()
    if NO_TOC_MARK in html:
        for tag in _NO_TOC_ID_RE.findall(html):
            if NO_TOC_MARK in tag:
                found = re.search(r'\bid="([^"]+)"', tag)
                if found:
                    hidden.add(found.group(1))
    return hidden


def drop_no_toc(html: str, hidden: set[str]) -> str:
    """``html`` with every table of contents (``<div class="toc">``) lacking the ``hidden`` headings,
    and without the class that marked them (kramdown leaves ``.no_toc`` headings out of its TOC)."""
    if not hidden:
        return html

    def prune(match: re.Match[str]) -> str:
        def entry(item: re.Match[str]) -> str:
            if item.group(1) not in hidden:
                return item.group(0)
            # An entry with sub-entries keeps them (its <ul> stays, one level up): only its link goes.
            return "" if item.group(0).endswith("</li>") else "<li>"
        return re.sub(r"\n{2,}", "\n", _LI_RE.sub(entry, match.group(0)))

    html = _TOC_DIV_RE.sub(prune, html)
    return html.replace(" " + NO_TOC_MARK, "").replace(NO_TOC_MARK + " ", "").replace(
        f' class="{NO_TOC_MARK}"', "")
