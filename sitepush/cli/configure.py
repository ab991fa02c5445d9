"""``sitepush configure``: show the AWS plan for the site, ask, apply it; ``--sandbox`` on moto's server."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sitepush.cli.arguments import add_site_argument
from sitepush.errors import SafetyStop, UsageError


def add_commands(commands: Any) -> None:
    """Add ``configure`` to the command line."""
    configure = commands.add_parser(
        "configure", help="set up the bucket, website hosting, certificate, CDN and DNS (plan first)",
        description="Make the AWS side of the site match sitepush.toml: the bucket with website hosting, "
                    "versioning and a public-read policy (never on .sitepush/) — or, with [cloudfront] origin "
                    "= \"private\", a private bucket only the distribution reads (Origin Access Control) and "
                    "its CloudFront Function —, the apex↔www redirect bucket, an ACM certificate validated "
                    "through Route 53, CloudFront, and the alias records. Prints the plan first; a second run "
                    "changes nothing.")
    add_site_argument(configure)
    configure.add_argument("--plan", action="store_true", help="print the plan and change nothing")
    configure.add_argument("--yes", action="store_true", help="apply without asking (CI)")
    configure.add_argument("--prune", action="store_true",
                           help="also disable and delete the CloudFront distributions sitepush made that the "
                                "site no longer uses (alias records it made are removed either way)")
    configure.add_argument("--sandbox", action="store_true",
                           help="configure an embedded AWS (moto) on 127.0.0.1 instead of AWS")
    configure.add_argument("--json", type=Path, metavar="FILE", dest="json_file",
                           help="write the plan (and how many changes were applied) to FILE (- for standard "
                                "output)")
    configure.add_argument("--endpoint-url", metavar="URL", help="one endpoint for every service (testing)")
    configure.add_argument("--profile", metavar="P", help="AWS profile from ~/.aws/config")
    configure.add_argument("--certificate-wait", type=float, default=600.0, metavar="SECONDS",
                           help="how long to wait for ACM to issue the certificate (default 600)")
    configure.set_defaults(handler=cmd_configure)


def cmd_configure(args: argparse.Namespace) -> int:
    """Plan, show, confirm, apply."""
    from sitepush.cli.output import json_destination

    with json_destination(args.json_file) as args.json_file:
        return _configure(args)


def _configure(args: argparse.Namespace) -> int:
    from sitepush.config import load_config

    if args.sandbox and (args.endpoint_url or args.profile):
        raise UsageError("--sandbox runs its own AWS; it cannot be combined with --endpoint-url or --profile")
    if args.certificate_wait < 0:
        raise UsageError("--certificate-wait must be 0 or more seconds")
    config = load_config(args.site)
    from sitepush.configurator.aws_state import InfraClients

    if args.sandbox:
        from sitepush.sandbox import shared_sandbox

        # The sandbox's ACM issues at once (no DNS can validate there): a short wait is plenty.
        args.certificate_wait = min(args.certificate_wait, 30.0)
        return _run(config, InfraClients.of_sandbox(shared_sandbox(sys.stdout)), args)
    from sitepush.aws import make_client
    from sitepush.configurator.desired import CERTIFICATE_REGION

    def client(service: str, region: str) -> Any:
        return make_client(service, region=region, endpoint_url=args.endpoint_url, profile=args.profile)

    clients = InfraClients(s3=client("s3", config.deploy.region), acm=client("acm", CERTIFICATE_REGION),
                           cloudfront=client("cloudfront", "us-east-1"),
                           route53=client("route53", "us-east-1"),
                           keyvaluestore=client("cloudfront-keyvaluestore", "us-east-1"))
    return _run(config, clients, args)


def _run(config: Any, clients: Any, args: argparse.Namespace) -> int:
    from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for

    plan = plan_for(config, clients, prune=args.prune)
    print(plan.render(), flush=True)
    applied = 0
    if plan.pending and not args.plan:
        if not args.yes and not _confirmed(len(plan.pending)):
            _write_json(args.json_file, plan, applied)
            raise SafetyStop(f"not applied: {len(plan.pending)} changes planned and not confirmed",
                             hint="rerun with --yes to apply them (or answer y on a terminal)")
        applied = apply_config(config, clients, ConfigureOptions(certificate_wait=args.certificate_wait,
                                                                 create_zone=args.sandbox, prune=args.prune),
                               progress=sys.stdout)
        after = plan_for(config, clients, prune=args.prune)
        print(f"applied {applied} changes; {after.render()}", flush=True)
    _write_json(args.json_file, plan, applied)
    return 0


def _confirmed(count: int) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"Apply these {count} changes? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _write_json(path: Path | None, plan: Any, applied: int) -> None:
    if path is None:
        return
    from sitepush.cli.output import schema

    path.write_text(json.dumps({"schema": schema("configure"), "plan": plan.as_json(), "applied": applied},
                               indent=2, default=str) + "\n", "utf-8")
