"""What `sitepush configure` refuses before its first write, which hosted zone it uses, and a plan whose
numbers hold: the changes planned are the changes applied and the resources of the next run.

moto keeps one state per process, so each test uses a domain of its own; write calls are observed
through botocore's ``before-call`` event.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from sitepush.config import Config, parse_config
from sitepush.configurator.aws_state import InfraClients
from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for
from sitepush.errors import InfraError
from sitepush.sandbox import Sandbox

_numbers = itertools.count()
READS = ("Get", "List", "Head", "Describe")


def fresh_domain() -> str:
    return f"refusal{next(_numbers)}.example"


def config_of(text: str) -> Config:
    return parse_config(text, root=Path("/site"))


class Writes:
    """The write calls the four clients make."""

    def __init__(self, clients: InfraClients) -> None:
        self.names: list[str] = []
        for client in clients.all():
            client.meta.events.register("before-call", self._call)

    def _call(self, model: Any, **_: Any) -> None:
        if not model.name.startswith(READS):
            self.names.append(model.name)


@pytest.fixture()
def clients(sandbox: Sandbox) -> InfraClients:
    return InfraClients.of_sandbox(sandbox)


def configure(config: Config, clients: InfraClients) -> int:
    return apply_config(config, clients, ConfigureOptions(certificate_wait=10), sleep=lambda _: None)


def test_without_a_zone_and_no_permission_to_create_one_the_plan_refuses_and_nothing_is_written(
        clients: InfraClients) -> None:
    domain = fresh_domain()
    config = config_of(f'[deploy]\nbucket = "www.{domain}"\n[domain]\nname = "{domain}"\n')
    writes = Writes(clients)
    with pytest.raises(InfraError) as planned:
        plan_for(config, clients)
    assert f"no public Route 53 hosted zone for {domain}" in planned.value.render()
    with pytest.raises(InfraError) as applied:
        configure(config, clients)
    assert applied.value.render() == planned.value.render()
    assert writes.names == []  # not even the buckets


def test_a_bucket_in_another_region_is_refused_before_the_first_write(clients: InfraClients) -> None:
    domain = fresh_domain()
    clients.s3.create_bucket(Bucket=domain)  # the redirect bucket, in us-east-1
    writes = Writes(clients)
    config = config_of(f'[deploy]\nregion = "eu-west-1"\n[domain]\nname = "{domain}"\ncreate_hosted_zone = true\n')
    with pytest.raises(InfraError) as error:
        configure(config, clients)
    assert f"the bucket {domain} is in us-east-1, but sitepush.toml says eu-west-1" in error.value.render()
    assert writes.names == []


@pytest.mark.parametrize("cloudfront", [False, True])
def test_planned_changes_are_the_applied_changes_and_the_next_runs_resources(
        clients: InfraClients, cloudfront: bool) -> None:
    domain = fresh_domain()
    config = config_of(f'[deploy]\nregion = "eu-west-1"\n[domain]\nname = "{domain}"\ncreate_hosted_zone = true\n'
                       f'[cloudfront]\nenabled = {"true" if cloudfront else "false"}\n')
    plan = plan_for(config, clients)
    assert all(change.action == "create" for change in plan.changes)
    if cloudfront:  # the validation records are planned (and counted) before ACM has named them
        assert [c.name for c in plan.changes if c.name.startswith("CNAME")] == [
            f"CNAME (validation of {domain})", f"CNAME (validation of www.{domain})"]
        assert f"+ create record CNAME (validation of www.{domain})" in plan.render()
    applied = configure(config, clients)
    after = plan_for(config, clients)
    assert (len(plan.pending), applied, len(after.changes)) == ((18, 18, 18) if cloudfront else (11, 11, 11))
    assert after.pending == ()


def _zone(clients: InfraClients, domain: str, reference: str) -> str:
    return str(clients.route53.create_hosted_zone(Name=domain, CallerReference=reference)["HostedZone"]["Id"])


def _names_in(clients: InfraClients, zone: str) -> set[str]:
    return {f"{r['Type']} {r['Name']}" for r in clients.route53.list_resource_record_sets(
        HostedZoneId=zone)["ResourceRecordSets"] if r["Type"] in ("A", "AAAA", "CNAME")}


def test_two_public_zones_of_the_domain_are_refused_with_both_ids(clients: InfraClients) -> None:
    domain = fresh_domain()
    first, second = _zone(clients, domain, f"{domain}-1"), _zone(clients, domain, f"{domain}-2")
    writes = Writes(clients)
    with pytest.raises(InfraError) as error:
        configure(config_of(f'[deploy]\nbucket = "www.{domain}"\n[domain]\nname = "{domain}"\n'), clients)
    line = error.value.render()
    assert f"2 public hosted zones are named {domain}" in line
    assert first.rsplit("/", 1)[-1] in line and second.rsplit("/", 1)[-1] in line
    assert "hosted_zone_id" in line
    assert writes.names == []


def test_hosted_zone_id_puts_the_records_in_that_zone(clients: InfraClients) -> None:
    domain = fresh_domain()
    first, second = _zone(clients, domain, f"{domain}-1"), _zone(clients, domain, f"{domain}-2")
    config = config_of(f'[deploy]\nbucket = "www.{domain}"\n[domain]\nname = "{domain}"\n'
                       f'hosted_zone_id = "{second.rsplit("/", 1)[-1]}"\n')
    configure(config, clients)
    assert _names_in(clients, second) == {f"A {domain}.", f"A www.{domain}."}
    assert _names_in(clients, first) == set()
    assert plan_for(config, clients).pending == ()


def test_a_hosted_zone_id_of_another_domain_is_refused(clients: InfraClients) -> None:
    domain, other = fresh_domain(), fresh_domain()
    zone = _zone(clients, other, other).rsplit("/", 1)[-1]
    with pytest.raises(InfraError) as error:
        plan_for(config_of(f'[deploy]\nbucket = "www.{domain}"\n[domain]\nname = "{domain}"\n'
                           f'hosted_zone_id = "{zone}"\n'), clients)
    assert f"[domain] hosted_zone_id {zone} is not a public hosted zone of {domain}" in error.value.render()
