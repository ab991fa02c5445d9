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


def render_pages(jobs: Sequence[tuple[str, str, Any, str]], settings: TemplateSettings
                 ) -> list[tuple[str, str | tuple[Problem, ...], PageLinks | None]]:
    """(key, HTML, its links for the link checker) for each (key, template, context, origin);
    problems instead of HTML (and no links) on failure."""
    from sitepush.builder.linkcheck import extract_links
    from sitepush.builder.theme import make_environment, render_template

    env = _environments.get(settings)
    if env is None:
        _environments.clear()  # templates changed: the old environment is stale
        env = _environments[settings] = make_environment(
            settings.site_templates, site_root=settings.site_root, base_url=settings.base_url)
    results: list[tuple[str, str | tuple[Problem, ...], PageLinks | None]] = []
    for key, template, context, origin in jobs:
        try:
            text = render_template(env, template, context)
        except SitepushError as error:
            results.append((key, error.with_file(origin).problems, None))
            continue
        # Read here, in the worker that has the text, so that the check costs no second pass.
        results.append((key, text, extract_links(text)))
    return results
