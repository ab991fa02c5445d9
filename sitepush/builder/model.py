"""The builder's data: what a source file is, what its front matter means, what rendering produced.

These are plain frozen values so that they can cross process boundaries (rendering runs in a pool),
be cached between builds, and be compared to decide what must be rebuilt.

The flow::

    SourceFile ──parse_front_matter──► FrontMatter ──page_meta──► PageMeta
         └──────────── FrontMatter.body ──render_markdown──► RenderedBody
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from sitepush.errors import Problem


class PageKind(str, Enum):
    """What a Markdown source becomes."""

    PAGE = "page"        # a regular page: blog/post.md, blog/bundle/index.md
    SECTION = "section"  # a section's own page: blog/_index.md
    HOME = "home"        # the root _index.md (or index.md)


@dataclass(frozen=True)
class SourceFile:
    """One Markdown file found under the content folder."""

    rel: str
    """Path relative to the content folder, '/'-separated, e.g. ``blog/2016-10-08-post.md``."""
    path: Path
    """Absolute path on disk."""
    kind: PageKind
    bundle: bool = False
    """True for ``folder/index.md``: the folder's other files are copied beside the page."""
    lang: str | None = None
    """Language suffix from the file name (``_index.fr.md`` → ``fr``), None when there is none."""


@dataclass(frozen=True)
class FrontMatter:
    """The split of a source into its front matter and its Markdown body."""

    data: Mapping[str, Any]
    """The parsed front matter (YAML mapping, TOML table, JSON object or meta keys); empty when the
    file has none."""
    body: str
    """The Markdown after the front matter, BOM removed."""
    body_line: int
    """1-based line of the source on which ``body`` starts (1 when there is no front matter)."""
    format: str | None
    """``"yaml"``, ``"toml"``, ``"json"``, ``"meta"`` (MultiMarkdown) or None when there is none."""
    key_lines: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    """1-based source line of each front-matter key path, for errors that name the key's line:
    ``("title",) -> 2``, ``("taxonomies", "tags") -> 9``. Only the top two levels are recorded;
    a key missing here is reported at its parent key's line, else at line 1."""


@dataclass(frozen=True)
class PageMeta:
    """Front matter normalised into what the builder uses; unknown keys stay in ``params``."""

    title: str
    date: datetime | None = None
    """Timezone-aware. From front matter ``date``, else the file name's date prefix."""
    updated: datetime | None = None
    """From ``lastmod``/``updated``/``modified``."""
    publish_date: datetime | None = None
    expiry_date: datetime | None = None
    draft: bool = False
    slug: str | None = None
    url: str | None = None
    """An explicit URL from ``url``/``permalink``, normalised to start with '/'."""
    aliases: tuple[str, ...] = ()
    """Old paths that redirect to this page, each starting with '/'."""
    taxonomies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """``tags``, ``categories`` and any ``[taxonomies]`` table, as name → terms."""
    weight: int = 0
    description: str = ""
    template: str | None = None
    summary: str | None = None
    """An explicit summary from front matter, if any."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Every other front-matter key (``params``, ``extra`` and unknown keys), for templates."""
    warnings: tuple[Problem, ...] = ()
    """What reading the front matter (or, in Jekyll mode, its Liquid) could not take as written:
    a date no tool reads, a missing include. The page still builds; ``--strict`` fails on them."""


@dataclass(frozen=True)
class TocEntry:
    """One heading in a page's table of contents."""

    level: int
    id: str
    name: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class RenderedBody:
    """What Markdown rendering of one body produced (independent of every other page)."""

    html: str
    """The body's HTML. Links to other Markdown files are left as ``sitepush-link:REL#frag``
    placeholders inside ``href`` attributes; the site assembly resolves them to final URLs."""
    toc_html: str
    toc: tuple[TocEntry, ...]
    first_heading: str | None
    """Text of the first level-1 heading, used as the title when front matter has none."""
    summary_html: str
    """The first paragraph(s) up to ``<!--more-->`` or roughly ``summary_words`` words."""
    word_count: int
    links: tuple[str, ...]
    """Every ``sitepush-link:`` target in ``html``, in order (for resolution and warnings)."""


LINK_PLACEHOLDER = "sitepush-link:"
"""Prefix of an unresolved link to another Markdown source inside rendered HTML."""

ASSET_PLACEHOLDER = "sitepush-asset:"
"""Prefix of a relative link to a non-Markdown file (``img/x.png``) inside rendered HTML, resolved
against the source's folder as MkDocs does (see :func:`sitepush.builder.links.resolve_links`)."""
