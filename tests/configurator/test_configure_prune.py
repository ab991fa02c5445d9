"""What sitepush made and the site no longer uses: its alias records go (planned and shown), its CloudFront
distributions only with an explicit ``--prune`` — disabled first, deleted once Deployed.

moto lets a distribution be deleted while enabled, which CloudFront refuses; the order of the requests
is therefore asserted from the parameters sitepush sends (botocore's ``provide-client-params``).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from sitepush.config import Config, parse_config
from sitepush.configurator.aws_state import InfraClients
from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for
from sitepush.sandbox import Sandbox

_numbers = itertools.count()


def site_config(domain: str, *, cloudfront: bool) -> Config:
    return parse_config(f'[deploy]\nregion = "eu-west-1"\n[domain]\nname = "{domain}"\ncreate_hosted_zone = true\n'
                        f'[cloudfront]\nenabled = {"true" if cloudfront else "false"}\n', root=Path("/site"))


def configure(config: Config, clients: InfraClients, *, prune: bool = False) -> int:
    return apply_config(config, clients, ConfigureOptions(certificate_wait=10, prune=prune), sleep=lambda _: None)


def ours(clients: InfraClients, domain: str) -> dict[str, str]:
    found = {}
    for item in clients.cloudfront.list_distributions()["DistributionList"].get("Items", []):
        aliases = clients.cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]["Aliases"]
        for host in set(aliases.get("Items", [])) & {domain, f"www.{domain}"}:
            found[host] = item["Id"]
    return found


def records(clients: InfraClients, domain: str) -> set[str]:
    zone = next(z["Id"] for z in clients.route53.list_hosted_zones_by_name(DNSName=domain)["HostedZones"]
                if z["Name"] == f"{domain}.")
    return {f"{r['Type']} {r['Name']}" for r in
            clients.route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
            if r["Type"] in ("A", "AAAA")}


def test_turning_cloudfront_off_removes_the_aliases_it_made_and_keeps_the_distributions(sandbox: Sandbox) -> None:
    clients = InfraClients.of_sandbox(sandbox)
    domain = f"prune{next(_numbers)}.example"
    configure(site_config(domain, cloudfront=True), clients)
    distributions = ours(clients, domain)
    assert len(distributions) == 2

    off = site_config(domain, cloudfront=False)
    plan = plan_for(off, clients)
    assert [(c.action, c.kind, c.name) for c in plan.pending] == [
        ("update", "website", domain),  # the redirect goes back to http
        ("update", "record", f"A www.{domain}."), ("update", "record", f"A {domain}."),
        ("delete", "record", f"AAAA www.{domain}."), ("delete", "record", f"AAAA {domain}."),
    ]
    shown = plan.render()
    assert f"- delete record AAAA www.{domain}." in shown and "2 to delete" in shown
    assert all(f"the CloudFront distribution {d}" in shown for d in distributions.values())
    assert "--prune" in shown

    assert configure(off, clients) == 5
    assert records(clients, domain) == {f"A {domain}.", f"A www.{domain}."}
    assert ours(clients, domain) == distributions  # not deleted without --prune
    after = plan_for(off, clients)
    assert after.pending == () and len(after.notes) == 2


def test_prune_disables_each_distribution_before_deleting_it(sandbox: Sandbox) -> None:
    clients = InfraClients.of_sandbox(sandbox)
    domain = f"prune{next(_numbers)}.example"
    configure(site_config(domain, cloudfront=True), clients)
    distributions = set(ours(clients, domain).values())
    off = site_config(domain, cloudfront=False)
    configure(off, clients)

    sent: list[tuple[str, str, Any]] = []

    def record(model: Any, params: Any, **_: Any) -> None:
        if model.name in ("UpdateDistribution", "DeleteDistribution"):
            sent.append((model.name, params["Id"], params.get("DistributionConfig", {}).get("Enabled")))

    clients.cloudfront.meta.events.register("provide-client-params.cloudfront", record)
    plan = plan_for(off, clients, prune=True)
    assert {(c.action, c.kind) for c in plan.pending} == {("delete", "distribution")}
    assert configure(off, clients, prune=True) == 2
    for distribution_id in distributions:
        mine = [(name, enabled) for name, which, enabled in sent if which == distribution_id]
        assert mine == [("UpdateDistribution", False), ("DeleteDistribution", None)]
    assert ours(clients, domain) == {}
    assert plan_for(off, clients, prune=True).pending == () and plan_for(off, clients).notes == ()
