"""The command line: parse arguments, call the core, print, exit. Nothing else lives here.

Heavy modules (boto3, moto, Jinja2, Markdown, Pygments, watchdog) are imported inside the commands, so
``sitepush --help`` answers at once; tests/test_cli.py pins it.

Exit codes: 0 done, 1 user error (one line per problem), 2 usage, 3 safety stop, 4 AWS refused.

``build`` and ``deploy`` are declared here; every other command lives beside the code it drives, in a
module named in :data:`COMMAND_MODULES` that defines ``add_commands(commands)``: it adds its parsers and
sets ``handler`` (a function ``(argparse.Namespace) -> int``) on each. Such a module imports nothing
heavy at import time.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sitepush import __version__
from sitepush.errors import Problem, SitepushError, UsageError

if TYPE_CHECKING:
    from sitepush.build.builder import BuildResult
    from sitepush.config import Config


def add_site_argument(parser: argparse.ArgumentParser) -> None:
    """The optional SITE argument every command takes."""
    parser.add_argument("site", nargs="?", default=".", type=Path,
                        help="site folder holding sitepush.toml (default: the current folder)")


def add_bucket_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the bucket is, overriding ``[deploy]``: for deploy and every command that reads the bucket."""
    parser.add_argument("--bucket", metavar="NAME", help="bucket (default: [deploy] bucket)")
    parser.add_argument("--prefix", metavar="P", help="key prefix in the bucket")
    parser.add_argument("--endpoint-url", metavar="URL", help="S3-compatible endpoint (MinIO, R2)")
    parser.add_argument("--region", metavar="R", help="AWS region of the bucket")
    parser.add_argument("--profile", metavar="P", help="AWS profile from ~/.aws/config")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="sitepush",
        description="Build a folder of Markdown into a website and publish it to S3.")
    parser.add_argument("--version", action="version", version=f"sitepush {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", help="build the site into its output folder",
                                description="Build the site into its output folder (default _site/).")
    add_site_argument(build)
    build.add_argument("--drafts", action="store_true", help="also build pages marked draft")
    build.add_argument("--strict", action="store_true", help="treat warnings (broken links) as errors")
    build.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: [build] output_dir)")
    build.add_argument("--workers", type=int, metavar="N", help="rendering processes (default: one per core)")

    deploy = commands.add_parser(
        "deploy", help="build the site and sync it to its bucket",
        description="Build the site and make its bucket equal to it, uploading only what changed "
                    "(or sync an already-built folder with --site-dir). --sandbox deploys to an "
                    "embedded local S3 instead of AWS.")
    add_site_argument(deploy)
    deploy.add_argument("--sandbox", action="store_true",
                        help="deploy to an embedded S3 (moto) on 127.0.0.1 instead of AWS")
    deploy.add_argument("--keep", action="store_true",
                        help="with --sandbox: keep the sandbox running until Ctrl-C")
    deploy.add_argument("--dry-run", action="store_true",
                        help="print what would be uploaded, deleted and invalidated; change nothing")
    deploy.add_argument("--yes", action="store_true",
                        help="go ahead even if the deploy deletes more than the limit")
    deploy.add_argument("--max-deletes", type=int, metavar="N",
                        help="deletes allowed without --yes (default: [deploy] max_deletes, "
                             "else 10%% of the bucket, at least 25)")
    deploy.add_argument("--json", type=Path, metavar="FILE", dest="json_file",
                        help="write the plan and the result to FILE as JSON")
    deploy.add_argument("--site-dir", type=Path, metavar="DIR",
                        help="sync this already-built folder as-is (no build, no sitepush.toml)")
    add_bucket_arguments(deploy)
    deploy.add_argument("--workers", type=int, metavar="N", help="parallel requests (default: 32)")
    deploy.add_argument("--drafts", action="store_true", help="also build and upload draft pages")
    deploy.add_argument("--preview", metavar="NAME",
                        help="upload the site, drafts included, as a private preview under "
                             ".sitepush/previews/NAME/ (share pages with `sitepush share`)")
    build.set_defaults(handler=cmd_build)
    deploy.set_defaults(handler=cmd_deploy)
    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(commands)
    return parser


