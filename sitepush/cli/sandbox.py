"""``sitepush sandbox status|stop|reset``: the local AWS every ``--sandbox`` command shares."""

from __future__ import annotations

import argparse
import time
from typing import Any


def add_commands(commands: Any) -> None:
    """Add ``sandbox`` and its actions to the command line."""
    sandbox = commands.add_parser(
        "sandbox", help="show, stop or empty the local sandbox every --sandbox command shares",
        description="The sandbox is an embedded AWS (moto's server, with a DNS server for its Route 53 "
                    "zones) on 127.0.0.1, started by the first --sandbox command and shared by the next "
                    "ones, so versions, deploy records, certificates, distributions and zones persist "
                    "between commands. Nothing in it ever reaches AWS.")
    actions = sandbox.add_subparsers(dest="sandbox_command", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="is it running, where, and what it holds")
    status.set_defaults(handler=cmd_status)
    stop = actions.add_parser("stop", help="stop it (everything it holds is gone)")
    stop.set_defaults(handler=cmd_stop)
    reset = actions.add_parser("reset", help="stop it and start an empty one")
    reset.set_defaults(handler=cmd_reset)


def cmd_status(args: argparse.Namespace) -> int:
    from sitepush.sandbox import running_sandbox

    found = running_sandbox()
    if found is None:
        print("no sandbox is running (the next --sandbox command starts one)")
        return 0
    print(f"sandbox running (pid {found.pid}, up {_duration(time.time() - found.started)}): "
          f"AWS on {found.endpoint_url}, DNS on 127.0.0.1:{found.dns_port}")
    for line in _holdings(found):
        print(f"  {line}")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from sitepush.sandbox import stop_sandbox

    stopped = stop_sandbox()
    if stopped is None:
        print("no sandbox was running")
    else:
        print(f"stopped the sandbox (pid {stopped.pid}); its buckets, zones, certificates and distributions "
              "are gone")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    import sys

    from sitepush.sandbox import shared_sandbox, stop_sandbox

    stop_sandbox()
    started = shared_sandbox()
    print(f"the sandbox is empty again (pid {started.pid}, AWS on {started.endpoint_url})", file=sys.stdout)
    return 0


def _holdings(sandbox: Any) -> list[str]:
    """One line per kind of resource the sandbox holds."""
    from sitepush.cli.output import counted

    s3, route53 = sandbox.client("s3"), sandbox.client("route53")
    acm, cloudfront = sandbox.client("acm"), sandbox.client("cloudfront")
    lines = []
    buckets = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    for bucket in buckets:
        versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status", "not versioned")
        count = sum(page.get("KeyCount", 0) for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket))
        lines.append(f"bucket {bucket}: {counted(count, 'object')} ({versioning.lower()})")
    zones = [z["Name"].rstrip(".") for z in route53.list_hosted_zones().get("HostedZones", [])]
    certificates = [c["DomainName"] for c in acm.list_certificates().get("CertificateSummaryList", [])]
    items = cloudfront.list_distributions().get("DistributionList", {}).get("Items", []) or []
    if zones:
        lines.append(f"hosted zones: {', '.join(zones)}")
    if certificates:
        lines.append(f"certificates: {', '.join(certificates)}")
    if items:
        lines.append("distributions: " + ", ".join(
            f"{d['Id']} ({', '.join(d.get('Aliases', {}).get('Items', []) or ['no alias'])})" for d in items))
    if not lines:
        lines.append("empty")
    return lines


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return f"{int(seconds)} s"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
