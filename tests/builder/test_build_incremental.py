"""Incremental builds: a rebuild parses, renders and writes only what an edit changed, judged by content.

Every test builds a private copy of example-site into tmp_path with its own cache folder, then edits
it and compares the output folder file by file (bytes and mtime) with the build before.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import MARKER, Builder, BuildResult
from sitepush.cli import main
from sitepush.config import load_config
from tests.fixtures.paths import EXAMPLE_SITE, REPO, corpus_dir

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POST = "content/blog/why-content-hashes.md"
POST_KEY = "blog/why-content-hashes/index.html"
DOCS_KEYS = ("docs/index.html", "docs/page/2/index.html", "docs/configuration/index.html",
             "docs/deploying/index.html", "docs/install/index.html", "docs/quick-start/index.html",
             "docs/troubleshooting/index.html")
PAGE_TEMPLATE_KEYS = {  # every output rendered with page.html
    "about/index.html", "blog/a-look-at-the-theme/index.html", "blog/first-deploy/index.html",
    "blog/redirects-without-a-server/index.html", POST_KEY, "docs/configuration/index.html",
    "docs/deploying/index.html", "docs/install/index.html", "docs/quick-start/index.html",
    "docs/troubleshooting/index.html"}

Snapshot = dict[str, tuple[int, bytes]]


@dataclass
class SiteCopy:
    """A writable example-site with its own output and cache folders."""

    root: Path
    out: Path
    cache: Path

    def builder(self, workers: int = 1) -> Builder:
        return Builder(load_config(self.root), output_dir=self.out, cache_folder=self.cache,
                       workers=workers)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    def snapshot(self) -> Snapshot:
        """Output key → (mtime_ns, bytes) of every file except the builder's marker."""
        return {p.relative_to(self.out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
                for p in self.out.rglob("*") if p.is_file() and p.name != MARKER}


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    """Keys added, removed, rewritten (new mtime) or with new bytes."""
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def work(result: BuildResult) -> tuple[int, int, int, int]:
    stats = result.stats
    return stats.parsed, stats.rendered, stats.written, stats.removed


@pytest.fixture()
def site(tmp_path: Path) -> SiteCopy:
    root = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("_site"))
    return SiteCopy(root, tmp_path / "out", tmp_path / "cache")


def test_a_rebuild_without_changes_parses_renders_and_writes_nothing(site: SiteCopy) -> None:
    builder = site.builder()
    first = builder.build(now=NOW)
    before = site.snapshot()
    again = builder.build(now=NOW)
    assert work(again) == (0, 0, 0, 0)
    assert changed(before, site.snapshot()) == set()
    assert (again.files, again.redirects, again.warnings) == (first.files, first.redirects, first.warnings)
    assert (again.stats.sources, again.stats.published) == (14, 13)