def _load(site: Path) -> Config:
    from sitepush.config import load_config

    return load_config(site)


_annotated_site: Path | None = None
"""The SITE argument of the running command: annotations name files relative to the workspace."""


def _print_problems(problems: Sequence[Problem], prefix: str, stream: TextIO) -> None:
    for problem in problems:
        print(f"{prefix}{problem.render()}", file=stream)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        # In a GitHub workflow, each problem is also an annotation on the file and line it names.
        from sitepush.ci_output import annotation

        level = "warning" if prefix.startswith("warning") else "error"
        for problem in problems:
            print(annotation(problem, level=level, site=_annotated_site), flush=True)


def _build(config: Config, *, drafts: bool, strict: bool = False, output: Path | None = None,
           workers: int | None = None) -> BuildResult:
    from sitepush.build.builder import build_site

    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    result = build_site(config, drafts=drafts, strict=strict, output_dir=output, workers=workers)
    _print_problems(result.warnings, "warning: ", sys.stderr)
    stats = result.stats
    print(f"Built {stats.published} pages from {stats.sources} sources in {stats.seconds:.2f} s "
          f"(parsed {stats.parsed}, rendered {stats.rendered}, wrote {stats.written} files, "
          f"removed {stats.removed}) → {_shown(result.output_dir)}")
    return result


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _preview_output(config: Config, preview: str | None) -> Path | None:
    """A preview (drafts included) is built beside the cache, never into the site's output folder."""
    if preview is None:
        return None
    from sitepush.build.cache import cache_dir_for

    return cache_dir_for(config.root) / "previews" / "site"


def cmd_build(args: argparse.Namespace) -> int:
    """``sitepush build``."""
    config = _load(args.site)
    output = args.output.resolve() if args.output else None
    _build(config, drafts=args.drafts, strict=args.strict, output=output, workers=args.workers)
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    """``sitepush deploy``: build (unless --site-dir), then sync to the bucket or the sandbox."""
    from sitepush.deploy import DeployTarget, deploy_folder

    if args.site_dir is not None:
        if not args.site_dir.is_dir():
            raise UsageError(f"--site-dir {args.site_dir} is not a folder",
                             hint="pass the folder of a built site, e.g. example-site/_site")
        folder, redirects = args.site_dir.resolve(), {}
        config = None
    else:
        config = _load(args.site)
        result = _build(config, drafts=args.drafts or args.preview is not None,
                        output=_preview_output(config, args.preview))
        folder, redirects = result.output_dir, result.redirects
    deploy_config = config.deploy if config is not None else None
    target = DeployTarget.from_options(
        deploy_config, sandbox=args.sandbox, bucket=args.bucket, prefix=args.prefix,
        endpoint_url=args.endpoint_url, region=args.region, profile=args.profile,
        workers=args.workers, max_deletes=args.max_deletes)
    if args.preview is not None:
        from dataclasses import replace

        from sitepush.history.previews import preview_prefix

        # A preview is private (under the state prefix, which the bucket policy denies), never
        # invalidated on CloudFront, and not part of the site's deploy history.
        target = replace(target, prefix=preview_prefix(target.prefix, target.state_prefix, args.preview),
                         distribution_id=None, history=False)
    deploy_folder(folder, redirects, target, dry_run=args.dry_run, yes=args.yes, json_path=args.json_file,
                  keep=args.keep, website=config.website if config is not None else None,
                  out=sys.stdout, err=sys.stderr,
                  configure=config if args.sandbox and args.preview is None else None)
    return 0


COMMAND_MODULES: tuple[str, ...] = (
    "sitepush.preview.cli",
    "sitepush.infra.cli",
    "sitepush.infra.dns_cli",
    "sitepush.history.cli",
)
"""Modules adding the other commands (see the module docstring)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sitepush`` console script."""
    global _annotated_site
    parser = make_parser()
    args = parser.parse_args(argv)
    _annotated_site = getattr(args, "site", None)
    try:
        return int(args.handler(args))
    except SitepushError as error:
        _print_problems(error.problems, "error: ", sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
