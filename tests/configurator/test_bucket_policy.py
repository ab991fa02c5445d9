"""The website bucket policy: the site is public, sitepush's own state is not."""

from __future__ import annotations

import json

import pytest

from sitepush.configurator.policy import allows_anonymous_get, policy_json, website_bucket_policy
from sitepush.syncer.manifest import manifest_key
from sitepush.syncer.model import SyncOptions


@pytest.mark.parametrize("prefix", ["", "site/"])
def test_the_manifest_is_not_covered_by_the_public_policy(prefix: str) -> None:
    policy = website_bucket_policy("www.example.com", prefix=prefix, account="123456789012")
    manifest = manifest_key(SyncOptions(prefix=prefix))
    assert manifest == f"{prefix}.sitepush/manifest.json"
    assert not allows_anonymous_get(policy, "www.example.com", manifest)
    assert not allows_anonymous_get(policy, "www.example.com", f"{prefix}.sitepush/deploys/1.json")


@pytest.mark.parametrize("key", ["index.html", "blog/post/index.html", "assets/style.css",
                                 ".well-known/security.txt", "dir with space/é.html"])
def test_every_site_key_is_publicly_readable(key: str) -> None:
    assert allows_anonymous_get(website_bucket_policy("b"), "b", key)


def test_keys_outside_the_prefix_and_other_buckets_are_not_opened() -> None:
    policy = website_bucket_policy("b", prefix="site/", account="123456789012")
    assert allows_anonymous_get(policy, "b", "site/index.html")
    assert not allows_anonymous_get(policy, "b", "other/secret.txt")
    assert not allows_anonymous_get(policy, "other-bucket", "site/index.html")


def test_a_root_site_policy_is_one_allow_that_leaves_the_state_out_and_denies_nobody() -> None:
    # No Deny: an explicit Deny to "*" would refuse the bucket owner's own reads of the manifest too.
    statements = website_bucket_policy("b")["Statement"]
    assert [(s["Effect"], s["Action"], s["NotResource"]) for s in statements] == [
        ("Allow", "s3:GetObject", ["arn:aws:s3:::b/.sitepush/*"])]
    assert json.loads(policy_json(website_bucket_policy("b"))) == website_bucket_policy("b")
    assert not allows_anonymous_get(website_bucket_policy("b"), "other-bucket", "index.html")


def test_a_prefixed_site_denies_the_state_only_outside_the_owners_account() -> None:
    deny = website_bucket_policy("b", prefix="site/", account="123456789012")["Statement"][1]
    assert (deny["Effect"], deny["Resource"], deny["Condition"]) == (
        "Deny", "arn:aws:s3:::b/site/.sitepush/*", {"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}})
    with pytest.raises(ValueError):
        website_bucket_policy("b", prefix="site/")


def test_a_policy_as_s3_writes_it_back_is_the_same_policy() -> None:
    from sitepush.configurator.model import Resource
    from sitepush.configurator.plan import plan_infra

    wanted = website_bucket_policy("b", prefix="site/", account="123456789012")
    allow, deny = wanted["Statement"]
    returned = {"Version": "2012-10-17", "Statement": [  # reordered, lists for strings, an empty Sid
        {**deny, "Sid": deny["Sid"], "Action": ["s3:GetObject"],
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["123456789012"]}}},
        {**allow, "Sid": "PublicReadOfTheSite", "Principal": {"AWS": "*"}, "Resource": [allow["Resource"]]}]}
    desired = [Resource("policy", "b", {"policy": wanted})]
    assert plan_infra(desired, {("policy", "b"): {"policy": returned}}).pending == ()
    unsidded = {**wanted, "Statement": [{**allow, "Sid": ""}, deny]}
    assert plan_infra([Resource("policy", "b", {"policy": {**wanted, "Statement": [
        {k: v for k, v in allow.items() if k != "Sid"}, deny]}})],
        {("policy", "b"): {"policy": unsidded}}).pending == ()
    other = {**wanted, "Statement": [allow]}
    assert len(plan_infra(desired, {("policy", "b"): {"policy": other}}).pending) == 1
    root = website_bucket_policy("b")
    as_returned = {**root, "Statement": [{**root["Statement"][0], "NotResource": root["Statement"][0][
        "NotResource"][0], "Action": ["s3:GetObject"]}]}
    assert plan_infra([Resource("policy", "b", {"policy": root})],
                      {("policy", "b"): {"policy": as_returned}}).pending == ()


def test_the_evaluator_lets_a_deny_win_and_ignores_conditional_allows() -> None:
    policy = {"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::c/*",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/private/*"}]}
    assert allows_anonymous_get(policy, "b", "x.html")
    assert not allows_anonymous_get(policy, "b", "private/x.html")
    assert not allows_anonymous_get(policy, "c", "x.html")
