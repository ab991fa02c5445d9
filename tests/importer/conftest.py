"""Helpers of the import tests: import a source folder into a destination and build the result."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sitepush.builder.builder import Builder, BuildResult
from sitepush.config import CONFIG_NAME, load_config
from sitepush.importer import ImportResult, import_site

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def imported(kind: str, source: Path, destination: Path) -> ImportResult:
    """Import ``source`` and write the sitepush.toml into ``destination``."""
    result = import_site(kind, source, destination)
    destination.mkdir(parents=True, exist_ok=True)
    (destination / CONFIG_NAME).write_text(result.toml_text, "utf-8")
    return result


def build(destination: Path) -> BuildResult:
    """Build the site whose sitepush.toml is in ``destination``, at a fixed clock, in this process."""
    return Builder(load_config(destination), output_dir=destination / "_site",
                   cache_folder=destination / ".cache", workers=1).build(now=NOW)
