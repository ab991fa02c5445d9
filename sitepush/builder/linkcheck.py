"""The link checker over the built site: every internal ``href``, ``src`` and ``srcset`` of every
generated HTML file must reach a file of the output (or a redirect), and every ``#fragment`` an id of
the page it points at.

Pure over strings: :func:`extract_links` reads one page (tags only: text, code, comments and script
bodies never count), :func:`check_site` decides over the extracted pages, and :class:`LinkIndex`
keeps the extraction and the verdicts between builds so that a rebuild re-checks only the pages that
changed and the pages linking to a target that appeared, disappeared or changed its ids.

A target resolves as a browser resolves it against the page's own URL (``a/b/index.html`` is
``/a/b/``); S3 website hosting answers ``/a/b`` from ``a/b/index.html`` (with a redirect), so that
counts as found. External URLs (another host, ``mailto:``, ``data:``…) are not checked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from posixpath import normpath
from urllib.parse import unquote, urlsplit

from sitepush.builder.model import ASSET_PLACEHOLDER, LINK_PLACEHOLDER

_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_SCRIPT_RE = re.compile(r"(<(script|style)\b[^<>]*>).*?(</\2\s*>)", re.DOTALL | re.IGNORECASE)
# Attribute values double-quoted, single-quoted or unquoted (raw HTML in Markdown may write
# `<a href=foo.html>`: HTML's unquoted value runs to whitespace or `>` and holds none of "'=<>`), names in
# any case, spaces allowed around `=` (HTML Living Standard, 13.1.2.3 "Attributes"). Searched over the whole
# page (in C) and kept only inside a tag: text and code never hold a raw `<`.
# Letter classes rather than re.IGNORECASE, which makes the scan twice as slow.
_ATTR_RE = re.compile(r"""\s([hH][rR][eE][fF]|[sS][rR][cC](?:[sS][eE][tT])?|[iI][dD]|[nN][aA][mM][eE])"""
                      r"""[ \t\n\r\f]*=[ \t\n\r\f]*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# A fragment every browser answers without an element of that id (HTML: "the top of the document").
_ALWAYS_FRAGMENTS = frozenset({"", "top"})


@dataclass(frozen=True)
class PageLinks:
    """What one HTML file links to, and the fragment targets it offers."""

    targets: tuple[str, ...]
    """Attribute values of ``href``, ``src`` and each ``srcset`` candidate, unescaped, in order."""
    ids: frozenset[str]
    """Every ``id`` and every ``<a name>``."""


@dataclass(frozen=True)
class BrokenTarget:
    """One link of the page at ``key`` that reaches nothing."""

    key: str
    target: str
    """As written in the HTML."""
    reason: str


def extract_links(page: str) -> PageLinks:
    """The links and ids of one HTML document (inside tags only; comments and script bodies skipped)."""
    if "<!--" in page:
        page = _COMMENT_RE.sub("", page)
    if "<script" in page or "<style" in page:
        page = _SCRIPT_RE.sub(r"\1\3", page)
    targets: list[str] = []
    ids: set[str] = set()
    rfind = page.rfind
    for attr in _ATTR_RE.finditer(page):
        at = attr.start()
        opened = rfind("<", 0, at)
        if opened < rfind(">", 0, at) or page.count('"', opened, at) % 2:
            continue  # in text, not in a tag; or inside another attribute's quoted value
        kind = attr[1].lower()
        value = attr[2] if attr[2] is not None else attr[3] if attr[3] is not None else attr[4]
        if "&" in value:
            value = html.unescape(value)
        if kind == "id":
            ids.add(value)
        elif kind == "name":
            if page.startswith(("<a ", "<a\t", "<a\n", "<A ", "<A\t", "<A\n"), opened):
                ids.add(value)
        elif kind == "srcset":
            targets.extend(candidate.split()[0] for candidate in value.split(",") if candidate.strip())
        else:
            targets.append(value.strip())
    return PageLinks(tuple(targets), frozenset(ids))


