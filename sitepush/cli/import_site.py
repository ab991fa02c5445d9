"""``sitepush import mkdocs|jekyll|hugo SRC [--to DEST] [--force]``: write a sitepush.toml for a site made
for another generator, and say what could not be carried over."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from sitepush.errors import ConfigError, UsageError

KINDS = ("mkdocs", "jekyll", "hugo")  # sitepush.importer.KINDS, without importing the package for --help


def add_commands(commands: Any) -> None:
    """Add ``import`` to the command line."""
    command = commands.add_parser(
        "import", help="write a sitepush.toml for a MkDocs, Jekyll or Hugo site",
        description="Read the site's own config (mkdocs.yml; _config.yml; hugo.toml, config.toml, config.yaml, "
                    "config/_default/) and write a commented sitepush.toml that builds the same site from the "
                    "same folders — no content is copied — then list what could not be carried over "
                    "(themes, plugins, shortcodes). Running it again gives the same file.")
    command.add_argument("kind", choices=KINDS, help="the generator the site was made for")
    command.add_argument("source", type=Path, metavar="SRC", help="folder holding the site's config")
    command.add_argument("--to", type=Path, metavar="DEST", dest="destination",
                         help="folder to write sitepush.toml in (default: SRC); content_dir points back at SRC")
    command.add_argument("--force", action="store_true", help="replace an existing sitepush.toml")
    command.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    """``sitepush import``."""
    from sitepush.config import CONFIG_NAME, parse_config
    from sitepush.importer import import_site

    source: Path = args.source
    destination: Path = args.destination if args.destination is not None else source
    if not source.is_dir():
        raise UsageError(f"{source} is not a folder", hint=f"pass the folder that holds the {args.kind} config")
    target = destination / CONFIG_NAME
    if target.exists() and not args.force:
        raise ConfigError(f"{target} already exists", hint="pass --force to replace it")
    result = import_site(args.kind, source, destination)
    # The import's own output must load: a failure here is a bug in the importer, never the user's.
    parse_config(result.toml_text, root=destination.resolve(), file=str(target))
    destination.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, result.toml_text)
    print(f"wrote {target} from the {args.kind} config in {source}")
    if result.residue:
        print(f"not carried over ({len(result.residue)}):")
        for line in result.residue:
            print(f"  - {line}")
    else:
        print("everything was carried over")
    return 0


def _write_atomically(path: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(prefix=".sitepush-import-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
