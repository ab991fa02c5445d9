"""What templates see: frozen views of the site, its pages and its listings.

This module is the contract between the builder and every theme (the default one in ``templates/``
and a site's own overrides). Each template gets ``site`` (:class:`SiteView`) and:

==================  ==========================================================================
template            context
==================  ==========================================================================
``page.html``       ``page`` (:class:`PageView`)
``section.html``    ``page`` (the section's own ``_index.md``), ``pages`` (this page of the
                    listing, :class:`PageSummary`), ``subsections`` (:class:`Link` with count),
                    ``paginator`` (:class:`Paginator`)
``home.html``       ``page`` (the root ``_index.md``), ``pages`` (newest dated pages, first
                    listing page), ``sections`` (top-level :class:`Link` s), ``paginator``
``taxonomy.html``   ``taxonomy`` (:class:`TaxonomyView`), ``terms`` (:class:`TermRef`)
``term.html``       ``taxonomy``, ``term`` (:class:`TermRef`), ``pages``, ``paginator``
``404.html``        nothing more
==================  ==========================================================================

A page's front matter ``template: docs.html`` picks another template with the ``page.html`` context.
Filters: ``datefmt(fmt="%B %-d, %Y")``, ``isodate`` (RFC 3339), ``absolute_url`` (joins
``site.base_url``). Every URL in a view is site-absolute (``/blog/post/``); ``permalink`` is
the full URL. Rendering is deterministic: a view holds everything its output depends on, so equal
views render equal bytes and the build cache compares views, not files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sitepush.builder.model import TocEntry


@dataclass(frozen=True)
class Link:
    """A titled site URL: menu entries, breadcrumbs, previous/next, sections."""

    title: str
    url: str
    count: int = 0
    """Pages behind the link where that means something (sections); 0 otherwise."""


@dataclass(frozen=True)
class TermRef:
    """One taxonomy term (a tag) and the URL of its page."""

    name: str
    url: str
    count: int = 0


@dataclass(frozen=True)
class TaxonomyView:
    """A taxonomy such as ``tags``: its name, display title and index URL."""

    name: str
    title: str
    url: str


@dataclass(frozen=True)
class PageSummary:
    """A page as a listing shows it."""

    title: str
    url: str
    date: datetime | None
    summary: str
    """HTML (already safe): the description, an explicit summary, or the first words."""
    description: str
    tags: tuple[TermRef, ...] = ()
    reading_time: int = 1
    draft: bool = False


@dataclass(frozen=True)
class PageView:
    """Everything a page template can show about one page."""

    kind: str
    """``page``, ``section`` or ``home``."""
    title: str
    url: str
    permalink: str
    content: str
    """HTML of the Markdown body (already safe; never passed through Jinja)."""
    toc: str
    """HTML ``<div class="toc">`` of the headings; empty when the page has fewer than two."""
    toc_items: tuple[TocEntry, ...]
    summary: str
    description: str
    date: datetime | None
    updated: datetime | None
    draft: bool
    tags: tuple[TermRef, ...]
    taxonomies: Mapping[str, tuple[TermRef, ...]]
    section: Link | None
    """The section the page belongs to (None for top-level pages and the home page)."""
    breadcrumbs: tuple[Link, ...]
    prev: Link | None
    """The previous page in the same section (older, or lower weight)."""
    next: Link | None
    reading_time: int
    """Minutes, at 220 words a minute, at least 1."""
    word_count: int
    lang: str
    source: str
    """Path of the source relative to the content folder."""
    params: Mapping[str, Any] = field(default_factory=dict)
    heading: str = ""
    """HTML (already safe) of the body's leading h1, which ``content`` then leaves out: the theme
    prints it as the page's one ``<h1>``; empty when the theme prints ``title``."""
    heading_id: str = ""
    """The id of that h1 (the toc and its permalink link to it)."""
    title_in_body: bool = False
    """The body shows the title as its own h1 further down: the theme prints no ``<h1>``."""
    nav: str = ""
    """HTML (already safe) of the docs sidebar, ``<ul>`` lists with the current page's branch open
    and its link ``aria-current="page"``; empty outside docs sections. ``prev``/``next`` and
    ``breadcrumbs`` then follow the same tree."""


@dataclass(frozen=True)
class Paginator:
    """Position of one listing page among its siblings; URLs are None where there is no such page."""

    number: int
    url: str
    """This listing page's own URL (for canonical links)."""
    total_pages: int
    total_items: int
    prev_url: str | None
    next_url: str | None
    first_url: str
    last_url: str


@dataclass(frozen=True)
class SiteView:
    """Site-wide values every template sees."""

    title: str
    description: str
    base_url: str
    language: str
    author: str
    menu: tuple[Link, ...]
    feed_url: str
    """Site-absolute URL of the site's Atom feed."""
    highlight_css_url: str
    """Site-absolute URL of the generated code-highlighting stylesheet."""
    taxonomies: tuple[TaxonomyView, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    search_url: str = ""
    """Site-absolute folder of the Pagefind search index and UI (``/pagefind/``); empty when search
    is off."""
    extra_css: tuple[str, ...] = ()
    """Stylesheets every page links after the theme's (``[site] extra_css``), as URLs."""
    extra_javascript: tuple[str, ...] = ()
    """Scripts every page loads, deferred (``[site] extra_javascript``), as URLs."""
    edit_url: str = ""
    """``[site] edit_url``: a page's "edit this page" link is this plus ``page.source``; empty: none."""
