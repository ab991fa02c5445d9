"""Assemble parsed pages into a site: which pages are published, their URLs, sections and taxonomies.

``assemble_site`` is pure: the parsed sources, the config and the clock in, a :class:`Site` out. It decides:

- publication: drafts only with ``drafts``; future ``date``/``publish_date`` only with ``build.future``;
  a past ``expiry_date`` hides the page; Hugo's ``build``/``cascade``/``headless`` options
  (``build_options``) hide a page that is not rendered and leave one that is not listed out of listings;
- a page of a section with a ``[build.permalinks]`` pattern is placed by it (``permalinks``);
- URLs (``urls.page_url``) and that no two outputs claim the same file;
- sections: every folder holding pages (or an ``_index.md``) is a section, nested under the nearest folder
  above it that is one (in Jekyll mode, which has no folder listings, every page is in the home section); a section lists its own pages ordered by weight (weighted first), then newest date,
  then title;
- taxonomies: the names in ``build.taxonomies``; terms merge when their slugs are equal (``Go``/``go``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sitepush.builder.build_options import OptionSource, build_options
from sitepush.builder.model import PageKind, PageMeta, RenderedBody, SourceFile
from sitepush.builder.permalinks import expand_permalink, permalink_pattern
from sitepush.builder.urls import output_key, page_url, slugify
from sitepush.config import Config
from sitepush.errors import Problem

FAR_PAST = datetime.min


@dataclass(frozen=True)
class ParsedSource:
    """One source after front matter parsing and Markdown rendering."""

    source: SourceFile
    meta: PageMeta
    body: RenderedBody
    digest: str
    """Content hash of the source bytes."""
    key_lines: Mapping[str, int] = field(default_factory=dict)
    """Line of each top-level front-matter key, lower-cased (for messages about that key)."""
    residue: tuple[tuple[str, int, str], ...] = ()
    """(kind, line, text) of the first construct of each kind left as text (:mod:`sitepush.builder.residue`)."""

    def line_of(self, *keys: str) -> int | None:
        """The line of the first of ``keys`` the front matter has, else None."""
        return next((self.key_lines[k] for k in keys if k in self.key_lines), None)


@dataclass(frozen=True, eq=False)
class Page:
    """A published page: a parsed source with its place in the site."""

    parsed: ParsedSource
    url: str
    key: str
    """Output file, e.g. ``blog/post/index.html``."""
    section: str | None
    """Id of the section listing this page (None for the home page)."""
    lang: str

    @property
    def meta(self) -> PageMeta:
        """The page's normalised front matter."""
        return self.parsed.meta

    @property
    def rel(self) -> str:
        """The source path relative to the content folder."""
        return self.parsed.source.rel

    @property
    def kind(self) -> PageKind:
        """Page, section index or home."""
        return self.parsed.source.kind


