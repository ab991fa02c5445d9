"""The two CPU-bound steps of a build, written to run in a worker process or inline.

Workers keep one Markdown renderer and one Jinja environment per process (building either is costly) and
return problems as data: a SitepushError crossing a process boundary would lose its file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path
from typing import Any

from sitepush.builder.linkcheck import PageLinks
from sitepush.builder.model import SourceFile
from sitepush.builder.site import ParsedSource
from sitepush.errors import Problem, SitepushError


@dataclass(frozen=True)
class ParseJob:
    """Parse and render one source."""

    source: SourceFile
    raw: bytes
    digest: str
    display: str
    """The source's path as the user knows it (``content/blog/x.md``)."""


@dataclass(frozen=True)
class ParseSettings:
    """Everything besides the source that changes what parsing produces."""

    tz: tzinfo
    summary_words: int
    liquid_residue: bool = True
    """Report ``{{ }}``/``{% %}`` left as text (not in Jekyll mode, where Liquid is rendered)."""
    jekyll: Any = None
    """The :class:`~sitepush.builder.jekyll.config.JekyllSite` in Jekyll mode, else None."""


@dataclass(frozen=True)
class TemplateSettings:
    """Where templates come from; equal settings share one Jinja environment."""

    site_templates: Path | None
    site_root: Path
    base_url: str
    templates_digest: str
    output_dir: Path | None = None
    """Where :func:`render_pages` writes what it renders (None: it returns the HTML instead)."""


@dataclass(frozen=True)
class WrittenPage:
    """A rendered page the worker put into the output folder itself: what the cache records of it."""

    md5: str
    size: int
    mtime_ns: int
    written: bool
    """False when the folder already held these very bytes (nothing was written)."""


_renderers: dict[ParseSettings, Any] = {}
_environments: dict[TemplateSettings, Any] = {}


def parse_sources(jobs: Sequence[ParseJob], settings: ParseSettings
                  ) -> list[ParsedSource | tuple[Problem, ...]]:
    """Front matter and Markdown of each job; a failing source yields its problems instead."""
    from sitepush.builder.frontmatter import page_meta, parse_front_matter
    from sitepush.builder.markdown_render import MarkdownRenderer
    from sitepush.builder.residue import scan_residue

    renderer = _renderers.get(settings)
    if renderer is None:
        renderer = _renderers[settings] = MarkdownRenderer(summary_words=settings.summary_words)
    results: list[ParsedSource | tuple[Problem, ...]] = []
    for job in jobs:
        try:
            front = parse_front_matter(job.raw, job.display)
            warnings: tuple[Problem, ...] = ()
            if settings.jekyll is not None:
                from sitepush.builder.jekyll.documents import prepare_document

                front, warnings = prepare_document(front, job.source, settings.jekyll, tz=settings.tz,
                                                   display=job.display)
            meta = page_meta(front, job.source, tz=settings.tz, display=job.display)
            if warnings:
                meta = replace(meta, warnings=(*meta.warnings, *warnings))
            body = renderer.render(front.body)
            if settings.jekyll is not None:
                from sitepush.builder.jekyll import finish_html

                body = finish_html(body)
        except SitepushError as error:
            results.append(error.with_file(job.display).problems)
            continue
        key_lines = {path[0].lower(): line for path, line in front.key_lines.items() if len(path) == 1}
        residue = scan_residue(front.body, first_line=front.body_line, liquid=settings.liquid_residue)
        results.append(ParsedSource(job.source, meta, body, job.digest, key_lines, residue))
    return results


def render_pages(jobs: Sequence[tuple[str, str, Any, str, tuple[str, int, int] | None, bool]],
                 settings: TemplateSettings
                 ) -> list[tuple[str, str | WrittenPage | tuple[Problem, ...], PageLinks | None]]:
    """(key, HTML, its links for the link checker) for each (key, template, context, origin, the
    (md5, size, mtime_ns) the cache has of the file, whether to write it); problems instead of HTML
    (and no links) on failure. With ``settings.output_dir`` a page to write is written there (unless
    the folder holds these bytes already) and a :class:`WrittenPage` stands for its HTML: the workers
    write their own pages, in parallel, and send back no HTML."""
    import hashlib

    from sitepush.builder.linkcheck import extract_links
    from sitepush.builder.output_folder import OutputFolder
    from sitepush.builder.theme import make_environment, render_template

    env = _environments.get(settings)
    if env is None:
        _environments.clear()  # templates changed: the old environment is stale
        env = _environments[settings] = make_environment(
            settings.site_templates, site_root=settings.site_root, base_url=settings.base_url)
    folder = OutputFolder(settings.output_dir) if settings.output_dir is not None else None
    results: list[tuple[str, str | WrittenPage | tuple[Problem, ...], PageLinks | None]] = []
    for key, template, context, origin, known, write in jobs:
        try:
            text = render_template(env, template, context)
        except SitepushError as error:
            results.append((key, error.with_file(origin).problems, None))
            continue
        # Read here, in the worker that has the text, so that the check costs no second pass.
        links = extract_links(text)
        if folder is None or not write:
            results.append((key, text, links))
            continue
        data = text.encode("utf-8")
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        same = known is not None and known[0] == md5 and folder.intact(key, known[1], known[2])
        try:
            if not same:
                folder.write_bytes(key, data)
            stat = folder.stat(key)
        except SitepushError as error:
            results.append((key, error.with_file(origin).problems, None))
            continue
        results.append((key, WrittenPage(md5, len(data), stat.st_mtime_ns, not same), links))
    return results
