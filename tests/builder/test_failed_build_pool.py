"""A build that fails with its worker pool running shuts the pool down before the error leaves it: no
worker process and no pool thread is left for the interpreter to tear down at exit (where CPython 3.11
may print a `Bad file descriptor` traceback after sitepush's one error line)."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from sitepush.builder.builder import INLINE_LIMIT, Builder
from sitepush.config import load_config
from sitepush.errors import BuildError


def pages(site: Path, count: int) -> None:
    (site / "content").mkdir(parents=True)
    for number in range(count):
        (site / "content" / f"p{number}.md").write_text(f"---\ntitle: Page {number}\n---\nBody.\n", "utf-8")


def pool_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if "ExecutorManagerThread" in type(t).__name__]


@pytest.mark.parametrize("failing", ["front matter", "template"])
def test_a_failed_build_leaves_no_worker_pool_behind(tmp_path: Path, failing: str) -> None:
    site = tmp_path / "site"
    pages(site, INLINE_LIMIT * 2)
    if failing == "front matter":  # the pool is started by parsing, which fails
        (site / "content" / "bad.md").write_text("---\ntitle: [broken\n---\n", "utf-8")
    else:  # every page parsed last time: the pool is started by rendering, which fails
        Builder(load_config(site), cache_folder=tmp_path / "cache", workers=1).build()
        (site / "templates").mkdir()
        (site / "templates" / "page.html").write_text("{{ page.nothing.deeper }}", "utf-8")
    assert multiprocessing.active_children() == []
    with pytest.raises(BuildError):
        Builder(load_config(site), cache_folder=tmp_path / "cache", workers=2).build()
    assert multiprocessing.active_children() == []
    assert pool_threads() == []
