"""Whole sites written by other projects (../shared/corpus) build without an error, and come out right.

Each corpus is built once per module, as the content folder of a site in tmp_path, at a fixed clock
(Hugo's docs carry expiry dates that pass in real time). The numbers pinned here were derived by building
and checked against the sources: page counts, known URLs, dates, the known warnings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.config import load_config
from tests.fixtures.paths import corpus_dir

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def build_corpus(factory: pytest.TempPathFactory, corpus: str, sub: str) -> BuildResult:
    content = corpus_dir(corpus) / sub
    tmp = factory.mktemp(f"{corpus}-{sub.replace('/', '-')}")
    site = tmp / "site"
    site.mkdir()
    (site / "sitepush.toml").write_text(
        f'[site]\nbase_url = "https://example.org/"\n\n[build]\ncontent_dir = "{content}"\n', "utf-8")
    return Builder(load_config(site), output_dir=tmp / "out", cache_folder=tmp / "cache").build(now=NOW)


def page(result: BuildResult, key: str) -> str:
    assert key in result.files, f"{key} was not built"
    return (result.output_dir / key).read_text("utf-8")


def rendered(result: BuildResult) -> list[str]:
    return [w.render() for w in result.warnings]


def at_link(warning: str) -> bool:
    """A warning about a Zola ``@/`` internal link (see test_zola_content_root_links_resolve)."""
    return ": broken link to @/" in warning


# -- Hugo's documentation (YAML front matter, shortcodes, bundles) ---------------------------------------

HUGO = "hugo-docs/content/en"


@pytest.fixture(scope="module")
def hugo(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_corpus(tmp_path_factory, "hugo-docs", "content/en")


def test_hugo_docs_build_every_page_but_the_expired_and_the_unrendered_ones(hugo: BuildResult) -> None:
    assert (hugo.stats.sources, hugo.stats.published) == (992, 787)
    assert hugo.site is not None
    # Hugo's build options: _common/_index.md cascades `render: never` (the snippets other pages include,
    # 47 files), the glossary's _index.md cascades it to its 156 terms and renders itself (`build: render:
    # always`); and two expired pages.
    hidden = hugo.site.hidden
    assert [rel for rel in hidden if not rel.startswith(("_common/", "quick-reference/glossary/"))] == [
        "methods/page/Scratch.md", "methods/shortcode/Scratch.md"]
    assert (sum(rel.startswith("_common/") for rel in hidden),
            sum(rel.startswith("quick-reference/glossary/") for rel in hidden)) == (47, 156)
    assert not [key for key in hugo.files if key.startswith("_common/")]
    assert [key for key in hugo.files if key.startswith("quick-reference/glossary/")] == [
        "quick-reference/glossary/index.html"]
    assert len(hugo.files) == 898
    assert sum(key.endswith(".html") for key in hugo.files) == 833
    assert len(hugo.redirects) == 281


@pytest.mark.parametrize(("key", "title"), [
    ("index.html", "My site"),
    ("about/introduction/index.html", "Introduction · My site"),
    ("functions/strings/contains/index.html", "strings.Contains · My site"),  # Contains.md: lower-cased
    ("content-management/organization/index.html", "Content organization · My site"),  # bundle
    ("methods/page/sites/index.html", "Sites · My site"),
    ("host-and-deploy/host-on-github-pages/index.html", "Host on GitHub Pages · My site"),
])
def test_hugo_docs_known_pages_are_at_their_urls(hugo: BuildResult, key: str, title: str) -> None:
    assert re.findall(r"<title>(.*?)</title>", page(hugo, key)) == [title]


def test_hugo_bundle_images_are_published_beside_their_page(hugo: BuildResult) -> None:
    source = corpus_dir("hugo-docs") / "content/en/host-and-deploy/host-on-github-pages"
    for number in range(1, 6):
        key = f"host-and-deploy/host-on-github-pages/gh-pages-0{number}.png"
        assert (hugo.output_dir / key).read_bytes() == (source / f"gh-pages-0{number}.png").read_bytes()
    assert "content-management/image-processing/sunset.jpg" in hugo.files


def test_hugo_aliases_become_redirects(hugo: BuildResult) -> None:
    assert hugo.redirects["/functions/strings.contains"] == "/functions/strings/contains/"
    assert hugo.redirects["/content/sections/"] == "/content-management/organization/"


def test_hugo_shortcodes_stay_literal_text(hugo: BuildResult) -> None:
    assert "<p>{{&lt; youtube 0RKpf3rK57I &gt;}}</p>" in page(hugo, "about/introduction/index.html")
    assert ('<p>{{% include &quot;_common/syntax-highlighting-options.md&quot; %}}</p>'
            in page(hugo, "shortcodes/highlight/index.html"))


def test_go_template_code_in_code_blocks_stays_literal(hugo: BuildResult) -> None:
    html = page(hugo, "functions/strings/contains/index.html")
    assert '<pre><code class="language-go-html-template">{{ strings.Contains "Hugo" "go" }} → true' in html
    assert '{{ strings.Contains "Hugo" "Go" }} → false' in html


def test_hugo_yaml_expiry_dates_are_read_quoted_or_not(hugo: BuildResult) -> None:
    assert hugo.site is not None
    by_rel = hugo.site.by_rel
    # expiryDate: '2028-02-18' (a quoted string) and expiryDate: 2028-06-06 (a YAML date)
    assert by_rel["methods/page/Sites.md"].meta.expiry_date == datetime(2028, 2, 18, tzinfo=UTC)
    assert by_rel["methods/page/IsNode.md"].meta.expiry_date == datetime(2028, 6, 6, tzinfo=UTC)
    # expiryDate: 2026-11-18 is before NOW: the page is hidden, and so is its output.
    assert "methods/page/scratch/index.html" not in hugo.files


def test_hugo_docs_warnings_are_the_known_content_problems(hugo: BuildResult) -> None:
    # Broken links are pinned and explained in test_link_check.py.
    root = corpus_dir("hugo-docs") / "content/en"
    assert [w for w in rendered(hugo) if ": broken link to " not in w] == [
        # a real slip in the corpus: Hugo reads `aliases`, so this redirect was never made there either
        f"{root}/quick-reference/glossary/float.md:3: unknown front matter key `alias` (did you mean "
        "`aliases`?) — rename it to `aliases` (other keys reach templates as page.params)",
        f"{root}/content-management/sections.md:7: alias /content/sections/ is also an alias of "
        f"{root}/content-management/organization/index.md, which keeps it"
        " — keep the alias on one page only",
        f'{root}/documentation.md:5: template "list.html" not found, using page.html'
        " — create templates/list.html or remove `layout:`",  # the key the file uses
        f'{root}/quick-reference/glossary/_index.md:13: template "single.html" not found, using section.html'
        " — create templates/single.html or remove `layout:`",
        # shortcodes outside code on the published pages (_common/ and the glossary terms are not);
        # counted independently with a fence-and-code-span stripper: 361
        f"{root}/about/introduction.md:27: Hugo shortcode left as text on 361 pages, first "
        "{{< youtube 0RKpf3rK57I >}} — replace it with Markdown or HTML, or move it into a template",
    ]


# -- Zola's documentation (TOML front matter, @/ links) --------------------------------------------------

@pytest.fixture(scope="module")
def zola_docs(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_corpus(tmp_path_factory, "zola-docs", "docs/content")


def test_zola_docs_build_every_page(zola_docs: BuildResult) -> None:
    assert (zola_docs.stats.sources, zola_docs.stats.published) == (50, 50)
    assert len(zola_docs.files) == 70
    for key in ("documentation/index.html", "documentation/getting-started/overview/index.html",
                "documentation/content/page/index.html", "documentation/templates/overview/index.html",
                "documentation/deployment/aws-s3/index.html",
                "documentation/templates/feeds/rss_feed.png",  # a bundle's image
                "documentation/content/image-processing/01-zola.png"):
        assert key in zola_docs.files, key


def test_zola_docs_page_titles_come_from_toml_front_matter(zola_docs: BuildResult) -> None:
    html = page(zola_docs, "documentation/getting-started/overview/index.html")
    assert "<title>Overview · My site</title>" in html


def test_zola_docs_warnings_besides_at_links_are_the_known_ones(zola_docs: BuildResult) -> None:
    root = corpus_dir("zola-docs") / "docs/content"
    assert [w for w in rendered(zola_docs) if not at_link(w)] == [
        f'{root}/documentation/_index.md:2: template "documentation.html" not found, using section.html'
        " — create templates/documentation.html or remove `template:`",
        # a Zola (Tera) shortcode call, which only Zola renders
        f"{root}/documentation/content/image-processing/index.md:101: template code (Liquid, Tera, Go) left "
        'as text on 1 page, first {{ resize_image(path="documentation/content/ima... — replace it with '
        "Markdown, or move it into a template"]


def test_zola_content_root_links_resolve(zola_docs: BuildResult) -> None:
    # Only links into the themes section, which this copy of Zola's docs does not include, stay broken.
    unresolved = [w for w in rendered(zola_docs) if at_link(w)]
    assert len(unresolved) == 3
    assert all(": broken link to @/themes/_index.md: no such page" in w for w in unresolved)
    html = page(zola_docs, "documentation/getting-started/overview/index.html")
    assert 'href="@/' not in html
    assert '<a href="/documentation/content/section/">section</a>' in html


# -- Zola's test site (BOM, dotfile, drafts, dates in file names, aliases) -------------------------------

@pytest.fixture(scope="module")
def zola_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_corpus(tmp_path_factory, "zola-docs", "test_site/content")


def test_zola_test_site_builds_every_published_page(zola_site: BuildResult) -> None:
    assert zola_site.site is not None
    assert zola_site.stats.sources == 56  # 57 Markdown files, one of them a dotfile
    outside_secret = [p for p in zola_site.site.pages if not p.rel.startswith("secret_section/")]
    assert len(outside_secret) == 50
    assert {"posts/draft.md", "secret_section/_index.md", "secret_section/draft-page.md"} <= \
        set(zola_site.site.hidden)
    assert "posts/draft/index.html" not in zola_site.files


def test_a_dotfile_page_is_never_picked_up(zola_site: BuildResult) -> None:
    assert [key for key in zola_site.files if "should-not-be-picked-up" in key] == []
    assert zola_site.site is not None
    assert [p for p in zola_site.site.pages if "should-not-be-picked-up" in p.rel] == []


def test_a_page_starting_with_a_utf8_bom_is_loaded(zola_site: BuildResult) -> None:
    html = page(zola_site, "hello/index.html")
    assert "<title>Hello · My site</title>" in html
    assert "<p>This file starts with a UTF-8 BOM and should be loaded</p>" in html
    assert "+++" not in html and "\ufeff" not in html


@pytest.mark.parametrize(("key", "time_tag"), [
    ("posts/python/index.html", '<time datetime="2017-03-01T00:00:00+00:00">March 1, 2017</time>'),
    ("posts/2018/transparent-page/index.html",
     '<time datetime="2018-10-10T00:00:00+00:00">October 10, 2018</time>'),
    # no date in front matter: from the file name 2016-10-08_a-post-with-dates.md
    ("posts/a-post-with-dates/index.html",
     '<time datetime="2016-10-08T00:00:00+00:00">October 8, 2016</time>'),
])
def test_toml_and_file_name_dates_are_shown(zola_site: BuildResult, key: str, time_tag: str) -> None:
    assert time_tag in page(zola_site, key)


def test_a_slug_with_an_ampersand_is_slugified(zola_site: BuildResult) -> None:
    assert "<title>Fixed slug · My site</title>" in page(zola_site, "posts/something-else/index.html")


def test_zola_aliases_become_redirects(zola_site: BuildResult) -> None:
    assert zola_site.redirects == {
        "/an-old-url/an-old-alias.html": "/posts/something-else/",
        "/an-old-url/old-page": "/posts/something-else/",
        "/another-old-url/index.html": "/posts/",
        "/posts/top-level.html": "/posts/top-level-alias/",
    }


def test_zola_test_site_warnings_are_the_templates_it_expects(zola_site: BuildResult) -> None:
    root = corpus_dir("zola-docs") / "test_site/content"
    hint = "create templates/{0} or remove `template:`"
    # Its one broken link (`with.js`) is pinned in test_link_check.py.
    assert [w for w in rendered(zola_site) if ": broken link to " not in w] == [
        f'{root}/{rel}:{line}: template "{name}" not found, using {fallback} — {hint.format(name)}'
        for rel, line, name, fallback in [
            ("applying_page_template/override.md", 2, "page_template_override.html", "page.html"),
            ("paginated/_index.md", 3, "section_paginated.html", "section.html"),
            ("posts/_index.md", 4, "section_paginated.html", "section.html"),
            ("rebuild/_index.md", 4, "rebuild.html", "section.html"),
            ("reverse-paginated/_index.md", 3, "section_paginated.html", "section.html"),
        ]] + [f"{root}/posts/python.md:11: template code (Liquid, Tera, Go) left as text on 2 pages, first "
              "{{ basic() }} — replace it with Markdown, or move it into a template"]


def test_pages_under_a_drafted_section_are_not_published(zola_site: BuildResult) -> None:
    # zola-docs/docs/content/documentation/content/section.md: "When a section is drafted, its
    # descendants (such as pages, subsections and assets) will not be processed".
    assert [key for key in zola_site.files if key.startswith("secret_section/")] == []


# -- Zola's multilingual test site ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def zola_i18n(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_corpus(tmp_path_factory, "zola-docs", "test_site_i18n/content")


def test_translations_land_under_their_language_prefix(zola_i18n: BuildResult) -> None:
    assert (zola_i18n.stats.sources, zola_i18n.stats.published) == (16, 16)
    home_fr = page(zola_i18n, "fr/index.html")  # _index.fr.md
    assert '<html lang="fr">' in home_fr and "<h1>Accueil</h1>" in home_fr
    assert "<title>Mon blog · My site</title>" in page(zola_i18n, "fr/blog/index.html")
    assert "<title>Un slug fixe · My site</title>" in page(zola_i18n, "fr/blog/something-else/index.html")
    assert "<title>Fixed slug · My site</title>" in page(zola_i18n, "blog/something-else/index.html")
    assert '<html lang="it">' in page(zola_i18n, "it/blog/something-else/index.html")
    assert "fr/blog/not-translated-in-default-language/index.html" in zola_i18n.files
    assert "blog/not-translated-in-default-language/index.html" not in zola_i18n.files


def test_translations_have_feeds_and_shared_tags(zola_i18n: BuildResult) -> None:
    for key in ("feed.xml", "fr/feed.xml", "it/feed.xml", "blog/feed.xml", "fr/blog/feed.xml",
                "tags/hello/index.html", "tags/bonjour/index.html"):
        assert key in zola_i18n.files, key


def test_zola_i18n_warns_only_about_at_links(zola_i18n: BuildResult) -> None:
    assert [w for w in rendered(zola_i18n) if not at_link(w)] == []


# -- Python-Markdown's documentation (no front matter, extension syntax) --------------------------------

@pytest.fixture(scope="module")
def pymd(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_corpus(tmp_path_factory, "python-markdown-docs", "docs")


def test_python_markdown_docs_build_every_page_with_one_warning_the_admonition_types(pymd: BuildResult) -> None:
    assert (pymd.stats.sources, pymd.stats.published) == (37, 37)
    assert len(pymd.files) == 48
    # `!!! seealso` (on 7 pages): not one of reStructuredText's nine types, so the theme leaves it unstyled
    assert rendered(pymd) == [
        f"{corpus_dir('python-markdown-docs')}/docs/contributing.md:451: unknown admonition type, rendered "
        "unstyled on 7 pages, first !!! seealso — use note, tip, hint, important, warning, caution, danger, "
        "error or attention"]


@pytest.mark.parametrize(("key", "title"), [
    ("index.html", "My site"),
    ("extensions/index.html", "Extensions · My site"),
    ("extensions/tables/index.html", "Tables Extension · My site"),  # MultiMarkdown `title:` meta
    ("change_log/release-2.6/index.html", "Release Notes for v2.6 · My site"),
    ("sanitization/index.html", "Sanitization and Security · My site"),
])
def test_python_markdown_docs_known_pages(pymd: BuildResult, key: str, title: str) -> None:
    assert re.findall(r"<title>(.*?)</title>", page(pymd, key)) == [title]


def test_python_markdown_extensions_render(pymd: BuildResult) -> None:
    tables = page(pymd, "extensions/tables/index.html")
    assert '<div class="admonition note">\n<p class="admonition-title">Note</p>' in tables
    assert "<table>\n<thead>\n<tr>\n<th>Extension</th>\n<th>Entry Point</th>\n<th>Dot Notation</th>" in \
        page(pymd, "extensions/index.html")
    sanitization = page(pymd, "sanitization/index.html")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in sanitization
    assert '<li id="fn:1">' in sanitization


def test_python_markdown_md_links_point_at_page_urls(pymd: BuildResult) -> None:
    for key in [k for k in pymd.files if k.endswith(".html")]:
        html = page(pymd, key)
        assert "sitepush-link:" not in html, key
        assert not re.search(r'href="[^":]*\.md(#[^"]*)?"', html), key
    assert 'href="/extensions/api/"' in page(pymd, "index.html")
