"""`[cloudfront] origin = "private"`: the OAC bucket, the ordered switch between the modes, and the edge
resources moto does not serve (asserted as requests, validated against botocore's service model)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from sitepush.config import Config, parse_config
from sitepush.configurator.aws_state import InfraClients
from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for
from sitepush.configurator.desired import (
    SECURITY_HEADERS_POLICY,
    Known,
    bucket_rest_host,
    desired_resources,
    edge_name,
    response_headers_policy_config,
)
from sitepush.configurator.distributions import distribution_config
from sitepush.configurator.edge_aws import (
    create_function_request,
    oac_request,
    store_request,
    unserved_reason,
    update_function_request,
    update_keys_requests,
)
from sitepush.configurator.model import PENDING
from sitepush.configurator.policy import allows_anonymous_get
from sitepush.sandbox import Sandbox

_numbers = itertools.count()
READS = ("Get", "List", "Head", "Describe")
ARN = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"


def config_of(domain: str, origin: str, extra: str = "") -> Config:
    return parse_config(f'[deploy]\nregion = "eu-west-1"\n[domain]\nname = "{domain}"\ncreate_hosted_zone = true\n'
                        f'[cloudfront]\nenabled = true\norigin = "{origin}"\n{extra}', root=Path("/site"))


class Recorded:
    """Every operation the clients send, with the parameters sitepush gave (botocore's before-parameter-build)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.clients = InfraClients.of_sandbox(sandbox)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        for client in (*self.clients.all(), self.clients.keyvaluestore):
            client.meta.events.register("before-parameter-build", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def writes(self) -> list[str]:
        return [name for name, _ in self.calls if not name.startswith(READS)]

    def params(self, operation: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == operation]


def configure(config: Config, recorded: Recorded) -> int:
    recorded.calls.clear()
    return apply_config(config, recorded.clients, ConfigureOptions(certificate_wait=10), sleep=lambda _: None)


def policy_of(resources: list[Any], bucket: str) -> dict[str, Any]:
    return next(r.value["policy"] for r in resources if r.ref == ("policy", bucket))


def kinds(resources: list[Any]) -> list[str]:
    return [r.kind for r in resources if r.kind in ("policy", "public-access-block", "distribution",
                                                     "origin-access-control")]


# -- the plan of a switch (pure) ---------------------------------------------------------------------

def test_website_to_private_adds_the_cloudfront_statement_before_the_origin_moves_and_keeps_public_until_then(
        ) -> None:
    config = config_of("switch.example", "private")
    bucket, host = "www.switch.example", "www.switch.example"
    reading_website = Known(distribution_ids={host: "E2EXAMPLE"}, distribution_arns={host: ARN},
                            distribution_origins={host: f"{bucket}.s3-website-eu-west-1.amazonaws.com"},
                            certificate_arn="arn:aws:acm:us-east-1:1:certificate/x")
    resources = desired_resources(config, reading_website)
    # the policy (both statements) and the lifted block come before the distribution that moves
    assert kinds(resources)[:4] == ["origin-access-control", "public-access-block", "policy", "distribution"]
    policy = policy_of(resources, bucket)
    assert allows_anonymous_get(policy, bucket, "index.html")  # the edges still reading the website
    assert any(s.get("Condition") == {"StringEquals": {"AWS:SourceArn": ARN}} for s in policy["Statement"])
    block = next(r.value for r in resources if r.kind == "public-access-block")
    assert block["BlockPublicPolicy"] is False
    main = next(r.value for r in resources if r.ref == ("distribution", host))
    assert main["origin"] == bucket_rest_host(bucket, "eu-west-1") == "www.switch.example.s3.eu-west-1.amazonaws.com"
    assert main["default_root_object"] == "index.html"
    assert (main["error_403"], main["error_404"]) == ("/404.html", "/404.html")

    reading_rest = Known(distribution_ids={host: "E2EXAMPLE"}, distribution_arns={host: ARN},
                         distribution_origins={host: bucket_rest_host(bucket, "eu-west-1")},
                         certificate_arn="arn:aws:acm:us-east-1:1:certificate/x")
    after = desired_resources(config, reading_rest)
    # once the distribution reads the REST origin: the public statement goes, then all four flags go on
    assert kinds(after) == ["origin-access-control", "policy", "public-access-block", "distribution",
                            "distribution"]
    final = policy_of(after, bucket)
    assert not allows_anonymous_get(final, bucket, "index.html")
    assert final["Statement"] == [{
        "Sid": "CloudFrontReadsTheSiteButNotSitepushState", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "NotResource": [f"arn:aws:s3:::{bucket}/.sitepush/*"],
        "Condition": {"StringEquals": {"AWS:SourceArn": ARN}}}]
    assert set(next(r.value for r in after if r.kind == "public-access-block").values()) == {True}


def test_a_new_private_site_makes_its_distribution_before_the_policy_that_names_it() -> None:
    resources = desired_resources(config_of("fresh.example", "private"), Known())
    assert kinds(resources) == ["origin-access-control", "distribution", "distribution", "policy",
                                "public-access-block"]
    statement = policy_of(resources, "www.fresh.example")["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": PENDING}}


def test_the_step_that_takes_a_reader_away_waits_for_the_distribution_it_left_behind() -> None:
    from sitepush.configurator.plan import distribution_to_wait_for
    from sitepush.configurator.model import InfraChange
    from sitepush.configurator.policy import edge_bucket_policy, website_bucket_policy

    bucket = "www.wait.example"
    both = edge_bucket_policy(bucket, distribution_arns=(ARN,), public=True)
    private = edge_bucket_policy(bucket, distribution_arns=(ARN,), public=False)
    public = website_bucket_policy(bucket)

    def change(old: dict[str, Any], new: dict[str, Any]) -> InfraChange:
        return InfraChange("policy", bucket, "update", {"policy": new}, (("policy", old, new),))

    assert distribution_to_wait_for(change(both, private)) == "E2EXAMPLE"  # public read goes
    assert distribution_to_wait_for(change(both, public)) == "E2EXAMPLE"  # CloudFront's read goes
    assert distribution_to_wait_for(change(public, both)) is None  # adding a reader never waits
    assert distribution_to_wait_for(change(private, both)) is None


def test_a_header_name_that_is_no_http_token_is_refused_at_its_line() -> None:
    from sitepush.errors import ConfigError

    text = '[cloudfront]\nenabled = true\n[cloudfront.headers]\n"Content Security" = "x"\n'
    with pytest.raises(ConfigError) as refused:
        parse_config(text, root=Path("/s"))
    assert refused.value.render().startswith("sitepush.toml:3: ")
    assert 'has "Content Security", not an HTTP header name' in refused.value.render()


def test_private_mode_without_cloudfront_is_refused_naming_the_key() -> None:
    from sitepush.errors import ConfigError

    config = parse_config('[domain]\nname = "x.example"\n[cloudfront]\norigin = "private"\n', root=Path("/s"))
    with pytest.raises(ConfigError, match=r'origin = "private" needs CloudFront'):
        desired_resources(config, Known())


def test_a_private_site_with_more_rules_than_s3_holds_puts_none_on_the_website_endpoint_all_at_the_edge() -> None:
    from sitepush.edge import edge_table

    def rules(count: int) -> str:
        return "".join(f'[[website.routing_rules]]\nkey_prefix_equals = "o{i}/"\nreplace_key_prefix_with = "n{i}/"\n'
                       for i in range(count))

    def website_rules(config: Config) -> list[Any]:
        resources = desired_resources(config, Known())
        return list(next(r.value for r in resources if r.ref == ("website", "www.x.example"))["RoutingRules"])

    many, fifty = config_of("x.example", "private", rules(60)), config_of("x.example", "private", rules(50))
    assert website_rules(many) == []  # PutBucketWebsite would refuse 60 (S3 keeps at most 50)
    assert len(edge_table(many).redirects) == 60
    assert len(website_rules(fifty)) == 50  # kept while S3 can hold them: a switch still answers them


# -- against moto's server: the order of the requests -------------------------------------------------

@pytest.fixture()
def recorded(sandbox: Sandbox) -> Recorded:
    return Recorded(sandbox)


def test_switching_website_to_private_and_back_sends_the_writes_in_the_safe_order(recorded: Recorded) -> None:
    domain = f"switch{next(_numbers)}.example"
    website, private = config_of(domain, "website"), config_of(domain, "private")
    assert configure(website, recorded) == 18
    assert configure(private, recorded) == 5
    assert recorded.writes() == ["CreateOriginAccessControl", "PutBucketPolicy", "UpdateDistribution",
                                 "PutBucketPolicy", "PutPublicAccessBlock"]
    # public read is closed only once the distribution's move is Deployed everywhere
    names = [name for name, _ in recorded.calls]
    moved = names.index("UpdateDistribution")
    closed = names.index("PutBucketPolicy", moved)
    assert "GetDistribution" in names[moved:closed]
    update = recorded.params("UpdateDistribution")[0]["DistributionConfig"]
    origin = update["Origins"]["Items"][0]
    oac = recorded.clients.cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Items"]
    ours = next(item for item in oac if item["Name"] == edge_name(f"www.{domain}"))
    assert origin == {"Id": "s3-website", "DomainName": f"www.{domain}.s3.eu-west-1.amazonaws.com",
                      "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": ours["Id"]}
    assert (ours["SigningProtocol"], ours["SigningBehavior"], ours["OriginAccessControlOriginType"]) == (
        "sigv4", "always", "s3")
    assert update["DefaultRootObject"] == "index.html"
    assert [e["ErrorCode"] for e in update["CustomErrorResponses"]["Items"]] == [403, 404]
    s3 = recorded.clients.s3
    assert set(s3.get_public_access_block(Bucket=f"www.{domain}")["PublicAccessBlockConfiguration"].values()) == {
        True}
    assert configure(private, recorded) == 0 and recorded.writes() == []  # idempotent

    assert configure(website, recorded) == 4
    assert recorded.writes() == ["PutPublicAccessBlock", "PutBucketPolicy", "UpdateDistribution",
                                 "PutBucketPolicy"]
    names = [name for name, _ in recorded.calls]
    assert "GetDistribution" in names[names.index("UpdateDistribution"):names.index("PutBucketPolicy",
                                                                                   names.index("UpdateDistribution"))]
    back = recorded.params("UpdateDistribution")[0]["DistributionConfig"]["Origins"]["Items"][0]
    assert back["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
    assert configure(website, recorded) == 0


def test_an_endpoint_without_the_functions_api_shows_the_function_unserved_and_never_writes_it(
        recorded: Recorded) -> None:
    domain = f"unserved{next(_numbers)}.example"
    config = config_of(domain, "private", '[cloudfront.headers]\n"Permissions-Policy" = "camera=()"\n')
    plan = plan_for(config, recorded.clients)
    lines = plan.render().splitlines()
    name = edge_name(f"www.{domain}")
    assert f"+ create origin-access-control {name}" in lines
    assert any(line.startswith(f"! unserved function {name}: this endpoint does not serve DescribeFunction "
                               "(it answered 404 without an AWS error code)") for line in lines)
    assert any(line.startswith(f"! unserved response-headers-policy {name}") for line in lines)
    configure(config, recorded)
    assert not {"CreateFunction", "PublishFunction", "CreateResponseHeadersPolicy"} & set(recorded.writes())
    created = recorded.params("CreateDistribution")[0]["DistributionConfig"]["DefaultCacheBehavior"]
    assert created["FunctionAssociations"] == {"Quantity": 0, "Items": []}
    again = plan_for(config, recorded.clients)
    assert not again.pending
    assert again.render().startswith("no changes: 19 resources are as configured, 2 not served by this endpoint:")


def test_security_headers_attach_the_managed_policy_to_the_distribution(recorded: Recorded) -> None:
    domain = f"headers{next(_numbers)}.example"
    configure(config_of(domain, "private", "security_headers = true\n"), recorded)
    behaviour = recorded.params("CreateDistribution")[0]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ResponseHeadersPolicyId"] == SECURITY_HEADERS_POLICY == "67f7725c-6f97-4210-82d7-5512b31e9d03"


# -- what moto cannot answer: the requests, validated against the service model -----------------------

def validate(service: str, operation: str, params: dict[str, Any]) -> None:
    import botocore.session
    from botocore.validate import ParamValidator

    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), report.generate_report()


def test_every_edge_request_sitepush_builds_is_valid_for_the_cloudfront_service_model() -> None:
    name = edge_name("www.example.com")
    store = "arn:aws:cloudfront::123456789012:key-value-store/abc"
    validate("cloudfront", "CreateOriginAccessControl", oac_request(name))
    validate("cloudfront", "CreateFunction", create_function_request(name, "function handler(e){}", store))
    validate("cloudfront", "CreateFunction", create_function_request(name, "function handler(e){}", None))
    validate("cloudfront", "UpdateFunction", update_function_request(name, "E1", "function handler(e){}", store))
    validate("cloudfront", "PublishFunction", {"Name": name, "IfMatch": "E1"})
    validate("cloudfront", "CreateKeyValueStore", store_request(name))
    headers = response_headers_policy_config(name, {"Content-Security-Policy": "default-src 'self'",
                                                    "Strict-Transport-Security": "max-age=63072000; preload",
                                                    "Permissions-Policy": "camera=()"}, security=True)
    validate("cloudfront", "CreateResponseHeadersPolicy", {"ResponseHeadersPolicyConfig": headers})
    validate("cloudfront", "UpdateResponseHeadersPolicy",
             {"Id": "p1", "IfMatch": "E1", "ResponseHeadersPolicyConfig": headers})
    for request in update_keys_requests(store, {f"/old/{i}/": f"301=/new/{i}/" for i in range(120)}, ["/gone/"]):
        validate("cloudfront-keyvaluestore", "UpdateKeys", {**request, "IfMatch": "E1"})
    private = desired_resources(config_of("model.example", "private", "security_headers = true\n"),
                                Known(certificate_arn="arn:aws:acm:us-east-1:1:certificate/x",
                                      origin_access_control="E1OAC", function_arn=f"{ARN[:-18]}function/{name}"))
    main = next(r.value for r in private if r.ref == ("distribution", "www.model.example"))
    sent = distribution_config({**main, "certificate": "arn:aws:acm:us-east-1:1:certificate/x"}, "sitepush x")
    validate("cloudfront", "CreateDistribution", {"DistributionConfig": sent})
    assert sent["DefaultCacheBehavior"]["FunctionAssociations"]["Items"][0]["EventType"] == "viewer-request"


def test_headers_with_a_security_slot_go_there_and_the_table_wins_over_the_managed_values() -> None:
    config = response_headers_policy_config("n", {"X-Frame-Options": "deny", "Permissions-Policy": "camera=()"},
                                            security=True)
    secure = config["SecurityHeadersConfig"]
    assert secure["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert secure["StrictTransportSecurity"] == {"Override": True, "AccessControlMaxAgeSec": 31536000,
                                                 "IncludeSubdomains": False, "Preload": False}
    assert config["CustomHeadersConfig"] == {"Quantity": 1, "Items": [
        {"Header": "Permissions-Policy", "Value": "camera=()", "Override": True}]}


def test_unserved_is_read_from_the_answer_never_from_the_endpoint_name() -> None:
    from botocore.exceptions import ClientError

    def answer(status: int, code: str) -> ClientError:
        return ClientError({"Error": {"Code": code, "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": status}},
                           "DescribeFunction")

    assert unserved_reason(answer(404, "404"), "DescribeFunction") is not None
    assert unserved_reason(answer(501, "NotImplemented"), "DescribeFunction") is not None
    assert unserved_reason(answer(404, "NoSuchFunctionExists"), "DescribeFunction") is None
    assert unserved_reason(answer(403, "AccessDenied"), "DescribeFunction") is None
