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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitepush.builder.jekyll._finish import finish_html as finish_html
    from sitepush.builder.jekyll.config import JekyllSite as JekyllSite
    from sitepush.builder.jekyll.config import read_jekyll_site as read_jekyll_site
    from sitepush.builder.jekyll.documents import prepare_document as prepare_document
    from sitepush.builder.jekyll.kramdown import convert_attribute_lists as convert_attribute_lists
    from sitepush.builder.jekyll.nav import jekyll_nav as jekyll_nav
    from sitepush.builder.jekyll.nav import nav_titles as nav_titles
    from sitepush.builder.jekyll.paths import discover_jekyll as discover_jekyll
    from sitepush.builder.jekyll.permalinks import expand as expand
    from sitepush.builder.jekyll.permalinks import style_template as style_template

# Loaded on first use (PEP 562): discovering a Jekyll folder needs neither Liquid nor Markdown.
_PUBLIC = {
    "JekyllSite": "sitepush.builder.jekyll.config",
    "read_jekyll_site": "sitepush.builder.jekyll.config",
    "prepare_document": "sitepush.builder.jekyll.documents",
    "convert_attribute_lists": "sitepush.builder.jekyll.kramdown",
    "finish_html": "sitepush.builder.jekyll._finish",
    "jekyll_nav": "sitepush.builder.jekyll.nav",
    "nav_titles": "sitepush.builder.jekyll.nav",
    "discover_jekyll": "sitepush.builder.jekyll.paths",
    "expand": "sitepush.builder.jekyll.permalinks",
    "style_template": "sitepush.builder.jekyll.permalinks",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sitepush.builder.jekyll' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["JekyllSite", "convert_attribute_lists", "discover_jekyll", "expand", "finish_html", "jekyll_nav",
           "nav_titles", "prepare_document", "read_jekyll_site", "style_template"]
