"""What an import produces, the contract every ``sitepush.importer.<kind>`` module answers.

Each kind has one entry point ``import_<kind>(source: Path, destination: Path) -> ImportResult``; it only
reads the source and returns text — writing DEST/sitepush.toml (and refusing to overwrite) is the command's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ImportResult:
    """The sitepush.toml an import wrote and what it could not carry over."""

    toml_text: str
    """The commented sitepush.toml, deterministic: the same source gives the same bytes."""
    residue: tuple[str, ...]
    """One line each: what could not be carried over — the config's (a theme, a plugin, …) sorted, then the
    content's (shortcodes, directives, … once per kind with its first file:line)."""


Importer = Callable[[Path, Path], ImportResult]
"""``import_<kind>(source, destination)``: read the source site's config, return the sitepush.toml."""

KINDS: tuple[str, ...] = ("mkdocs", "jekyll", "hugo")
"""The generators ``sitepush import`` reads, in the order ``--help`` lists them."""
