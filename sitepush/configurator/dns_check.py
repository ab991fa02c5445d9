"""``sitepush dns-check``: is the domain delegated to its Route 53 zone, and does it resolve as planned?

Pure core: an :class:`Expectation` (what Route 53 holds: the zone's name servers, the alias target of
each host, the ACM validation CNAMEs) and the answers real DNS gave (:class:`Answers`) → one
:class:`Finding` per check, each ✔ or ✘ with the fix. The I/O (:class:`DnsProbe`, dnspython) asks:

* the **parent zone's servers** for the domain's NS records (a referral, asked without recursion) —
  found through the resolver, or given (``parent``) as a ``HOST:PORT``;
* the **resolver** (the system's, or ``--nameserver HOST:PORT``) for each host's A and AAAA records and
  for its alias target's, and for the validation CNAMEs.

A host passes when it resolves to at least one address its target resolves to (CDNs rotate addresses,
so equal sets are not required). Every query has a timeout and a bounded number of tries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sitepush.errors import InfraError

QUERY_TIMEOUT = 2.0
TRIES = 2


@dataclass(frozen=True)
class Expectation:
    """What the site's DNS should say, as Route 53 (and the plan) has it."""

    apex: str
    name_servers: tuple[str, ...]
    """The Route 53 zone's name servers, lower case, without the trailing dot."""
    targets: Mapping[str, str] = field(default_factory=dict)
    """Host → the name its alias record points to (a CloudFront or S3 website endpoint)."""
    validation: tuple[tuple[str, str], ...] = ()
    """(name, value) of the ACM validation CNAMEs."""


@dataclass(frozen=True)
class Answers:
    """What DNS answered (empty tuples: no such record)."""

    parent_ns: tuple[str, ...] | None
    """NS names the parent zone delegates to; None when the parent could not be asked."""
    addresses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Name (host or target) + ``/A`` or ``/AAAA`` → addresses."""
    cnames: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One check: did it hold, what was seen, and how to fix it when it did not."""

    ok: bool
    what: str
    fix: str = ""

    def render(self) -> str:
        """``✔ what`` or ``✘ what — fix: …``."""
        return f"✔ {self.what}" if self.ok else f"✘ {self.what} — fix: {self.fix}"


def normal(name: str) -> str:
    """A DNS name compared case-insensitively, without its trailing dot."""
    return name.lower().rstrip(".")


def check(expected: Expectation, answers: Answers) -> list[Finding]:
    """Every finding, delegation first, then each host, then the validation records."""
    findings = [_delegation(expected, answers)]
    for host, target in sorted(expected.targets.items()):
        findings += _resolution(host, target, answers)
    for name, value in expected.validation:
        seen = tuple(normal(v) for v in answers.cnames.get(normal(name), ()))
        if normal(value) in seen:
            findings.append(Finding(True, f"{normal(name)} CNAME {normal(value)} (certificate validation)"))
        else:
            shown = ", ".join(seen) if seen else "no CNAME"
            findings.append(Finding(False, f"{normal(name)}: {shown}, the certificate needs {normal(value)}",
                                    "run `sitepush configure` (it UPSERTs the validation records), "
                                    "then wait for the zone to be served"))
    return findings


def _delegation(expected: Expectation, answers: Answers) -> Finding:
    wanted = sorted(normal(ns) for ns in expected.name_servers)
    if answers.parent_ns is None:
        return Finding(False, f"{expected.apex}: the parent zone's servers did not answer",
                       "check the domain is registered, then run dns-check again")
    seen = sorted(normal(ns) for ns in answers.parent_ns)
    if seen == wanted:
        return Finding(True, f"{expected.apex} is delegated to its Route 53 zone ({', '.join(wanted)})")
    shown = ", ".join(seen) if seen else "no NS records"
    return Finding(False, f"{expected.apex}: the parent zone lists {shown}",
                   f"set exactly these NS records at the registrar: {', '.join(wanted)}")


def _resolution(host: str, target: str, answers: Answers) -> list[Finding]:
    findings = []
    for record in ("A", "AAAA"):
        wanted = set(answers.addresses.get(f"{normal(target)}/{record}", ()))
        if not wanted:
            continue  # the target has no such addresses (S3 website endpoints have no AAAA)
        seen = set(answers.addresses.get(f"{normal(host)}/{record}", ()))
        if seen & wanted:
            findings.append(Finding(True, f"{normal(host)} {record} → {', '.join(sorted(seen))} "
                                          f"(as {normal(target)})"))
        elif not seen:
            findings.append(Finding(False, f"{normal(host)} has no {record} record",
                                    f"run `sitepush configure` (it UPSERTs an alias {record} record to "
                                    f"{normal(target)})"))
        else:
            findings.append(Finding(False, f"{normal(host)} {record} → {', '.join(sorted(seen))}, not "
                                           f"{normal(target)}'s {', '.join(sorted(wanted))}",
                                    f"point {normal(host)} at {normal(target)} (run `sitepush configure`)"))
    return findings