@dataclass(frozen=True)
class Section:
    """A folder of pages with its own listing page."""

    id: str
    """``lang:folder`` — e.g. ``en:blog``; the home section is ``en:``."""
    folder: str
    lang: str
    url: str
    title: str
    index: Page | None
    """The section's ``_index.md`` page, if it has one."""
    pages: tuple[Page, ...]
    """Regular pages directly in this section, in listing order."""
    parent: str | None
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy and the pages that carry it (newest first)."""

    taxonomy: str
    name: str
    slug: str
    url: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Site:
    """Everything the builder publishes, before rendering."""

    pages: tuple[Page, ...]
    """Every published page, section index and home page, in source order."""
    sections: dict[str, Section]
    taxonomies: dict[str, tuple[Term, ...]]
    home: Section
    hidden: tuple[str, ...] = ()
    """Sources not published (drafts, future, expired, or under such a section), by rel."""
    hidden_folders: tuple[str, ...] = ()
    """Folders (``blog/secret/``) of sections that are not published, with everything in them."""
    by_rel: dict[str, Page] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


def is_published(meta: PageMeta, *, drafts: bool, future: bool, now: datetime) -> bool:
    """Whether a page is built: drafts, future dates and expiry as the config and flags say."""
    if meta.draft and not drafts:
        return False
    if not future:
        if meta.date is not None and meta.date > now:
            return False
        if meta.publish_date is not None and meta.publish_date > now:
            return False
    if meta.expiry_date is not None and meta.expiry_date <= now:
        return False
    return True


def listing_order(page: Page) -> tuple[bool, int, float, str]:
    """Weighted pages first (ascending), then newest first, then by title."""
    meta = page.meta
    stamp = meta.date.timestamp() if meta.date else float("-inf")
    return (meta.weight == 0, meta.weight, -stamp, meta.title.lower())


def _section_folder(source: SourceFile) -> str:
    folder = source.rel.rpartition("/")[0]
    if source.kind is PageKind.PAGE and source.bundle:
        folder = folder.rpartition("/")[0]
    return folder


def assemble_site(parsed: Sequence[ParsedSource], config: Config, *, drafts: bool,
                  now: datetime, display_prefix: str) -> Site:
    """Decide what is published and where; problems (URL clashes) are returned, not raised."""
    default_lang = config.site.language.split("-")[0].lower()
    pretty = config.build.pretty_urls
    as_written = config.build.names_as_written
    # Jekyll has no folder listings: in Jekyll mode every page belongs to the home section.
    jekyll = config.build.conventions == "jekyll"

    def folder_of(source: SourceFile) -> str:
        return "" if jekyll else _section_folder(source)

    problems: list[Problem] = []
    published: list[tuple[ParsedSource, str, str]] = []  # parsed, url, lang
    hidden: list[str] = []
    # Hugo's build options (front matter `build`, `cascade`, `headless`): not rendered is not published.
    options = build_options(OptionSource(item.source.rel, item.meta.params, item.source.kind is PageKind.SECTION)
                            for item in parsed)
    unlisted = {rel for rel, chosen in options.items() if chosen.render and not chosen.listed}

    def shown(item: ParsedSource) -> bool:
        return is_published(item.meta, drafts=drafts, future=config.build.future, now=now) and (
            item.source.rel not in options or options[item.source.rel].render)

    # A section whose own page is not published takes its whole folder with it (Zola's rule: a
    # drafted section's pages, subsections and assets are not processed).
    hidden_folders = tuple(
        item.source.rel.rpartition("/")[0] + "/" for item in parsed
        if item.source.kind is PageKind.SECTION and not shown(item))
    for item in parsed:
        if not shown(item) or item.source.rel.startswith(hidden_folders):
            hidden.append(item.source.rel)
            continue
        lang = item.source.lang if item.source.lang and item.source.lang != default_lang else default_lang
        pattern = None if item.meta.url else permalink_pattern(config.build.permalinks, item.source)
        if pattern is not None:
            lang_prefix = f"/{lang}" if lang != default_lang else ""
            url = lang_prefix + expand_permalink(pattern, item.source, title=item.meta.title,
                                                 slug=item.meta.slug, date=item.meta.date)
        else:
            url = page_url(item.source, slug=item.meta.slug, url=item.meta.url, pretty=pretty,
                           default_lang=default_lang, as_written=as_written)
        published.append((item, url, lang))

    # Sections: folders with an index page or with regular pages.
    folders: dict[tuple[str, str], ParsedSource | None] = {("", default_lang): None}
    for item, _url, lang in published:
        if item.source.kind in (PageKind.HOME, PageKind.SECTION):
            folders[(item.source.rel.rpartition("/")[0], lang)] = item
    for item, _url, lang in published:
        if item.source.kind is PageKind.PAGE:
            folders.setdefault((folder_of(item.source), lang), None)
    for folder, lang in list(folders):
        if lang != default_lang:
            folders.setdefault(("", lang), None)

    def section_id(folder: str, lang: str) -> str:
        return f"{lang}:{folder}"

    def parent_of(folder: str, lang: str) -> str | None:
        if folder == "":
            return None
        up = folder
        while up:
            up = up.rpartition("/")[0]
            if (up, lang) in folders:
                return section_id(up, lang)
        return None

    pages: list[Page] = []
    claimed: dict[str, str] = {}
    for item, url, lang in published:
        source = item.source
        if source.kind is PageKind.PAGE:
            section: str | None = section_id(folder_of(source), lang)
        elif source.kind is PageKind.SECTION:
            section = parent_of(source.rel.rpartition("/")[0], lang)
        else:
            section = None
        key = output_key(url)
        if key in claimed:
            problems.append(Problem(
                f"{url} is also the URL of {display_prefix}{claimed[key]}",
                f"{display_prefix}{source.rel}", item.line_of("url", "permalink", "slug"),
                "give one of them another `slug` or `url` in its front matter"))
            continue
        claimed[key] = source.rel
        pages.append(Page(item, url, key, section, lang))

    by_folder: dict[str, list[Page]] = {}
    for page in pages:
        if page.kind is PageKind.PAGE and page.section is not None and page.rel not in unlisted:
            by_folder.setdefault(page.section, []).append(page)
    index_pages = {section_id(p.rel.rpartition("/")[0], p.lang): p for p in pages
                   if p.kind in (PageKind.HOME, PageKind.SECTION)}

    sections: dict[str, Section] = {}
    children: dict[str, list[str]] = {}
    for folder, lang in sorted(folders):
        sid = section_id(folder, lang)
        parent = parent_of(folder, lang)
        if parent is not None:
            children.setdefault(parent, []).append(sid)
    for folder, lang in sorted(folders):
        sid = section_id(folder, lang)
        index = index_pages.get(sid)
        lang_prefix = f"/{lang}" if lang != default_lang else ""
        url = index.url if index else lang_prefix + page_url(
            SourceFile(f"{folder}/_index.md" if folder else "_index.md", config.root,
                       PageKind.SECTION), slug=None, url=None, pretty=pretty,
            default_lang=default_lang, as_written=as_written)
        title = (index.meta.title if index and index.meta.title else
                 _folder_title(folder) if folder else config.site.title)
        listed = tuple(sorted(by_folder.get(sid, []), key=listing_order))
        sections[sid] = Section(sid, folder, lang, url, title, index, listed,
                                parent_of(folder, lang), tuple(children.get(sid, [])))
        if not index and folder:
            key = output_key(url)
            if key in claimed:
                problems.append(Problem(
                    f"{url} is the listing of folder {folder}/ and also the URL of "
                    f"{display_prefix}{claimed[key]}", f"{display_prefix}{claimed[key]}", None,
                    "give the page another `slug` or `url`, or rename the folder"))
            claimed[key] = f"{folder}/"

    taxonomies = _collect_terms([p for p in pages if p.rel not in unlisted], config, claimed, problems,
                                display_prefix)
    return Site(tuple(pages), sections, taxonomies, sections[section_id("", default_lang)],
                tuple(hidden), hidden_folders, {p.rel: p for p in pages}, tuple(problems))


def _folder_title(folder: str) -> str:
    name = folder.rpartition("/")[2].replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else folder


def _terms_of(page: Page, taxonomy: str) -> tuple[str, ...]:
    """The page's terms of ``taxonomy``: from tags/categories/[taxonomies], else (Hugo: any configured
    taxonomy is a front-matter key of its own, ``series: [intro]``) the top-level key of that name."""
    found = page.meta.taxonomies.get(taxonomy)
    if found is not None:
        return found
    value = page.meta.params.get(taxonomy)
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return tuple(dict.fromkeys(str(item).strip() for item in items
                               if isinstance(item, (str, int, float)) and str(item).strip()))


def _collect_terms(pages: Sequence[Page], config: Config, claimed: dict[str, str],
                   problems: list[Problem], display_prefix: str) -> dict[str, tuple[Term, ...]]:
    taxonomies: dict[str, tuple[Term, ...]] = {}
    for taxonomy in config.build.taxonomies:
        names: dict[str, str] = {}
        members: dict[str, list[Page]] = {}
        for page in pages:
            for name in _terms_of(page, taxonomy):
                slug = slugify(name) or "-"
                names.setdefault(slug, name)
                if page not in members.setdefault(slug, []):
                    members[slug].append(page)
        terms = []
        for slug in sorted(names, key=lambda s: names[s].lower()):
            newest_first = sorted(members[slug], key=lambda p: (
                -(p.meta.date.timestamp() if p.meta.date else float("-inf")), p.meta.title.lower()))
            terms.append(Term(taxonomy, names[slug], slug, f"/{taxonomy}/{slug}/", tuple(newest_first)))
        if terms or any(taxonomy in p.meta.taxonomies for p in pages):
            for url in [f"/{taxonomy}/"] + [t.url for t in terms]:
                key = output_key(url)
                if key in claimed:
                    problems.append(Problem(
                        f"{url} is a {taxonomy} page and also the URL of {display_prefix}{claimed[key]}",
                        f"{display_prefix}{claimed[key]}", None,
                        "move that page, or rename the taxonomy in sitepush.toml [build] taxonomies"))
                claimed[key] = url
        taxonomies[taxonomy] = tuple(terms)
    return taxonomies
