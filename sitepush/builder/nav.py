"""The docs navigation: one tree per site, the sidebar, prev/next and breadcrumbs all read from it.

Pure over the assembled site. The tree is ``[[nav]]`` from sitepush.toml when the site has one (the shape
of mkdocs.yml's ``nav:``), else the folders: each section lists its pages and subsections, ordered by
front-matter ``weight`` (weighted first, ascending), then title.

Linear by design: the sidebar shows every top-level entry and, open, the branch of the current page
(the siblings of each of its ancestors), so one page's sidebar is O(depth × siblings), never the whole
site; it is rendered once per branch (:meth:`DocsNav.sidebar`), and a page only marks itself in it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from sitepush.builder.model import PageKind
from sitepush.builder.site import Section, Site
from sitepush.builder.urls import site_href
from sitepush.config import NavItem
from sitepush.errors import Problem


@dataclass(frozen=True)
class NavNode:
    """One entry of the tree: a page (``url``), a group (no page of its own), or both (a section)."""

    title: str
    url: str | None
    children: tuple[NavNode, ...] = ()
    folder: str | None = None
    """For a group made from a folder without an index page: the folder's URL, whose page the build
    renders as this group's (its branch open, its entries listed)."""


@dataclass
class DocsNav:
    """The tree, the reading order and per-URL positions; sidebars are made on demand and kept."""

    roots: tuple[NavNode, ...]
    problems: tuple[Problem, ...] = ()
    order: tuple[tuple[str, str], ...] = ()
    """(title, url) of every page in the tree, in reading order (a pre-order walk)."""
    base_path: str = "/"
    """Where the site lives on its host (``[site] base_url``'s path): the sidebar's links start with it,
    while the tree, the order and every lookup stay in site paths."""
    _path_of: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _group_of: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _position: dict[str, int] = field(default_factory=dict)
    _sidebars: dict[tuple[int, ...], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        order: list[tuple[str, str]] = []

        def walk(nodes: Sequence[NavNode], prefix: tuple[int, ...]) -> None:
            for index, node in enumerate(nodes):
                path = (*prefix, index)
                if node.url is not None and node.url not in self._path_of and not _is_external(node.url):
                    self._path_of[node.url] = path
                    self._position[node.url] = len(order)
                    order.append((node.title, node.url))
                if node.url is None and node.folder is not None:
                    self._group_of.setdefault(node.folder, path)
                walk(node.children, path)

        walk(self.roots, ())
        self.order = tuple(order)

    def __contains__(self, url: object) -> bool:
        return url in self._path_of

    def neighbours(self, url: str) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
        """(title, url) of the pages before and after ``url`` in reading order."""
        at = self._position.get(url)
        if at is None:
            return None, None
        return (self.order[at - 1] if at > 0 else None,
                self.order[at + 1] if at + 1 < len(self.order) else None)

    def crumbs(self, url: str) -> tuple[tuple[str, str], ...]:
        """(title, url) of the ancestors of ``url``; a group links to its first page."""
        return self.group_crumbs(self._path_of.get(url, ()))

    def sidebar(self, url: str) -> str:
        """The sidebar's HTML for the page at ``url``: its branch open, the page marked current; a page
        the tree does not list gets the tree with every group closed."""
        path = self._path_of.get(url)
        if path is None:
            branch: tuple[int, ...] = ()
        else:
            branch = path[:-1] if not self._node(path).children else path
        fragment = self._sidebars.get(branch)
        if fragment is None:
            fragment = self._sidebars[branch] = _render(self.roots, branch, 0, self.base_path)
        href = html.escape(site_href(url, self.base_path))
        return fragment.replace(f'<a href="{href}">', f'<a href="{href}" aria-current="page">', 1)

    def group_path(self, folder_url: str, member_urls: Sequence[str] = ()) -> tuple[int, ...] | None:
        """Where the tree holds the folder at ``folder_url`` (a folder without an index page): the group
        made from it, else (a ``[[nav]]`` tree) the group holding the first of ``member_urls`` (the
        folder's own pages) that the tree lists below its top level; None when neither is there."""
        found = self._group_of.get(folder_url)
        if found is not None:
            return found
        for url in member_urls:
            path = self._path_of.get(url)
            if path is not None and len(path) > 1:
                return path[:-1]
        return None

    def group_sidebar(self, path: tuple[int, ...]) -> str:
        """The sidebar of a group's own page: the group's branch open, no entry marked current."""
        fragment = self._sidebars.get(path)
        if fragment is None:
            fragment = self._sidebars[path] = _render(self.roots, path, 0, self.base_path)
        return fragment

    def group_crumbs(self, path: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
        """(title, url) of the ancestors of the entry at ``path`` (itself left out)."""
        crumbs: list[tuple[str, str]] = []
        nodes = self.roots
        for index in path[:-1]:
            node = nodes[index]
            target = node.url or _first_url(node)
            if target is not None:
                crumbs.append((node.title, target))
            nodes = node.children
        return tuple(crumbs)

    def group_entries(self, path: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
        """(title, url) of the entries of the group at ``path``, in tree order; a subgroup links to its
        first page."""
        entries: list[tuple[str, str]] = []
        for node in self._node(path).children:
            target = node.url or _first_url(node)
            if target is not None:
                entries.append((node.title, target))
        return tuple(entries)

    def _node(self, path: tuple[int, ...]) -> NavNode:
        nodes, node = self.roots, None
        for index in path:
            node = nodes[index]
            nodes = node.children
        assert node is not None
        return node


def _is_external(url: str) -> bool:
    """A ``[[nav]] url`` entry (another site, or a path the tree does not own): linked, never read next."""
    return not url.startswith("/") or url.startswith("//")


def _first_url(node: NavNode) -> str | None:
    if node.url is not None:
        return node.url
    for child in node.children:
        found = _first_url(child)
        if found is not None:
            return found
    return None


def _render(nodes: Sequence[NavNode], branch: tuple[int, ...], depth: int, base_path: str) -> str:
    items: list[str] = []
    for index, node in enumerate(nodes):
        on_branch = len(branch) > depth and branch[depth] == index
        target = node.url or _first_url(node)
        label = html.escape(node.title)
        link = f'<a href="{html.escape(site_href(target, base_path))}">{label}</a>' if target else \
            f"<span>{label}</span>"
        if node.children and on_branch:
            if node.url is None:  # an open group: its pages are right below, it links nowhere itself
                link = f"<span>{label}</span>"
            items.append(f'<li class="nav-open">{link}{_render(node.children, branch, depth + 1, base_path)}</li>')
        elif node.children:
            items.append(f'<li class="nav-closed">{link}</li>')
        else:
            items.append(f"<li>{link}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _sort_key(title: str, weight: int) -> tuple[bool, int, str]:
    return (weight == 0, weight, title.lower())


def nav_from_folders(site: Site, section: Section) -> tuple[NavNode, ...]:
    """The tree of ``section``: its pages and subsections, each level by weight then title."""
    entries: list[tuple[tuple[bool, int, str], NavNode]] = []
    for page in section.pages:
        if page.kind is PageKind.PAGE:
            entries.append((_sort_key(page.meta.title, page.meta.weight), NavNode(page.meta.title, page.url)))
    for child_id in section.children:
        child = site.sections[child_id]
        weight = child.index.meta.weight if child.index is not None else 0
        node = NavNode(child.title, child.url if child.index is not None else None,
                       nav_from_folders(site, child), None if child.index is not None else child.url)
        if node.url is None and not node.children:
            continue
        entries.append((_sort_key(child.title, weight), node))
    entries.sort(key=lambda entry: entry[0])
    return tuple(node for _, node in entries)


def nav_from_config(items: Sequence[NavItem], site: Site) -> tuple[tuple[NavNode, ...], tuple[Problem, ...]]:
    """The ``[[nav]]`` tree; an entry naming a page the site does not publish is a problem (and left out)."""
    problems: list[Problem] = []

    def convert(entries: Sequence[NavItem], where: str) -> tuple[NavNode, ...]:
        nodes: list[NavNode] = []
        for number, item in enumerate(entries, 1):
            url = item.url or None
            title = item.title
            if item.page and not item.url:
                page = site.by_rel.get(item.page.lstrip("/"))
                if page is None:
                    problems.append(Problem(f'{where}[{number}] "{item.title}": page {item.page} is not a '
                                            "published page", "sitepush.toml", None,
                                            "give its path relative to the content folder"))
                else:
                    url = page.url
                    title = item.title or page.meta.title
            children = convert(item.children, f"{where}[{number}].children")
            if url is not None or children:
                nodes.append(NavNode(title or url or "", url, children))
        return tuple(nodes)

    return convert(items, "nav"), tuple(problems)


def docs_nav(site: Site, items: Sequence[NavItem], root: Section | None = None) -> DocsNav:
    """The site's docs navigation: from ``[[nav]]`` when given, else from the folders under ``root``
    (the home section by default), the root's own page first."""
    if items:
        roots, problems = nav_from_config(items, site)
        return DocsNav(roots, problems)
    section = root or site.home
    nodes = nav_from_folders(site, section)
    if section.index is not None:
        nodes = (NavNode(section.index.meta.title or section.title, section.url), *nodes)
    return DocsNav(nodes)
