"""`sitepush import mkdocs`: mkdocs.yml → sitepush.toml, and the builder honours MkDocs' conventions.

The expected URLs come from MkDocs' documented rule (mkdocs.org, "Writing your docs": `a/b.md` → `/a/b/`,
`a/b.md` → `/a/b.html` without `use_directory_urls`, `index.md`/`README.md` → their folder), written here
and not taken from the importer.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitepush.builder.nav import docs_nav
from sitepush.config import load_config
from sitepush.errors import ConfigError
from sitepush.importer import import_site
from sitepush.importer.mkdocs import plan_mkdocs
from tests.fixtures.paths import corpus_dir
from tests.importer.conftest import build, imported


def mkdocs_rule(rel: str, directory_urls: bool = True) -> str:
    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    base = "/" + (folder + "/" if folder else "")
    if stem in ("index", "README"):
        return base
    return base + stem + ("/" if directory_urls else ".html")


def nav_pages(entries: list[Any]) -> list[str]:
    """The pages of a mkdocs.yml nav, in reading order."""
    found: list[str] = []
    for entry in entries:
        target = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(target, list):
            found.extend(nav_pages(target))
        elif "://" not in target:
            found.append(target)
    return found


@pytest.fixture(scope="module")
def httpx(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    destination = tmp_path_factory.mktemp("httpx") / "site"
    imported("mkdocs", corpus_dir("httpx-docs"), destination)
    return destination, build(destination)


def test_httpx_docs_pages_are_at_the_urls_mkdocs_gives_them(httpx: tuple[Path, Any]) -> None:
    _, result = httpx
    docs = corpus_dir("httpx-docs") / "docs"
    sources = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    assert len(sources) == 23
    urls = {page.rel: page.url for page in result.site.pages}
    assert urls == {rel: mkdocs_rule(rel) for rel in sources}


def test_httpx_docs_sidebar_and_reading_order_follow_the_mkdocs_nav(httpx: tuple[Path, Any]) -> None:
    destination, result = httpx
    config = load_config(destination)
    nav = yaml.safe_load((corpus_dir("httpx-docs") / "mkdocs.yml").read_text("utf-8"))["nav"]
    order = docs_nav(result.site, config.nav).order
    assert [url for _, url in order] == [mkdocs_rule(rel) for rel in nav_pages(nav)]
    assert [title for title, _ in order][:4] == ["Introduction", "QuickStart", "Clients", "Authentication"]
    page = (destination / "_site" / "quickstart" / "index.html").read_text("utf-8")
    assert '<a class="next" href="/advanced/clients/" rel="next">' in page
    assert '<li class="nav-closed"><a href="/api/">API Reference</a></li>' in page


def test_httpx_docs_keep_images_extra_css_and_leave_the_theme_folder_out(httpx: tuple[Path, Any]) -> None:
    destination, result = httpx
    assert {"img/butterfly.png", "css/custom.css", "CNAME"} <= set(result.files)
    assert not [key for key in result.files if key.startswith("overrides/")]
    page = (destination / "_site" / "index.html").read_text("utf-8")
    assert '<link rel="stylesheet" href="/css/custom.css">' in page
    assert "Edit this page" not in page  # httpx sets edit_uri: "" — MkDocs shows no link either


def test_httpx_import_says_exactly_what_it_left_behind(httpx: tuple[Path, Any]) -> None:
    result = import_site("mkdocs", corpus_dir("httpx-docs"), httpx[0])
    assert result.residue == (
        "markdown extension mkautodoc: not supported — its syntax stays as text",
        "theme custom_dir docs/overrides: MkDocs templates (Jinja2 over MkDocs' context) — port them to "
        "templates/ by hand",
        "theme material (palette): not carried over — sitepush's own docs theme is used; override its "
        "templates in templates/",
        # mkautodoc's directives in api.md and exceptions.md: the build says the same of its pages
        "docs/api.md:11: MkDocs `:::` directive left as text on 2 pages, first ::: httpx.request — write out "
        "what the plugin generated",
    )
    assert [w.render().split(": ", 1)[1] for w in httpx[1].warnings if "left as text" in w.render()] == [
        "MkDocs `:::` directive left as text on 2 pages, first ::: httpx.request — write out what the plugin "
        "generated"]
    # the extensions sitepush reads already are named in the file, with what stands in for them
    assert "# markdown_extensions admonition: built in.\n" in result.toml_text
    assert "# markdown_extensions codehilite: code is highlighted by sitepush (Pygments" in result.toml_text
    data = tomllib.loads(result.toml_text)
    assert data["site"] == {"title": "HTTPX", "base_url": "https://www.python-httpx.org/",
                            "description": "A next-generation HTTP client for Python.",
                            "extra_css": ["css/custom.css"]}
    assert (httpx[0] / data["build"]["content_dir"]).resolve() == (corpus_dir("httpx-docs") / "docs").resolve()
    assert not Path(data["build"]["content_dir"]).is_absolute()


MKDOCS_YML = """\
site_name: Tags & co
site_url: https://docs.example.org/guide
repo_url: https://github.com/example/proj
docs_dir: src
use_directory_urls: false
exclude_docs: |
  drafts/
  *.tmp.md
  !keep.tmp.md
not_in_nav: |
  /orphan.md
extra_javascript:
  - js/extra.js
  - path: js/module.js
    type: module
extra:
  version: !ENV [DOCS_VERSION, "2.1"]
  social:
    - icon: fontawesome/brands/github
markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
  - pymdownx.superfences
plugins:
  - search
  - redirects:
      redirect_maps:
        old.md: guide/start.md
        gone/page.md: https://elsewhere.example.org/
  - macros
nav:
  - index.md
  - Guide:
      - guide/README.md
      - Start here: guide/start.md
  - GitHub: https://github.com/example/proj
"""


def write_mkdocs_site(root: Path) -> Path:
    files = {
        "index.md": "# Welcome home\n",
        "guide/README.md": "# The guide\n",
        "guide/start.md": "---\ntitle: Starting\n---\nText.\n",
        "orphan.md": "# Orphan\n",
        "Release Notes/CHANGELOG.md": "# Changes\n",  # MkDocs keeps names as written: /Release Notes/CHANGELOG
        "drafts/wip.md": "# WIP\n",
        "notes.tmp.md": "# tmp\n",
        "keep.tmp.md": "# kept\n",
        "js/extra.js": "",
        "js/module.js": "",
    }
    for rel, text in files.items():
        (root / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / rel).write_text(text, "utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, "utf-8")
    return root


def test_the_conventions_mkdocs_yml_declares_are_built(tmp_path: Path) -> None:
    source = write_mkdocs_site(tmp_path / "src-site")
    destination = tmp_path / "site"
    result = imported("mkdocs", source, destination)
    built = build(destination)
    assert built.site is not None
    urls = {page.rel: page.url for page in built.site.pages}
    # exclude_docs, gitignore-style: drafts/ and *.tmp.md are gone, !keep.tmp.md comes back
    assert urls == {rel: mkdocs_rule(rel, directory_urls=False) for rel in
                    ("index.md", "guide/README.md", "guide/start.md", "orphan.md", "keep.tmp.md",
                     "Release Notes/CHANGELOG.md")}
    # site_url has the path /guide/: the site lives under it, so a redirect sends to /guide/ + the page's path
    assert built.redirects == {"/gone/page.html": "https://elsewhere.example.org/",
                               "/old.html": "/guide/guide/start.html"}
    page = (destination / "_site" / "guide" / "start.html").read_text("utf-8")
    # edit_uri unset on github.com: MkDocs' default edit/master/docs/ joined with the file's path
    assert '<a href="https://github.com/example/proj/edit/master/docs/guide/start.md" rel="edit">' in page
    assert '<script src="/guide/js/extra.js" defer></script>' in page and 'src="/guide/js/module.js"' in page
    # the nav: untitled entries take the page's title; the external link is in the sidebar, not next
    assert '<a href="https://github.com/example/proj">GitHub</a>' in page
    order = docs_nav(built.site, load_config(destination).nav).order
    assert order == (("Welcome home", "/"), ("The guide", "/guide/"), ("Start here", "/guide/start.html"))
    data = tomllib.loads(result.toml_text)
    assert data["site"]["base_url"] == "https://docs.example.org/guide/"
    assert data["site"]["params"] == {"version": "2.1", "social": [{"icon": "fontawesome/brands/github"}]}
    assert result.residue == (
        "markdown extension pymdownx.emoji: not supported — its syntax stays as text",
        "plugin macros: not carried over — sitepush has no plugins; port what it generates by hand",
        "theme mkdocs: not carried over — sitepush's own docs theme is used; override its templates in "
        "templates/",
    )


def test_the_import_is_deterministic_and_its_toml_loads(tmp_path: Path) -> None:
    source = write_mkdocs_site(tmp_path / "src-site")
    first = import_site("mkdocs", source, tmp_path / "a")
    assert import_site("mkdocs", source, tmp_path / "a") == first
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "sitepush.toml").write_text(first.toml_text, "utf-8")
    config = load_config(tmp_path / "a")
    assert config.build.content_dir == "../src-site/src"
    assert config.build.pretty_urls is False and config.build.layout == "docs"
    assert config.build.exclude == ("drafts/", "*.tmp.md", "!keep.tmp.md")


def test_a_broken_mkdocs_yml_is_one_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - a: [\n", "utf-8")
    with pytest.raises(ConfigError) as raised:
        import_site("mkdocs", tmp_path, tmp_path)
    assert raised.value.render().startswith("mkdocs.yml:4: invalid YAML: ")


def test_a_folder_without_mkdocs_yml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        import_site("mkdocs", tmp_path, tmp_path)
    assert raised.value.render() == f"no mkdocs.yml in {tmp_path} — pass the folder that holds mkdocs.yml"


def test_the_theme_folder_inside_docs_dir_is_excluded_only_when_it_is_inside(tmp_path: Path) -> None:
    shutil.copytree(corpus_dir("httpx-docs") / "docs" / "overrides", tmp_path / "theme-overrides")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: material\n  custom_dir: theme-overrides\n")
    (tmp_path / "docs").mkdir()
    data = tomllib.loads(import_site("mkdocs", tmp_path, tmp_path).toml_text)
    assert "exclude" not in data["build"]


def test_nav_links_that_are_not_pages_are_kept_when_absolute_and_reported_when_relative() -> None:
    result = plan_mkdocs({"nav": [{"API": "/api/"}, {"Up": "../other/"}, {"Home": "index.md"}]},
                         content_dir="docs")
    assert tomllib.loads(result.toml_text)["nav"] == [{"title": "API", "url": "/api/"},
                                                     {"title": "Home", "page": "index.md"}]
    assert "nav entry Up: ../other/ is neither a page nor an absolute link — left out" in result.residue
