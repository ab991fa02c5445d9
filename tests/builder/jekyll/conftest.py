"""A small Jekyll folder written per test and built in Jekyll mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder, BuildResult
from sitepush.config import load_config

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
JekyllBuild = Callable[..., BuildResult]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


@pytest.fixture()
def jekyll_build(tmp_path: Path) -> JekyllBuild:
    """``jekyll_build(files, toml_extra="", strict=False)``: the folder's sitepush.toml says
    ``conventions = "jekyll"`` and ``content_dir = "."``; built into ``_site/``."""
    def build(files: dict[str, str], *, toml_extra: str = "", strict: bool = False,
              drafts: bool = False) -> BuildResult:
        site = tmp_path / "site"
        write(site, {"sitepush.toml": f'[build]\nconventions = "jekyll"\ncontent_dir = "."\n{toml_extra}', **files})
        return Builder(load_config(site), strict=strict, drafts=drafts, cache_folder=tmp_path / "cache",
                       workers=1).build(now=NOW)
    return build


def page_keys(result: BuildResult) -> set[str]:
    """The HTML pages of a build, without the theme's own outputs (404, category and tag pages)."""
    return {k for k in result.files if k.endswith(".html") and k != "404.html"
            and not k.startswith(("categories/", "tags/"))}
