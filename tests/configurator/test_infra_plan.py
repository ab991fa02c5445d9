"""The configurator's pure core: desired resources from sitepush.toml, the plan, the orderings that matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.config import parse_config
from sitepush.configurator.desired import Known, desired_resources, public_access_block, routing_rules_api
from sitepush.configurator.endpoints import (
    CLOUDFRONT_HOSTED_ZONE_ID,
    website_endpoint,
    website_hosted_zone_id,
)
from sitepush.configurator.model import PENDING, Resource
from sitepush.configurator.plan import plan_infra, public_access_lifted_before_policy
from sitepush.configurator.policy import allows_anonymous_get
from sitepush.errors import ConfigError


def config(text: str):  # type: ignore[no-untyped-def]
    return parse_config(text, root=Path("/site"))


FULL_TEXT = '[deploy]\nregion = "eu-west-1"\n[domain]\nname = "example.com"\n[cloudfront]\nenabled = true\n'
PLAIN_TEXT = '[deploy]\nbucket = "www.example.com"\n[domain]\nname = "example.com"\n'
FULL = config(FULL_TEXT)
PLAIN = config(PLAIN_TEXT)


def test_only_the_two_policy_flags_are_lifted_and_only_for_a_public_website() -> None:
    assert public_access_block(True) == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                         "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    assert all(public_access_block(False).values())


def test_a_plan_from_nothing_lifts_block_public_access_before_it_puts_the_policy() -> None:
    plan = plan_infra(desired_resources(FULL, Known()), {})
    kinds = [c.kind for c in plan.changes]
    assert kinds.index("public-access-block") < kinds.index("policy")
    assert public_access_lifted_before_policy(plan)
    swapped = plan.changes[:kinds.index("public-access-block")] + tuple(
        c for c in plan.changes[kinds.index("public-access-block"):] if c.kind != "public-access-block")
    from sitepush.configurator.model import InfraPlan

    assert not public_access_lifted_before_policy(InfraPlan(swapped + (plan.changes[kinds.index(
        "public-access-block")],)))


def test_the_resources_of_a_domain_with_cloudfront_in_dependency_order() -> None:
    refs = [r.ref for r in desired_resources(FULL, Known())]
    assert refs == [
        ("bucket", "www.example.com"), ("versioning", "www.example.com"),
        ("lifecycle", "www.example.com"), ("website", "www.example.com"),
        ("public-access-block", "www.example.com"), ("policy", "www.example.com"),
        ("bucket", "example.com"), ("website", "example.com"),
        ("hosted-zone", "example.com"), ("certificate", "example.com"),
        ("record", "CNAME (validation of example.com)"), ("record", "CNAME (validation of www.example.com)"),
        ("distribution", "www.example.com"), ("distribution", "example.com"),
        ("record", "A www.example.com."), ("record", "AAAA www.example.com."),
        ("record", "A example.com."), ("record", "AAAA example.com."),
    ]


def test_the_public_policy_never_reaches_sitepushs_own_state() -> None:
    policy = next(r for r in desired_resources(FULL, Known()) if r.kind == "policy").value["policy"]
    assert allows_anonymous_get(policy, "www.example.com", "docs/index.html")
    assert not allows_anonymous_get(policy, "www.example.com", ".sitepush/manifest.json")


def test_the_other_host_redirects_to_the_canonical_one_over_https_with_a_certificate() -> None:
    website = {r.name: r.value for r in desired_resources(FULL, Known()) if r.kind == "website"}
    assert website["example.com"]["RedirectAllRequestsTo"] == {"HostName": "www.example.com",
                                                                "Protocol": "https"}
    apex = config('[domain]\nname = "example.com"\ncanonical = "apex"\n')
    website = {r.name: r.value for r in desired_resources(apex, Known()) if r.kind == "website"}
    assert website["www.example.com"]["RedirectAllRequestsTo"] == {"HostName": "example.com",
                                                                    "Protocol": "http"}


def test_without_cloudfront_both_hosts_alias_the_regions_s3_website_endpoint() -> None:
    records = {r.name: r.value for r in desired_resources(PLAIN, Known()) if r.kind == "record"}
    assert records == {
        "A www.example.com.": {"type": "A", "alias": "s3-website-us-east-1.amazonaws.com.",
                               "zone": "Z3AQBSTGFYJSTF"},
        "A example.com.": {"type": "A", "alias": "s3-website-us-east-1.amazonaws.com.",
                           "zone": "Z3AQBSTGFYJSTF"},
    }


def test_with_cloudfront_records_alias_the_distributions_once_they_exist() -> None:
    known = Known(certificate_arn="arn:aws:acm:us-east-1:1:certificate/x",
                  validation_records=(("_a.example.com.", "_b.acm-validations.aws."),),
                  distribution_domains={"main": "d1.cloudfront.net", "redirect": "d2.cloudfront.net"},
                  zone_id="Z1")
    resources = {r.name: r.value for r in desired_resources(FULL, known) if r.kind == "record"}
    assert resources["AAAA www.example.com."] == {"type": "AAAA", "alias": "d1.cloudfront.net.",
                                                  "zone": CLOUDFRONT_HOSTED_ZONE_ID}
    assert resources["A example.com."]["alias"] == "d2.cloudfront.net."
    assert resources["CNAME _a.example.com."] == {"type": "CNAME", "value": "_b.acm-validations.aws.", "ttl": 300}
    distribution = next(r.value for r in desired_resources(FULL, known) if r.kind == "distribution")
    assert distribution["origin"] == "www.example.com.s3-website-eu-west-1.amazonaws.com"
    assert (distribution["origin_protocol"], distribution["minimum_protocol"], distribution["ssl_support"]) == (
        "http-only", "TLSv1.2_2021", "sni-only")


def test_an_unchanged_resource_is_unchanged_and_a_changed_one_lists_only_its_changed_fields() -> None:
    wanted = [Resource("website", "b", {"IndexDocument": {"Suffix": "index.html"},
                                        "ErrorDocument": {"Key": "404.html"}})]
    same = {("website", "b"): {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "404.html"},
                               "Unmanaged": "left alone"}}
    assert plan_infra(wanted, same).changes[0].action == "unchanged"
    other = {("website", "b"): {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "e.html"}}}
    change = plan_infra(wanted, other).changes[0]
    assert (change.action, change.diff) == ("update", (("ErrorDocument", {"Key": "e.html"}, {"Key": "404.html"}),))
    assert change.render() == '~ update website b\n    ErrorDocument: {"Key":"e.html"} → {"Key":"404.html"}'


def test_a_value_known_only_after_a_create_always_counts_as_a_change() -> None:
    wanted = [Resource("record", "A x.", {"type": "A", "alias": PENDING})]
    assert plan_infra(wanted, {("record", "A x."): {"type": "A", "alias": PENDING}}).changes[0].action == "update"


def test_aliases_compare_as_sets() -> None:
    wanted = [Resource("distribution", "x", {"aliases": ["a", "b"]})]
    assert plan_infra(wanted, {("distribution", "x"): {"aliases": ["b", "a"]}}).pending == ()


def test_routing_rules_become_s3s_api_shape() -> None:
    rules = config('[[website.routing_rules]]\nkey_prefix_equals = "docs/"\nreplace_key_prefix_with = "d/"\n'
                   '[[website.routing_rules]]\nhttp_error_code_returned_equals = "404"\nhost_name = "x.org"\n'
                   ).website.routing_rules
    assert routing_rules_api(rules) == [
        {"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": "d/",
                                                                  "HttpRedirectCode": "301"}},
        {"Condition": {"HttpErrorCodeReturnedEquals": "404"}, "Redirect": {"HostName": "x.org",
                                                                            "HttpRedirectCode": "301"}},
    ]


def test_website_endpoints_follow_the_regions_dash_or_dot_style() -> None:
    assert website_endpoint("us-east-1") == "s3-website-us-east-1.amazonaws.com"
    assert website_endpoint("eu-west-3") == "s3-website.eu-west-3.amazonaws.com"
    assert website_hosted_zone_id("eu-west-1") == "Z1BKCTXD74EZPE"


def test_no_distribution_has_a_default_root_object_so_the_apex_redirect_keeps_its_path() -> None:
    distributions = {r.name: r.value for r in desired_resources(FULL, Known()) if r.kind == "distribution"}
    assert {name: value["default_root_object"] for name, value in distributions.items()} == {
        "www.example.com": "", "example.com": ""}
    from sitepush.configurator.aws_state import distribution_config

    sent = distribution_config({**distributions["example.com"], "certificate": "arn:x"}, "sitepush example.com")
    assert sent["DefaultRootObject"] == ""


def test_behind_cloudfront_routing_rules_redirect_to_the_canonical_host_over_https() -> None:
    rules = ('[[website.routing_rules]]\nkey_prefix_equals = "docs/"\nreplace_key_prefix_with = "d/"\n'
             '[[website.routing_rules]]\nkey_prefix_equals = "x/"\nhost_name = "x.org"\nprotocol = "http"\n')
    with_cdn = config(FULL_TEXT + rules)
    website = next(r.value for r in desired_resources(with_cdn, Known())
                   if r.kind == "website" and r.name == "www.example.com")
    assert [rule["Redirect"] for rule in website["RoutingRules"]] == [
        {"HostName": "www.example.com", "Protocol": "https", "ReplaceKeyPrefixWith": "d/",
         "HttpRedirectCode": "301"},
        {"HostName": "x.org", "Protocol": "http", "HttpRedirectCode": "301"},  # what the rule says wins
    ]
    without_cdn = config(PLAIN_TEXT + rules)
    website = next(r.value for r in desired_resources(without_cdn, Known())
                   if r.kind == "website" and r.name == "www.example.com")
    assert website["RoutingRules"][0]["Redirect"] == {"ReplaceKeyPrefixWith": "d/", "HttpRedirectCode": "301"}


def test_the_distribution_comment_fits_cloudfronts_128_characters() -> None:
    from sitepush.configurator.aws_state import distribution_config

    host = ".".join(["a" * 60] * 4) + ".com"  # a 248-character host name
    value = {**next(r.value for r in desired_resources(FULL, Known()) if r.kind == "distribution"),
             "aliases": [host], "certificate": "arn:x"}
    comment = distribution_config(value, "sitepush x")["Comment"]
    assert len(comment) == 128 and comment.startswith("sitepush: aaaa")


@pytest.mark.parametrize(("region", "host", "zone"), [
    ("ap-south-2", "s3-website.ap-south-2.amazonaws.com", "Z02976202B4EZMXIPMXF7"),
    ("ap-southeast-3", "s3-website.ap-southeast-3.amazonaws.com", "Z01846753K324LI26A3VV"),
    ("ap-southeast-4", "s3-website.ap-southeast-4.amazonaws.com", "Z0312387243XT5FE14WFO"),
    ("ap-southeast-5", "s3-website.ap-southeast-5.amazonaws.com", "Z08660063OXLMA7F1FJHU"),
    ("ca-west-1", "s3-website.ca-west-1.amazonaws.com", "Z03565811Z33SLEZTHOUL"),
    ("eu-central-2", "s3-website.eu-central-2.amazonaws.com", "Z030506016YDQGETNASS"),
    ("eu-south-2", "s3-website.eu-south-2.amazonaws.com", "Z0081959F7139GRJC19J"),
    ("il-central-1", "s3-website.il-central-1.amazonaws.com", "Z09640613K4A3MN55U7GU"),
    ("me-central-1", "s3-website.me-central-1.amazonaws.com", "Z06143092I8HRXZRUZROF"),
    ("us-gov-east-1", "s3-website.us-gov-east-1.amazonaws.com", "Z2NIFVYYW2VKV1"),
    ("us-gov-west-1", "s3-website-us-gov-west-1.amazonaws.com", "Z31GFT0UA1I2HV"),
])
def test_the_newer_and_govcloud_regions_have_their_website_endpoint_and_zone(region: str, host: str,
                                                                             zone: str) -> None:
    assert (website_endpoint(region), website_hosted_zone_id(region)) == (host, zone)


@pytest.mark.parametrize(("text", "message"), [
    ('[deploy]\nregion = "mars-north-1"\nbucket = "b-1"\n', "has no S3 website endpoint"),
    ('[deploy]\nbucket = "other-name"\n[domain]\nname = "example.com"\n', "must be named 'www.example.com'"),
    ('[deploy]\nbucket = "b-1"\n[cloudfront]\nenabled = true\n', "needs a domain"),
    ("", "no bucket to configure"),
    ('[deploy]\nbucket = "My_Bucket"\n', "may hold only lower-case letters"),
    ('[deploy]\nbucket = "ab"\n', "must be 3 to 63 characters"),
    ('[deploy]\nbucket = "192.168.1.1"\n', "may not look like an IP address"),
    ('[deploy]\nbucket = "example.com"\n[domain]\nname = "example.com"\n[cloudfront]\nenabled = true\n',
     "is the bucket that redirects"),
])
def test_configurations_that_cannot_work_are_one_line_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        desired_resources(config(text), Known())
    assert message in error.value.render() and "—" in error.value.render()
