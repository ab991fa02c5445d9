"""From an assembled site to the list of outputs: what each template gets, and the generated files.

``plan_outputs`` is pure. Every HTML output is a :class:`RenderJob` (template + context of frozen views);
feeds, the sitemap and robots.txt are bytes; aliases and ``[[redirects]]`` become a redirect table for the
syncer (never HTML copies). The views hold everything an output depends on, so the builder can compare a
job's context with the previous build's and skip rendering when they are equal.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from markupsafe import Markup

from sitepush.builder.feeds import FeedEntry, SitemapEntry, atom_feed, robots_txt, sitemap
from sitepush.builder.headings import page_heading
from sitepush.builder.links import prefix_root_links
from sitepush.builder.model import PageKind
from sitepush.builder.nav import DocsNav, docs_nav, nav_from_folders
from sitepush.builder.site import Page, Section, Site, Term
from sitepush.builder.urls import join_url, output_key, paginated_url, site_href, slugify
from sitepush.builder.views import Link, PageSummary, PageView, Paginator, SiteView, TaxonomyView, TermRef
from sitepush.config import Config
from sitepush.errors import Problem

WORDS_PER_MINUTE = 220
FEED_NAME = "feed.xml"
HIGHLIGHT_CSS_KEY = "assets/highlight.css"
DOCS_TEMPLATE = "docs.html"
"""What front matter ``layout: docs`` reads as: the section is laid out as docs."""


@dataclass(frozen=True)
class RenderJob:
    """One HTML output: render ``template`` with ``context`` into ``key``."""

    key: str
    template: str
    context: Mapping[str, Any]
    origin: str
    """The source the output comes from (for error messages), or the template's name."""
    fallback: str | None = None
    """The kind's own template, when ``template`` was asked for by front matter and may not exist."""
    template_line: int | None = None
    """Line of the front matter's ``template:`` key, when it chose the template."""
    template_key: str = "template"
    """The key the front matter chose the template with: ``template`` or ``layout`` (Jekyll, Hugo)."""


@dataclass
class ViewMemo:
    """The views of the previous build, keyed by source, with the inputs each was made from.

    A view whose inputs are equal to last time's is reused as the same object, so the builder can tell
    it is unchanged by identity instead of hashing it again (what keeps a one-page rebuild of a large
    site fast in the preview server).
    """

    pages: dict[str, tuple[tuple[Any, ...], PageView]] = field(default_factory=dict)
    summaries: dict[str, tuple[tuple[Any, ...], PageSummary]] = field(default_factory=dict)
    site: SiteView | None = None
    generated: dict[str, tuple[Any, bytes]] = field(default_factory=dict)
    """Feeds and the sitemap by output key, with the arguments they were made from."""
    shape: tuple[Any, ...] | None = None
    """What every page's view reads of the other pages (see :func:`site_shape`)."""


@dataclass(frozen=True)
class OutputPlan:
    """Everything the builder writes, except copied files."""

    jobs: tuple[RenderJob, ...]
    generated: Mapping[str, bytes]
    redirects: Mapping[str, str]
    """Site path → target for S3 website redirects: a URL, or a path on the host (the base path in front)."""
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    memo: ViewMemo = field(default_factory=ViewMemo)
    """The views made for this plan, to pass to the next plan_outputs call."""


def reading_time(words: int) -> int:
    """Minutes to read ``words`` at 220 words a minute, at least one."""
    return max(1, round(words / WORDS_PER_MINUTE))


