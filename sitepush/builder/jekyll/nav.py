"""The docs sidebar of a just-the-docs site: its ``parent``/``grand_parent``/``nav_order`` front matter.

just-the-docs' rules (its docs, "Navigation Structure"): a page with a ``title`` and without
``nav_exclude: true`` is in the sidebar; one without ``parent`` is at the top; a page's children are the
pages whose ``parent`` is its title (and whose ``grand_parent``, when given, is its parent's). Each
level lists the pages with a ``nav_order`` first — numbers before strings, each ascending — then the
others by title (``nav_sort: case_sensitive`` compares titles as written, else ignoring case).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sitepush.builder.nav import DocsNav, NavNode
from sitepush.builder.site import Page, Site


def _order_key(page: Page, case_sensitive: bool) -> tuple[int, float, str, str]:
    order = page.meta.params.get("nav_order")
    title = page.meta.title if case_sensitive else page.meta.title.lower()
    if isinstance(order, bool) or order is None:
        return (2, 0.0, "", title)
    if isinstance(order, (int, float)):
        return (0, float(order), "", title)
    return (1, 0.0, str(order) if case_sensitive else str(order).lower(), title)


def _in_nav(page: Page) -> bool:
    return page.parsed.line_of("title") is not None and page.meta.params.get("nav_exclude") is not True \
        and page.key != "404.html"


def jekyll_nav(site: Site, *, nav_sort: Any = None) -> DocsNav:
    """The sidebar tree of ``site`` from its pages' just-the-docs front matter."""
    case_sensitive = str(nav_sort or "").lower() == "case_sensitive"
    pages = [p for p in site.pages if _in_nav(p)]

    def children_of(parent: Page | None, grand: Page | None, depth: int) -> tuple[NavNode, ...]:
        if depth > 8:
            return ()
        found = []
        for page in pages:
            params = page.meta.params
            own_parent = params.get("parent")
            if parent is None:
                if own_parent is None:
                    found.append(page)
                continue
            if own_parent != parent.meta.title or page is parent:
                continue
            grand_parent = params.get("grand_parent")
            if grand_parent is not None and (grand is None or grand_parent != grand.meta.title):
                continue
            found.append(page)
        found.sort(key=lambda p: _order_key(p, case_sensitive))
        return tuple(NavNode(p.meta.title, p.url, children_of(p, parent, depth + 1)) for p in found)

    return DocsNav(children_of(None, None, 0))


def nav_titles(nodes: Sequence[NavNode]) -> list[Any]:
    """The tree as nested title lists, for tests and reports: ``["Home", ["Docs", [...]]]``."""
    out: list[Any] = []
    for node in nodes:
        out.append(node.title if not node.children else [node.title, nav_titles(node.children)])
    return out
