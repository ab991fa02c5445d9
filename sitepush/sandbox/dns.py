"""The sandbox's DNS: an authoritative server on loopback for the sandbox's Route 53 zones.

::

    zones_of(route53) → [HostedZone]                 what the sandbox's Route 53 holds (I/O, cached briefly)
    answer(query, zones) → response                  pure: DNS as Route 53 and the edges would answer it
    SandboxDns(route53).start()                      UDP and TCP on one free loopback port

It answers as Route 53's servers do for the zones (NS at the apex, records, aliases resolved), as the
parent zone does for a delegation (the zone's NS records), and as CloudFront's and the S3 website
endpoints' DNS do for the targets of alias records — with addresses from the documentation ranges
(192.0.2.0/24, RFC 5737; 2001:db8::/32, RFC 3849), the same one for an alias and its target, so
``sitepush dns-check --sandbox`` runs its real checks, offline. Nothing here is used outside the sandbox.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socketserver
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

TTL = 60
ZONE_CACHE_SECONDS = 0.5


@dataclass(frozen=True)
class HostedZone:
    """One public hosted zone as DNS sees it."""

    name: str
    """Lower case, with the trailing dot."""
    name_servers: tuple[str, ...]
    records: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(name, type) → rdata texts."""
    aliases: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(name, A|AAAA) → alias target name."""


def _absolute(name: str) -> str:
    name = name.lower()
    return name if name.endswith(".") else name + "."


def synthetic_address(name: str, record: str) -> str:
    """The address an edge name answers in the sandbox: stable, and never a real host's."""
    digest = hashlib.sha256(_absolute(name).encode()).digest()
    if record == "A":
        return str(ipaddress.IPv4Address("192.0.2.0") + 1 + digest[0] % 254)
    return str(ipaddress.IPv6Address("2001:db8::") + int.from_bytes(digest[:8], "big"))


def zones_of(route53: Any) -> list[HostedZone]:
    """Every public hosted zone of the sandbox's Route 53, with its records."""
    zones = []
    for page in route53.get_paginator("list_hosted_zones").paginate():
        for zone in page["HostedZones"]:
            if zone.get("Config", {}).get("PrivateZone"):
                continue
            servers = route53.get_hosted_zone(Id=zone["Id"]).get("DelegationSet", {}).get("NameServers", [])
            records: dict[tuple[str, str], tuple[str, ...]] = {}
            aliases: dict[tuple[str, str], str] = {}
            for records_page in route53.get_paginator("list_resource_record_sets").paginate(
                    HostedZoneId=zone["Id"]):
                for record in records_page["ResourceRecordSets"]:
                    key = (_absolute(record["Name"]), record["Type"])
                    if "AliasTarget" in record:
                        aliases[key] = _absolute(record["AliasTarget"]["DNSName"])
                    else:
                        records[key] = tuple(r["Value"] for r in record.get("ResourceRecords", []))
            zones.append(HostedZone(name=_absolute(zone["Name"]),
                                    name_servers=tuple(_absolute(s) for s in servers),
                                    records=records, aliases=aliases))
    return zones


def answer(query: Any, zones: Sequence[HostedZone]) -> Any:
    """The authoritative response to ``query`` (a dnspython message) from ``zones``."""
    import dns.flags
    import dns.message
    import dns.name
    import dns.rcode
    import dns.rdataclass
    import dns.rdatatype
    import dns.rrset

    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    if not query.question:
        response.set_rcode(dns.rcode.FORMERR)
        return response
    question = query.question[0]
    name = question.name.to_text().lower()
    record = dns.rdatatype.to_text(question.rdtype)

    def add(owner: str, kind: str, values: Sequence[str]) -> None:
        # Route 53 takes names in values with or without the final dot; both mean the absolute name.
        response.answer.append(dns.rrset.from_text_list(owner, TTL, dns.rdataclass.IN, kind, list(values),
                                                        origin=dns.name.root, relativize=False))

    edge_names = {target for zone in zones for target in zone.aliases.values()}
    zone = max((z for z in zones if name == z.name or name.endswith("." + z.name)),
               key=lambda z: len(z.name), default=None)
    if zone is None:
        if name in edge_names and record in ("A", "AAAA"):
            add(name, record, [synthetic_address(name, record)])
        elif name not in edge_names:
            response.flags &= ~dns.flags.AA
            response.set_rcode(dns.rcode.REFUSED)
        return response
    if record == "NS" and name == zone.name:
        add(name, "NS", zone.name_servers)
    elif (name, record) in zone.records:
        add(name, record, zone.records[(name, record)])
    elif (name, record) in zone.aliases:
        add(name, record, [synthetic_address(zone.aliases[(name, record)], record)])
    elif (name, "CNAME") in zone.records:
        add(name, "CNAME", zone.records[(name, "CNAME")])
    else:
        known = {owner for owner, _ in (*zone.records, *zone.aliases)} | {zone.name}
        if name not in known:
            response.set_rcode(dns.rcode.NXDOMAIN)
        response.authority.append(dns.rrset.from_text_list(
            zone.name, TTL, dns.rdataclass.IN, "SOA", [_soa(zone)], origin=dns.name.root, relativize=False))
    return response


def _soa(zone: HostedZone) -> str:
    """The zone's SOA as Route 53 writes it (its first name server, awsdns-hostmaster, its timers); the
    stored one when it parses (moto stores it mangled)."""
    import dns.exception
    import dns.name
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype

    for text in zone.records.get((zone.name, "SOA"), ()):
        try:
            dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.SOA, text, origin=dns.name.root)
            return text
        except dns.exception.DNSException:
            continue
    primary = zone.name_servers[0] if zone.name_servers else "ns." + zone.name
    return f"{primary} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"


class SandboxDns:
    """UDP and TCP DNS on one free loopback port, answering from the sandbox's Route 53."""

    def __init__(self, route53: Any) -> None:
        self._route53 = route53
        self._servers: list[socketserver.BaseServer] = []
        self._threads: list[threading.Thread] = []
        self._zones: tuple[float, list[HostedZone]] = (0.0, [])
        self._lock = threading.Lock()
        self.port = 0

    def zones(self) -> list[HostedZone]:
        with self._lock:
            read_at, zones = self._zones
            if time.monotonic() - read_at > ZONE_CACHE_SECONDS:
                zones = zones_of(self._route53)
                self._zones = (time.monotonic(), zones)
            return zones

    def respond(self, wire: bytes) -> bytes | None:
        import dns.exception
        import dns.message

        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        try:
            reply = answer(query, self.zones())
        except dns.exception.DNSException:  # a record that does not parse: SERVFAIL, the server lives on
            import dns.rcode

            reply = dns.message.make_response(query)
            reply.set_rcode(dns.rcode.SERVFAIL)
        encoded: bytes = reply.to_wire()
        return encoded

    def start(self) -> Self:
        owner = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = owner.respond(data)
                if reply is not None:
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                header = self.rfile.read(2)
                if len(header) < 2:
                    return
                reply = owner.respond(self.rfile.read(int.from_bytes(header, "big")))
                if reply is not None:
                    self.wfile.write(len(reply).to_bytes(2, "big") + reply)

        for _ in range(20):  # a free UDP port whose TCP twin is free too
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
            port = udp.server_address[1]
            try:
                socketserver.ThreadingTCPServer.allow_reuse_address = True
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
            except OSError:
                udp.server_close()
                continue
            break
        else:
            raise OSError("no free loopback port for the sandbox's DNS")
        udp.daemon_threads = tcp.daemon_threads = True
        self._servers = [udp, tcp]
        self.port = port
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name="sitepush-sandbox-dns", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

