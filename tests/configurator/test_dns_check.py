"""dns-check: the comparison as a pure function, then real DNS from knot on loopback, then the command.

Two knot instances stand in for the world: the *parent* serves ``example.`` with the delegations a
registrar would publish; the *child* answers for the delegated zones as Route 53 would, and for the
alias targets (``cloudfront.net.``). Route 53 itself is moto's server over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.configurator.dns_check import Answers, DnsProbe, Expectation, check, parse_server, render
from sitepush.sandbox import Sandbox
from tests.fixtures.dns_server import KnotServer, zone

R53 = ("ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net", "ns-2050.awsdns-66.org", "ns-2051.awsdns-67.co.uk")
CF = "d111111abcdef8.cloudfront.net"
VALIDATION = ("_3639ac514e785e898d2646601fa951d5.good.example", "_98d5bb6b4b1d23f7ad4bd31d00ab5a2c.acm-validations.aws")

pytestmark = pytest.mark.slow


def expectation(apex: str = "good.example") -> Expectation:
    return Expectation(apex=apex, name_servers=R53, targets={apex: CF, f"www.{apex}": CF},
                       validation=(VALIDATION,) if apex == "good.example" else ())


# -- the comparison, pure ---------------------------------------------------------------------------

def answers(**changes: object) -> Answers:
    base: dict[str, object] = {
        "parent_ns": R53,
        "addresses": {f"{CF}/A": ("192.0.2.10",), f"{CF}/AAAA": ("2001:db8::10",),
                      "good.example/A": ("192.0.2.10",), "good.example/AAAA": ("2001:db8::10",),
                      "www.good.example/A": ("192.0.2.10",), "www.good.example/AAAA": ("2001:db8::10",)},
        "cnames": {VALIDATION[0]: (VALIDATION[1] + ".",)},
    }
    base.update(changes)
    return Answers(**base)  # type: ignore[arg-type]


def test_a_delegated_domain_that_resolves_as_planned_passes_every_check() -> None:
    findings = check(expectation(), answers())
    assert all(f.ok for f in findings) and len(findings) == 6
    assert render(findings).splitlines()[-1] == "all checks passed"


def test_wrong_ns_at_the_parent_says_exactly_which_records_to_set_at_the_registrar() -> None:
    finding = check(expectation(), answers(parent_ns=("ns1.registrar.test",)))[0]
    assert finding.render() == ("✘ good.example: the parent zone lists ns1.registrar.test — fix: set exactly these "
                                "NS records at the registrar: " + ", ".join(sorted(R53)))


def test_a_host_without_records_and_one_pointing_elsewhere_are_told_apart() -> None:
    addresses = dict(answers().addresses)
    del addresses["www.good.example/A"]
    addresses["good.example/A"] = ("198.51.100.7",)
    failed = [f.render() for f in check(expectation(), answers(addresses=addresses)) if not f.ok]
    assert failed == [
        f"✘ good.example A → 198.51.100.7, not {CF}'s 192.0.2.10 — fix: point good.example at {CF} "
        "(run `sitepush configure`)",
        "✘ www.good.example has no A record — fix: run `sitepush configure` (it UPSERTs an alias A record "
        f"to {CF})",
    ]


def test_a_missing_validation_cname_is_reported_with_the_value_acm_needs() -> None:
    failed = [f for f in check(expectation(), answers(cnames={})) if not f.ok]
    assert len(failed) == 1 and VALIDATION[1] in failed[0].what and "no CNAME" in failed[0].what


def test_name_server_options_take_host_and_port() -> None:
    assert parse_server("127.0.0.1:5353") == ("127.0.0.1", 5353)
    assert parse_server("1.1.1.1") == ("1.1.1.1", 53)
    assert parse_server("[::1]:5353") == ("::1", 5353)


# -- real DNS from knot ------------------------------------------------------------------------------

def delegation(label: str, servers: tuple[str, ...]) -> str:
    return "".join(f"{label} NS {server}.\n" for server in servers)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[KnotServer, KnotServer]]:
    parent_records = (delegation("good", R53) + delegation("wrong", ("ns1.registrar.test",))
                      + delegation("nowww", R53))
    good = (f"@ A 192.0.2.10\n@ AAAA 2001:db8::10\nwww A 192.0.2.10\nwww AAAA 2001:db8::10\n"
            f"{VALIDATION[0]}. CNAME {VALIDATION[1]}.\n")
    with KnotServer({"example.": zone("example.", parent_records)}) as parent, KnotServer({
            "good.example.": zone("good.example.", good),
            "wrong.example.": zone("wrong.example.", good.replace("good.example", "wrong.example")),
            "nowww.example.": zone("nowww.example.", "@ A 192.0.2.10\n@ AAAA 2001:db8::10\n"),
            "cloudfront.net.": zone("cloudfront.net.", "d111111abcdef8 A 192.0.2.10\n"
                                                       "d111111abcdef8 AAAA 2001:db8::10\n"),
    }) as child:
        yield parent, child


def probe(world: tuple[KnotServer, KnotServer]) -> DnsProbe:
    parent, child = world
    return DnsProbe(resolver=parse_server(child.address), parent=parse_server(parent.address))


def test_knot_a_correct_delegation_and_records_pass(world: tuple[KnotServer, KnotServer]) -> None:
    findings = check(expectation(), probe(world).answers(expectation()))
    assert [f.ok for f in findings] == [True] * 6, render(findings)


def test_knot_wrong_ns_at_the_parent_fails_the_delegation_only(world: tuple[KnotServer, KnotServer]) -> None:
    wanted = Expectation(apex="wrong.example", name_servers=R53,
                         targets={"wrong.example": CF, "www.wrong.example": CF})
    findings = check(wanted, probe(world).answers(wanted))
    assert [f.ok for f in findings] == [False, True, True, True, True]
    assert "the parent zone lists ns1.registrar.test" in findings[0].what


def test_knot_a_missing_www_record_fails_www_only(world: tuple[KnotServer, KnotServer]) -> None:
    wanted = expectation("nowww.example")
    findings = check(wanted, probe(world).answers(wanted))
    assert [f.render()[:30] for f in findings if not f.ok] == [
        "✘ www.nowww.example has no A r", "✘ www.nowww.example has no AAA"]


def test_knot_a_missing_validation_cname_fails(world: tuple[KnotServer, KnotServer]) -> None:
    wanted = Expectation(apex="good.example", name_servers=R53, targets={},
                         validation=(("_missing.good.example", "_x.acm-validations.aws"),))
    findings = check(wanted, probe(world).answers(wanted))
    assert [f.ok for f in findings] == [True, False]


def test_dns_check_command_compares_route53_with_real_answers(
        world: tuple[KnotServer, KnotServer], sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    route53 = sandbox.client("route53")
    zone_id = route53.create_hosted_zone(Name="good.example", CallerReference="dns-check-cli")["HostedZone"]["Id"]
    assert tuple(route53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]) == R53
    changes = [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": name, "Type": kind, "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": CF + ".",
                                                    "EvaluateTargetHealth": False}}}
        for name in ("good.example.", "www.good.example.") for kind in ("A", "AAAA")]
    changes.append({"Action": "UPSERT", "ResourceRecordSet": {
        "Name": VALIDATION[0] + ".", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": VALIDATION[1] + "."}]}})
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitepush.toml").write_text('[domain]\nname = "good.example"\n')
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDDNSCHECK")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "dns-check-secret")
    parent, child = world
    code = main(["dns-check", str(site), "--nameserver", child.address, "--parent-nameserver", parent.address,
                 "--endpoint-url", sandbox.endpoint_url])
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    assert out[0] == "✔ good.example is delegated to its Route 53 zone (" + ", ".join(sorted(R53)) + ")"
    assert out[-1] == "all checks passed" and len(out) == 7


def test_dns_check_without_a_domain_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dns-check", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        'error: the site has no domain to check — set [domain] name = "example.com" in sitepush.toml')
