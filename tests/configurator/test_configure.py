"""`sitepush configure` against moto's server over HTTP: from nothing to a configured site, then idempotent.

moto keeps one state per process, so each test uses a domain of its own. Exact state is read back with
boto3 and compared; write calls and request headers are observed through botocore's events.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from sitepush.config import Config, parse_config
from sitepush.configurator.aws_state import InfraClients
from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for
from sitepush.configurator.desired import CACHING_OPTIMIZED
from sitepush.configurator.policy import allows_anonymous_get
from sitepush.errors import InfraError
from sitepush.sandbox import Sandbox

_numbers = itertools.count()
READS = ("Get", "List", "Head", "Describe")


class Observed:
    """The four clients, with every operation and every request's headers recorded."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.clients = InfraClients.of_sandbox(sandbox)
        self.operations: list[str] = []
        self.headers: list[dict[str, str]] = []
        for client in self.clients.all():
            client.meta.events.register("before-call", self._call)
            client.meta.events.register("before-send", self._send)

    def _call(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _send(self, request: Any, **_: Any) -> None:
        self.headers.append({k.lower(): v for k, v in request.headers.items()})

    def writes(self) -> list[str]:
        return [name for name in self.operations if not name.startswith(READS)]

    def clear(self) -> None:
        self.operations.clear()
        self.headers.clear()


@pytest.fixture()
def observed(sandbox: Sandbox) -> Observed:
    return Observed(sandbox)


def site_config(domain: str, extra: str = "", *, cloudfront: bool = True, canonical: str = "www") -> Config:
    text = (f'[deploy]\nregion = "eu-west-1"\n[domain]\nname = "{domain}"\ncanonical = "{canonical}"\n'
            f'create_hosted_zone = true\n[cloudfront]\nenabled = {"true" if cloudfront else "false"}\n{extra}')
    return parse_config(text, root=Path("/site"))


def fresh_domain() -> str:
    return f"site{next(_numbers)}.example"


def configure(config: Config, observed: Observed) -> int:
    return apply_config(config, observed.clients, ConfigureOptions(certificate_wait=10), sleep=lambda _: None)


def test_from_nothing_to_a_configured_site_with_cloudfront(observed: Observed) -> None:
    domain = fresh_domain()
    www = f"www.{domain}"
    config = site_config(domain)
    assert configure(config, observed) == 18
    s3 = observed.clients.s3
    assert s3.get_bucket_location(Bucket=www)["LocationConstraint"] == "eu-west-1"
    assert s3.get_bucket_ownership_controls(Bucket=www)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]
    assert s3.get_bucket_versioning(Bucket=www)["Status"] == "Enabled"
    rule = s3.get_bucket_lifecycle_configuration(Bucket=www)["Rules"][0]
    assert (rule["NoncurrentVersionExpiration"]["NoncurrentDays"],
            rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]) == (30, 7)
    website = s3.get_bucket_website(Bucket=www)
    assert (website["IndexDocument"], website["ErrorDocument"]) == ({"Suffix": "index.html"}, {"Key": "404.html"})
    assert s3.get_public_access_block(Bucket=www)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False}
    policy = json.loads(s3.get_bucket_policy(Bucket=www)["Policy"])
    assert allows_anonymous_get(policy, www, "index.html")
    assert not allows_anonymous_get(policy, www, ".sitepush/manifest.json")
    assert s3.get_bucket_website(Bucket=domain)["RedirectAllRequestsTo"] == {"HostName": www, "Protocol": "https"}

    acm = observed.clients.acm
    arn = next(c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]
               if c["DomainName"] == domain)
    certificate = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert sorted(certificate["SubjectAlternativeNames"]) == [domain, www]

    cloudfront = observed.clients.cloudfront
    configs = {}
    for item in cloudfront.list_distributions()["DistributionList"]["Items"]:
        distribution = cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]
        if set(distribution["Aliases"].get("Items", [])) & {www, domain}:
            configs[distribution["Aliases"]["Items"][0]] = (distribution, item["DomainName"])
    main, main_domain = configs[www]
    assert main["Origins"]["Items"][0]["DomainName"] == f"{www}.s3-website-eu-west-1.amazonaws.com"
    assert main["Origins"]["Items"][0]["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
    assert main["ViewerCertificate"]["ACMCertificateArn"] == arn
    assert main["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_OPTIMIZED
    assert configs[domain][0]["Origins"]["Items"][0]["DomainName"] == f"{domain}.s3-website-eu-west-1.amazonaws.com"

    route53 = observed.clients.route53
    zone = next(z for z in route53.list_hosted_zones_by_name(DNSName=domain)["HostedZones"]
                if z["Name"] == f"{domain}.")
    records = {(r["Type"], r["Name"]): r for r in
               route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]}
    aliases = {key: (r["AliasTarget"]["DNSName"], r["AliasTarget"]["HostedZoneId"])
               for key, r in records.items() if "AliasTarget" in r}
    assert aliases == {
        ("A", f"{www}."): (f"{main_domain}.", "Z2FDTNDATAQYW2"),
        ("AAAA", f"{www}."): (f"{main_domain}.", "Z2FDTNDATAQYW2"),
        ("A", f"{domain}."): (f"{configs[domain][1]}.", "Z2FDTNDATAQYW2"),
        ("AAAA", f"{domain}."): (f"{configs[domain][1]}.", "Z2FDTNDATAQYW2"),
    }
    validation = {o["ResourceRecord"]["Name"] for o in certificate["DomainValidationOptions"]}
    assert validation <= {name for kind, name in records if kind == "CNAME"}


def test_a_second_run_plans_nothing_and_makes_no_write_call(observed: Observed) -> None:
    config = site_config(fresh_domain())
    configure(config, observed)
    observed.clear()
    plan = plan_for(config, observed.clients)
    assert plan.pending == ()
    assert plan.render().startswith("no changes: all 18 resources")
    assert configure(config, observed) == 0
    assert observed.writes() == []


def test_no_request_ever_carries_an_acl(observed: Observed) -> None:
    configure(site_config(fresh_domain()), observed)
    assert observed.headers and not any("x-amz-acl" in headers for headers in observed.headers)
    assert not any(name.endswith("Acl") for name in observed.operations)


def test_a_new_routing_rule_is_exactly_one_website_update(observed: Observed) -> None:
    domain = fresh_domain()
    configure(site_config(domain), observed)
    changed = site_config(domain, '[[website.routing_rules]]\nkey_prefix_equals = "docs/"\n'
                                  'replace_key_prefix_with = "documents/"\n')
    plan = plan_for(changed, observed.clients)
    assert [(c.action, c.kind, c.name) for c in plan.pending] == [("update", "website", f"www.{domain}")]
    observed.clear()
    assert configure(changed, observed) == 1
    assert observed.writes() == ["PutBucketWebsite"]
    rules = observed.clients.s3.get_bucket_website(Bucket=f"www.{domain}")["RoutingRules"]
    assert rules == [{"Condition": {"KeyPrefixEquals": "docs/"},
                      "Redirect": {"HostName": f"www.{domain}", "Protocol": "https",
                                   "ReplaceKeyPrefixWith": "documents/", "HttpRedirectCode": "301"}}]
    assert [(c.kind, c.name) for c in plan_for(site_config(domain), observed.clients).pending] == [
        ("website", f"www.{domain}")]  # taking the rule out of sitepush.toml takes it out of S3


def test_turning_cloudfront_on_adds_the_certificate_distributions_and_repoints_the_records(
        observed: Observed) -> None:
    domain = fresh_domain()
    configure(parse_config(
        f'[deploy]\nregion = "eu-west-1"\nbucket = "www.{domain}"\n[domain]\nname = "{domain}"\n'
        f'create_hosted_zone = true\n', root=Path("/site")), observed)
    plan = plan_for(site_config(domain), observed.clients)
    summary = [(c.action, c.kind, c.name) for c in plan.pending]
    assert summary == [
        ("update", "website", domain),  # the redirect now goes to https
        ("create", "certificate", domain),
        ("create", "record", f"CNAME (validation of {domain})"),
        ("create", "record", f"CNAME (validation of www.{domain})"),
        ("create", "distribution", f"www.{domain}"), ("create", "distribution", domain),
        ("update", "record", f"A www.{domain}."), ("create", "record", f"AAAA www.{domain}."),
        ("update", "record", f"A {domain}."), ("create", "record", f"AAAA {domain}."),
    ]
    configure(site_config(domain), observed)
    assert plan_for(site_config(domain), observed.clients).pending == ()


def test_swapping_www_and_apex_moves_the_site_and_the_redirect(observed: Observed) -> None:
    domain = fresh_domain()
    configure(site_config(domain), observed)
    swapped = site_config(domain, canonical="apex")
    plan = plan_for(swapped, observed.clients)
    # Each host keeps its bucket and its distribution (both are named after it); what moves is
    # which of them serves the site and which redirects.
    assert [(c.action, c.kind, c.name) for c in plan.pending] == [
        ("update", "versioning", domain), ("update", "lifecycle", domain), ("update", "website", domain),
        ("update", "public-access-block", domain), ("update", "policy", domain),
        ("update", "website", f"www.{domain}"),
        ("update", "distribution", domain), ("update", "distribution", f"www.{domain}"),
    ]
    configure(swapped, observed)
    assert observed.clients.s3.get_bucket_website(Bucket=f"www.{domain}")["RedirectAllRequestsTo"] == {
        "HostName": domain, "Protocol": "https"}
    assert plan_for(swapped, observed.clients).pending == ()


def test_a_bucket_in_another_region_is_one_line_with_the_fix(observed: Observed) -> None:
    domain = fresh_domain()
    observed.clients.s3.create_bucket(Bucket=f"www.{domain}")  # us-east-1
    with pytest.raises(InfraError) as error:
        configure(site_config(domain), observed)
    assert "is in us-east-1, but sitepush.toml says eu-west-1" in error.value.render()
    assert 'set [deploy] region = "us-east-1"' in error.value.render()


def test_a_certificate_stuck_in_validation_stops_with_the_fix_and_a_rerun_finishes(
        observed: Observed, monkeypatch: pytest.MonkeyPatch) -> None:
    import moto.settings

    domain = fresh_domain()
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 3600)  # the sandbox's ACM: never validated
    with pytest.raises(InfraError) as error:
        apply_config(site_config(domain), observed.clients, ConfigureOptions(certificate_wait=0.2))
    assert "is PENDING_VALIDATION, not ISSUED" in error.value.render()
    assert "sitepush dns-check" in error.value.render()
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 0)
    configure(site_config(domain), observed)
    assert plan_for(site_config(domain), observed.clients).pending == ()


