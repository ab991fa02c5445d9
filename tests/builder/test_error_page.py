"""A site's own 404 page: content/404.md is the error document, in the theme, never a page at /404/."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.builder import build_site
from sitepush.config import load_config
from sitepush.errors import BuildError


def site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {"sitepush.toml": '[site]\nbase_url = "https://example.com/"\n', **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def build(root: Path, tmp_path: Path) -> Path:
    result = build_site(load_config(root), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache", workers=1)
    return result.output_dir


@pytest.mark.parametrize("files", [
    {"content/404.md": "---\ntitle: Lost?\n---\n\nTry the **search**.\n"},
    {"content/missing.md": "---\ntitle: Lost?\nurl: /404.html\n---\n\nTry the **search**.\n"},
])
def test_the_sites_404_page_is_the_error_document_in_the_theme(tmp_path: Path, files: dict[str, str]) -> None:
    out = build(site(tmp_path / "site", {"content/_index.md": "# Home\n", **files}), tmp_path)
    page = (out / "404.html").read_text("utf-8")
    assert "<h1>Lost?</h1>" in page and "<strong>search</strong>" in page
    assert "<title>Lost? · " in page and 'class="kind-404"' in page  # the theme's 404 layout
    assert not (out / "404").exists() and not (out / "missing").exists()
    assert "404" not in (out / "sitemap.xml").read_text("utf-8")


def test_without_one_the_theme_says_page_not_found(tmp_path: Path) -> None:
    out = build(site(tmp_path / "site", {"content/_index.md": "# Home\n"}), tmp_path)
    assert "<h1>Page not found</h1>" in (out / "404.html").read_text("utf-8")


def test_two_404_pages_are_one_error_naming_both(tmp_path: Path) -> None:
    root = site(tmp_path / "site", {"content/404.md": "# Lost\n",
                                   "content/other.md": "---\ntitle: Other\nurl: /404.html\n---\n"})
    with pytest.raises(BuildError) as error:
        build(root, tmp_path)
    assert "content/404.md and content/other.md are both the 404 page" in error.value.render()
