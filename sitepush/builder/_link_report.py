"""The link check of one build, as warnings a person can act on: which source to open, which line.

:mod:`sitepush.builder.linkcheck` decides which links of the output are broken; this module feeds it
the build's HTML files (links read by the render workers, or from the index when a file is unchanged)
and names, for each broken link, the content file and line it is written on, or the template that
wrote it.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from sitepush.builder.linkcheck import BrokenTarget, LinkIndex, PageLinks, SiteFiles, extract_links
from sitepush.builder.links import line_of_link
from sitepush.builder.outputs import RenderJob
from sitepush.builder.site import Site
from sitepush.errors import Problem

HINT = "fix the path (relative to this file) or remove the link"
TEMPLATE_HINT = "fix the link in the template, or add the page or file it points at"


def check_output(index: LinkIndex, output_dir: Path, md5_of: Mapping[str, str], generated: Collection[str],
                 links_of: Mapping[str, PageLinks], redirects: Sequence[str], base_url: str) \
        -> tuple[BrokenTarget, ...]:
    """Every broken internal link of the HTML files the build generated (``generated``: their keys;
    HTML copied as it is from content/ or static/ is a target, not checked).

    ``md5_of`` has every output key; ``links_of`` the links of the HTML files rendered by this build.
    An HTML file the index has never seen with this md5 (a cache from before) is read from disk.
    """
    pages: dict[str, tuple[str, PageLinks | None]] = {}
    for key in generated:
        md5 = md5_of.get(key)
        if md5 is None or not key.endswith(".html"):
            continue
        links = links_of.get(key)
        known = index.pages.get(key)
        if links is None and (known is None or known[0] != md5):
            try:
                links = extract_links((output_dir / key).read_text("utf-8", errors="replace"))
            except OSError:
                links = PageLinks((), frozenset())
        pages[key] = (md5, links)
    base = urlsplit(base_url)
    files = SiteFiles(frozenset(md5_of), frozenset(redirects), base.netloc.lower(),
                      (base.path or "/").rstrip("/") + "/")
    return index.update(pages, files)


def describe(broken: Sequence[BrokenTarget], jobs: Mapping[str, RenderJob], site: Site,
             html_of: Mapping[str, str], origins_of: Mapping[str, Mapping[str, str]],
             shown_prefix: str, already: set[tuple[str, str]],
             memo: dict[tuple[str, str, str, str], Problem | None] | None = None) -> tuple[Problem, ...]:
    """One warning per broken link: the content file and line when the page's Markdown wrote the
    link, else the template; links the Markdown pass already reported (``already``: (rel, target)
    written) are not reported twice. ``memo`` keeps each content warning by (page, target, reason,
    source digest) between builds, so a rebuild does not look every line up again."""
    memo = {} if memo is None else memo
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    on_pages: dict[tuple[str, str, str], list[str]] = {}
    for item in broken:
        job = jobs.get(item.key)
        page = site.by_rel.get(job.origin) if job is not None else None
        url = "/" + item.key.removesuffix("index.html")
        body = html_of.get(page.rel, "") if page is not None else ""
        if page is not None and _written_in(body, item.target):
            memo_key = (page.rel, item.target, item.reason, page.parsed.digest)
            if memo_key in memo:
                known = memo[memo_key]
                if known is not None:
                    problems.append(known)
                continue
            written = origins_of.get(page.rel, {}).get(item.target, item.target)
            if (page.rel, written) in already:
                memo[memo_key] = None
                continue
            if page.rel not in texts:
                try:
                    texts[page.rel] = page.parsed.source.path.read_text("utf-8", errors="replace")
                except OSError:
                    texts[page.rel] = ""
            occurrence = seen[(page.rel, written)] = seen.get((page.rel, written), -1) + 1
            problem = Problem(f"broken link to {written}: {item.reason}", f"{shown_prefix}{page.rel}",
                              line_of_link(texts[page.rel], written, occurrence), HINT)
            memo[memo_key] = problem
            problems.append(problem)
        else:
            template = job.template if job is not None else "the theme"
            on_pages.setdefault((template, item.target, item.reason), []).append(url)
    for (template, target, reason), urls in on_pages.items():
        where = urls[0] if len(urls) == 1 else f"{len(urls)} pages, first {urls[0]}"
        problems.append(Problem(f"broken link to {target} (on {where}): {reason}",
                                f"template {template}", None, TEMPLATE_HINT))
    return tuple(dict.fromkeys(problems))


def _written_in(body: str, target: str) -> bool:
    """Does the page's own HTML hold an attribute with the value ``target`` (quoted or not)?"""
    for value in dict.fromkeys((target, html.escape(target))):
        if f'="{value}"' in body or f"='{value}'" in body:
            return True
        at = body.find(f"={value}")
        while at >= 0:
            end = at + 1 + len(value)
            if end == len(body) or body[end] in " \t\n\r\f>":
                return True
            at = body.find(f"={value}", end)
    return False
