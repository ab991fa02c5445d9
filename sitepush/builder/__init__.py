"""Building a site: Markdown and templates in, a folder of files out — the builder.

::

    discover_content / discover_static(config) → sources          what the site is made of
    parse (front matter → PageMeta, Markdown → RenderedBody)       per source, cached, in parallel
    assemble_site(parsed) → Site                                   pure: URLs, sections, taxonomies
    resolve_links, plan_outputs(site) → RenderJobs                 pure
    render (Jinja2 theme) → OutputFolder                           the only writes
    → BuildResult {key → OutputFile}, redirects, warnings

:class:`Builder` keeps its caches between builds (the live preview); :func:`build_site` is one build.

The public names below are loaded on first use (PEP 562), so importing this package — as a
``deploy --site-dir`` run does for :data:`MARKER` — loads neither Jinja2, Markdown nor Pygments.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitepush.builder.builder import Builder as Builder
    from sitepush.builder.builder import BuildResult as BuildResult
    from sitepush.builder.builder import BuildStats as BuildStats
    from sitepush.builder.builder import OutputFile as OutputFile
    from sitepush.builder.builder import build_site as build_site
    from sitepush.builder.output_folder import MARKER as MARKER

_PUBLIC = {
    "Builder": "sitepush.builder.builder",
    "BuildResult": "sitepush.builder.builder",
    "BuildStats": "sitepush.builder.builder",
    "OutputFile": "sitepush.builder.builder",
    "build_site": "sitepush.builder.builder",
    "MARKER": "sitepush.builder.output_folder",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sitepush.builder' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["MARKER", "BuildResult", "BuildStats", "Builder", "OutputFile", "build_site"]