OUTSIDE = "/../"
"""What :func:`resolve` puts in front of a host path outside the base path (found nowhere)."""


@dataclass(frozen=True)
class SiteFiles:
    """What a link can reach: the output's files, its redirects, the base URL's host and path."""

    keys: frozenset[str]
    redirects: frozenset[str]
    """Site paths that S3 answers with a redirect (``/old/``)."""
    host: str = ""
    base_path: str = "/"


def resolve(target: str, page_key: str, files: SiteFiles) -> tuple[str, str] | None:
    """(site path, fragment) that ``target`` on ``page_key`` points at; None when it is external.

    A path that climbs above the site root is returned as it climbed (``/../x``): found nowhere. For a
    site under a base path (``/docs/``), a link is a path on the host: ``/docs/x/`` is the site's
    ``/x/``, and one outside the base path (``/x/``) is returned as :data:`OUTSIDE` + that path.
    """
    if target.startswith((LINK_PLACEHOLDER, ASSET_PLACEHOLDER)):
        return "/" + target, ""  # a link the build failed to resolve is broken, not another scheme's
    if target.startswith("//") or _SCHEME_RE.match(target):
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https", "") or parts.netloc.lower() != files.host or \
                not files.host or not (parts.path or "/").startswith(files.base_path):
            return None
        path = "/" + unquote(parts.path or "/")[len(files.base_path):]
        return path, unquote(parts.fragment)
    path, _, fragment = target.partition("#")
    path = path.partition("?")[0]
    folder = "/" + page_key.rpartition("/")[0]
    if not path:
        return "/" + page_key, unquote(fragment)
    path = unquote(path)
    base = files.base_path
    if base != "/":
        folder = base + folder[1:]  # the page's place on the host, which relative links climb from
    joined = path if path.startswith("/") else f"{folder.rstrip('/')}/{path}"
    resolved = normpath(joined)
    if resolved.startswith("//"):
        resolved = resolved[1:]
    if (path.endswith("/") or path in (".", "..") or path.endswith(("/.", "/.."))) \
            and not resolved.endswith("/"):
        resolved += "/"
    if base != "/":
        if not (resolved + "/").startswith(base):
            return OUTSIDE + resolved, unquote(fragment)
        resolved = "/" + resolved[len(base):]
    return resolved, unquote(fragment)


def target_key(path: str, files: SiteFiles) -> str | None:
    """The output file that serves site ``path``, or ``""`` for a redirect, or None for nothing."""
    rel = path.lstrip("/")
    if rel.startswith("../") or rel == "..":
        return None
    if not rel or rel.endswith("/"):
        key = rel + "index.html"
        if key in files.keys:
            return key
    elif rel in files.keys:
        return rel
    elif f"{rel}/index.html" in files.keys:
        return f"{rel}/index.html"
    if path in files.redirects or path.rstrip("/") in files.redirects or \
            path.rstrip("/") + "/" in files.redirects:
        return ""
    return None


