"""Bringing a site made for another generator — the importer.

::

    SRC/mkdocs.yml | _config.yml | hugo.toml → read_<kind>_config(SRC)      tolerant loaders (YAML tags, TOML)
    config → plan of sitepush.toml keys + residue lines                    pure
    TomlDocument → ImportResult(toml_text, residue)                       deterministic text
    sitepush import KIND SRC [--to DEST] → DEST/sitepush.toml              written by the command, never over
                                                                           an existing one without --force

No content is copied: ``[build] content_dir`` points at the source folder relative to DEST, so the user
keeps writing where they write now. What the builder does with the conventions the import turns on
(``[build] conventions``) lives in ``sitepush.builder``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from sitepush.errors import UsageError
from sitepush.importer.model import KINDS, Importer, ImportResult
from sitepush.importer.toml_writer import TomlDocument, toml_key, toml_string, toml_value


def importer_for(kind: str) -> Importer:
    """``import_<kind>`` of ``sitepush.importer.<kind>``, imported only when asked for."""
    if kind not in KINDS:
        raise UsageError(f'cannot import "{kind}" sites', hint=f"use one of: {', '.join(KINDS)}")
    try:
        module = importlib.import_module(f"sitepush.importer.{kind}")
    except ModuleNotFoundError as missing:
        if missing.name != f"sitepush.importer.{kind}":
            raise
        raise UsageError(f"`sitepush import {kind}` is not available in this build",
                         hint="use a sitepush release that includes it") from None
    found: Importer = getattr(module, f"import_{kind}")
    return found


def import_site(kind: str, source: Path, destination: Path) -> ImportResult:
    """The sitepush.toml (and residue) for the ``kind`` site in ``source``, written for ``destination``."""
    return importer_for(kind)(source, destination)


__all__ = [
    "KINDS",
    "ImportResult",
    "Importer",
    "TomlDocument",
    "import_site",
    "importer_for",
    "toml_key",
    "toml_string",
    "toml_value",
]
