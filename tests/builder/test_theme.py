"""The default theme and the Jinja2 environment: every template renders real views, escapes what it
must, links what it should, requests nothing from other sites, and a broken template is reported as
``file:line: what — fix``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from sitepush.builder.theme import (
    absolute_url,
    make_environment,
    render_template,
)
from sitepush.builder.views import (
    Link,
    PageSummary,
    PageView,
    Paginator,
    SiteView,
    TaxonomyView,
    TermRef,
)
from tests.fixtures.paths import THEME

BASE_URL = "https://example.com/"
TEMPLATE_NAMES = ("page.html", "section.html", "home.html", "taxonomy.html", "term.html", "404.html")

# ---------------------------------------------------------------- factories of realistic views

TAGS = TaxonomyView("tags", "Tags", "/tags/")
PYTHON = TermRef("python", "/tags/python/", 3)
AWS = TermRef("aws & s3", "/tags/aws-s3/", 1)


def make_site(**changes: Any) -> SiteView:
    values: dict[str, Any] = dict(
        title="Field Notes", description="Notes on shipping small websites.", base_url=BASE_URL,
        language="en", author="Ada Example",
        menu=(Link("Home", "/"), Link("Blog", "/blog/"), Link("Docs", "/docs/"),
              Link("Source", "https://git.example.org/notes")),
        feed_url="/atom.xml", highlight_css_url="/assets/highlight.css", taxonomies=(TAGS,),
    )
    values.update(changes)
    return SiteView(**values)


def make_page(**changes: Any) -> PageView:
    values: dict[str, Any] = dict(
        kind="page", title="Deploying to S3", url="/blog/deploying/",
        permalink="https://example.com/blog/deploying/",
        content=Markup('<p>Run <code>sitepush deploy</code>.</p>\n<h2 id="why">Why</h2>\n<p>Fast.</p>'),
        toc=Markup(""), toc_items=(), summary=Markup("<p>Run <code>sitepush deploy</code>.</p>"),
        description="", date=datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc), updated=None,
        draft=False, tags=(PYTHON, AWS), taxonomies={"tags": (PYTHON, AWS)},
        section=Link("Blog", "/blog/"),
        breadcrumbs=(Link("Home", "/"), Link("Blog", "/blog/")),
        prev=Link("Older post", "/blog/older/"), next=Link("Newer post", "/blog/newer/"),
        reading_time=4, word_count=880, lang="en", source="blog/deploying.md",
    )
    values.update(changes)
    return PageView(**values)


def make_summary(number: int, **changes: Any) -> PageSummary:
    values: dict[str, Any] = dict(
        title=f"Post {number}", url=f"/blog/post-{number}/",
        date=datetime(2024, 5, number, 9, 30, tzinfo=timezone.utc),
        summary=Markup(f"<p>Summary <em>{number}</em>.</p>"), description="", tags=(PYTHON,),
        reading_time=number,
    )
    values.update(changes)
    return PageSummary(**values)


def make_paginator(number: int, total_pages: int, base: str = "/blog/") -> Paginator:
    def url(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    return Paginator(number=number, url=url(number), total_pages=total_pages, total_items=total_pages * 10,
                     prev_url=url(number - 1) if number > 1 else None,
                     next_url=url(number + 1) if number < total_pages else None,
                     first_url=url(1), last_url=url(total_pages))


def section_page() -> PageView:
    return make_page(kind="section", title="Blog", url="/blog/", permalink="https://example.com/blog/",
                     content=Markup("<p>Writing about the web.</p>"), tags=(), taxonomies={},
                     section=None, breadcrumbs=(Link("Home", "/"), Link("Blog", "/blog/")),
                     prev=None, next=None, date=None)


def home_page() -> PageView:
    return make_page(kind="home", title="Field Notes", url="/", permalink="https://example.com/",
                     content=Markup(""), tags=(), taxonomies={}, section=None, breadcrumbs=(),
                     prev=None, next=None, date=None)


def contexts() -> dict[str, dict[str, Any]]:
    """A realistic context for every template the builder renders."""
    site = make_site()
    pages = tuple(make_summary(n) for n in (3, 2, 1))
    return {
        "page.html": {"site": site, "page": make_page()},
        "section.html": {"site": site, "page": section_page(), "pages": pages,
                         "subsections": (Link("Releases", "/blog/releases/", 4),),
                         "paginator": make_paginator(1, 3)},
        "home.html": {"site": site, "page": home_page(), "pages": pages,
                      "sections": (Link("Blog", "/blog/", 12), Link("Docs", "/docs/", 30)),
                      "paginator": make_paginator(1, 2, "/")},
        "taxonomy.html": {"site": site, "taxonomy": TAGS, "terms": (PYTHON, AWS)},
        "term.html": {"site": site, "taxonomy": TAGS, "term": PYTHON, "pages": pages,
                      "paginator": make_paginator(2, 2, "/tags/python/")},
        "404.html": {"site": site},
    }


def render(name: str, context: Mapping[str, Any], *, site_root: Path | None = None,
           site_templates: Path | None = None) -> str:
    env = make_environment(site_templates, site_root=site_root or THEME.parent, base_url=BASE_URL)
    return render_template(env, name, context)


def attribute_values(html: str, tag: str, attribute: str) -> list[str]:
    return re.findall(rf'<{tag}\b[^>]*\b{attribute}="([^"]*)"', html)


# ---------------------------------------------------------------- every template renders


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_renders_a_complete_document_with_head_and_landmarks(name: str) -> None:
    html = render(name, contexts()[name])
    assert html.startswith("<!doctype html>\n<html lang=\"en\">")
    for required in ('<meta charset="utf-8">',
                     '<meta name="viewport" content="width=device-width, initial-scale=1">',
                     '<link rel="alternate" type="application/atom+xml" title="Field Notes" '
                     'href="/atom.xml">',
                     '<link rel="icon" type="image/svg+xml" href="/assets/favicon.svg">',
                     '<link rel="stylesheet" href="/assets/style.css">',
                     '<link rel="stylesheet" href="/assets/highlight.css">',
                     '<a class="skip-link" href="#main">Skip to content</a>',
                     '<main id="main" tabindex="-1">', '<nav class="site-nav" aria-label="Main">',
                     '<header class="site-header">', '<footer class="site-footer">'):
        assert required in html, required
    assert html.count("<h1") == 1
    assert html.rstrip().endswith("</html>")


def test_the_header_shows_the_sites_logo_and_never_sitepushs() -> None:
    plain = render("page.html", {"site": make_site(), "page": make_page()})
    header = plain.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert "<img" not in header and "Field Notes" in header  # no logo set: the title alone
    branded = render("page.html", {"site": make_site(logo="/images/notes.svg"), "page": make_page()})
    header = branded.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert attribute_values(header, "img", "src") == ["/images/notes.svg"]
    assert '<link rel="icon" href="/images/notes.svg">' in branded
    assert "/assets/favicon.svg" not in branded


@pytest.mark.parametrize(("name", "title"), [
    ("page.html", "Deploying to S3 · Field Notes"),
    ("section.html", "Blog · Field Notes"),
    ("home.html", "Field Notes"),
    ("taxonomy.html", "Tags · Field Notes"),
    ("term.html", "python (page 2) · Tags · Field Notes"),
    ("404.html", "Page not found · Field Notes"),
])
def test_title_is_page_title_then_site_title_and_home_is_site_title(name: str, title: str) -> None:
    html = render(name, contexts()[name])
    assert re.findall(r"<title>(.*?)</title>", html) == [title]


def test_page_title_is_escaped_while_its_content_html_is_kept() -> None:
    page = make_page(title="<script>alert(1)</script> & more",
                     content=Markup('<p>Kept <strong>bold</strong> &amp; <a href="/x/">link</a></p>'))
    html = render("page.html", {"site": make_site(), "page": page})
    assert "<script>alert(1)</script>" not in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more · Field Notes</title>" in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</h1>" in html
    assert '<p>Kept <strong>bold</strong> &amp; <a href="/x/">link</a></p>' in html


def test_listing_summaries_are_html_and_titles_and_tags_are_escaped() -> None:
    context = contexts()["section.html"]
    context["pages"] = (make_summary(1, title="a < b", tags=(TermRef("c&d", "/tags/c-d/"),)),)
    html = render("section.html", context)
    assert '<a href="/blog/post-1/">a &lt; b</a>' in html
    assert '<div class="entry-summary"><p>Summary <em>1</em>.</p></div>' in html
    assert '<a class="tag" href="/tags/c-d/" rel="tag">c&amp;d</a>' in html


def test_page_head_has_canonical_permalink_and_description_from_summary_text() -> None:
    html = render("page.html", contexts()["page.html"])
    assert attribute_values(html, "link", "href")[0] == "https://example.com/blog/deploying/"
    assert '<link rel="canonical" href="https://example.com/blog/deploying/">' in html
    assert '<meta name="description" content="Run sitepush deploy.">' in html


def test_page_description_from_front_matter_wins_over_summary() -> None:
    page = make_page(description='Ship "fast" sites')
    html = render("page.html", {"site": make_site(), "page": page})
    assert '<meta name="description" content="Ship &#34;fast&#34; sites">' in html


@pytest.mark.parametrize(("url", "current"), [
    ("/", "Home"), ("/blog/", "Blog"), ("/docs/", "Docs"), ("/about/", None),
])
def test_active_menu_link_has_aria_current_page(url: str, current: str | None) -> None:
    page = make_page(url=url, permalink=absolute_url(BASE_URL, url))
    html = render("page.html", {"site": make_site(), "page": page})
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', nav) == (
        [current] if current else [])


def test_menu_link_of_the_section_is_marked_as_ancestor_of_its_pages() -> None:
    html = render("page.html", contexts()["page.html"])
    assert '<a href="/blog/" class="is-ancestor">Blog</a>' in html
    assert 'aria-current="page">Blog<' not in html


def test_page_shows_dates_reading_time_tags_breadcrumbs_and_neighbours() -> None:
    page = make_page(updated=datetime(2024, 6, 2, 8, 0, tzinfo=timezone(timedelta(hours=2))))
    html = render("page.html", {"site": make_site(), "page": page})
    assert '<time datetime="2024-05-01T10:00:00+00:00">May 1, 2024</time>' in html
    assert 'Updated <time datetime="2024-06-02T08:00:00+02:00">June 2, 2024</time>' in html
    assert "4 min read" in html
    assert re.findall(r'<a class="tag" href="([^"]*)" rel="tag">([^<]*)</a>', html) == [
        ("/tags/python/", "python"), ("/tags/aws-s3/", "aws &amp; s3")]
    crumbs = html.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r"<li>(.*?)</li>", crumbs) == [
        '<a href="/">Home</a>', '<a href="/blog/">Blog</a>',
        '<span aria-current="page">Deploying to S3</span>']
    assert '<a class="prev" href="/blog/older/" rel="prev">' in html
    assert '<a class="next" href="/blog/newer/" rel="next">' in html
    assert "Draft" not in html


def test_draft_page_carries_a_draft_badge() -> None:
    html = render("page.html", {"site": make_site(), "page": make_page(draft=True)})
    assert '<h1>Deploying to S3 <span class="badge badge-draft">Draft</span></h1>' in html


def test_page_without_neighbours_has_no_prev_next_navigation() -> None:
    html = render("page.html", {"site": make_site(), "page": make_page(prev=None, next=None)})
    assert "prev-next" not in html
    assert 'rel="prev"' not in html and 'rel="next"' not in html


@pytest.mark.parametrize(("toc", "shown"), [
    (Markup(""), False),
    (Markup('<div class="toc">\n<ul>\n<li><a href="#why">Why</a></li>\n</ul>\n</div>'), True),
])
def test_table_of_contents_is_shown_only_when_the_page_has_one(toc: Markup, shown: bool) -> None:
    html = render("page.html", {"site": make_site(), "page": make_page(toc=toc)})
    assert ('<nav class="toc-nav" aria-labelledby="toc-heading" data-pagefind-ignore>' in html) is shown
    assert ('<article class="page has-toc" data-pagefind-body>' in html) is shown
    assert ('<li><a href="#why">Why</a></li>' in html) is shown


@pytest.mark.parametrize(("number", "total", "prev_url", "next_url"), [
    (1, 3, None, "/blog/page/2/"),
    (2, 3, "/blog/", "/blog/page/3/"),
    (3, 3, "/blog/page/2/", None),
])
def test_pagination_links_exist_only_where_there_is_a_page(
        number: int, total: int, prev_url: str | None, next_url: str | None) -> None:
    context = contexts()["section.html"]
    context["paginator"] = make_paginator(number, total)
    html = render("section.html", context)
    nav = html.split('<nav class="pagination" aria-label="Pagination">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]*)" rel="prev"', nav) == ([prev_url] if prev_url else [])
    assert re.findall(r'href="([^"]*)" rel="next"', nav) == ([next_url] if next_url else [])
    assert f'<span class="pagination-status">Page {number} of {total}</span>' in nav


def test_single_listing_page_has_no_pagination_navigation() -> None:
    context = contexts()["section.html"]
    context["paginator"] = make_paginator(1, 1)
    html = render("section.html", context)
    assert "pagination" not in html and "Page 1 of 1" not in html


@pytest.mark.parametrize(("number", "canonical"), [
    (1, ['https://example.com/blog/']),
    (2, ['https://example.com/blog/page/2/']),  # its own URL: page 1's would drop it from indexes
])
def test_each_listing_page_is_its_own_canonical_page(number: int, canonical: list[str]) -> None:
    context = contexts()["section.html"]
    context["paginator"] = make_paginator(number, 3)
    html = render("section.html", context)
    assert re.findall(r'<link rel="canonical" href="([^"]*)">', html) == canonical


@pytest.mark.parametrize(("number", "canonical"), [(1, ["https://example.com/tags/python/"]),
                                                  (2, ["https://example.com/tags/python/page/2/"])])
def test_term_listing_pages_are_their_own_canonical_pages(number: int, canonical: list[str]) -> None:
    context = contexts()["term.html"]
    context["paginator"] = make_paginator(number, 2, "/tags/python/")
    html = render("term.html", context)
    assert re.findall(r'<link rel="canonical" href="([^"]*)">', html) == canonical


def test_html_lang_is_the_pages_language_else_the_sites() -> None:
    site = make_site(language="de")
    assert render("page.html", {"site": site, "page": make_page(lang="fr")}).startswith(
        '<!doctype html>\n<html lang="fr">')
    assert render("404.html", {"site": site}).startswith('<!doctype html>\n<html lang="de">')


def test_section_lists_entries_with_dates_summaries_and_subsections_with_counts() -> None:
    html = render("section.html", contexts()["section.html"])
    assert re.findall(r'<h2 class="entry-title"><a href="([^"]*)">', html) == [
        "/blog/post-3/", "/blog/post-2/", "/blog/post-1/"]
    assert '<time datetime="2024-05-03T09:30:00+00:00">May 3, 2024</time>' in html
    assert ('<a href="/blog/releases/"><span class="card-title">Releases</span> '
            '<span class="count">4 pages</span></a>') in html
    assert "<p>Writing about the web.</p>" in html


def test_home_lists_sections_and_recent_pages() -> None:
    html = render("home.html", contexts()["home.html"])
    assert '<h1>Field Notes</h1>' in html
    assert '<p class="lead">Notes on shipping small websites.</p>' in html
    assert re.findall(r'<h3 class="entry-title"><a href="([^"]*)">', html) == [
        "/blog/post-3/", "/blog/post-2/", "/blog/post-1/"]
    assert '<span class="count">30 pages</span>' in html
    assert '<link rel="canonical" href="https://example.com/">' in html


def test_taxonomy_lists_terms_with_counts() -> None:
    html = render("taxonomy.html", contexts()["taxonomy.html"])
    assert re.findall(r'<li><a href="([^"]*)" rel="tag">([^<]*) <span class="count">(\d+)<', html) == [
        ("/tags/python/", "python", "3"), ("/tags/aws-s3/", "aws &amp; s3", "1")]
    assert '<link rel="canonical" href="https://example.com/tags/">' in html


def test_term_page_links_back_to_its_taxonomy_and_lists_pages() -> None:
    html = render("term.html", contexts()["term.html"])
    assert '<li><a href="/tags/">Tags</a></li>' in html
    assert "<h1>python</h1>" in html
    assert len(re.findall(r'class="entry"', html)) == 3


def test_not_found_page_links_home() -> None:
    html = render("404.html", contexts()["404.html"])
    assert '<a class="button" href="/">Go to the home page</a>' in html
    assert "canonical" not in html


# ---------------------------------------------------------------- the stylesheet

ADMONITIONS = ("note", "tip", "hint", "important", "warning", "caution", "danger", "error")


def palette(css: str, selector: str) -> dict[str, str]:
    start = css.index(selector + " {")
    block = css[start:css.index("}", start)]
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", block))


def test_every_admonition_kind_has_its_own_colour_in_light_and_dark() -> None:
    css = (THEME / "assets" / "style.css").read_text(encoding="utf-8")
    for kind in ADMONITIONS:
        assert f".prose .admonition.{kind}" in css and f"--adm: var(--{kind}); }}" in css
    for selector in (":root", ':root[data-theme="dark"]', ':root:not([data-theme="light"])'):
        colours = palette(css, selector)
        assert len({colours[kind] for kind in ADMONITIONS}) == len(ADMONITIONS), selector


def test_dark_palette_is_the_same_for_the_system_preference_and_the_toggle() -> None:
    css = (THEME / "assets" / "style.css").read_text(encoding="utf-8")
    system = palette(css, ':root:not([data-theme="light"])')
    assert "@media (prefers-color-scheme: dark) {\n  :root:not([data-theme=\"light\"])" in css
    assert system == palette(css, ':root[data-theme="dark"]')
    assert set(system) == set(palette(css, ":root"))


def test_stylesheet_has_focus_styles_and_print_rules() -> None:
    css = (THEME / "assets" / "style.css").read_text(encoding="utf-8")
    assert ":focus-visible {" in css
    print_rules = css[css.index("@media print {"):]
    assert ".site-nav" in print_rules and 'content: " (" attr(href) ")";' in print_rules


# ---------------------------------------------------------------- no external requests

_SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def theme_files() -> list[Path]:
    return sorted(p for p in THEME.rglob("*") if p.is_file())


def test_theme_ships_every_template_and_its_assets() -> None:
    names = {p.relative_to(THEME).as_posix() for p in theme_files()}
    assert {"base.html", "macros.html", *TEMPLATE_NAMES, "assets/style.css", "assets/theme.js",
            "assets/favicon.svg"} <= names


@pytest.mark.parametrize("path", theme_files(), ids=lambda p: p.relative_to(THEME).as_posix())
def test_no_template_or_asset_names_another_site(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace(_SVG_NAMESPACE, "")
    assert re.findall(r"https?://|//[a-z0-9-]+\.[a-z]", text, flags=re.IGNORECASE) == []
    assert "@import" not in text and "@font-face" not in text


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_rendered_pages_load_only_this_sites_resources(name: str) -> None:
    html = render(name, contexts()[name])
    loaded = (attribute_values(html, "link", "href") + attribute_values(html, "script", "src")
              + attribute_values(html, "img", "src"))
    assert loaded
    assert [url for url in loaded if not (url.startswith("/") and not url.startswith("//"))
            and not url.startswith(BASE_URL)] == []
