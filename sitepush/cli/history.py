"""``sitepush history``, ``rollback``, ``share`` and ``preview prune``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from sitepush.cli.arguments import add_bucket_arguments, add_sandbox_argument, add_site_argument
from sitepush.errors import DeployError, UsageError


def _target_args(parser: argparse.ArgumentParser) -> None:
    add_site_argument(parser)
    add_bucket_arguments(parser)
    add_sandbox_argument(parser)


def add_commands(commands: Any) -> None:
    """Add the history, rollback, share and preview commands."""
    history = commands.add_parser("history", help="list the deploys recorded in the bucket, newest first",
                                  description="List the deploys (and rollbacks) recorded in the bucket.")
    _target_args(history)
    history.add_argument("--json", action="store_true", help="print the records as JSON")
    history.set_defaults(handler=cmd_history)

    rollback = commands.add_parser(
        "rollback", help="return the site to an earlier deploy (server-side copies of old versions)",
        description="Restore every object a later deploy changed or deleted to its version at an earlier "
                    "deploy, then the manifest and the CloudFront cache. The rollback is itself recorded, "
                    "so it can be undone. Needs a versioned bucket (sitepush configure turns it on).")
    _target_args(rollback)
    which = rollback.add_mutually_exclusive_group()
    which.add_argument("--to", metavar="DEPLOY_ID", help="the deploy to return to")
    which.add_argument("--steps", type=int, metavar="N", help="go back N deploys (default 1)")
    rollback.add_argument("--dry-run", action="store_true", help="print what would be restored, change nothing")
    rollback.set_defaults(handler=cmd_rollback)

    share = commands.add_parser("share", help="print a time-limited link to a page or a preview's page",
                                description="Print a presigned (SigV4) link to one object of the site, or of a "
                                            "private preview (deploy --preview NAME), valid for --expires "
                                            "(at most 7 days).")
    share.add_argument("path", help="site path, e.g. /blog/draft-post/")
    _target_args(share)
    share.add_argument("--preview", metavar="NAME", help="link into the preview NAME")
    share.add_argument("--expires", default="1h", metavar="DURATION", help="e.g. 15m, 1h, 7d (default 1h)")
    share.set_defaults(handler=cmd_share, site_option=True)

    preview = commands.add_parser("preview", help="manage private previews",
                                  description="Manage the private previews uploaded by deploy --preview.")
    actions = preview.add_subparsers(dest="preview_command", metavar="ACTION", required=True)
    prune = actions.add_parser("prune", help="delete previews not updated for a while")
    _target_args(prune)
    prune.add_argument("--older-than", default="7d", metavar="DURATION", help="default 7d")
    prune.set_defaults(handler=cmd_preview_prune)


def _connect(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """(config or None, DeployTarget, S3 client) for the command's site and options."""
    from sitepush.aws import make_client
    from sitepush.config import load_config
    from sitepush.deploy import DeployTarget

    site: Path = args.site
    config = load_config(site) if site.is_dir() else None
    target = DeployTarget.from_options(config.deploy if config else None, sandbox=args.sandbox,
                                       bucket=args.bucket, site=config, prefix=args.prefix,
                                       endpoint_url=args.endpoint_url, region=args.region, profile=args.profile,
                                       workers=None)
    if target.sandbox:
        from sitepush.sandbox import shared_sandbox

        # Said on stderr: stdout may be JSON (history --json) or a link (share).
        return config, target, shared_sandbox(sys.stderr).client("s3", max_pool=16)
    client = make_client("s3", region=target.region, endpoint_url=target.endpoint_url, profile=target.profile,
                         max_pool=16)
    return config, target, client