class _Views:
    """Builds views once per page and shares them between the outputs that show the page."""

    def __init__(self, site: Site, config: Config, html_of: Mapping[str, str],
                 memo: ViewMemo | None) -> None:
        self.site = site
        self.config = config
        self.html_of = html_of
        self.term_counts = {(t.taxonomy, t.slug): len(t.pages)
                            for terms in site.taxonomies.values() for t in terms}
        self._summaries: dict[str, PageSummary] = {}
        self._crumbs: dict[str | None, tuple[Link, ...]] = {}
        # The error page (content/404.md) is nobody's neighbour and in no listing.
        self._listed = {name: [p for p in s.pages if not is_error_page(p)] for name, s in site.sections.items()}
        self._positions = {id(p): i for listed in self._listed.values() for i, p in enumerate(listed)}
        self._navs: dict[str, DocsNav] = {}
        self.lastmod: Mapping[str, datetime] = {}
        self.problems: list[Problem] = []
        self.old = memo or ViewMemo()
        self.new = ViewMemo()
        self.same_shape = False

    def generate(self, key: str, make: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
        """``make(*args, **kwargs)``, or last build's bytes when the arguments are equal."""
        inputs = (make.__name__, args, kwargs)
        old = self.old.generated.get(key)
        data = old[1] if old is not None and old[0] == inputs else make(*args, **kwargs)
        self.new.generated[key] = (inputs, data)
        return data

    def term_refs(self, page: Page, taxonomy: str) -> tuple[TermRef, ...]:
        refs = []
        for name in page.meta.taxonomies.get(taxonomy, ()):
            slug = slugify(name) or "-"
            refs.append(TermRef(name, f"/{taxonomy}/{slug}/", self.term_counts.get((taxonomy, slug), 0)))
        return tuple(refs)

    def summary_html(self, page: Page) -> Markup:
        if page.meta.summary:
            return Markup(f"<p>{html.escape(page.meta.summary)}</p>")
        if page.meta.description:
            return Markup(f"<p>{html.escape(page.meta.description)}</p>")
        # A <!--more--> summary is the start of the body's own HTML, so it is cut from the body with its links
        # resolved (the parsed summary still holds the placeholders of links to .md files and assets).
        resolved = self.html_of.get(page.rel)
        summary = None
        if resolved is not None and "<!--more-->" in resolved:
            from sitepush.builder.markdown_render import summary_before_more  # Markdown's import, when needed

            summary = summary_before_more(resolved)
        if summary is None:
            summary = page.parsed.body.summary_html
            if self.config.build.conventions != "jekyll":
                summary = prefix_root_links(summary, self.config.site.base_path)
        return Markup(summary)

    def summary(self, page: Page) -> PageSummary:
        cached = self._summaries.get(page.rel)
        if cached is None:
            tags = self.term_refs(page, "tags") if "tags" in self.site.taxonomies else ()
            inputs = (page.parsed, page.url, tags, self.html_of.get(page.rel))
            old = self.old.summaries.get(page.rel)
            if old is not None and old[0] == inputs:
                cached = old[1]
            else:
                cached = PageSummary(
                    title=page.meta.title, url=page.url, date=page.meta.date,
                    summary=self.summary_html(page), description=page.meta.description, tags=tags,
                    reading_time=reading_time(page.parsed.body.word_count), draft=page.meta.draft)
            self.new.summaries[page.rel] = (inputs, cached)
            self._summaries[page.rel] = cached
        return cached

    def section_link(self, section: Section) -> Link:
        return Link(section.title, section.url, len(section.pages))

    def breadcrumbs(self, section_id: str | None) -> tuple[Link, ...]:
        known = self._crumbs.get(section_id)
        if known is None:
            known = self._crumbs[section_id] = self._breadcrumbs(section_id)
        return known

    def _breadcrumbs(self, section_id: str | None) -> tuple[Link, ...]:
        chain: list[Link] = []
        while section_id is not None:
            section = self.site.sections[section_id]
            chain.append(Link(section.title if section.folder else "Home", section.url))
            section_id = section.parent
        if not chain or chain[-1].url != self.site.home.url:
            chain.append(Link("Home", self.site.home.url))
        return tuple(reversed(chain))

    def docs_nav(self, section_id: str | None) -> DocsNav | None:
        """The docs navigation a page of section ``section_id`` shows, or None for a blog section:
        the site's when ``[build] layout = "docs"``, else that of the nearest section whose
        ``_index.md`` says ``layout: docs``."""
        root: Section | None = None
        if self.config.build.layout != "docs":
            current = self.site.sections.get(section_id) if section_id else None
            while current is not None and root is None:
                # `layout: docs` is read as the template docs.html (Jekyll's and Hugo's key).
                if current.index is not None and current.index.meta.template == DOCS_TEMPLATE:
                    root = current
                current = self.site.sections.get(current.parent) if current.parent else None
            if root is None:
                return None
        key = root.id if root is not None else ""
        nav = self._navs.get(key)
        if nav is None:
            if self.config.build.conventions == "jekyll" and root is None and not self.config.nav:
                from sitepush.builder.jekyll.config import jekyll_setting
                from sitepush.builder.jekyll.nav import jekyll_nav

                nav_sort = jekyll_setting(self.config.content_path, "nav_sort")
                nav = self._navs[key] = jekyll_nav(self.site, nav_sort=nav_sort)
            else:
                nav = self._navs[key] = docs_nav(self.site, self.config.nav if root is None else (), root)
            nav.base_path = self.config.site.base_path
            self.problems.extend(nav.problems)
        return nav

    def page(self, page: Page) -> PageView:
        if self.same_shape:
            # Nothing a view reads of other pages changed: a page parsed and resolved as last time
            # (the very objects) has last time's view; only edited pages are looked at again.
            old = self.old.pages.get(page.rel)
            if old is not None and old[0][0] is page.parsed and old[0][1] is self.html_of[page.rel]:
                self.new.pages[page.rel] = old
                return old[1]
        neighbours: tuple[Link | None, Link | None] = (None, None)
        section = self.site.sections.get(page.section) if page.section else None
        own_section = page.rel.rpartition("/")[0] if page.kind is PageKind.SECTION else None
        nav = self.docs_nav(f"{page.lang}:{own_section}" if own_section is not None else page.section) \
            if page.kind is not PageKind.HOME or self.config.build.layout == "docs" else None
        nav_html = nav.sidebar(page.url) if nav is not None else ""
        if nav is not None and page.url in nav:
            before, after = nav.neighbours(page.url)
            neighbours = (Link(*before) if before else None, Link(*after) if after else None)
        elif page.kind is PageKind.PAGE and section is not None:
            listed = self._listed.get(page.section or "", section.pages)
            at = self._positions.get(id(page))
            if at is not None:
                neighbours = (Link(listed[at - 1].meta.title, listed[at - 1].url) if at > 0 else None,
                              Link(listed[at + 1].meta.title, listed[at + 1].url)
                              if at + 1 < len(listed) else None)
        in_section = section if section is not None and section.folder else None
        section_link = self.section_link(in_section) if in_section else None
        crumbs = self.breadcrumbs(page.section) if page.kind is not PageKind.HOME else ()
        if nav is not None and page.url in nav:
            crumbs = (Link("Home", self.site.home.url),
                      *(Link(title, url) for title, url in nav.crumbs(page.url) if url != self.site.home.url))
        taxonomies = {name: self.term_refs(page, name) for name in self.site.taxonomies}
        content = self.html_of[page.rel]
        inputs = (page.parsed, content, page.url, page.lang, neighbours, section_link, crumbs,
                  taxonomies, nav_html, self.lastmod.get(page.rel))
        old = self.old.pages.get(page.rel)
        if old is not None and old[0] == inputs:
            view = old[1]
        else:
            view = self._page_view(page, neighbours, section_link, crumbs, taxonomies, nav_html)
        self.new.pages[page.rel] = (inputs, view)
        return view

    def _page_view(self, page: Page, neighbours: tuple[Link | None, Link | None],
                   section_link: Link | None, crumbs: tuple[Link, ...],
                   taxonomies: dict[str, tuple[TermRef, ...]], nav_html: str = "") -> PageView:
        meta = page.meta
        body = page.parsed.body
        title = meta.title or (self.config.site.title if page.kind is PageKind.HOME else "")
        heading = page_heading(self.html_of[page.rel],
                               title_from_body=not meta.title or meta.title == body.first_heading)
        return PageView(
            kind=page.kind.value,
            title=title,
            url=page.url,
            permalink=join_url(self.config.site.base_url, page.url),
            content=Markup(heading.content),
            toc=Markup(body.toc_html),
            toc_items=body.toc,
            summary=self.summary_html(page),
            description=meta.description,
            date=meta.date,
            updated=meta.updated or self.lastmod.get(page.rel),
            draft=meta.draft,
            tags=taxonomies.get("tags", ()),
            taxonomies=taxonomies,
            section=section_link,
            breadcrumbs=crumbs,
            prev=neighbours[0],
            next=neighbours[1],
            reading_time=reading_time(body.word_count),
            word_count=body.word_count,
            lang=page.lang,
            source=page.rel,
            params=meta.params,
            heading=Markup(heading.inner_html),
            heading_id=heading.id,
            title_in_body=heading.in_body,
            nav=Markup(nav_html),
        )

    def folder_page(self, section: Section) -> PageView | None:
        """The page of a docs folder without an index page: a section of the nav (its branch open, its
        entries listed in nav order), not a dated listing; None outside docs sections."""
        nav = self.docs_nav(section.id)
        if nav is None:
            return None
        members = [p.url for p in self._listed.get(section.id, ())]
        path = nav.group_path(section.url, members)
        if path is not None:
            nav_html, entries = nav.group_sidebar(path), nav.group_entries(path)
            crumbs = (Link("Home", self.site.home.url), *(Link(title, url) for title, url
                                                            in nav.group_crumbs(path)
                                                            if url != self.site.home.url))
        else:  # the tree does not hold the folder: list its pages and subfolders as the folder orders them
            nav_html, crumbs = nav.sidebar(section.url), self.breadcrumbs(section.parent)
            entries = tuple((node.title, node.url or "") for node in nav_from_folders(self.site, section)
                            if node.url is not None)
        base = self.config.site.base_path
        listing = "".join(f'<li><a href="{html.escape(site_href(url, base))}">{html.escape(title)}</a></li>'
                          for title, url in entries)
        view = self.synthetic_page(section.title, section.url, "section", section.parent)
        return replace(view, content=Markup(f'<ul class="section-entries">{listing}</ul>' if listing else ""),
                       nav=Markup(nav_html), breadcrumbs=crumbs,
                       section=self.section_link(self.site.sections[section.parent])
                       if section.parent and self.site.sections[section.parent].folder else None)

    def synthetic_page(self, title: str, url: str, kind: str, section: str | None) -> PageView:
        return PageView(kind=kind, title=title, url=url,
                        permalink=join_url(self.config.site.base_url, url), content=Markup(""),
                        toc=Markup(""), toc_items=(), summary=Markup(""), description="", date=None,
                        updated=None, draft=False, tags=(), taxonomies={}, section=None,
                        breadcrumbs=self.breadcrumbs(section) if kind != "home" else (),
                        prev=None, next=None, reading_time=1, word_count=0,
                        lang=self.config.site.language, source="")


def _paginate(items: Sequence[Any], per_page: int, base_url: str
              ) -> list[tuple[str, Sequence[Any], Paginator]]:
    total = max(1, -(-len(items) // per_page))
    pages = []
    for number in range(1, total + 1):
        chunk = items[(number - 1) * per_page: number * per_page]
        pages.append((paginated_url(base_url, number), chunk, Paginator(
            number=number, url=paginated_url(base_url, number), total_pages=total, total_items=len(items),
            prev_url=paginated_url(base_url, number - 1) if number > 1 else None,
            next_url=paginated_url(base_url, number + 1) if number < total else None,
            first_url=base_url, last_url=paginated_url(base_url, total))))
    return pages


def site_view(site: Site, config: Config) -> SiteView:
    """The values every template sees: titles, menu, feed and stylesheet URLs, taxonomies."""
    if config.menu:
        menu = tuple(Link(item.title, item.url) for item in sorted(config.menu, key=lambda m: m.weight))
    else:
        top = [site.sections[c] for c in site.home.children]
        ordered = sorted(top, key=lambda s: (
            (s.index.meta.weight == 0, s.index.meta.weight) if s.index else (True, 0), s.title.lower()))
        menu = tuple(Link(s.title, s.url) for s in ordered)
    return SiteView(
        title=config.site.title, description=config.site.description,
        base_url=config.site.base_url, language=config.site.language, author=config.site.author,
        menu=menu, feed_url="/" + FEED_NAME, highlight_css_url="/" + HIGHLIGHT_CSS_KEY,
        search_url="/pagefind/" if config.build.search else "", logo=config.site.logo,
        taxonomies=tuple(TaxonomyView(name, name.replace("_", " ").title(), f"/{name}/")
                         for name in site.taxonomies),
        params=config.site.params,
        extra_css=tuple(_asset_url(item) for item in config.site.extra_css),
        extra_javascript=tuple(_asset_url(item) for item in config.site.extra_javascript),
        edit_url=config.site.edit_url)


def _asset_url(item: str) -> str:
    """A ``[site] extra_css``/``extra_javascript`` entry as a URL: a site path is made absolute."""
    return item if "://" in item or item.startswith("//") else "/" + item.lstrip("/")


def _feed_entries(pages: Sequence[Page], views: _Views, config: Config) -> list[FeedEntry]:
    dated = [p for p in pages if p.kind is PageKind.PAGE and p.meta.date is not None
             and not p.meta.draft]
    dated.sort(key=lambda p: (p.meta.date, p.url), reverse=True)  # type: ignore[arg-type,return-value]
    entries = []
    for page in dated[: config.build.feed_items]:
        assert page.meta.date is not None
        summary = page.meta.summary or page.meta.description or ""
        entries.append(FeedEntry(
            title=page.meta.title, url=page.url, date=page.meta.date, updated=page.meta.updated,
            summary=summary, content_html=views.html_of[page.rel],
            author=str(page.meta.params.get("author", "") or config.site.author),
            categories=tuple(name for tax in page.meta.taxonomies.values() for name in tax)))
    return entries


def _subtree_pages(site: Site, section: Section) -> list[Page]:
    found = list(section.pages)
    for child in section.children:
        found.extend(_subtree_pages(site, site.sections[child]))
    return found


def plan_outputs(site: Site, config: Config, html_of: Mapping[str, str],
                 memo: ViewMemo | None = None,
                 lastmod: Mapping[str, datetime] | None = None) -> OutputPlan:
    """Every rendered page, listing, feed and redirect of the site.

    ``lastmod`` (source rel → date, from git) is a page's ``updated`` when front matter has none.

    ``memo`` (the previous plan's) lets unchanged views be reused as the same objects.
    """
    views = _Views(site, config, html_of, memo)
    views.lastmod = lastmod or {}
    views.new.shape = site_shape(site, config, views.lastmod)
    views.same_shape = views.old.shape is not None and views.old.shape == views.new.shape
    site_v = site_view(site, config)
    if views.old.site is not None and views.old.site == site_v:
        site_v = views.old.site
    views.new.site = site_v
    jobs: list[RenderJob] = []
    generated: dict[str, bytes] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    per_page = config.build.paginate
    not_found = error_page(site, config, problems)

    for page in site.pages:
        if page is not_found or redirect_target(page, config):
            continue
        if page.kind is PageKind.PAGE:
            jobs.append(RenderJob(page.key, page.meta.template or "page.html",
                                  {"site": site_v, "page": views.page(page)}, page.rel,
                                  "page.html" if page.meta.template else None,
                                  page.parsed.line_of("template", "layout"), _template_key(page)))

    for section in site.sections.values():
        own = views.page(section.index) if section.index else (
            section.folder and views.folder_page(section)) or views.synthetic_page(
            section.title, section.url, "home" if not section.folder else "section", section.parent)
        is_home = section is site.home or (not section.folder)
        if is_home:
            dated = [p for p in site.pages if p.kind is PageKind.PAGE and p.meta.date is not None
                     and p.lang == section.lang]
            dated.sort(key=lambda p: (p.meta.date, p.url), reverse=True)  # type: ignore[arg-type,return-value]
            listed: Sequence[Page] = dated
            template = "home.html"
        else:
            listed = [p for p in section.pages if not is_error_page(p)]
            template = "section.html"
        fallback = None
        docs_page = bool(own.nav) and (section.index is None
                                       or section.index.meta.template in (None, DOCS_TEMPLATE))
        if docs_page:
            # A docs section is a page with the sidebar (which lists its pages), not a dated listing.
            jobs.append(RenderJob(output_key(section.url), "page.html", {"site": site_v, "page": own},
                                  section.index.rel if section.index else "page.html"))
        elif section.index and section.index.meta.template:
            template, fallback = section.index.meta.template, template
        extra: dict[str, Any] = {}
        if is_home:
            extra["sections"] = tuple(views.section_link(site.sections[c]) for c in section.children)
        else:
            extra["subsections"] = tuple(views.section_link(site.sections[c]) for c in section.children)
        for url, chunk, paginator in _paginate(listed, per_page, section.url) if not docs_page else ():
            context = {"site": site_v, "page": own, "pages": tuple(views.summary(p) for p in chunk),
                       "paginator": paginator, **extra}
            jobs.append(RenderJob(output_key(url), template, context,
                                  section.index.rel if section.index else template, fallback,
                                  section.index.parsed.line_of("template", "layout")
                                  if section.index else None,
                                  _template_key(section.index) if section.index else "template"))
        subtree = _subtree_pages(site, section)
        entries = _feed_entries(subtree if not is_home else site.pages, views, config)
        if entries or is_home:
            feed_url = section.url + FEED_NAME
            generated[output_key(feed_url)] = views.generate(
                output_key(feed_url), atom_feed,
                title=config.site.title if is_home else f"{section.title} · {config.site.title}",
                base_url=config.site.base_url, feed_url=feed_url, page_url=section.url,
                language=section.lang, author=config.site.author, entries=tuple(entries))

    for taxonomy, terms in site.taxonomies.items():
        tax_view = next(t for t in site_v.taxonomies if t.name == taxonomy)
        if not terms:
            continue
        jobs.append(RenderJob(output_key(f"/{taxonomy}/"), "taxonomy.html", {
            "site": site_v, "taxonomy": tax_view,
            "terms": tuple(TermRef(t.name, t.url, len(t.pages)) for t in terms)}, "taxonomy.html"))
        for term in terms:
            ref = TermRef(term.name, term.url, len(term.pages))
            for url, chunk, paginator in _paginate(term.pages, per_page, term.url):
                jobs.append(RenderJob(output_key(url), "term.html", {
                    "site": site_v, "taxonomy": tax_view, "term": ref,
                    "pages": tuple(views.summary(p) for p in chunk), "paginator": paginator},
                    "term.html"))

    error_context: dict[str, Any] = {"site": site_v}
    if not_found is not None:
        error_context["page"] = views.page(not_found)
    jobs.append(RenderJob("404.html", "404.html", error_context, not_found.rel if not_found else "404.html"))
    generated["sitemap.xml"] = views.generate("sitemap.xml", sitemap, config.site.base_url,
                                              tuple(_sitemap_entries(site, not_found)))
    generated["robots.txt"] = robots_txt(config.site.base_url)
    redirects = _redirects(site, config, problems, warnings)
    warnings.extend(views.problems)  # [[nav]] entries naming no published page
    return OutputPlan(tuple(jobs), generated, redirects, tuple(problems), tuple(warnings), views.new)


def redirect_target(page: Page, config: Config) -> str | None:
    """Jekyll mode: where a page with ``redirect_to`` (jekyll-redirect-from) sends its URL instead of
    being rendered; a path is made site-absolute."""
    if config.build.conventions != "jekyll":
        return None
    target = page.meta.params.get("redirect_to")
    if isinstance(target, list):
        target = target[0] if target else None
    if not isinstance(target, str) or not target.strip():
        return None
    target = target.strip()
    return target if target.startswith(("http://", "https://", "/")) else "/" + target


def _template_key(page: Page) -> str:
    """``template`` or ``layout``: the key that chose the page's template, as page_meta reads them."""
    return "template" if "template" in page.parsed.key_lines or "layout" not in page.parsed.key_lines \
        else "layout"


_SHAPE_PARAMS = ("parent", "grand_parent", "nav_order", "nav_exclude", "has_children", "redirect_to")
"""Front-matter params that move a page within the site (Jekyll mode's navigation), beyond its own view."""


def site_shape(site: Site, config: Config, lastmod: Mapping[str, datetime]) -> tuple[Any, ...]:
    """Everything a page's view takes from beyond its own source: each page's place, URL, title,
    weight, template and terms (neighbours, the nav, breadcrumbs and term counts read them), each
    section's title, URL, pages in order and children, the git dates, ``[[nav]]`` and the layout.
    Equal shapes, equal source: equal view. Jekyll mode's navigation keys (just-the-docs' ``parent``,
    ``grand_parent``, ``nav_order``, ``nav_exclude``) and ``redirect_to`` place a page in the tree too."""
    pages = tuple((p.rel, p.url, p.key, p.lang, p.section, p.kind, p.meta.title, p.meta.weight,
                   p.meta.template, p.meta.draft, p.meta.taxonomies,
                   tuple(repr(p.meta.params.get(key)) for key in _SHAPE_PARAMS)) for p in site.pages)
    sections = tuple((s.id, s.url, s.title, s.folder, s.parent, s.children,
                      s.index.rel if s.index is not None else None, tuple(p.rel for p in s.pages))
                     for s in site.sections.values())
    return (pages, sections, dict(lastmod), config.nav, config.build.layout, config.site.base_url,
            config.site.title, config.site.language, tuple(site.taxonomies), site.home.id)


def is_error_page(page: Page) -> bool:
    """``content/404.md``, or a page whose URL is ``/404.html``: the site's own error document."""
    return page.kind is PageKind.PAGE and (page.rel == "404.md" or page.key == "404.html")


def error_page(site: Site, config: Config, problems: list[Problem]) -> Page | None:
    """The site's own 404 page: ``content/404.md``, or the page whose URL is ``/404.html``. It becomes the
    error document (``404.html``, rendered by the theme's 404 template with the page in it), never a
    page at ``/404/`` and never in the sitemap. Two such pages are a problem naming both."""
    found = [page for page in site.pages if is_error_page(page)]
    if len(found) > 1:
        problems.append(Problem(f"{config.build.shown_prefix}{found[0].rel} and {config.build.shown_prefix}"
                                f"{found[1].rel} are both the 404 page", f"{config.build.shown_prefix}{found[1].rel}",
                                found[1].parsed.line_of("url", "permalink"),
                                "keep one: content/404.md is the error document"))
    return found[0] if found else None


def _sitemap_entries(site: Site, not_found: Page | None = None) -> list[SitemapEntry]:
    entries = []
    for page in site.pages:
        if page.meta.draft or page is not_found:
            continue
        entries.append(SitemapEntry(page.url, page.meta.updated or page.meta.date))
    for section in site.sections.values():
        if section.index is None:
            entries.append(SitemapEntry(section.url, None))
    for taxonomy, terms in site.taxonomies.items():
        if terms:
            entries.append(SitemapEntry(f"/{taxonomy}/", None))
            entries.extend(SitemapEntry(t.url, _newest(t)) for t in terms)
    entries.sort(key=lambda e: e.url)
    return entries


def _newest(term: Term) -> datetime | None:
    dates = [p.meta.updated or p.meta.date for p in term.pages if p.meta.date]
    return max((d for d in dates if d is not None), default=None)


def _redirects(site: Site, config: Config, problems: list[Problem], warnings: list[Problem]
               ) -> dict[str, str]:
    """Aliases and [[redirects]]; an alias claimed twice keeps its first page (in source order) and warns."""
    urls = {page.url for page in site.pages}
    redirects: dict[str, str] = {}
    owners: dict[str, str] = {}
    for page in site.pages:
        for alias in page.meta.aliases:
            if alias in urls:
                problems.append(Problem(f"alias {alias} is the URL of another page",
                                        f"{config.build.shown_prefix}{page.rel}",
                                        page.parsed.line_of("aliases"),
                                        "remove the alias or move the other page"))
                continue
            if alias in owners and redirects[alias] != page.url:
                warnings.append(Problem(f"alias {alias} is also an alias of {owners[alias]}, "
                                        "which keeps it", f"{config.build.shown_prefix}{page.rel}",
                                        page.parsed.line_of("aliases"), "keep the alias on one page only"))
                continue
            redirects[alias] = page.url
            owners[alias] = f"{config.build.shown_prefix}{page.rel}"
    for page in site.pages:
        target = redirect_target(page, config)
        if target:
            redirects[page.url] = target
    for redirect in config.redirects:
        if redirect.from_ in urls:
            problems.append(Problem(f"redirect from {redirect.from_} hides an existing page",
                                    "sitepush.toml", None, "remove the redirect or the page"))
            continue
        redirects[redirect.from_] = redirect.to
    # The sources are site paths (keys under the deploy prefix); a target is a location S3 answers with,
    # which the browser reads on the host: a site path gets the base path in front (/docs/new/).
    base = config.site.base_path
    return {path: site_href(target, base) for path, target in sorted(redirects.items())}
