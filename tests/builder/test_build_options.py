"""Hugo's build options decide what is published: `build`/`_build`, `cascade` (self included) and
`headless` — a page not rendered is not published, with its bundle; one not listed is left out of listings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sitepush.builder.build_options import BuildOptions, OptionSource, build_options
from sitepush.builder.builder import Builder
from sitepush.config import load_config

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def options(pages: dict[str, dict[str, object]]) -> dict[str, BuildOptions]:
    return build_options(OptionSource(rel, params, rel.rpartition("/")[2].startswith("_index"))
                         for rel, params in pages.items())


def test_a_cascade_covers_its_section_and_everything_below_it() -> None:
    found = options({
        "_common/_index.md": {"cascade": {"build": {"list": "never", "render": "never"}}},
        "_common/a.md": {},
        "_common/deep/b/index.md": {},
        "other.md": {},
    })
    never = BuildOptions(render=False, listed=False)
    assert found == {"_common/_index.md": never, "_common/a.md": never, "_common/deep/b/index.md": never}


def test_a_pages_own_build_beats_the_cascade_and_the_closest_cascade_wins() -> None:
    found = options({
        "glossary/_index.md": {"build": {"render": "always", "list": "always"},
                               "cascade": {"build": {"render": "never", "list": "local"}}},
        "glossary/term.md": {},
        "glossary/shown.md": {"_build": {"render": "always"}},
        "docs/_index.md": {"Cascade": [{"_target": {"path": "/docs/x"}, "build": {"render": "never"}},
                                       {"Build": {"List": False}}]},
        "docs/sub/_index.md": {"cascade": {"build": {"list": "always"}}},
        "docs/sub/page.md": {},
        "docs/page.md": {},
    })
    assert found == {
        "glossary/term.md": BuildOptions(render=False, listed=False),
        "glossary/shown.md": BuildOptions(render=True, listed=False),
        "docs/_index.md": BuildOptions(render=True, listed=False),
        "docs/page.md": BuildOptions(render=True, listed=False),
    }


def test_headless_is_neither_rendered_nor_listed() -> None:
    assert options({"snippets/index.md": {"headless": True}}) == {
        "snippets/index.md": BuildOptions(render=False, listed=False)}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")


def test_unrendered_sections_headless_bundles_and_unlisted_pages_in_a_build(tmp_path: Path) -> None:
    write(tmp_path / "site", {
        "sitepush.toml": "[build]\ntaxonomies = [\"tags\"]\n",
        "content/_common/_index.md": "---\ncascade:\n  build:\n    render: never\n    list: never\n---\n",
        "content/_common/snippet.md": "Included elsewhere.\n",
        "content/_common/img.png": "png",
        "content/blog/_index.md": "---\ntitle: Blog\n---\n",
        "content/blog/shown.md": "---\ntitle: Shown\ntags: [a]\n---\n",
        "content/blog/quiet.md": "---\ntitle: Quiet\ntags: [a]\nbuild:\n  list: never\n---\n",
        "content/blog/headless/index.md": "---\nheadless: true\n---\n",
        "content/blog/headless/photo.jpg": "jpg",
    })
    root = tmp_path / "site"
    result = Builder(load_config(root), cache_folder=tmp_path / "cache", workers=1).build(now=NOW)
    assert result.site is not None
    assert sorted(result.site.hidden) == ["_common/_index.md", "_common/snippet.md", "blog/headless/index.md"]
    assert not [key for key in result.files if key.startswith(("_common/", "blog/headless/"))]
    assert "blog/quiet/index.html" in result.files  # rendered, not listed
    blog = result.site.sections["en:blog"]
    assert [page.meta.title for page in blog.pages] == ["Shown"]
    assert [page.meta.title for page in result.site.taxonomies["tags"][0].pages] == ["Shown"]
    assert "/blog/quiet/" not in (root / "_site" / "blog" / "index.html").read_text("utf-8")
