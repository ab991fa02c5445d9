"""A message names a content file by the path the user knows: ``content/blog/x.md``, or ``blog/x.md`` when
the content folder is the site folder itself (``content_dir = "."``, as an imported Jekyll or MkDocs site
often is) — never ``./blog/x.md``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.config import load_config

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("content_dir", "shown"), [(".", "blog/a.md"), ("content", "content/blog/a.md"),
                                                     ("./docs/", "./docs/blog/a.md")])
def test_a_warning_names_the_file_as_the_user_knows_it(tmp_path: Path, content_dir: str, shown: str) -> None:
    site = tmp_path / "site"
    folder = site / content_dir
    (folder / "blog").mkdir(parents=True)
    (site / "sitepush.toml").write_text(f'[build]\ncontent_dir = "{content_dir}"\n', "utf-8")
    (folder / "blog" / "a.md").write_text("---\ntitle: A\n---\nSee [gone](gone.md).\n", "utf-8")
    result = Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                     workers=1).build(now=NOW)
    assert [w.render().split(":", 1)[0] for w in result.warnings] == [shown]
