"""What the watcher rebuilds for: site files yes; output, caches, version control and editor temp files no."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from sitepush.preview.live import LiveHub
from sitepush.preview.watch import SiteRebuilder, is_relevant
from tests.fixtures.paths import REPO

ROOTS = (Path("/site"), Path("/docs"))
IGNORED = (Path("/site/_site"), Path("/cache/sitepush"))


@pytest.mark.parametrize("path", [
    "/site/content/about.md", "/site/content/blog/post/index.md", "/site/static/images/a.png",
    "/site/templates/page.html", "/site/sitepush.toml", "/docs/content-management/shortcodes.md",
])
def test_site_files_are_worth_a_build(path: str) -> None:
    assert is_relevant(path, ROOTS, IGNORED)


@pytest.mark.parametrize("path", [
    "/site/_site/index.html", "/cache/sitepush/preview/site/x.html", "/site/.git/index",
    "/site/content/4913", "/site/content/.about.md.swp", "/site/content/about.md~",
    "/site/content/.#about.md", "/site/content/#about.md#", "/site/node_modules/x/y.js",
    "/elsewhere/file.md",
])
def test_output_caches_version_control_and_editor_temporaries_are_not(path: str) -> None:
    assert not is_relevant(path, ROOTS, IGNORED)


def test_a_burst_of_events_becomes_one_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "example-site", site)
    lines: list[str] = []
    rebuilder = SiteRebuilder(site, LiveHub(), drafts=False, output_dir=tmp_path / "out" / "site",
                              cache_folder=tmp_path / "out", on_build=lines.append)
    assert rebuilder.build()
    rebuilder.start()
    try:
        for _ in range(20):  # an editor's atomic save: temp file, write, rename, chmod...
            rebuilder.changed()
            time.sleep(0.002)
        deadline = time.monotonic() + 10
        while len(lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # room for a wrong second build to show up
    finally:
        rebuilder.stop()
    assert len(lines) == 2 and all(line.startswith("built ") for line in lines)


def test_a_failed_build_keeps_the_last_good_site_and_reports_file_and_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "example-site", site)
    hub = LiveHub()
    rebuilder = SiteRebuilder(site, hub, drafts=False, output_dir=tmp_path / "out" / "site",
                              cache_folder=tmp_path / "out")
    assert rebuilder.build()
    served = rebuilder.source.lookup("about/index.html")
    (site / "content" / "about.md").write_text('+++\ntitle = "About\n+++\nbody\n', "utf-8")
    assert not rebuilder.build()
    assert hub.problems and hub.problems[0].startswith("content/about.md:2: ")
    assert rebuilder.source.lookup("about/index.html") == served
    (site / "content" / "about.md").write_text('+++\ntitle = "About"\n+++\nbody\n', "utf-8")
    assert rebuilder.build()
    assert hub.problems == ()


def test_a_content_folder_outside_the_site_folder_is_watched_too(tmp_path: Path) -> None:
    from sitepush.config import load_config
    from sitepush.preview.watch import watched_folders

    (tmp_path / "docs").mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitepush.toml").write_text('[build]\ncontent_dir = "../docs"\n')
    assert watched_folders(load_config(tmp_path / "site")) == (tmp_path / "site", tmp_path / "docs")
