"""Turn links between Markdown sources into the final URLs of their pages. Pure over strings.

The Markdown renderer leaves ``href="sitepush-link:../install.md#pip"`` for every relative link to a
``.md``/``.markdown`` file; this module resolves the target against the linking page's folder (or the
content root for ``/docs/x.md``) and substitutes the target page's URL, keeping ``?query`` and ``#fragment``.
A target that is no published page is reported as a broken link with the line it is written on.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from posixpath import normpath
from urllib.parse import unquote

from sitepush.builder.model import ASSET_PLACEHOLDER, LINK_PLACEHOLDER
from sitepush.builder.urls import href_escaped

_PLACEHOLDER_RE = re.compile(r'href="' + re.escape(LINK_PLACEHOLDER) + r'([^"]*)"')
_ASSET_RE = re.compile(r'(href|src)="' + re.escape(ASSET_PLACEHOLDER) + r'([^"]*)"')
_ROOT_LINK_RE = re.compile(r'\s(?:href|src)="(/(?!/)[^"]*)"')


@dataclass(frozen=True)
class BrokenLink:
    """A link from ``source`` to a Markdown file that is not a published page."""

    source: str
    target: str
    reason: str


def resolve_target(source_rel: str, target: str) -> tuple[str, str]:
    """(content-relative path of the linked source, the ``?query#fragment`` suffix to keep)."""
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, suffix = target[:cut], target[cut:]
    path = unquote(path.replace("&amp;", "&"))
    if path.lower().rstrip("/").endswith((".md", ".markdown")):
        path = path.rstrip("/")  # MkDocs' `page.md/#anchor` is the page
    if path.startswith(("/", "@/")):  # site-absolute, or Zola's @/ (the content folder)
        resolved = normpath(path.lstrip("@").lstrip("/"))
    else:
        folder = source_rel.rpartition("/")[0]
        resolved = normpath(f"{folder}/{path}" if folder else path)
    return resolved, suffix


def prefix_root_links(html: str, base_path: str, origins: dict[str, str] | None = None) -> str:
    """Every site-absolute ``href``/``src`` of the tags of ``html`` under ``base_path``: ``/img/x.png`` →
    ``/docs/img/x.png`` (Jekyll's ``relative_url``; Hugo's ``canonifyURLs`` does it to the whole page).

    The author of a page writes ``/img/x.png`` for the file ``img/x.png`` of the site, and the site is
    the same wherever it is deployed. ``//host/x`` and links in text or code are left alone (text never
    holds a raw ``<``). ``origins``, when given, receives each rewritten target → the target as written.
    """
    if base_path == "/" or '="/' not in html:
        return html
    rfind = html.rfind
    pieces: list[str] = []
    done = 0
    for match in _ROOT_LINK_RE.finditer(html):
        at = match.start()
        if rfind("<", 0, at) < rfind(">", 0, at):
            continue  # in text, not in a tag
        written = match.group(1)
        pieces.append(html[done:match.start(1)])
        pieces.append(base_path + written[1:])
        done = match.end(1)
        if origins is not None:
            origins.setdefault(base_path + written[1:], written)
    if not pieces:
        return html
    pieces.append(html[done:])
    return "".join(pieces)


def resolve_links(html: str, source_rel: str, url_of: Mapping[str, str],
                  hidden: Callable[[str], bool], asset_url_of: Mapping[str, str] | None = None,
                  origins: dict[str, str] | None = None, *, base_path: str = "/",
                  prefix_written: bool = True) -> tuple[str, tuple[BrokenLink, ...]]:
    """Replace every placeholder in ``html``; unresolvable links keep their original target.

    A relative link to a file (``img/x.png`` in ``a/b.md``) is resolved as MkDocs resolves it under
    directory URLs: against the Markdown file's folder (``a/img/x.png``), to that file's URL in
    ``asset_url_of`` (``/a/img/x.png``) when the content folder has it; else it stays as written, for
    the output's link checker to judge as a browser would. ``origins``, when given, receives each
    rewritten target → the target as written.

    A site under a path (``base_path`` ``/docs/``) gets it in front of every link the pages resolve to,
    and, with ``prefix_written``, of every site-absolute link the author wrote (:func:`prefix_root_links`;
    off in Jekyll mode, where Liquid's ``relative_url`` has put it there already).
    """
    broken: list[BrokenLink] = []
    if prefix_written:
        html = prefix_root_links(html, base_path, origins)
    base = base_path.rstrip("/")

    def substitute(match: re.Match[str]) -> str:
        target = match.group(1)
        rel, suffix = resolve_target(source_rel, target)
        url = url_of.get(rel)
        if url is None:
            reason = "it is a draft or not yet published" if hidden(rel) else "no such page"
            broken.append(BrokenLink(source_rel, target, reason))
            return f'href="{target}"'
        url = href_escaped(base + url)
        if origins is not None:
            origins[f"{url}{suffix}"] = target
        return f'href="{url}{suffix}"'

    def substitute_asset(match: re.Match[str]) -> str:
        attribute, target = match.group(1), match.group(2)
        rel, suffix = resolve_target(source_rel, target)
        url = (asset_url_of or {}).get(rel)
        if url is None:
            return f'{attribute}="{target}"'
        url = href_escaped(base + url)
        if origins is not None:
            origins[f"{url}{suffix}"] = target
        return f'{attribute}="{url}{suffix}"'

    if LINK_PLACEHOLDER in html:
        html = _PLACEHOLDER_RE.sub(substitute, html)
    if ASSET_PLACEHOLDER in html:
        html = _ASSET_RE.sub(substitute_asset, html)
    return html, tuple(broken)


def line_of_link(text: str, target: str, occurrence: int = 0) -> int | None:
    """The 1-based line of ``text`` on which the ``occurrence``-th link to ``target`` is written.

    Looks for the link syntaxes Markdown has — ``[text](target "title")``, ``<target>`` and a
    reference definition ``[ref]: target`` — with the target ending where the syntax ends, so
    ``guide.md`` does not match inside ``guide.md#intro``.
    """
    lines = _link_lines(text, target)
    return lines[min(occurrence, len(lines) - 1)] if lines else None


@lru_cache(maxsize=256)
def _link_lines(text: str, target: str) -> tuple[int, ...]:
    # Cached: a page with twenty broken links to the same target is scanned once, not twenty times.
    escaped = re.escape(target)
    pattern = re.compile(
        rf"\]\(\s*<?{escaped}>?(?:\s+[\"'(][^)]*)?\)"        # [text](target "title")
        rf"|^[ ]{{0,3}}\[[^\]]+\]:\s*<?{escaped}>?(?:\s|$)"   # [ref]: target
        rf"|<{escaped}>",                                       # <target>
        re.MULTILINE)
    starts = [match.start() for match in pattern.finditer(text)]
    if not starts:
        at = text.find(target)
        if at < 0 and target.startswith("/"):
            # Jekyll's {% link docs/x.md %} / {% post_url name %}, which Liquid made into /docs/x.md
            tag = re.search(rf"\{{%-?\s*(?:link\s+/?{re.escape(target[1:])}"
                            rf"|post_url\s+{re.escape(target.rsplit('/', 1)[-1].rsplit('.', 1)[0])})\s*-?%\}}",
                            text)
            at = tag.start() if tag else -1
        return (text.count("\n", 0, at) + 1,) if at >= 0 else ()
    return tuple(text.count("\n", 0, start) + 1 for start in starts)
