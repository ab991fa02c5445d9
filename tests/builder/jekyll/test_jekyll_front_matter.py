"""Front matter as Jekyll completes it: defaults by scope, redirects, ``published``, layouts, the extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sitepush.errors import ConfigError
from tests.builder.jekyll.conftest import JekyllBuild, page_keys

DEFAULTS = """
defaults:
  - scope: {path: ""}
    values: {author: Everyone, tone: plain}
  - scope: {path: docs}
    values: {author: Docs team}
  - scope: {path: docs, type: pages}
    values: {tone: technical}
  - scope: {path: "docs/*/deep.md"}
    values: {tone: deep}
  - scope: {type: posts}
    values: {author: Blogger}
"""


def test_defaults_apply_by_scope_path_and_type_and_front_matter_wins(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": DEFAULTS,
        "index.md": "---\ntitle: Home\n---\n",
        "docs/a.md": "---\ntitle: A\n---\n",
        "docs/sub/deep.md": "---\ntitle: Deep\n---\n",
        "docs/own.md": "---\ntitle: Own\nauthor: Me\n---\n",
        "docsy.md": "---\ntitle: Not under docs/\n---\n",
        "_posts/2024-01-02-p.md": "---\n---\n",
    })
    assert result.site is not None
    got = {rel: (p.meta.params.get("author"), p.meta.params.get("tone")) for rel, p in result.site.by_rel.items()}
    assert got == {
        "index.md": ("Everyone", "plain"),
        "docs/a.md": ("Docs team", "technical"),
        "docs/sub/deep.md": ("Docs team", "deep"),
        "docs/own.md": ("Me", "technical"),
        "docsy.md": ("Everyone", "plain"),
        "_posts/2024-01-02-p.md": ("Blogger", "plain"),
    }


def test_redirect_from_and_redirect_to_become_redirects(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": "permalink: pretty\n",
        "new.md": "---\ntitle: New\nredirect_from:\n  - /old/\n  - /older.html\n---\n",
        "one.md": "---\ntitle: One\nredirect_from: /was-one/\n---\n",
        "gone.md": "---\ntitle: Gone\nredirect_to: https://example.org/elsewhere/\n---\nNever shown.\n",
    })
    assert result.redirects == {"/gone/": "https://example.org/elsewhere/", "/old/": "/new/",
                                "/older.html": "/new/", "/was-one/": "/one/"}
    assert "gone/index.html" not in result.files


def test_published_false_is_left_out_and_jekyll_layouts_do_not_name_templates(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": "permalink: pretty\ndefaults:\n  - scope: {path: ''}\n    values: {layout: default}\n",
        "a.md": "---\ntitle: A\nlayout: post\n---\n",
        "b.md": "---\ntitle: B\npublished: false\n---\n",
    })
    assert page_keys(result) == {"a/index.html", "index.html"}  # index.html: the home listing sitepush adds
    assert [w.message for w in result.warnings if "template" in w.message] == []


def test_jekyll_mode_without_python_liquid_is_one_line_naming_the_extra(
        jekyll_build: JekyllBuild, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "liquid", None)
    with pytest.raises(ConfigError) as caught:
        jekyll_build({"index.md": "---\ntitle: x\n---\n"})
    assert caught.value.render() == (
        'sitepush.toml: [build] conventions = "jekyll" renders Liquid with python-liquid, which is not installed'
        " — pip install 'sitepush[jekyll]'")


def test_a_broken_config_yml_is_one_line_at_its_line(jekyll_build: JekyllBuild) -> None:
    with pytest.raises(ConfigError) as caught:
        jekyll_build({"_config.yml": "title: ok\npermalink: [unclosed\n", "index.md": "---\n---\n"})
    assert caught.value.render().startswith("_config.yml:3: invalid YAML: ")


def test_a_body_edit_reparses_that_page_alone_and_a_title_edit_every_page(tmp_path: Path) -> None:
    from sitepush.builder.builder import Builder
    from sitepush.config import load_config
    from tests.builder.jekyll.conftest import NOW, write

    site = tmp_path / "site"
    write(site, {"sitepush.toml": '[build]\nconventions = "jekyll"\ncontent_dir = "."\n',
                 "_posts/2024-01-02-a.md": "---\ntitle: A\n---\nBody A.\n",
                 "_posts/2024-01-03-b.md": "---\ntitle: B\n---\nBody B.\n",
                 "index.md": "---\ntitle: Home\n---\n{% for p in site.posts %}{{ p.title }} {% endfor %}\n"})
    builder = Builder(load_config(site), cache_folder=tmp_path / "cache", workers=1)
    assert builder.build(now=NOW).stats.parsed == 3
    (site / "_posts/2024-01-02-a.md").write_text("---\ntitle: A\n---\nBody A, edited.\n", "utf-8")
    assert builder.build(now=NOW).stats.parsed == 1
    (site / "_posts/2024-01-02-a.md").write_text("---\ntitle: Renamed\n---\nBody A, edited.\n", "utf-8")
    result = builder.build(now=NOW)
    assert result.stats.parsed == 3  # site.posts changed: every page's Liquid may read it
    assert "Renamed" in (result.output_dir / "index.html").read_text("utf-8")
