"""`sitepush configure` where moto answers differently from AWS: the fault proxy plays AWS's part.

ACM gives a new certificate's validation records seconds after RequestCertificate; an account's Block
Public Access refuses a public bucket policy; HeadBucket answers 403 for a bucket of another account.
moto does none of that, so the proxy between sitepush and moto rewrites or answers those requests
exactly as the AWS documents cited in sitepush's code describe, and the tests assert what sitepush
sends and says.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.aws import make_client
from sitepush.config import Config, parse_config
from sitepush.configurator.aws_state import InfraClients
from sitepush.configurator.certificates import certificate_token
from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for
from sitepush.errors import InfraError
from sitepush.sandbox import Sandbox
from tests.reliability.fault_proxy import FaultProxy, Reply, Request

_numbers = itertools.count()
ACM = "CertificateManager."


def fresh_domain() -> str:
    return f"aws{next(_numbers)}.example"


def site_config(domain: str) -> Config:
    return parse_config(f'[deploy]\nregion = "eu-west-1"\n[domain]\nname = "{domain}"\ncreate_hosted_zone = true\n'
                        '[cloudfront]\nenabled = true\n', root=Path("/site"))


@pytest.fixture()
def proxy(sandbox: Sandbox) -> Iterator[FaultProxy]:
    with FaultProxy(sandbox.endpoint_url) as running:
        yield running


def clients_through(proxy: FaultProxy, sandbox: Sandbox) -> InfraClients:
    def client(service: str) -> object:
        return make_client(service, region=sandbox.region, endpoint_url=proxy.endpoint_url,
                           credentials=sandbox.credentials)

    return InfraClients(s3=client("s3"), acm=client("acm"), cloudfront=client("cloudfront"),
                        route53=client("route53"))


def error_reply(status: int, code: str, message: str) -> Reply:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message>'
            '<RequestId>PROXY</RequestId></Error>').encode()
    return status, [("Content-Type", "application/xml")], body


def test_validation_records_that_acm_gives_late_are_waited_for_and_written_before_anything_else(
        proxy: FaultProxy, sandbox: Sandbox) -> None:
    seen: list[str] = []
    requests: list[dict[str, object]] = []
    withheld = {"left": 4}  # the first four DescribeCertificate answers after the request lack them

    def rewrite(request: Request, status: int, body: bytes) -> bytes:
        if request.target == ACM + "RequestCertificate":
            requests.append(json.loads(request.body))
            withheld["left"] = 4
        if request.target == ACM + "DescribeCertificate" and withheld["left"] > 0 and requests:
            withheld["left"] -= 1
            answer = json.loads(body)
            for option in answer["Certificate"].get("DomainValidationOptions", []):
                option.pop("ResourceRecord", None)
            return json.dumps(answer).encode()
        return body

    def record(request: Request) -> None:
        if request.target.startswith(ACM):
            seen.append(request.target[len(ACM):])
        elif "/rrset" in request.path and request.method == "POST":
            seen.append("ChangeResourceRecordSets " + ("CNAME" if b"<Type>CNAME</Type>" in request.body else
                                                       "alias"))
        elif request.path.endswith("/distribution") and request.method == "POST":
            seen.append("CreateDistribution")

    proxy.rewrite = rewrite
    proxy.answer = lambda request: record(request)  # type: ignore[func-returns-value]
    clients = clients_through(proxy, sandbox)
    domain = fresh_domain()
    sleeps: list[float] = []
    apply_config(site_config(domain), clients, ConfigureOptions(certificate_wait=10), sleep=sleeps.append)

    names = [domain, f"www.{domain}"]
    assert len(requests) == 1  # exactly one certificate
    assert requests[0]["IdempotencyToken"] == certificate_token(names)
    assert requests[0]["SubjectAlternativeNames"] == names
    writes = [s for s in seen if not s.startswith(("Describe", "List"))]
    assert writes[:3] == ["RequestCertificate", "ChangeResourceRecordSets CNAME",
                          "ChangeResourceRecordSets CNAME"]
    assert writes.index("CreateDistribution") > 2
    assert sleeps[:4] == [0.5, 1.0, 2.0, 4.0]  # bounded backoff while ACM has no records yet

    arn = clients.acm.list_certificates()["CertificateSummaryList"]
    arn = next(c["CertificateArn"] for c in arn if c["DomainName"] == domain)
    wanted = {(o["ResourceRecord"]["Name"], o["ResourceRecord"]["Value"]) for o in
              clients.acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]}
    zone = next(z["Id"] for z in clients.route53.list_hosted_zones_by_name(DNSName=domain)["HostedZones"]
                if z["Name"] == f"{domain}.")
    cnames = {(r["Name"], r["ResourceRecords"][0]["Value"]) for r in
              clients.route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
              if r["Type"] == "CNAME"}
    assert cnames == wanted and len(wanted) == 2
    assert plan_for(site_config(domain), clients).pending == ()


def test_the_account_block_public_access_refusing_the_policy_is_named_with_its_fix(
        proxy: FaultProxy, sandbox: Sandbox) -> None:
    # S3 User Guide, "Blocking public access": with the account's BlockPublicPolicy on, PutBucketPolicy
    # of a public policy is refused with 403 AccessDenied, whatever the bucket's own setting says.
    proxy.answer = lambda r: error_reply(403, "AccessDenied", "Access Denied") if (
        r.method == "PUT" and r.path.endswith("?policy")) else None
    domain = fresh_domain()
    config = parse_config(f'[deploy]\nbucket = "www.{domain}"\n', root=Path("/site"))
    with pytest.raises(InfraError) as error:
        apply_config(config, clients_through(proxy, sandbox), ConfigureOptions(), sleep=lambda _: None)
    line = error.value.render()
    assert f"S3 refused the public-read policy of www.{domain}" in line
    assert "Block Public Access" in line and "account" in line
    assert "s3control put-public-access-block" in line and "grant these credentials" not in line


def test_a_head_bucket_403_names_both_causes(proxy: FaultProxy, sandbox: Sandbox) -> None:
    domain = fresh_domain()
    proxy.answer = lambda r: (403, [("Content-Length", "0")], b"") if (
        r.method == "HEAD" and r.path.strip("/") == f"www.{domain}") else None
    config = parse_config(f'[deploy]\nbucket = "www.{domain}"\n', root=Path("/site"))
    with pytest.raises(InfraError) as error:
        plan_for(config, clients_through(proxy, sandbox))
    line = error.value.render()
    assert "belongs to another AWS account, or they lack s3:ListBucket on it" in line


def test_an_issued_certificate_that_covers_the_names_is_used_not_requested_again(sandbox: Sandbox) -> None:
    clients = InfraClients.of_sandbox(sandbox)
    domain = fresh_domain()
    existing = clients.acm.request_certificate(DomainName=domain, SubjectAlternativeNames=[domain, f"*.{domain}"],
                                               ValidationMethod="DNS")["CertificateArn"]
    assert clients.acm.describe_certificate(CertificateArn=existing)["Certificate"]["Status"] == "ISSUED"
    calls: list[str] = []
    clients.acm.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
    apply_config(site_config(domain), clients, ConfigureOptions(certificate_wait=5), sleep=lambda _: None)
    assert "RequestCertificate" not in calls
    cloudfront = clients.cloudfront
    used = {cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]["ViewerCertificate"][
        "ACMCertificateArn"] for item in cloudfront.list_distributions()["DistributionList"]["Items"]
        if set(cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]["Aliases"].get(
            "Items", [])) & {domain, f"www.{domain}"}}
    assert used == {existing}
    assert plan_for(site_config(domain), clients).pending == ()
