"""How sitepush builds its boto3 clients: endpoint resolution done once per bucket, not once per key."""

from __future__ import annotations

from typing import Any

from sitepush.aws import unread_endpoint_parameters
from sitepush.sandbox import Sandbox


def test_parameters_no_rule_mentions_are_unread() -> None:
    rule_set = {
        "parameters": {"Bucket": {"required": False}, "Key": {"required": False},
                       "Region": {"required": True}, "Prefix": {"required": False}},
        "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "Bucket"}]}],
                   "endpoint": {"url": "https://{Bucket}.s3.{Region}.amazonaws.com"}, "type": "endpoint"}],
    }
    assert unread_endpoint_parameters(rule_set) == {"Key", "Prefix"}


def test_a_parameter_used_only_in_a_url_template_is_read() -> None:
    rule_set = {"parameters": {"Key": {"required": False}},
                "rules": [{"conditions": [], "endpoint": {"url": "https://x/{Key}"}, "type": "endpoint"}]}
    assert unread_endpoint_parameters(rule_set) == frozenset()


def test_a_required_parameter_is_never_dropped_even_if_unread() -> None:
    rule_set = {"parameters": {"Key": {"required": True}}, "rules": []}
    assert unread_endpoint_parameters(rule_set) == frozenset()


def test_an_s3_client_resolves_the_endpoint_once_for_every_key_of_a_bucket(sandbox: Sandbox) -> None:
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket="endpoint-once")
    provider: Any = s3._ruleset_resolver._provider
    provider = getattr(provider, "_provider", provider)  # botocore's own, behind sitepush's filter if any
    # botocore's LRU cache, shared by its clients: on resolve_endpoint, or (botocore ≥ 1.44, which
    # drops the unread parameters itself) on _resolve_endpoint.
    cached = getattr(provider.resolve_endpoint, "cache_info", None) or provider._resolve_endpoint.cache_info
    before = cached()
    for index in range(20):
        s3.put_object(Bucket="endpoint-once", Key=f"page-{index}.html", Body=b"x")
    after = cached()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 19)
    listed = s3.list_objects_v2(Bucket="endpoint-once")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(f"page-{i}.html" for i in range(20))


# ---------------------------------------------------------------- timestamps of a listing

TIMESTAMPS = ["2026-05-01T12:00:00.000Z", "2026-05-01T12:00:00Z", "2026-05-01T12:00:00.123456Z",
              "2026-05-01T12:00:00.1Z", "Wed, 21 Oct 2015 07:28:00 GMT", "1714564800", 1714564800,
              "2026-05-01T12:00:00+02:00", "2026-05-01 12:00:00Z"]


def test_timestamps_are_read_as_botocore_reads_them() -> None:
    from botocore.utils import parse_timestamp

    from sitepush.aws import parse_aws_timestamp

    for value in TIMESTAMPS:
        assert parse_aws_timestamp(value) == parse_timestamp(value), value
        assert parse_aws_timestamp(value).utcoffset() == parse_timestamp(value).utcoffset(), value


def test_a_timestamp_botocore_refuses_is_refused_alike() -> None:
    import pytest
    from botocore.utils import parse_timestamp

    from sitepush.aws import parse_aws_timestamp

    for value in ("2026-13-01T12:00:00.000Z", "not a time"):
        with pytest.raises(ValueError) as ours:
            parse_aws_timestamp(value)
        with pytest.raises(ValueError) as theirs:
            parse_timestamp(value)
        assert str(ours.value) == str(theirs.value)


def test_every_client_reads_a_listings_timestamps_with_the_fast_parser(sandbox: Sandbox) -> None:
    from datetime import datetime

    from sitepush.aws import make_client
    from sitepush.sandbox.server import SANDBOX_CREDENTIALS

    s3 = make_client("s3", region="us-east-1", endpoint_url=sandbox.endpoint_url, credentials=SANDBOX_CREDENTIALS)
    parsers = s3._endpoint._response_parser_factory.create_parser("rest-xml")  # what parses each response
    assert parsers._timestamp_parser.__name__ == "parse_aws_timestamp"
    s3.create_bucket(Bucket="timestamps-fast")
    s3.put_object(Bucket="timestamps-fast", Key="a.html", Body=b"a")
    listed = s3.list_objects_v2(Bucket="timestamps-fast")["Contents"][0]["LastModified"]
    headed = s3.head_object(Bucket="timestamps-fast", Key="a.html")["LastModified"]  # an HTTP-date header
    assert isinstance(listed, datetime) and listed.utcoffset() is not None
    assert listed == headed


def test_an_api_that_needs_awscrt_says_which_extra_installs_it() -> None:
    from botocore.exceptions import MissingDependencyException

    from sitepush.aws import aws_error

    error = aws_error(MissingDependencyException(msg="Using SigV4A requires awscrt"),
                      action="update the key value store", resource="arn:aws:cloudfront::1:key-value-store/x")
    assert error.render() == ("cannot update the key value store arn:aws:cloudfront::1:key-value-store/x: this AWS "
                              "API signs with SigV4A, which needs the awscrt package — pip install "
                              "'sitepush[edge]', then rerun")
