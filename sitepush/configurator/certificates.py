"""ACM certificates for CloudFront: find one that covers the site's names, or request one and wait for
its validation records, then wait for it to be ISSUED (the configurator's certificate I/O).

Every function takes the ACM client of us-east-1 (CloudFront takes certificates from there only).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.configurator._aws_calls import call as _call
from sitepush.errors import InfraError

USABLE_CERTIFICATE = ("PENDING_VALIDATION", "ISSUED")


def covers(certificate_names: Iterable[str], host: str) -> bool:
    """Does a certificate for ``certificate_names`` serve ``host``? A wildcard covers one label only.

    ACM User Guide, "Wildcard names": ``*.example.com`` protects ``www.example.com`` but neither
    ``example.com`` nor ``a.b.example.com``.
    """
    host = host.lower().rstrip(".")
    for name in certificate_names:
        name = name.lower().rstrip(".")
        if name == host or (name.startswith("*.") and host.partition(".")[2] == name[2:] and "." in host):
            return True
    return False


def find_certificate(acm: Any, apex: str, names: tuple[str, ...], requested: str | None
                 ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The certificate to use and its validation records: the one this run requested, else the best
    usable one whose names cover every name (ISSUED before PENDING_VALIDATION, then exactly the names
    sitepush requests — its own — before a wider one)."""
    if requested is not None:
        return requested, validation_records(describe_certificate(acm, requested))
    candidates: list[tuple[tuple[int, int], str, dict[str, Any]]] = []
    paginator = acm.get_paginator("list_certificates")
    with translated_aws_errors(action="list certificates", resource=apex):
        for page in paginator.paginate(CertificateStatuses=list(USABLE_CERTIFICATE)):
            for summary in page.get("CertificateSummaryList", []):
                domain = str(summary.get("DomainName", "")).lower()
                if domain != apex and not domain.endswith("." + apex):
                    continue
                described = describe_certificate(acm, summary["CertificateArn"])
                held = set(described.get("SubjectAlternativeNames") or []) | {domain}
                if described.get("Status") in USABLE_CERTIFICATE and all(covers(held, n) for n in names):
                    rank = (0 if described.get("Status") == "ISSUED" else 1, 0 if held == set(names) else 1)
                    candidates.append((rank, summary["CertificateArn"], described))
    if not candidates:
        return None, ()
    _, arn, described = min(candidates, key=lambda c: c[0])
    return arn, validation_records(described)


def describe_certificate(acm: Any, arn: str) -> dict[str, Any]:
    """ACM's description of the certificate ``arn``."""
    return dict(_call("describe the certificate", arn,
                      lambda: acm.describe_certificate(CertificateArn=arn))["Certificate"])


def validation_records(described: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    records = set()
    for option in described.get("DomainValidationOptions", []):
        record = option.get("ResourceRecord")
        if record:
            records.add((record["Name"], record["Value"]))
    return tuple(sorted(records))


RECORDS_WAIT = 120.0
"""Seconds to wait for ACM to give a new certificate's validation records (it takes "several seconds")."""


def certificate_token(names: Iterable[str]) -> str:
    """RequestCertificate's ``IdempotencyToken``, derived from the names: ACM API Reference,
    RequestCertificate: "If you call RequestCertificate multiple times with the same idempotency token
    within one hour, ACM recognizes that you are requesting only one certificate" — so a rerun after
    an interruption gets the same certificate, not a second one. At most 32 word characters."""
    return hashlib.sha256("\n".join(sorted(set(names))).encode()).hexdigest()[:32]


def request_certificate(acm: Any, apex: str, names: Iterable[str], *, wait: float = RECORDS_WAIT,
                        sleep: Callable[[float], None] = time.sleep) -> str:
    """Request the certificate of ``names`` (``apex`` first) and wait until ACM gives a validation
    record for every name; returns its ARN for the next step.

    ACM API Reference, DescribeCertificate: "If you have just created a certificate using the
    RequestCertificate action, there is a delay of several seconds before you can retrieve information
    about it" — the ResourceRecords come later than the certificate, so they are polled for with a
    bounded backoff rather than read once.
    """
    ordered = [apex] + sorted(set(names) - {apex})
    arn = str(_call("request the certificate", apex, lambda: acm.request_certificate(
        DomainName=apex, SubjectAlternativeNames=ordered, ValidationMethod="DNS",
        IdempotencyToken=certificate_token(ordered)))["CertificateArn"])
    deadline = time.monotonic() + wait
    delay = 0.5
    missing: list[str] = list(ordered)
    for _ in range(64):
        options = describe_certificate(acm, arn).get("DomainValidationOptions") or []
        given = {o.get("DomainName") for o in options if o.get("ResourceRecord")}
        missing = [n for n in ordered if n not in given]
        if not missing or time.monotonic() >= deadline:
            break
        sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 8.0)
    if missing:
        raise InfraError(f"ACM has not given the DNS validation records of {', '.join(missing)} for the "
                         f"certificate {arn} after {wait:.0f} s", hint="rerun `sitepush configure` in a minute "
                         "(it finds the same certificate)")
    return arn


def wait_until_issued(acm: Any, arn: str, seconds: float,
                      sleep: Callable[[float], None] = time.sleep) -> None:
    """Poll ACM until the certificate is ISSUED, at most ``seconds``; InfraError with the fix after."""
    deadline = time.monotonic() + seconds
    status = ""
    for _ in range(int(seconds / 2) + 2):
        status = str(describe_certificate(acm, arn).get("Status"))
        if status == "ISSUED":
            return
        if status not in ("PENDING_VALIDATION",) or time.monotonic() >= deadline:
            break
        sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    raise InfraError(f"the certificate {arn} is {status}, not ISSUED, after {seconds:.0f} s",
                     hint="check its validation CNAMEs with `sitepush dns-check`, then rerun `sitepush configure`")
