"""``sitepush new SITE [--kind blog|docs]``: start a site."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_commands(commands: Any) -> None:
    """Add ``new`` to the command line."""
    new = commands.add_parser("new", help="start a new site in a new folder",
                              description="Write a site to start from: a commented sitepush.toml, a home "
                                          "page, a first post (blog) or doc pages (docs), a 404 page and "
                                          "static/. Refuses a folder that is not empty.")
    new.add_argument("site", type=Path, help="folder to create")
    new.add_argument("--kind", choices=("blog", "docs"), default="blog", help="what the site is (default blog)")
    new.set_defaults(handler=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    from sitepush.scaffold import write_new_site

    written = write_new_site(args.site, args.kind)
    print(f"wrote a new {args.kind} site to {args.site}/ ({len(written)} files). Next:")
    print(f"  sitepush serve {args.site}               # preview it, reloading as you edit")
    print(f"  sitepush deploy {args.site} --sandbox    # deploy it to the local sandbox")
    return 0
