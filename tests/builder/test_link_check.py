"""Links: relative links resolve as MkDocs resolves them under directory URLs, and a checker over the
OUTPUT finds every broken internal href, src, srcset and #fragment, names where it is written, fails
``--strict`` builds, and re-checks only what a rebuild changed."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.builder.linkcheck import LinkIndex, PageLinks, SiteFiles, check_page, extract_links, resolve
from sitepush.config import load_config
from sitepush.errors import BuildError
from tests.fixtures.paths import corpus_dir

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def make_site(tmp_path: Path, pages: dict[str, str | bytes], content: Path | None = None) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True, exist_ok=True)
    for rel, text in pages.items():
        path = site / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, "utf-8")
    content_line = f'content_dir = "{content}"\n' if content else ""
    (site / "sitepush.toml").write_text(
        f'[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n\n[build]\n{content_line}', "utf-8")
    return site


def builder(tmp_path: Path, site: Path, strict: bool = False) -> Builder:
    return Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                   workers=1, strict=strict)


def broken(result: BuildResult) -> list[str]:
    return [w.render() for w in result.warnings if "broken link" in w.message]


# --- the checker's pure core ---------------------------------------------------------------------

def test_links_are_read_from_tags_only_never_from_text_code_comments_or_scripts() -> None:
    page = ('<a href="/a/">x</a> <img src="b.png" srcset="c.png 1x, /d.png 2x"> <p>href="/text/"</p>'
            '<code>&lt;a href="/code/"&gt;</code> <!-- <a href="/comment/"> --> '
            '<script>var s = \'<a href="/script/">\';</script><h2 id="part">P</h2><a name="old"></a>'
            '<a href="/q?a=1&amp;b=2">q</a>')
    assert extract_links(page) == PageLinks(("/a/", "b.png", "c.png", "/d.png", "/q?a=1&b=2"),
                                            frozenset({"part", "old"}))


def test_unquoted_and_upper_case_attribute_values_are_read_as_html_reads_them() -> None:
    # HTML allows an unquoted value (to whitespace or `>`), any case in names and spaces around `=`;
    # raw HTML in Markdown writes all three. A quoted value holding `href=` is text, not a link.
    page = ('<a href=guide.html>g</a><IMG SRC=/img/x.png alt=x><a href = "/spaced/">s</a>'
            '<p id=intro title="see href=/not-a-link/">p</p><A NAME=old></A><a href=/last/>')
    assert extract_links(page) == PageLinks(("guide.html", "/img/x.png", "/spaced/", "/last/"),
                                            frozenset({"intro", "old"}))


def test_raw_html_links_without_quotes_are_checked_and_named_at_their_line(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "guide.md": "# Guide\n\n<a href=missing.html>gone</a>\n\nText <a href=/other/>ok</a> "
                    "and <img src=nowhere.png alt=x>\n\n<a href=/other/#nope>frag</a>\n",
        "other.md": "# Other\n",
    })
    result = builder(tmp_path, site).build(now=NOW)
    hint = "fix the path (relative to this file) or remove the link"
    assert broken(result) == [
        f"content/guide.md:3: broken link to missing.html: no such page or file in the site — {hint}",
        f"content/guide.md:5: broken link to nowhere.png: no such page or file in the site — {hint}",
        f'content/guide.md:7: broken link to /other/#nope: /other/ has no element with id "nope" — {hint}',
    ]


@pytest.mark.parametrize(("target", "expected"), [
    ("img/x.png", ("/a/b/img/x.png", "")),        # as a browser resolves it against /a/b/
    ("../c/#part", ("/a/c/", "part")),
    ("#top", ("/a/b/index.html", "top")),
    ("/abs/", ("/abs/", "")),
    ("https://example.org/x/", ("/x/", "")),       # the site's own host is internal
    ("https://other.org/x/", None),
    ("mailto:me@example.org", None),
    ("//cdn.example.com/x.js", None),
])
def test_targets_resolve_against_the_pages_url(target: str, expected: tuple[str, str] | None) -> None:
    files = SiteFiles(frozenset(), frozenset(), "example.org", "/")
    assert resolve(target, "a/b/index.html", files) == expected


def test_only_changed_pages_and_pages_linking_to_what_changed_are_checked_again() -> None:
    index = LinkIndex()
    pages = {"index.html": ("1", PageLinks(("/a/", "/b/#x"), frozenset())),
             "a/index.html": ("1", PageLinks(("/",), frozenset())),
             "b/index.html": ("1", PageLinks((), frozenset({"x"}))),
             "c/index.html": ("1", PageLinks(("/",), frozenset()))}
    files = SiteFiles(frozenset(pages), frozenset(), "example.org", "/")
    assert index.update(pages, files) == () and index.checked == 4
    # b loses its #x: b itself and index (which links to /b/#x) are checked again, nobody else.
    pages["b/index.html"] = ("2", PageLinks((), frozenset()))
    assert [(b.key, b.target) for b in index.update(pages, files)] == [("index.html", "/b/#x")]
    assert index.checked == 2
    # a disappears: index (which links to it) is checked again.
    del pages["a/index.html"]
    files = SiteFiles(frozenset(pages), frozenset(), "example.org", "/")
    assert [(b.key, b.target) for b in index.update({k: (v[0], None) if k != "index.html" else v
                                                      for k, v in pages.items()}, files)] == \
        [("index.html", "/a/"), ("index.html", "/b/#x")]
    assert index.checked == 1


# --- MkDocs' link rule, in a build ------------------------------------------------------------------

def test_relative_links_resolve_as_mkdocs_resolves_them_under_directory_urls(tmp_path: Path) -> None:
    # MkDocs (docs: "Writing your docs", Linking to images and media): a link is relative to the
    # Markdown file; `img/x.png` in `a/b.md` is `a/img/x.png`, served at /a/img/x.png while the page
    # itself is at /a/b/.
    site = make_site(tmp_path, {
        "a/b.md": "# B\n\n![x](img/x.png) [c](c.md/) [c2](c.md#part) [top](../top.md) [zip](files/f.zip)\n",
        "a/c.md": "# C\n\n## Part\n",
        "a/img/x.png": b"\x89PNG",
        "a/files/f.zip": b"PK",
        "top.md": "# Top\n",
    })
    result = builder(tmp_path, site).build(now=NOW)
    html = (result.output_dir / "a/b/index.html").read_text("utf-8")
    assert '<img alt="x" src="/a/img/x.png">' in html
    assert '<a href="/a/c/">c</a> <a href="/a/c/#part">c2</a> <a href="/top/">top</a>' in html
    assert '<a href="/a/files/f.zip">zip</a>' in html
    assert broken(result) == []


def test_each_broken_link_names_the_content_file_and_line_or_the_template(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "guide.md": "---\ntemplate: custom.html\n---\nSee [the part](other.md#nowhere).\n\n![gone](gone.png)\n",
        "other.md": "# Other\n\n## Part\n",
    })
    (site / "templates").mkdir()
    (site / "templates" / "custom.html").write_text(
        '{% extends "page.html" %}{% block content %}<a href="/no-such/">x</a>{{ super() }}'
        '{% endblock %}', "utf-8")
    result = builder(tmp_path, site).build(now=NOW)
    content = "content"
    assert broken(result) == [
        f'{content}/guide.md:4: broken link to other.md#nowhere: /other/ has no element with id "nowhere"'
        " — fix the path (relative to this file) or remove the link",
        f"{content}/guide.md:6: broken link to gone.png: no such page or file in the site"
        " — fix the path (relative to this file) or remove the link",
        "template custom.html: broken link to /no-such/ (on /guide/): no such page or file"
        " in the site — fix the link in the template, or add the page or file it points at",
    ]


def test_strict_fails_on_a_broken_link_of_the_output(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"guide.md": "# Guide\n\n[x](#missing)\n"})
    with pytest.raises(BuildError, match=r'guide\.md:3: broken link to #missing: /guide/ has no element'):
        builder(tmp_path, site, strict=True).build(now=NOW)
    with pytest.raises(BuildError):  # and again: a failed strict build is not taken as complete
        builder(tmp_path, site, strict=True).build(now=NOW)


def test_a_rebuild_rechecks_the_edited_page_and_the_pages_linking_to_a_removed_one(tmp_path: Path) -> None:
    pages: dict[str, str | bytes] = {f"p{n}.md": f"# P{n}\n\n[home](index.md)\n" for n in range(30)}
    pages["index.md"] = "# Home\n\n[gone](p29.md)\n"
    site = make_site(tmp_path, pages)
    build = builder(tmp_path, site)
    build.build(now=NOW)
    (site / "content" / "p3.md").write_text("# P3\n\nEdited [home](index.md).\n", "utf-8")
    assert broken(build.build(now=NOW)) == []
    assert build.last_link_check[0] == 1
    (site / "content" / "p29.md").unlink()
    result = build.build(now=NOW)
    assert [w.message for w in result.warnings] == ["broken link to p29.md: no such page"]
    assert build.last_link_check[0] <= 3  # the home page (edited link target gone), its listing, 404


# --- the corpora -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def httpx(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    tmp = tmp_path_factory.mktemp("httpx")
    site = make_site(tmp, {}, content=corpus_dir("httpx-docs") / "docs")
    return builder(tmp, site).build(now=NOW)


@pytest.mark.slow
def test_httpx_docs_broken_links_are_the_anchors_mkdocs_also_reports(httpx: BuildResult) -> None:
    # MkDocs 1.6.1 with `validation: anchors: warn` reports exactly these seven (its own words:
    # "does not contain an anchor", "unrecognized relative link ... left as is").
    root = corpus_dir("httpx-docs") / "docs"
    found = sorted(re.sub(r"^(\S+?):(\d+): broken link to (\S+?):.*", r"\1:\2 \3", w) for w in broken(httpx))
    assert found == [f"{root}/{where}" for where in [
        "advanced/clients.md:154 #client-instances",
        "advanced/clients.md:162 #merging-of-parameters",
        "advanced/proxies.md:29 #routing",
        "async.md:194 ../advanced/transports#asgitransport",
        "compatibility.md:200 advanced/clients.md#client-instances",
        "environment_variables.md:18 advanced/proxies.md#http-proxying",
        "third_party_packages.md:19 advanced/authentication.md#customizing-authentication",
    ]]


@pytest.mark.slow
def test_every_httpx_image_resolves_to_a_published_file(httpx: BuildResult) -> None:
    local = set()
    for key in (k for k in httpx.files if k.endswith(".html")):
        for src in re.findall(r'<img [^>]*src="(/[^"]+)"', (httpx.output_dir / key).read_text("utf-8")):
            local.add(src)
            assert src.lstrip("/") in httpx.files, (key, src)
    assert {s for s in local if s.startswith("/img/")} == {
        "/img/httpx-help.png", "/img/httpx-request.png", "/img/rich-progress.gif",
        "/img/speakeasy.png", "/img/tqdm-progress.gif"}


def corpus_broken(tmp: pytest.TempPathFactory, corpus: str, sub: str) -> list[str]:
    folder = tmp.mktemp(corpus)
    site = make_site(folder, {}, content=corpus_dir(corpus) / sub)
    return broken(builder(folder, site).build(now=NOW))


@pytest.mark.slow
def test_python_markdown_docs_have_no_broken_link(tmp_path_factory: pytest.TempPathFactory) -> None:
    assert corpus_broken(tmp_path_factory, "python-markdown-docs", "docs") == []


@pytest.mark.slow
def test_zola_docs_broken_links_are_the_themes_section_this_copy_lacks(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    # Fragments such as overview.md#get-image-metadata resolve through the Zola-style heading alias.
    found = corpus_broken(tmp_path_factory, "zola-docs", "docs/content")
    assert len(found) == 3 and all("broken link to @/themes/_index.md: no such page" in w for w in found)
    # The test site links `[here](with.js)`, a file its bundle does not have.
    assert [w.split("content/", 1)[1] for w in corpus_broken(tmp_path_factory, "zola-docs",
                                                             "test_site/content")] == [
        "posts/with-assets/index.md:7: broken link to with.js: no such page or file in the site"
        " — fix the path (relative to this file) or remove the link"]


@pytest.mark.slow
def test_hugo_docs_broken_links_are_features_of_hugos_own_theme(tmp_path_factory: pytest.TempPathFactory) -> None:
    found = corpus_broken(tmp_path_factory, "hugo-docs", "content/en")
    kinds: Counter[str] = Counter()
    for warning in found:
        target = re.search(r"broken link to (.*?): ", warning)
        assert target is not None and not warning.startswith("template "), warning  # none is ours
        if target[1] == "g":
            kinds["glossary"] += 1      # [term](g): the Hugo docs theme's glossary link render hook
        elif "{{" in target[1]:
            kinds["shortcode"] += 1     # [x]({{% eturl rss %}}): a shortcode that computes the URL
        elif "has no element with id" in warning:
            kinds["fragment"] += 1      # ids the Hugo docs theme makes (definition terms, `options-1`)
        else:
            kinds["page reference"] += 1  # `methods/page/date/`: Hugo's link render hook looks pages up
    # Counted on the published pages only: _common/ snippets and glossary terms are not rendered (cascade).
    assert kinds == {"glossary": 175, "shortcode": 31, "fragment": 110, "page reference": 9}


def test_a_target_resolves_once_per_folder_it_is_written_in_and_the_page_itself_per_page() -> None:
    files = SiteFiles(frozenset({"a/x.html", "a/y.html", "b/index.html", "a/img.png"}), frozenset(),
                      "example.org", "/")
    ids = {"a/x.html": frozenset({"in-x"}), "a/y.html": frozenset(), "b/index.html": frozenset()}
    memo: dict[tuple[str, str], tuple[str, str, str | None] | None] = {}
    links = PageLinks(("/b/", "img.png", "?q=1#in-x", "#in-x", "gone.png"), frozenset())
    for key in ("a/x.html", "a/y.html"):
        assert [b.target for b in check_page(key, links, files, ids, memo)[0]] == \
            (["gone.png"] if key == "a/x.html" else ["?q=1#in-x", "#in-x", "gone.png"])
    assert set(memo) == {("", "/b/"), ("a", "img.png"), ("a", "gone.png")}
