"""The sandbox's DNS: Route 53's zones answered by a real DNS server on loopback, so dns-check runs offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.resolver
import pytest

from sitepush.cli import main
from sitepush.configurator.dns_check import DnsProbe, Expectation
from sitepush.errors import InfraError
from sitepush.sandbox import Sandbox, SandboxProcess
from sitepush.sandbox.dns import HostedZone, SandboxDns, answer, synthetic_address
from tests.fixtures.paths import EXAMPLE_SITE

ZONE = HostedZone(
    name="example.com.", name_servers=("ns-1.awsdns-01.org.", "ns-2.awsdns-02.com."),
    records={("_abc.example.com.", "CNAME"): ("_def.acm-validations.aws.",),
             ("example.com.", "TXT"): ('"v=spf1 -all"',)},
    aliases={("www.example.com.", "A"): "d111.cloudfront.net.",
             ("www.example.com.", "AAAA"): "d111.cloudfront.net.",
             ("example.com.", "A"): "s3-website-eu-west-1.amazonaws.com."})


def ask(name: str, record: str, *, recursion: bool = True) -> dns.message.Message:
    query = dns.message.make_query(name, record)
    if not recursion:
        query.flags &= ~dns.flags.RD
    result: dns.message.Message = answer(query, [ZONE])
    return result


def texts(response: dns.message.Message) -> list[str]:
    return sorted(rdata.to_text() for rrset in response.answer for rdata in rrset)


@pytest.mark.parametrize(("name", "record", "expected"), [
    ("example.com.", "NS", ["ns-1.awsdns-01.org.", "ns-2.awsdns-02.com."]),
    ("_abc.example.com.", "CNAME", ["_def.acm-validations.aws."]),
    ("_abc.example.com.", "A", ["_def.acm-validations.aws."]),  # a CNAME answers every type
    ("example.com.", "TXT", ['"v=spf1 -all"']),
    ("www.example.com.", "A", [synthetic_address("d111.cloudfront.net.", "A")]),
    ("www.example.com.", "AAAA", [synthetic_address("d111.cloudfront.net.", "AAAA")]),
    ("d111.cloudfront.net.", "A", [synthetic_address("d111.cloudfront.net.", "A")]),
    ("WWW.Example.COM.", "A", [synthetic_address("d111.cloudfront.net.", "A")]),
])
def test_answers_are_authoritative_and_an_alias_resolves_like_its_target(
        name: str, record: str, expected: list[str]) -> None:
    response = ask(name, record)
    assert response.rcode() == dns.rcode.NOERROR
    assert texts(response) == expected
    assert response.flags & dns.flags.AA


def test_the_delegation_is_answered_without_recursion_as_the_parent_would() -> None:
    assert texts(ask("example.com.", "NS", recursion=False)) == ["ns-1.awsdns-01.org.", "ns-2.awsdns-02.com."]


def test_a_missing_name_is_nxdomain_and_a_missing_type_is_nodata_both_with_the_soa() -> None:
    missing = ask("nope.example.com.", "A")
    assert (missing.rcode(), missing.answer) == (dns.rcode.NXDOMAIN, [])
    nodata = ask("www.example.com.", "TXT")
    assert (nodata.rcode(), nodata.answer) == (dns.rcode.NOERROR, [])
    for response in (missing, nodata):
        assert [rrset.rdtype for rrset in response.authority] == [dns.rdatatype.SOA]


def test_names_outside_the_sandbox_are_refused() -> None:
    assert ask("example.org.", "A").rcode() == dns.rcode.REFUSED


def test_synthetic_addresses_are_stable_and_in_the_documentation_ranges() -> None:
    a, aaaa = synthetic_address("d111.cloudfront.net", "A"), synthetic_address("D111.cloudfront.net.", "AAAA")
    assert a == synthetic_address("d111.cloudfront.net.", "A") and a.startswith("192.0.2.")
    assert aaaa.startswith("2001:db8:")


def test_the_server_answers_over_udp_and_tcp_from_route53(sandbox: Sandbox) -> None:
    route53 = sandbox.client("route53")
    zone = route53.create_hosted_zone(Name="dns-server.example", CallerReference="dns-server-test")["HostedZone"]
    route53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "www.dns-server.example", "Type": "CNAME",
                                                  "TTL": 60, "ResourceRecords": [{"Value": "elsewhere.example"}]}}]})
    server = SandboxDns(route53).start()
    try:
        query = dns.message.make_query("www.dns-server.example", "CNAME")
        for send in (dns.query.udp, dns.query.tcp):
            response = send(query, "127.0.0.1", port=server.port, timeout=5)
            assert [r.to_text() for rrset in response.answer for r in rrset] == ["elsewhere.example."]
    finally:
        server.stop()


def test_dns_check_sandbox_passes_every_check_after_a_sandbox_configure(
        own_sandbox: SandboxProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    assert main(["configure", str(site), "--sandbox", "--yes"]) == 0
    capsys.readouterr()
    assert main(["dns-check", str(site), "--sandbox"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"asking the sandbox's DNS server on 127.0.0.1:{own_sandbox.dns_port}")
    assert lines[-1] == "all checks passed"
    assert sum(line.startswith("✔") for line in lines) == 7  # delegation, 2 hosts × A/AAAA, 2 validations


def test_no_answer_at_all_is_one_line_about_the_resolver_not_missing_records() -> None:
    with pytest.raises(InfraError) as error:
        DnsProbe(("127.0.0.1", 9)).answers(Expectation(apex="example.com", name_servers=("a.example.",),
                                                       targets={"www.example.com": "d.cloudfront.net"},
                                                       validation=()))
    assert error.value.render() == "no DNS answer from 127.0.0.1:9 — check the network or --nameserver"