def check_page(key: str, links: PageLinks, files: SiteFiles,
               ids_of: Mapping[str, frozenset[str]],
               memo: dict[tuple[str, str], tuple[str, str, str | None] | None] | None = None
               ) -> tuple[tuple[BrokenTarget, ...], frozenset[str]]:
    """The broken links of one page, and the output keys it depends on (for re-checking).

    ``memo`` (shared by the pages of one check over the same ``files``) keeps what a target
    resolves to, by the folder it is written in: the theme's links are the same on every page."""
    broken: list[BrokenTarget] = []
    depends: set[str] = set()
    seen: set[str] = set()
    folder = key.rpartition("/")[0]
    for target in links.targets:
        if target in seen:
            continue
        seen.add(target)
        # A site-absolute path or a URL (with a scheme, or //host) resolves alike from every page; a
        # relative one per folder. ("", "#x" and "?q" name the page itself, so they are per page.)
        memo_key = ("" if target[0] == "/" or (":" in target and _SCHEME_RE.match(target)) else folder,
                    target) if target and target[0] not in "#?" else None
        if memo is not None and memo_key is not None and memo_key in memo:
            known = memo[memo_key]
        else:
            where = resolve(target, key, files)
            known = None if where is None else (*where, target_key(where[0], files))
            if memo is not None and memo_key is not None:
                memo[memo_key] = known
        if known is None:
            continue
        path, fragment, found = known
        depends.add(path)
        if found is None:
            outside = files.base_path != "/" and path.startswith(OUTSIDE)
            broken.append(BrokenTarget(key, target, f"outside the site, which lives under {files.base_path} "
                                                    "(a template writes a site path as `{{ path|relative_url }}`)"
                                       if outside else "no such page or file in the site"))
            continue
        if not found or fragment in _ALWAYS_FRAGMENTS or not found.endswith(".html"):
            continue
        page_ids = ids_of.get(found)
        if page_ids is not None and fragment not in page_ids:
            broken.append(BrokenTarget(key, target, f"/{found.removesuffix('index.html')} has no "
                                                    f'element with id "{fragment}"'))
    return tuple(broken), frozenset(depends)


@dataclass
class LinkIndex:
    """The checker's memory between builds: per HTML key, its md5, links, verdict and dependencies."""

    pages: dict[str, tuple[str, PageLinks]] = field(default_factory=dict)
    verdicts: dict[str, tuple[tuple[BrokenTarget, ...], frozenset[str]]] = field(default_factory=dict)
    keys: frozenset[str] = frozenset()
    redirects: frozenset[str] = frozenset()
    checked: int = 0
    """Pages checked by the last :meth:`update` (the rest kept their verdicts)."""

    def update(self, html_pages: Mapping[str, tuple[str, PageLinks | None]], files: SiteFiles
               ) -> tuple[BrokenTarget, ...]:
        """Check the site whose HTML files are ``html_pages`` (key → (md5, links or None when the md5
        is the one indexed)); return every broken link, in key order."""
        changed: set[str] = set()
        for key, (md5, links) in html_pages.items():
            known = self.pages.get(key)
            if known is not None and known[0] == md5:
                continue
            if links is None:
                raise ValueError(f"{key} changed but its links were not given")
            if known is None or known[1].ids != links.ids:
                changed.add(key)
            self.pages[key] = (md5, links)
            self.verdicts.pop(key, None)
        for key in [k for k in self.pages if k not in html_pages]:
            del self.pages[key]
            self.verdicts.pop(key, None)
        appeared_or_gone = (files.keys ^ self.keys) | {k for k in changed}
        redirects_moved = files.redirects ^ self.redirects
        if appeared_or_gone or redirects_moved:
            touched = _paths_of(appeared_or_gone) | set(redirects_moved) | \
                {r.rstrip("/") for r in redirects_moved} | {r.rstrip("/") + "/" for r in redirects_moved}
            for key, (_, depends) in list(self.verdicts.items()):
                if depends & touched:
                    del self.verdicts[key]
        self.keys, self.redirects = files.keys, files.redirects
        ids_of = {key: links.ids for key, (_, links) in self.pages.items()}
        self.checked = 0
        broken: list[BrokenTarget] = []
        memo: dict[tuple[str, str], tuple[str, str, str | None] | None] = {}
        for key in sorted(self.pages):
            verdict = self.verdicts.get(key)
            if verdict is None:
                verdict = self.verdicts[key] = check_page(key, self.pages[key][1], files, ids_of, memo)
                self.checked += 1
            broken.extend(verdict[0])
        return tuple(broken)


def _paths_of(keys: Iterable[str]) -> set[str]:
    """Every site path a link can use for these output keys (``a/index.html``: ``/a/``, ``/a``…)."""
    paths: set[str] = set()
    for key in keys:
        paths.add("/" + key)
        if key == "index.html" or key.endswith("/index.html"):
            folder = "/" + key.removesuffix("index.html")
            paths.update((folder, folder.rstrip("/") or "/"))
    return paths