def cmd_history(args: argparse.Namespace) -> int:
    from sitepush.history.store import history_json, list_record_ids, read_records

    _, target, client = _connect(args)
    ids = list_record_ids(client, target.bucket, target.prefix, target.state_prefix)
    records = read_records(client, target.bucket, target.prefix, target.state_prefix, ids)
    if args.json:
        print(history_json(records, bucket=target.bucket, prefix=target.prefix))
        return 0
    if not records:
        print(f"no deploys recorded in s3://{target.bucket}/{target.prefix} (records are kept on a versioned "
              "bucket: `sitepush configure` turns versioning on)")
        return 0
    for record in reversed(records):
        what = f"rollback to {record.rolled_back_to}" if record.kind == "rollback" else "deploy"
        commit = f" commit {record.commit[:12]}" if record.commit else ""
        print(f"{record.id}  {record.time}  {what}: {record.uploaded} written, {record.deleted} deleted{commit}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from sitepush.history.rollback import apply_rollback, plan_rollback, read_versions
    from sitepush.history.store import list_record_ids, read_records, record_deploy, versioning_status

    _, target, client = _connect(args)
    if versioning_status(client, target.bucket) != "Enabled":
        raise DeployError(f"s3://{target.bucket} is not versioned, so earlier deploys cannot be restored",
                          hint="run `sitepush configure` (it turns versioning on); deploys after that can be "
                               "rolled back")
    ids = list_record_ids(client, target.bucket, target.prefix, target.state_prefix)
    if args.to is not None:
        if args.to not in ids:
            raise UsageError(f"no deploy {args.to} in the history", hint="see `sitepush history` for the ids")
        goal = args.to
    else:
        steps = 1 if args.steps is None else args.steps
        if steps < 1 or steps >= len(ids):
            raise UsageError(f"cannot go back {steps} deploys: the history holds {len(ids)}",
                             hint="see `sitepush history`; use --steps from 1 to the number of deploys minus 1")
        goal = ids[-1 - steps]
    later_ids = ids[ids.index(goal) + 1:]
    if not later_ids:
        print(f"deploy {goal} is the latest: nothing to roll back")
        return 0
    later = read_records(client, target.bucket, target.prefix, target.state_prefix, later_ids)
    keys = {key for record in later for key in record.versions}
    versions = read_versions(client, target.bucket, target.prefix, keys)
    plan = plan_rollback(goal, later, versions)
    print(f"rollback to {goal}: restore {len(plan.restore)}, delete {len(plan.delete)}, "
          f"already right {len(plan.unchanged)}")
    for key in plan.changed_keys[:50]:
        print(f"  {'restore' if key in plan.restore else 'delete '} {key}")
    if args.dry_run or not plan.changed_keys:
        return 0
    written = apply_rollback(client, target.bucket, plan, workers=target.workers,
                             multipart_threshold=target.multipart_threshold)
    previous = {key: (versions[key].latest or "") if versions[key].present else "" for key in written}
    record = record_deploy(client, target.bucket, target.prefix, target.state_prefix, written, plan.delete,
                           uploaded=len(plan.restore), folder=None, kind="rollback", rolled_back_to=goal,
                           previous=previous)
    _invalidate(target, plan.changed_keys)
    print(f"rolled back to {goal}; recorded as {record.id} (undo with `sitepush rollback --to {later_ids[-1]}`)")
    return 0


def _invalidate(target: Any, keys: tuple[str, ...]) -> None:
    if not target.distribution_id:
        return
    from sitepush.aws import make_client
    from sitepush.syncer.cloudfront import invalidate
    from sitepush.syncer.invalidation import invalidation_paths

    site_keys = [k for k in keys if not k.startswith(target.prefix + target.state_prefix)]
    paths = invalidation_paths(site_keys, (), prefix=target.prefix, budget=15)
    if paths:
        cloudfront = make_client("cloudfront", region=target.region, endpoint_url=None, profile=target.profile)
        invalidate(cloudfront, target.distribution_id, paths, lambda line: print(line, file=sys.stderr),
                   sleep=time.sleep, clock=time.monotonic)


def cmd_share(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sitepush.history.previews import (
        key_for_path,
        link_lifetime,
        parse_duration,
        preview_prefix,
        share_url,
        signing_credentials,
    )

    config, target, client = _connect(args)
    index = config.website.index_document if config else "index.html"
    base = preview_prefix(target.prefix, target.state_prefix, args.preview) if args.preview else target.prefix
    key = base + key_for_path(args.path, index)
    expires = parse_duration(args.expires, option="--expires")
    lifetime = link_lifetime(expires, signing_credentials(client), datetime.now(UTC))
    print(share_url(client, target.bucket, key, lifetime.expires_in))
    print(lifetime.note, file=sys.stderr)
    return 0


def cmd_preview_prune(args: argparse.Namespace) -> int:
    from sitepush.history.previews import PREVIEWS_FOLDER, parse_duration, prune

    _, target, client = _connect(args)
    removed = prune(client, target.bucket, f"{target.prefix}{target.state_prefix}{PREVIEWS_FOLDER}",
                    parse_duration(args.older_than, option="--older-than"))
    print(f"removed {len(removed)} previews" + (f": {', '.join(removed)}" if removed else ""))
    return 0
