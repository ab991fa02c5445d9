"""A page shows its title once: a body's own leading ``# Title`` is the page's one ``<h1>`` (and its
title when front matter has none); the theme prints the title only where the body does not."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.config import load_config
from tests.fixtures.paths import corpus_dir

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def build(tmp_path: Path, pages: dict[str, str], content: Path | None = None) -> BuildResult:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    for rel, text in pages.items():
        (site / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / rel).write_text(text, "utf-8")
    content_line = f'content_dir = "{content}"\n' if content else ""
    (site / "sitepush.toml").write_text(
        f'[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n\n[build]\n{content_line}', "utf-8")
    return Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                   workers=1).build(now=NOW)


def h1s(result: BuildResult, key: str) -> list[str]:
    return re.findall(r"<h1[ >].*?</h1>", (result.output_dir / key).read_text("utf-8"), re.DOTALL)


def test_a_leading_h1_is_the_title_and_the_only_h1(tmp_path: Path) -> None:
    result = build(tmp_path, {"guide.md": "# The *Guide*\n\nText.\n\n## Part\n"})
    html = (result.output_dir / "guide/index.html").read_text("utf-8")
    assert "<title>The Guide · Docs</title>" in html
    assert h1s(result, "guide/index.html") == [
        '<h1 id="the-guide">The <em>Guide</em><a class="anchor" href="#the-guide" '
        'title="Link to this section">#</a></h1>']
    assert html.index("<h1") < html.index('class="prose"')  # in the page header, before the body


def test_front_matter_title_and_a_leading_h1_still_show_one_heading(tmp_path: Path) -> None:
    result = build(tmp_path, {"guide.md": "---\ntitle: Short\n---\n# Installing the tool\n\nText.\n"})
    html = (result.output_dir / "guide/index.html").read_text("utf-8")
    assert "<title>Short · Docs</title>" in html
    assert [re.sub(r"<[^>]+>", "", h) for h in h1s(result, "guide/index.html")] == ["Installing the tool#"]


def test_a_page_without_an_h1_gets_the_title_from_the_theme(tmp_path: Path) -> None:
    result = build(tmp_path, {"guide.md": "---\ntitle: Guide\n---\nText.\n\n## Part\n"})
    assert h1s(result, "guide/index.html") == ["<h1>Guide</h1>"]


def test_an_h1_further_down_that_gave_the_title_is_not_repeated_by_the_theme(tmp_path: Path) -> None:
    result = build(tmp_path, {"guide.md": "![logo](logo.png)\n\n# Guide\n\nText.\n"})
    assert len(h1s(result, "guide/index.html")) == 1


@pytest.mark.slow
@pytest.mark.parametrize(("corpus", "sub"), [("python-markdown-docs", "docs"), ("httpx-docs", "docs")])
def test_no_corpus_page_shows_its_title_twice(tmp_path: Path, corpus: str, sub: str) -> None:
    # The issue: 18 of 19 httpx pages and 35 of 35 python-markdown pages printed the theme's h1 and
    # the body's own `# Title`. Now every page's first h1 is its only one with that text.
    result = build(tmp_path, {}, content=corpus_dir(corpus) / sub)
    pages = [key for key in result.files if key.endswith("index.html")]
    assert len(pages) >= 24
    for key in pages:
        texts = [re.sub(r"<[^>]+>|#", "", h).strip() for h in h1s(result, key)]
        assert texts and len(texts) == len(set(texts)), (key, texts)
