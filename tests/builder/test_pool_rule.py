"""When a build starts worker processes: with the default worker count, only for a step of
POOL_MIN_JOBS jobs or more (a small site builds in this process, where every import and first-use
compile is paid once); with workers given, from INLINE_LIMIT jobs, as asked."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from sitepush.builder.builder import INLINE_LIMIT, POOL_MIN_JOBS, Builder
from sitepush.config import load_config


def pages(site: Path, count: int) -> Path:
    (site / "content").mkdir(parents=True)
    for number in range(count):
        (site / "content" / f"p{number}.md").write_text(f"---\ntitle: Page {number}\n---\nBody.\n", "utf-8")
    return site


def test_a_small_site_builds_in_this_process_with_the_default_workers(tmp_path: Path) -> None:
    builder = Builder(load_config(pages(tmp_path / "site", INLINE_LIMIT * 2)), cache_folder=tmp_path / "cache")
    result = builder.build()
    assert result.stats.parsed == INLINE_LIMIT * 2 and result.stats.rendered > INLINE_LIMIT * 2
    assert builder.last_pooled == 0
    assert multiprocessing.active_children() == []


def test_workers_given_are_used_for_a_small_site_too(tmp_path: Path) -> None:
    builder = Builder(load_config(pages(tmp_path / "site", INLINE_LIMIT * 2)), cache_folder=tmp_path / "cache",
                      workers=2)
    result = builder.build()
    assert builder.last_pooled == result.stats.parsed + result.stats.rendered - 1  # all but the highlight CSS
    assert multiprocessing.active_children() == []  # shut down with the build


def test_workers_set_in_sitepush_toml_are_used_as_given(tmp_path: Path) -> None:
    site = pages(tmp_path / "site", INLINE_LIMIT * 2)
    (site / "sitepush.toml").write_text("[build]\nworkers = 2\n", "utf-8")
    builder = Builder(load_config(site), cache_folder=tmp_path / "cache")
    builder.build()
    assert builder.last_pooled > 0


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the default is one process")
def test_a_step_of_pool_min_jobs_starts_the_pool_with_the_default_workers(tmp_path: Path) -> None:
    builder = Builder(load_config(pages(tmp_path / "site", POOL_MIN_JOBS)), cache_folder=tmp_path / "cache")
    result = builder.build()
    assert result.stats.parsed == POOL_MIN_JOBS
    assert builder.last_pooled >= POOL_MIN_JOBS
    edited = tmp_path / "site" / "content" / "p1.md"
    edited.write_text(edited.read_text("utf-8") + "More.\n", "utf-8")
    again = builder.build()  # one page to parse, one to render: this process
    assert again.stats.parsed == 1 and builder.last_pooled == 0
