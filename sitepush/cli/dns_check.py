"""``sitepush dns-check``: what Route 53 holds for the site's domain, compared with what DNS answers."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sitepush.cli.arguments import add_sandbox_argument, add_site_argument
from sitepush.errors import UsageError


def add_commands(commands: Any) -> None:
    """Add ``dns-check`` to the command line."""
    check = commands.add_parser(
        "dns-check", help="check that the domain is delegated to Route 53 and resolves as configured",
        description="Compare real DNS answers with the site's Route 53 zone: the parent zone's NS records "
                    "(delegation), the A/AAAA answers of apex and www against their alias targets, and "
                    "the certificate's validation CNAMEs. One line per check, ✔ or ✘ with the fix.")
    add_site_argument(check)
    check.add_argument("--nameserver", metavar="HOST[:PORT]",
                       help="resolver to ask instead of the system's (e.g. 1.1.1.1, or 127.0.0.1:5353)")
    check.add_argument("--parent-nameserver", metavar="HOST[:PORT]",
                       help="a server of the parent zone to ask for the delegation (default: found by DNS)")
    check.add_argument("--endpoint-url", metavar="URL", help="AWS endpoint for Route 53 (testing)")
    check.add_argument("--profile", metavar="P", help="AWS profile from ~/.aws/config")
    add_sandbox_argument(check)
    check.set_defaults(handler=cmd_dns_check)


def cmd_dns_check(args: argparse.Namespace) -> int:
    """0 when every check holds, 1 otherwise."""
    from sitepush.aws import make_client
    from sitepush.config import load_config
    from sitepush.configurator.dns_check import (
        DnsProbe,
        check,
        expectation_from_route53,
        parse_server,
        render,
    )

    config = load_config(args.site)
    if not config.domain.name:
        raise UsageError("the site has no domain to check", hint='set [domain] name = "example.com" in sitepush.toml')
    try:
        resolver = parse_server(args.nameserver) if args.nameserver else None
        parent = parse_server(args.parent_nameserver) if args.parent_nameserver else None
    except ValueError:
        raise UsageError("a name server is HOST or HOST:PORT", hint="e.g. --nameserver 127.0.0.1:5353") from None
    if args.sandbox:
        if args.endpoint_url or args.profile or args.nameserver or args.parent_nameserver:
            raise UsageError("--sandbox answers with its own Route 53 and DNS server",
                             hint="drop --endpoint-url, --profile and the name server options")
        from sitepush.sandbox import shared_sandbox

        sandbox = shared_sandbox(sys.stdout)
        route53 = sandbox.client("route53")
        resolver = parent = sandbox.dns_server
        print(f"asking the sandbox's DNS server on 127.0.0.1:{sandbox.dns_port} (it serves the sandbox's "
              "Route 53 zones, their parent's delegation and the alias targets)")
    else:
        route53 = make_client("route53", region="us-east-1", endpoint_url=args.endpoint_url,
                              profile=args.profile)
    expected = expectation_from_route53(route53, config.domain.name, config.domain.hosted_zone_id)
    findings = check(expected, DnsProbe(resolver, parent).answers(expected))
    print(render(findings))
    return 0 if all(f.ok for f in findings) else 1