def parse_server(text: str) -> tuple[str, int]:
    """``HOST[:PORT]`` (``[v6]:PORT`` for IPv6) → (host, port); port 53 by default."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else 53
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, 53


class DnsProbe:
    """Asks real DNS servers (dnspython), with timeouts and bounded tries."""

    def __init__(self, resolver: tuple[str, int] | None = None, parent: tuple[str, int] | None = None) -> None:
        import dns.resolver

        self._resolver = dns.resolver.Resolver(configure=resolver is None)
        if resolver is not None:
            self._resolver.nameservers = [resolver[0]]
            self._resolver.port = resolver[1]
        self._resolver.timeout = QUERY_TIMEOUT
        self._resolver.lifetime = QUERY_TIMEOUT * TRIES
        self._parent = parent
        self._where = f"{resolver[0]}:{resolver[1]}" if resolver else "the system's resolver"
        self._answered = False

    def answers(self, expected: Expectation) -> Answers:
        """Everything :func:`check` needs for ``expected``."""
        addresses: dict[str, tuple[str, ...]] = {}
        for name in {*expected.targets, *expected.targets.values()}:
            for record in ("A", "AAAA"):
                addresses[f"{normal(name)}/{record}"] = self._lookup(name, record)
        cnames = {normal(name): self._lookup(name, "CNAME") for name, _ in expected.validation}
        if not self._answered:
            # Nothing answered at all: every check would say "missing", which would send the user to
            # fix records that may well be right.
            raise InfraError(f"no DNS answer from {self._where}", hint="check the network or --nameserver")
        return Answers(parent_ns=self._parent_ns(expected.apex), addresses=addresses, cnames=cnames)

    def _lookup(self, name: str, record: str) -> tuple[str, ...]:
        import dns.exception
        import dns.resolver

        try:
            answer = self._resolver.resolve(name, record, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            self._answered = True
            return ()
        except dns.resolver.NoNameservers as error:
            # SERVFAIL or REFUSED is an answer; a refused connection or an unreachable port is not.
            errors = error.kwargs.get("errors") or []
            self._answered = self._answered or any(entry[-1] is not None for entry in errors)
            return ()
        except dns.exception.Timeout:
            return ()
        self._answered = True
        if answer.rrset is None:
            return ()
        return tuple(sorted(rdata.to_text() for rdata in answer.rrset))

    def _parent_ns(self, apex: str) -> tuple[str, ...] | None:
        servers = [self._parent] if self._parent else self._parent_servers(apex)
        for server in servers:
            found = _referral(apex, server)
            if found is not None:
                return found
        return None

    def _parent_servers(self, apex: str) -> list[tuple[str, int]]:
        parent = apex.split(".", 1)[1] if "." in apex else "."
        servers = []
        for name in self._lookup(parent, "NS")[:3]:
            servers += [(address, 53) for address in self._lookup(name, "A")[:1]]
        return servers


def _referral(apex: str, server: tuple[str, int]) -> tuple[str, ...] | None:
    """The NS names a parent server gives for ``apex`` (referral or answer), without recursion."""
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rdatatype

    query = dns.message.make_query(apex, dns.rdatatype.NS)
    query.flags &= ~dns.flags.RD
    for _ in range(TRIES):
        try:
            response = dns.query.udp(query, server[0], port=server[1], timeout=QUERY_TIMEOUT)
        except (dns.exception.Timeout, OSError):
            continue
        names: list[str] = []
        for section in (response.answer, response.authority):
            for rrset in section:
                if rrset.rdtype == dns.rdatatype.NS and normal(rrset.name.to_text()) == normal(apex):
                    names += [rdata.to_text() for rdata in rrset]
        return tuple(sorted(normal(n) for n in names))
    return None


def render(findings: Sequence[Finding]) -> str:
    """The report: one line a finding, then a summary."""
    failed = sum(not f.ok for f in findings)
    summary = "all checks passed" if not failed else f"{failed} of {len(findings)} checks failed"
    return "\n".join([*(f.render() for f in findings), summary])


def expectation_from_route53(route53: Any, apex: str, zone_id: str = "") -> Expectation:
    """The :class:`Expectation` of ``apex``: its zone's name servers, alias targets, validation CNAMEs.

    ``zone_id`` (``[domain] hosted_zone_id``) picks the zone; without it the only public zone of the name.
    """
    from sitepush.aws import translated_aws_errors
    from sitepush.configurator.aws_state import find_zone

    zone = find_zone(route53, normal(apex), zone_id)
    with translated_aws_errors(action="read the hosted zone", resource=apex):
        if zone is None:
            raise InfraError(f"no public Route 53 hosted zone for {apex}",
                             hint="run `sitepush configure` (with [domain] create_hosted_zone = true) first")
        servers = route53.get_hosted_zone(Id=zone["Id"]).get("DelegationSet", {}).get("NameServers", [])
        targets: dict[str, str] = {}
        validation = []
        paginator = route53.get_paginator("list_resource_record_sets")
        for page in paginator.paginate(HostedZoneId=zone["Id"]):
            for record in page["ResourceRecordSets"]:
                name = normal(record["Name"])
                if record["Type"] in ("A", "AAAA") and "AliasTarget" in record and name in (
                        normal(apex), f"www.{normal(apex)}"):
                    targets[name] = normal(record["AliasTarget"]["DNSName"])
                elif record["Type"] == "CNAME" and name.startswith("_"):
                    validation += [(name, r["Value"]) for r in record.get("ResourceRecords", [])]
    return Expectation(apex=normal(apex), name_servers=tuple(normal(s) for s in servers), targets=targets,
                       validation=tuple(sorted(validation)))