def test_touching_every_source_with_the_same_bytes_renders_and_writes_nothing(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    later = int(NOW.timestamp()) + 3600
    for path in site.root.rglob("*"):
        if path.is_file():
            os.utime(path, (later, later))
    again = builder.build(now=NOW)
    # New mtimes make the builder hash the files again; equal hashes mean nothing to parse either.
    assert work(again) == (0, 0, 0, 0)
    assert changed(before, site.snapshot()) == set()


def test_editing_the_body_after_the_summary_rewrites_only_the_post_and_the_feeds(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    site.edit(POST, "Most sync tools decide", "Most sync tools usually decide")
    again = builder.build(now=NOW)
    # Listings show the post's description, which did not change; the feeds carry its full text.
    assert changed(before, site.snapshot()) == {POST_KEY, "feed.xml", "blog/feed.xml"}
    assert work(again) == (1, 1, 3, 0)


def test_editing_a_post_summary_rerenders_the_post_and_every_listing_that_shows_it(site: SiteCopy) -> None:
    # Without a description, listings show the text before <!--more-->.
    site.edit(POST, 'description = "Modification times change when nothing else does. How sitepush '
                    'decides what to upload."\n', "")
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    site.edit(POST, "Most sync tools decide", "Most sync tools usually decide")
    again = builder.build(now=NOW)
    listings = {"index.html", "blog/index.html", "tags/s3/index.html", "tags/deploy/index.html",
                "tags/design/index.html", "categories/engineering/index.html"}
    assert changed(before, site.snapshot()) == {POST_KEY, "feed.xml", "blog/feed.xml"} | listings
    assert work(again) == (1, 1 + len(listings), 3 + len(listings), 0)
    after = site.snapshot()
    for key in (*DOCS_KEYS, "about/index.html", "blog/page/2/index.html", "tags/theme/index.html"):
        assert after[key] == before[key], key


def test_changing_a_title_rerenders_its_prev_next_neighbours_and_listings(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    site.edit(POST, 'title = "Why sitepush compares content hashes, not timestamps"',
              'title = "Why hashes, not timestamps"')
    again = builder.build(now=NOW)
    neighbours = {"blog/redirects-without-a-server/index.html", "blog/first-deploy/index.html"}
    listings = {"index.html", "blog/index.html", "tags/s3/index.html", "tags/deploy/index.html",
                "tags/design/index.html", "categories/engineering/index.html"}
    assert changed(before, site.snapshot()) == (
        {POST_KEY, "feed.xml", "blog/feed.xml"} | neighbours | listings)
    assert work(again) == (1, 9, 11, 0)
    assert "Why hashes, not timestamps" in (site.out / "blog/first-deploy/index.html").read_text("utf-8")


def test_editing_a_template_rerenders_every_page_using_it_and_rewrites_only_those(site: SiteCopy) -> None:
    (site.root / "templates").mkdir()
    shutil.copy(REPO / "templates" / "page.html", site.root / "templates" / "page.html")
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    site.edit("templates/page.html", '<article class="page', '<article data-edited class="page')
    again = builder.build(now=NOW)
    assert changed(before, site.snapshot()) == PAGE_TEMPLATE_KEYS
    assert again.stats.written == len(PAGE_TEMPLATE_KEYS)
    assert again.stats.rendered >= len(PAGE_TEMPLATE_KEYS)
    for key in PAGE_TEMPLATE_KEYS:
        assert "<article data-edited" in (site.out / key).read_text("utf-8"), key


def test_deleting_a_page_removes_its_output_and_warns_at_every_link_to_it(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    (site.root / "content/docs/install.md").unlink()
    again = builder.build(now=NOW)
    assert "docs/install/index.html" not in again.files
    assert not (site.out / "docs/install").exists()
    assert again.stats.removed == 1
    # The pages listing or linking to it, the docs listing's second page (one entry moved up),
    # its neighbour and the sitemap.
    assert changed(before, site.snapshot()) == {
        "docs/install/index.html", "docs/index.html", "docs/page/2/index.html",
        "docs/quick-start/index.html", "index.html", "sitemap.xml"}
    hint = "fix the path (relative to this file) or remove the link"
    assert [w.render() for w in again.warnings] == [
        f"content/_index.md:28: broken link to docs/install.md: no such page — {hint}",
        f"content/docs/_index.md:8: broken link to install.md: no such page — {hint}",
        f"content/docs/quick-start.md:8: broken link to install.md#pip: no such page — {hint}",
    ]


def test_a_new_builder_with_the_same_cache_folder_does_nothing_on_an_unchanged_site(site: SiteCopy) -> None:
    first = site.builder().build(now=NOW)
    before = site.snapshot()
    again = site.builder().build(now=NOW)  # nothing shared in memory: only the cache on disk
    assert work(again) == (0, 0, 0, 0)
    assert changed(before, site.snapshot()) == set()
    assert (again.files, again.redirects) == (first.files, first.redirects)
    assert (again.stats.sources, again.stats.published) == (14, 13)


def test_an_output_file_deleted_by_hand_is_written_again(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    (site.out / "about/index.html").unlink()
    (site.out / "assets/style.css").unlink()
    time.sleep(0.05)  # file times tick in jiffies: let the rewritten files get a visibly new mtime
    again = builder.build(now=NOW)
    after = site.snapshot()
    assert after["about/index.html"][1] == before["about/index.html"][1]
    assert after["assets/style.css"][1] == before["assets/style.css"][1]
    assert changed(before, after) == {"about/index.html", "assets/style.css"}
    assert (again.stats.parsed, again.stats.written) == (0, 2)


def test_an_output_file_changed_by_hand_is_restored(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    (site.out / "docs/install/index.html").write_text("vandalised", "utf-8")
    builder.build(now=NOW)
    assert site.snapshot()["docs/install/index.html"][1] == before["docs/install/index.html"][1]


def test_a_file_added_to_the_output_folder_by_hand_is_removed(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    (site.out / "stray").mkdir()
    (site.out / "stray" / "notes.txt").write_text("left behind", "utf-8")
    again = builder.build(now=NOW)
    assert not (site.out / "stray").exists()
    assert again.stats.removed == 1


def test_a_post_dated_in_the_future_appears_once_its_date_passes(site: SiteCopy) -> None:
    builder = site.builder()
    early = builder.build(now=datetime(2025, 9, 1, tzinfo=UTC))  # before 2025-09-08
    assert "blog/a-look-at-the-theme/index.html" not in early.files
    later = builder.build(now=NOW)
    assert "blog/a-look-at-the-theme/index.html" in later.files
    assert "blog/a-look-at-the-theme/screenshot.png" in later.files  # its bundle comes with it
    assert later.stats.parsed == 0


def test_editing_a_static_file_rewrites_only_that_file(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    (site.root / "static/.well-known/security.txt").write_text("Contact: mailto:new@example.com\n", "utf-8")
    again = builder.build(now=NOW)
    assert changed(before, site.snapshot()) == {".well-known/security.txt"}
    assert work(again) == (0, 0, 1, 0)


def test_adding_a_page_builds_it_and_updates_the_listings_that_show_it(site: SiteCopy) -> None:
    builder = site.builder()
    builder.build(now=NOW)
    before = site.snapshot()
    (site.root / "content/docs/faq.md").write_text(
        '---\ntitle: "FAQ"\ndescription: "Questions."\nweight: 60\n---\n\nAsk away.\n', "utf-8")
    again = builder.build(now=NOW)
    assert changed(before, site.snapshot()) == {
        "docs/faq/index.html", "docs/page/2/index.html",
        "docs/index.html",  # its header says 6 pages
        "docs/troubleshooting/index.html",  # its next link
        "index.html",  # the home page's card for Documentation says 6 pages
        "sitemap.xml"}
    assert again.stats.parsed == 1


def test_changing_the_config_rerenders_every_page(site: SiteCopy) -> None:
    site.builder().build(now=NOW)
    before = site.snapshot()
    site.edit("sitepush.toml", 'title = "sitepush"', 'title = "Pushed"')
    again = site.builder().build(now=NOW)  # the same cache folder, a new config
    rewritten = changed(before, site.snapshot())
    assert {key for key in before if key.endswith(".html")} <= rewritten
    assert {"feed.xml", "blog/feed.xml"} <= rewritten
    assert again.stats.parsed == 0  # parsing does not depend on the title
    assert "<title>About · Pushed</title>" in (site.out / "about/index.html").read_text("utf-8")


def test_switching_drafts_on_and_off_with_one_cache_adds_and_removes_the_draft(site: SiteCopy) -> None:
    draft = "blog/preview-server-notes/index.html"
    config = load_config(site.root)
    plain = Builder(config, output_dir=site.out, cache_folder=site.cache, workers=1).build(now=NOW)
    with_drafts = Builder(config, drafts=True, output_dir=site.out, cache_folder=site.cache,
                          workers=1).build(now=NOW)
    again = Builder(config, output_dir=site.out, cache_folder=site.cache, workers=1).build(now=NOW)
    assert draft not in plain.files and draft in with_drafts.files and draft not in again.files
    assert not (site.out / draft).exists()
    assert again.files == plain.files


def test_a_non_empty_output_folder_not_made_by_sitepush_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious", "utf-8")
    assert main(["build", str(EXAMPLE_SITE), "--output", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (f"error: output folder {folder} is not empty and was not made by sitepush — "
                            "choose an empty or new folder with --output, or delete this one\n")
    assert captured.out == ""
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]
    assert (folder / "thesis.txt").read_text("utf-8") == "precious"


def test_an_output_folder_made_by_sitepush_is_accepted_again_with_a_cold_cache(site: SiteCopy) -> None:
    site.builder().build(now=NOW)
    before = {key: data for key, (_, data) in site.snapshot().items()}
    cold = Builder(load_config(site.root), output_dir=site.out, cache_folder=site.cache.with_name("cold"),
                   workers=1).build(now=NOW)
    assert cold.stats.parsed == 14
    assert {key: data for key, (_, data) in site.snapshot().items()} == before


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("source", ["example-site", "zola-docs/docs/content"])
def test_parallel_and_serial_builds_are_byte_identical(tmp_path: Path, source: str) -> None:
    root = tmp_path / "site"
    if source == "example-site":
        shutil.copytree(EXAMPLE_SITE, root, ignore=shutil.ignore_patterns("_site"))
    else:
        root.mkdir()
        (root / "sitepush.toml").write_text(
            f'[build]\ncontent_dir = "{corpus_dir(source.partition("/")[0]) / source.partition("/")[2]}"\n',
            "utf-8")
    config = load_config(root)
    results = {}
    for workers in (2, 1):
        results[workers] = Builder(config, output_dir=tmp_path / f"out{workers}",
                                   cache_folder=tmp_path / f"cache{workers}", workers=workers).build(now=NOW)
    assert results[2].stats.parsed == results[1].stats.parsed > 0
    assert _files(tmp_path / "out2") == _files(tmp_path / "out1")
    assert results[2].files.keys() == results[1].files.keys()
    assert [f.md5 for f in results[2].files.values()] == [f.md5 for f in results[1].files.values()]
    assert results[2].redirects == results[1].redirects
    assert results[2].warnings == results[1].warnings
