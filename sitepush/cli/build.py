"""``sitepush build``: build the site into its output folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitepush.cli.arguments import add_site_argument
from sitepush.cli.output import counted, print_problems, shown
from sitepush.errors import BuildError, UsageError

if TYPE_CHECKING:
    from sitepush.builder import BuildResult
    from sitepush.config import Config


def add_commands(commands: Any) -> None:
    """Add ``build`` to the command line."""
    build = commands.add_parser("build", help="build the site into its output folder",
                                description="Build the site into its output folder (default _site/).")
    add_site_argument(build)
    build.add_argument("--drafts", action="store_true", help="also build pages marked draft")
    build.add_argument("--strict", action="store_true", help="treat warnings (broken links) as errors")
    build.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: [build] output_dir)")
    build.add_argument("--workers", type=int, metavar="N", help="rendering processes (default: one per core, for 300 pages or more)")
    build.set_defaults(handler=cmd_build)


BUILD_QUIET_SECONDS = 2.0
"""A build shows no progress line before this: most builds are over by then."""


def load(site: Path) -> Config:
    """The site's configuration (sitepush.toml, or every default); a folder with neither sitepush.toml nor
    content/ is no site, and saying so beats building nothing."""
    from sitepush.config import CONFIG_NAME, load_config

    if site.is_dir() and not (site / CONFIG_NAME).exists() and not (site / "content").exists():
        where = "here" if site.resolve() == Path.cwd().resolve() else f"in {site}"
        raise BuildError(f"no {CONFIG_NAME} or content/ {where}",
                         hint=f"run `sitepush new {site if where != 'here' else 'my-site'}` to start a site")
    return load_config(site)


def build(config: Config, *, drafts: bool, strict: bool = False, output: Path | None = None,
          workers: int | None = None) -> BuildResult:
    """Build, print the warnings and one summary line."""
    from sitepush.builder import build_site
    from sitepush.progress import ProgressLine

    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    # A build that takes more than about two seconds says how far it is, on a terminal only.
    progress = ProgressLine(sys.stderr, quiet_for=BUILD_QUIET_SECONDS, tty_only=True)
    try:
        result = build_site(config, drafts=drafts, strict=strict, output_dir=output, workers=workers,
                            progress=progress)
    finally:
        progress.close()
    print_problems(result.warnings, "warning: ", sys.stderr)
    stats = result.stats
    print(f"Built {counted(stats.published, 'page')} from {counted(stats.sources, 'source')} in "
          f"{stats.seconds:.2f} s (parsed {stats.parsed}, rendered {stats.rendered}, wrote "
          f"{counted(stats.written, 'file')}, removed {stats.removed}) → {shown(result.output_dir)}")
    return result


def cmd_build(args: argparse.Namespace) -> int:
    """``sitepush build``."""
    config = load(args.site)
    output = args.output.resolve() if args.output else None
    build(config, drafts=args.drafts, strict=args.strict, output=output, workers=args.workers)
    return 0
