"""``sitepush deploy``: build (unless ``--site-dir``), then make the bucket equal to the site."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitepush.cli.arguments import add_bucket_arguments, add_site_argument
from sitepush.cli.build import build, load
from sitepush.cli.output import json_destination, print_problems
from sitepush.cli.signals import stops_gracefully
from sitepush.errors import UsageError

if TYPE_CHECKING:
    from sitepush.config import Config


def add_commands(commands: Any) -> None:
    """Add ``deploy`` to the command line."""
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
                        help="write the plan and the result to FILE as JSON (- for standard output)")
    deploy.add_argument("--site-dir", type=Path, metavar="DIR",
                        help="sync this already-built folder as-is (no build, no sitepush.toml)")
    add_bucket_arguments(deploy)
    deploy.add_argument("--workers", type=int, metavar="N", help="parallel requests (default: 32)")
    deploy.add_argument("--wait-lock", type=float, metavar="SECONDS",
                        help="wait this long for another deploy's lease on the bucket before stopping "
                             "with exit 3 (default: 60)")
    deploy.add_argument("--allow-older", action="store_true",
                        help="deploy even if the bucket holds a commit that is not an ancestor of this one")
    deploy.add_argument("--drafts", action="store_true", help="also build and upload draft pages")
    deploy.add_argument("--preview", metavar="NAME",
                        help="upload the site, drafts included, as a private preview under "
                             ".sitepush/previews/NAME/ (share pages with `sitepush share`)")
    deploy.set_defaults(handler=cmd_deploy)


def _preview_output(config: Config, preview: str | None) -> Path | None:
    """A preview (drafts included) is built beside the cache, never into the site's output folder."""
    if preview is None:
        return None
    from sitepush.user_cache import cache_dir_for

    return cache_dir_for(config.root) / "previews" / "site"


def _warn_unmatched_rules(config: Config, files: Mapping[str, object], redirects: Mapping[str, str]) -> None:
    """A ``[[deploy.headers]]`` rule that covers no file is probably a mistyped glob: say which, where."""
    from sitepush.config import CONFIG_NAME
    from sitepush.errors import Problem
    from sitepush.syncer.headers import unmatched_rules
    from sitepush.syncer.redirects import redirect_objects
    from sitepush.toml_lines import TomlLines

    rules = config.deploy.headers
    if not rules:
        return
    unmatched = unmatched_rules(rules, [*files, *redirect_objects(redirects)])
    if not unmatched:
        return
    try:
        lines = TomlLines((config.root / CONFIG_NAME).read_text("utf-8"))
    except OSError:
        return
    print_problems([Problem(f'[[deploy.headers]] glob "{rules[i].glob}" matches no file', CONFIG_NAME,
                            lines.line_of(("deploy", "headers", i)),
                            "fix the glob (one without / matches file names at any depth) or remove the rule")
                    for i in unmatched], "warning: ", sys.stderr)


def cmd_deploy(args: argparse.Namespace) -> int:
    """``sitepush deploy``: build (unless --site-dir), then sync to the bucket or the sandbox."""
    with json_destination(args.json_file) as json_path:
        return _deploy(args, json_path)


def _deploy(args: argparse.Namespace, json_path: Path | None) -> int:
    from dataclasses import replace

    from sitepush.deploy import DeployTarget, ListingAhead, deploy_folder, sync_options

    if args.keep and not args.sandbox:
        raise UsageError("--keep goes with --sandbox", hint="add --sandbox, or drop --keep")
    config = None
    if args.site_dir is not None:
        if not args.site_dir.is_dir():
            raise UsageError(f"--site-dir {args.site_dir} is not a folder",
                             hint="pass the folder of a built site, e.g. example-site/_site")
    else:
        config = load(args.site)
    deploy_config = config.deploy if config is not None else None
    target = DeployTarget.from_options(
        deploy_config, sandbox=args.sandbox, bucket=args.bucket, prefix=args.prefix,
        endpoint_url=args.endpoint_url, region=args.region, profile=args.profile,
        workers=args.workers, max_deletes=args.max_deletes, wait_lock=args.wait_lock,
        allow_older=args.allow_older, site=config)
    if args.preview is not None:
        from sitepush.history.previews import preview_prefix

        # A preview is private (under the state prefix, which the bucket policy denies), never
        # invalidated on CloudFront, and not part of the site's deploy history.
        target = replace(target, prefix=preview_prefix(target.prefix, target.state_prefix, args.preview),
                         url_prefix="", distribution_id=None, history=False, edge_host=None)
    configure = config if args.sandbox and args.preview is None else None
    redirects: Mapping[str, str] = {}
    if config is None:
        folder = args.site_dir.resolve()
        ahead = None
    else:
        output = _preview_output(config, args.preview)
        folder = output.resolve() if output is not None else config.output_path  # as the build names it
        # The bucket is listed while the site builds (the two need nothing of each other).
        ahead = ListingAhead(folder, target, sync_options(target, yes=args.yes), dry_run=args.dry_run,
                             out=sys.stdout, configure=configure)
        try:
            result = build(config, drafts=args.drafts or args.preview is not None, output=output)
        except BaseException:
            ahead.abandon()
            raise
        folder, redirects = result.output_dir, result.redirects
        _warn_unmatched_rules(config, result.files, redirects)
    with stops_gracefully():
        deploy_folder(folder, redirects, target, dry_run=args.dry_run, yes=args.yes, json_path=json_path,
                      keep=args.keep, website=config.website if config is not None else None,
                      out=sys.stdout, err=sys.stderr, configure=configure, ahead=ahead, site=config)
    return 0
