"""Jekyll conventions: a Jekyll folder built the way Jekyll builds it (``[build] conventions = "jekyll"``).

::

    _config.yml + _data/ → read_jekyll_site → JekyllSite                 settings, read once a build
    folder → discover_jekyll(JekyllSite) → pages, posts, documents, copies   the underscore rule, exclude/include
    source → prepare_document → front matter as Jekyll completes it        defaults, categories, dates, permalink
           → Liquid (LiquidRenderer) → kramdown attribute lists → Markdown → finish_html
    site → jekyll_nav → the docs sidebar from parent/grand_parent/nav_order (just-the-docs)

The builder's own steps do the rest (front matter fields, Markdown, links, the theme): Jekyll's
``_layouts/`` are not used, sitepush's theme renders every page.
"""

from __future__ import annotations

from dataclasses import replace

from sitepush.builder.jekyll.config import JekyllSite, read_jekyll_site
from sitepush.builder.jekyll.documents import prepare_document
from sitepush.builder.jekyll.kramdown import convert_attribute_lists, drop_no_toc, no_toc_ids
from sitepush.builder.jekyll.nav import jekyll_nav, nav_titles
from sitepush.builder.jekyll.paths import discover_jekyll
from sitepush.builder.jekyll.permalinks import expand, style_template
from sitepush.builder.model import RenderedBody, TocEntry

__all__ = ["JekyllSite", "convert_attribute_lists", "discover_jekyll", "expand", "finish_html", "jekyll_nav",
           "nav_titles", "prepare_document", "read_jekyll_site", "style_template"]


def finish_html(body: RenderedBody) -> RenderedBody:
    """A rendered Jekyll page as kramdown would have made it: ``.no_toc`` headings out of its TOCs
    (the ``{:toc}`` in the body and the page's own table of contents)."""
    hidden = no_toc_ids(body.html)
    if not hidden:
        return body

    def keep(entries: tuple[TocEntry, ...]) -> tuple[TocEntry, ...]:
        kept: list[TocEntry] = []
        for entry in entries:
            children = keep(entry.children)
            if entry.id in hidden:
                kept.extend(children)
            else:
                kept.append(replace(entry, children=children))
        return tuple(kept)

    return replace(body, html=drop_no_toc(body.html, hidden), toc_html=drop_no_toc(body.toc_html, hidden),
                   toc=keep(body.toc))
