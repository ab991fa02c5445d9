"""What a shared link needs: canonical, Open Graph and Twitter card tags, and ``lastmod`` from git
history when front matter has none (one ``git log`` for the tree; a shallow clone is said)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.builder.git_dates import parse_git_log
from sitepush.config import load_config

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def write_site(root: Path, pages: dict[str, str]) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    for rel, text in pages.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text, "utf-8")
    (root / "sitepush.toml").write_text('[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n', "utf-8")
    return root


def build(root: Path, tmp: Path) -> BuildResult:
    return Builder(load_config(root), output_dir=tmp / "out", cache_folder=tmp / "cache",
                   workers=1).build(now=NOW)


def meta(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)"', html))


def test_a_page_carries_canonical_open_graph_and_twitter_tags(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {
        "guide.md": "---\ntitle: Guide & more\ndescription: How to ship.\nimage: cover.png\n---\nText.\n",
        "plain.md": "# Plain\n\nFirst words of the page.\n"})
    result = build(root, tmp_path)
    html = (result.output_dir / "guide/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/guide/">' in html
    assert meta(html) == {
        "og:type": "article", "og:site_name": "Docs", "og:title": "Guide &amp; more",
        "og:description": "How to ship.", "og:url": "https://example.org/guide/",
        "og:image": "https://example.org/guide/cover.png", "twitter:card": "summary_large_image"}
    plain = meta((result.output_dir / "plain/index.html").read_text("utf-8"))
    assert plain["og:description"] == "First words of the page." and plain["twitter:card"] == "summary"
    assert "og:image" not in plain
    assert meta((result.output_dir / "index.html").read_text("utf-8"))["og:type"] == "website"


def test_git_log_output_gives_each_path_its_newest_commit() -> None:
    log = "\x1e1700000200\n\nb.md\n\x1e1700000100\n\na.md\nb.md\n"
    assert parse_git_log(log) == {"b.md": datetime.fromtimestamp(1700000200, UTC),
                                  "a.md": datetime.fromtimestamp(1700000100, UTC)}


def git(cwd: Path, *args: str, when: int | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@needs_git
def test_lastmod_comes_from_the_last_commit_of_each_file_unless_front_matter_says(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"a.md": "# A\n", "b.md": "---\nlastmod: 2020-05-06\n---\n# B\n"})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "one", when=1_700_000_000)
    (root / "content" / "a.md").write_text("# A\n\nEdited.\n", "utf-8")
    git(root, "commit", "-qam", "two", when=1_750_000_000)
    result = build(root, tmp_path)
    assert result.site is not None
    a = (result.output_dir / "a/index.html").read_text("utf-8")
    assert 'datetime="2025-06-15T15:06:40+00:00"' in a  # 1_750_000_000
    assert 'datetime="2020-05-06T00:00:00+00:00"' in (result.output_dir / "b/index.html").read_text("utf-8")
    assert not [w for w in result.warnings if "shallow" in w.message]


@needs_git
def test_a_shallow_clone_is_detected_and_said(tmp_path: Path) -> None:
    origin = write_site(tmp_path / "origin", {"a.md": "# A\n"})
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "one", when=1_700_000_000)
    (origin / "content" / "a.md").write_text("# A\n\nTwo.\n", "utf-8")
    git(origin, "commit", "-qam", "two", when=1_750_000_000)
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "clone")
    result = build(tmp_path / "clone", tmp_path)
    assert [w.render() for w in result.warnings] == [
        "lastmod dates come from a shallow git clone: files look changed in its newest commit"
        " — fetch the whole history (actions/checkout: fetch-depth: 0; git fetch --unshallow)"
        " or set lastmod in front matter"]
