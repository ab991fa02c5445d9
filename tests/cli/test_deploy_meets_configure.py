"""deploy meets configure: the bucket configure creates for ``[domain] name``, and the CloudFront
distribution it creates for the canonical host, are the ones deploy writes to and invalidates."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sitepush.config import load_config
from sitepush.configurator.aws_state import CALLER_REFERENCE_PREFIX
from sitepush.configurator.desired import site_bucket_of
from sitepush.deploy import DeployTarget, deploy_folder
from sitepush.errors import UsageError
from sitepush.sandbox import Sandbox
from sitepush.syncer.distribution import SITEPUSH_CALLER_REFERENCE, aliased_distributions

_numbers = itertools.count()


def site_config(tmp_path: Path, toml: str) -> Any:
    site = tmp_path / f"site-{next(_numbers)}"
    site.mkdir()
    (site / "sitepush.toml").write_text(toml, "utf-8")
    return load_config(site)


def target_of(config: Any, **options: Any) -> DeployTarget:
    values: dict[str, Any] = {"sandbox": False, "bucket": None, "prefix": None, "endpoint_url": None,
                              "region": None, "profile": None, "workers": None, **options}
    return DeployTarget.from_options(config.deploy, site=config, **values)


@pytest.mark.parametrize(("toml", "bucket"), [
    ('[domain]\nname = "example.com"\n', "www.example.com"),
    ('[domain]\nname = "example.com"\ncanonical = "apex"\n', "example.com"),
    ('[domain]\nname = "example.com"\n[cloudfront]\nenabled = true\n', "www.example.com"),
    ('[domain]\nname = "example.com"\n[deploy]\nbucket = "www.example.com"\n', "www.example.com"),
])
def test_with_a_domain_and_no_bucket_deploy_uses_the_bucket_configure_creates(
        tmp_path: Path, toml: str, bucket: str) -> None:
    config = site_config(tmp_path, toml)
    assert target_of(config).bucket == site_bucket_of(config) == bucket


def test_the_command_line_bucket_still_wins_and_without_a_domain_there_is_still_no_bucket(tmp_path: Path) -> None:
    assert target_of(site_config(tmp_path, '[domain]\nname = "example.com"\n'), bucket="other").bucket == "other"
    with pytest.raises(UsageError):
        target_of(site_config(tmp_path, ""))


def test_only_a_cloudfront_site_without_a_distribution_id_looks_for_its_distribution(tmp_path: Path) -> None:
    on = site_config(tmp_path, '[domain]\nname = "example.com"\n[cloudfront]\nenabled = true\n')
    assert target_of(on).canonical_host == "www.example.com"
    assert target_of(on, sandbox=True).canonical_host is None
    assert target_of(site_config(tmp_path, '[domain]\nname = "example.com"\n')).canonical_host is None
    named = site_config(tmp_path, '[domain]\nname = "example.com"\n[cloudfront]\nenabled = true\n'
                                  '[deploy]\ncloudfront_distribution_id = "E2ABC"\n')
    assert (target_of(named).canonical_host, target_of(named).distribution_id) == (None, "E2ABC")


def test_deploy_recognises_configure_s_distributions_by_the_same_caller_reference_prefix() -> None:
    assert SITEPUSH_CALLER_REFERENCE == CALLER_REFERENCE_PREFIX


def test_a_distribution_is_matched_by_its_alias() -> None:
    summaries = [{"Id": "E1", "Aliases": {"Quantity": 1, "Items": ["example.com"]}},
                 {"Id": "E2", "Aliases": {"Quantity": 0}},
                 {"Id": "E3", "Aliases": {"Quantity": 2, "Items": ["cdn.example.com", "www.example.com"]}}]
    assert aliased_distributions(summaries, "www.example.com") == ["E3"]


def distribution(cloudfront: Any, host: str, reference: str) -> str:
    return str(cloudfront.create_distribution(DistributionConfig={
        "CallerReference": reference, "Aliases": {"Quantity": 1, "Items": [host]},
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "site", "DomainName": f"{host}.s3-website-us-east-1.amazonaws.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        "Comment": f"sitepush: {host}", "Enabled": True})["Distribution"]["Id"])


def test_deploy_invalidates_the_distribution_configure_made_found_once_then_remembered(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDDISTRIBUTION0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "distribution-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    host = f"www.deploy-meets{next(_numbers)}.example"
    cloudfront = sandbox.client("cloudfront")
    distribution(cloudfront, f"cdn.{host}", f"{CALLER_REFERENCE_PREFIX}cdn.{host} 1")  # another host
    ours = distribution(cloudfront, host, f"{CALLER_REFERENCE_PREFIX}{host} 0123456789ab")
    config = site_config(tmp_path, f'[domain]\nname = "{host[4:]}"\n[cloudfront]\nenabled = true\n')
    target = target_of(config, endpoint_url=sandbox.endpoint_url, region=sandbox.region)
    sandbox.client("s3").create_bucket(Bucket=target.bucket)
    calls: Counter[str] = Counter()
    cloudfront.meta.events.register("before-send.cloudfront", lambda event_name, **_: calls.update(
        [event_name.rsplit(".", 1)[-1]]))
    folder = tmp_path / "built"
    folder.mkdir()
    (folder / "index.html").write_bytes(b"<p>one</p>")

    def deploy() -> str:
        out = io.StringIO()
        deploy_folder(folder, {}, target, yes=True, out=out, cloudfront=cloudfront)
        return out.getvalue()

    first = deploy()
    assert f"CloudFront: distribution {ours} serves {host}" in first
    assert calls["ListDistributions"] == 1 and calls["GetDistributionConfig"] >= 1
    (folder / "index.html").write_bytes(b"<p>two</p>")
    calls.clear()
    second = deploy()
    assert f"CloudFront: distribution {ours} serves {host}" in second
    assert "invalidated 2 paths on CloudFront" in second
    assert dict(calls) == {"CreateInvalidation": 1, **({"GetInvalidation": calls["GetInvalidation"]}
                                                       if calls["GetInvalidation"] else {})}
    listed = cloudfront.list_invalidations(DistributionId=ours)["InvalidationList"]
    assert listed["Quantity"] == 1


def test_a_distribution_someone_else_made_for_the_host_is_never_invalidated(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDDISTRIBUTION0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "distribution-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    host = f"www.deploy-meets{next(_numbers)}.example"
    cloudfront = sandbox.client("cloudfront")
    foreign = distribution(cloudfront, host, "terraform-1234")
    config = site_config(tmp_path, f'[domain]\nname = "{host[4:]}"\n[cloudfront]\nenabled = true\n')
    target = target_of(config, endpoint_url=sandbox.endpoint_url, region=sandbox.region)
    sandbox.client("s3").create_bucket(Bucket=target.bucket)
    folder = tmp_path / "built"
    folder.mkdir()
    (folder / "index.html").write_bytes(b"<p>one</p>")
    out = io.StringIO()
    deploy_folder(folder, {}, target, yes=True, out=out, cloudfront=cloudfront)
    assert (f"CloudFront: no distribution of sitepush's serves {host}, so nothing is invalidated — run "
            "`sitepush configure`, or set [deploy] cloudfront_distribution_id") in out.getvalue()
    assert cloudfront.list_invalidations(DistributionId=foreign)["InvalidationList"]["Quantity"] == 0


def test_an_s3_compatible_endpoint_looks_for_no_cloudfront_distribution(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDDISTRIBUTION0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "distribution-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    domain = f"deploy-meets{next(_numbers)}.example"  # no other test's domain: moto is shared
    config = site_config(tmp_path, f'[domain]\nname = "{domain}"\n[cloudfront]\nenabled = true\n')
    target = target_of(config, endpoint_url=sandbox.endpoint_url, region=sandbox.region)
    assert target.canonical_host is not None
    sandbox.client("s3").create_bucket(Bucket=target.bucket)
    folder = tmp_path / "built"
    folder.mkdir()
    (folder / "index.html").write_bytes(b"<p>one</p>")
    out = io.StringIO()
    deploy_folder(folder, {}, target, yes=True, out=out)  # no CloudFront client: none is made for AWS
    assert "CloudFront" not in out.getvalue() and "uploaded" in out.getvalue().lower()
