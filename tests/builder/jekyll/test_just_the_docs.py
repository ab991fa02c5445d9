"""just-the-docs (../shared/corpus), a Jekyll docs site, built in Jekyll mode: as Jekyll makes it.

The expected URLs are derived here from Jekyll's documented rules (jekyllrb.com "Permalinks") and the
site's ``_config.yml`` (``permalink: pretty``): a front-matter ``permalink`` as written, an ``index``
page at its folder, any other page at ``/:path/:basename/``. The sidebar follows just-the-docs' own
rules (``parent``, ``grand_parent``, ``nav_order``), and nothing Jekyll keeps to itself is published.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from sitepush.builder.builder import Builder, BuildResult
from sitepush.builder.jekyll import jekyll_nav, nav_titles
from sitepush.config import load_config
from tests.builder.jekyll.conftest import NOW
from tests.fixtures.paths import corpus_dir

pytestmark = pytest.mark.slow

_CODE_RE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.S)
_RESIDUE_RE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{:\s*[.#][^}]*\}", re.S)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jtd") / "just-the-docs"
    shutil.copytree(corpus_dir("just-the-docs"), folder)
    (folder / "sitepush.toml").write_text('[build]\nconventions = "jekyll"\ncontent_dir = "."\nlayout = "docs"\n',
                                          "utf-8")
    return folder


@pytest.fixture(scope="module")
def built(source: Path) -> BuildResult:
    return Builder(load_config(source), cache_folder=source.parent / "cache").build(now=NOW)


def front_matter(path: Path) -> dict[str, object] | None:
    text = path.read_text("utf-8")
    if not text.startswith("---\n"):
        return None
    loaded = yaml.safe_load(text.split("\n---", 1)[0][4:])
    return loaded if isinstance(loaded, dict) else {}


def jekyll_url(rel: str, data: dict[str, object]) -> str:
    """Jekyll's URL of a page under ``permalink: pretty`` (Page#template, Utils.add_permalink_suffix)."""
    if data.get("permalink"):
        return str(data["permalink"])
    folder, _, name = rel.rpartition("/")
    base = name.rsplit(".", 1)[0]
    path = f"/{folder}/" if folder else "/"
    return path if base == "index" else f"{path}{base}/"


def output_key(url: str) -> str:
    if url == "/404":
        return "404.html"  # Jekyll writes /404 as 404.html
    return url.lstrip("/") + "index.html" if url.endswith("/") else url.lstrip("/")


def test_every_page_is_at_the_url_jekyll_gives_it(source: Path, built: BuildResult) -> None:
    expected = {}
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source).as_posix()
        if path.suffix in (".md", ".html") and not rel.startswith("_") and (data := front_matter(path)) is not None:
            expected[rel] = output_key(jekyll_url(rel, data))
    assert len(expected) == 45
    assert built.site is not None
    assert {page.rel: page.key for page in built.site.pages} == expected


def test_no_liquid_or_attribute_list_is_left_in_the_output(built: BuildResult) -> None:
    left = {}
    for key in built.files:
        if key.endswith(".html"):
            text = _CODE_RE.sub("", (built.output_dir / key).read_text("utf-8"))
            if found := _RESIDUE_RE.findall(text):
                left[key] = found[:3]
    assert left == {}


def test_nothing_jekyll_keeps_to_itself_is_published(built: BuildResult) -> None:
    assert not [key for key in built.files if key.startswith(("_config", "_data", "_site", "sitepush"))
                or key.lower().startswith("readme") or key in ("LICENSE.txt", "Gemfile")]


def test_the_sidebar_is_in_nav_order(built: BuildResult, source: Path) -> None:
    assert built.site is not None
    nav = jekyll_nav(built.site, nav_sort="case_sensitive")
    titles = nav_titles(nav.roots)
    assert [t if isinstance(t, str) else t[0] for t in titles] == [
        "Home", "Configuration", "UI Components", "Utilities", "Layout", "Navigation", "Customization",
        "Search", "Markdown kitchen sink"]
    navigation = next(t for t in titles if isinstance(t, list) and t[0] == "Navigation")[1]
    main = next(t for t in navigation if isinstance(t, list) and t[0] == "Main Navigation")[1]
    assert [t if isinstance(t, str) else t[0] for t in main][:3] == ["Ordering Pages", "Excluding Pages", "Page Levels"]
    html = (built.output_dir / "docs/navigation/main/x/index.html").read_text("utf-8")
    sidebar = html[html.index('<nav aria-label="Documentation">'):]
    assert sidebar.index(">Configuration<") < sidebar.index(">UI Components<") < sidebar.index(">Utilities<")


def test_callouts_and_the_toc_render_as_the_theme_shows_them(built: BuildResult) -> None:
    callouts = (built.output_dir / "docs/ui-components/callouts/index.html").read_text("utf-8")
    assert callouts.count('class="admonition') >= 8
    code = (built.output_dir / "docs/ui-components/code/index.html").read_text("utf-8")
    toc = code[code.index('<div class="toc">'):]
    assert "Table of contents" not in toc[:toc.index("</div>")]  # a .no_toc heading stays out
