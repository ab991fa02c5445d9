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