def test_without_a_hosted_zone_and_no_permission_to_create_it_the_error_says_how(observed: Observed) -> None:
    domain = fresh_domain()
    config = parse_config(f'[deploy]\nbucket = "www.{domain}"\n[domain]\nname = "{domain}"\n', root=Path("/s"))
    with pytest.raises(InfraError) as error:
        configure(config, observed)
    assert f"no public Route 53 hosted zone for {domain}" in error.value.render()
    assert "create_hosted_zone = true" in error.value.render()


def test_an_alias_held_by_a_distribution_sitepush_did_not_make_is_never_taken_over(observed: Observed) -> None:
    from sitepush.configurator.aws_state import distribution_config

    domain = fresh_domain()
    foreign = distribution_config({"aliases": [f"www.{domain}"], "origin": "elsewhere.example.org",
                                   "origin_protocol": "http-only", "default_root_object": "",
                                   "certificate": "arn:aws:acm:us-east-1:123456789012:certificate/x",
                                   "ssl_support": "sni-only", "minimum_protocol": "TLSv1.2_2021",
                                   "viewer_protocol": "allow-all", "cache_policy": CACHING_OPTIMIZED,
                                   "compress": False, "ipv6": False, "price_class": "PriceClass_All",
                                   "error_404": None, "enabled": True}, "someone else's")
    observed.clients.cloudfront.create_distribution(DistributionConfig=foreign)
    with pytest.raises(InfraError) as error:
        plan_for(site_config(domain), observed.clients)
    assert f"www.{domain} is an alias of the CloudFront distribution" in error.value.render()
    assert "which sitepush did not create" in error.value.render()
