"""``sitepush configure``: read → plan (pure) → show → apply in dependency order → read again.

Applying is a loop of small steps: read what exists, plan, make the first resource that differs,
and again — so what a step creates (a certificate's ARN, a distribution's domain) is known to the
next, an interrupted run is finished by the next one, and the run ends when a fresh plan has nothing
left to do. A run on a configured site reads and writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from sitepush.config import Config
from sitepush.configurator.aws_state import InfraClients, discover, read_actual, read_leftovers, write
from sitepush.configurator.desired import Known, certificate_names, desired_resources, hosts_of
from sitepush.configurator.model import InfraPlan
from sitepush.configurator.plan import check_applicable, plan_infra
from sitepush.errors import InfraError

MAX_STEPS = 80
"""More steps than any site has resources: a plan that does not shrink is a bug, stopped here."""


@dataclass(frozen=True)
class ConfigureOptions:
    """How a run may act."""

    certificate_wait: float = 600.0
    """Seconds to wait for ACM to issue the certificate before a distribution can use it."""
    create_zone: bool = False
    prune: bool = False
    """Disable and delete the CloudFront distributions sitepush made that the site no longer uses."""
    distribution_wait: float = 1800.0
    """Seconds to wait for a disabled distribution to be Deployed before it can be deleted."""


def plan_for(config: Config, clients: InfraClients, *, create_zone: bool = False, prune: bool = False
             ) -> InfraPlan:
    """The plan for ``config`` against what AWS has now (reads only).

    Raises the InfraError an apply would stop with when a change cannot be made (no hosted zone and no
    permission to create one, a bucket in another region): a plan never shows what cannot be applied.
    """
    plan = _read_and_plan(config, clients, prune=prune)[0]
    check_applicable(plan, create_zone=create_zone or config.domain.create_hosted_zone)
    return plan


def _read_and_plan(config: Config, clients: InfraClients, requested_certificate: str | None = None, *,
                   prune: bool = False) -> tuple[InfraPlan, Known]:
    desired_resources(config, Known())  # a sitepush.toml that cannot work is refused before any AWS call
    hosts = hosts_of(config)
    names = certificate_names(config)
    cloudfront = config.cloudfront
    known = discover(clients, hosts.apex if hosts else None,
                     (hosts.canonical, hosts.other) if hosts else (), certificate_names=names,
                     requested_certificate=requested_certificate, zone_id=config.domain.hosted_zone_id,
                     edge_host=hosts.canonical if hosts and cloudfront.enabled else None,
                     edge_private=cloudfront.origin == "private", edge_headers=bool(cloudfront.headers))
    desired = desired_resources(config, known)
    actual = read_actual(clients, desired, known)
    leftovers, notes = read_leftovers(clients, desired, known, (hosts.canonical, hosts.other) if hosts else (),
                                      prune=prune)
    return plan_infra(desired, actual, leftovers=leftovers, notes=notes), known


def apply_config(config: Config, clients: InfraClients, options: ConfigureOptions, *,
                 progress: TextIO | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """Make AWS match ``config``; returns the number of changes made. Raises InfraError naming the step."""
    made = 0
    requested: str | None = None
    create_zone = options.create_zone or config.domain.create_hosted_zone
    for _ in range(MAX_STEPS):
        plan, known = _read_and_plan(config, clients, requested, prune=options.prune)
        if not plan.pending:
            return made
        check_applicable(plan, create_zone=create_zone)  # the whole plan, before its first (next) write
        change = plan.pending[0]
        if progress is not None:
            print(f"  {change.render().splitlines()[0]}", file=progress, flush=True)
        written = write(clients, change, known, certificate_wait=options.certificate_wait,
                        create_zone=create_zone, sleep=sleep, distribution_wait=options.distribution_wait,
                        config=config)
        requested = written.certificate_arn or requested
        if written.note and progress is not None:
            print(f"    {written.note}", file=progress, flush=True)
        made += 1
    raise InfraError(f"configure did not converge after {MAX_STEPS} steps",
                     hint="run `sitepush configure --plan` and report what it shows")
