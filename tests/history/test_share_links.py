"""Private previews (deploy --preview) and time-limited share links, on moto's server over HTTP.

moto does not enforce a presigned URL's expiry (a GET after it still succeeds there), so the expiry is
tested where it is decided: the SigV4 parameters of the URL (X-Amz-Algorithm, X-Amz-Date, X-Amz-Expires).
"""

from __future__ import annotations

import itertools
import shutil
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitepush.cli import main
from sitepush.configurator.policy import allows_anonymous_get, website_bucket_policy
from sitepush.history.previews import key_for_path, parse_duration, previews, prune
from sitepush.sandbox import Sandbox
from tests.fixtures.paths import REPO

_numbers = itertools.count()
DRAFT_KEY = "blog/preview-server-notes/index.html"


@pytest.fixture()
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSHARETEST0000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "share-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture()
def deployed_preview(env: None, sandbox: Sandbox, tmp_path: Path) -> tuple[str, Path]:
    bucket = f"share-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    site = tmp_path / "site"
    shutil.copytree(REPO / "example-site", site, ignore=shutil.ignore_patterns("_site"))
    assert main(["deploy", str(site), "--preview", "draft-1", "--bucket", bucket, "--endpoint-url",
                 sandbox.endpoint_url]) == 0
    return bucket, site


def test_a_preview_holds_the_drafts_under_the_private_state_prefix_only(
        deployed_preview: tuple[str, Path], sandbox: Sandbox) -> None:
    bucket, site = deployed_preview
    keys = {o["Key"] for o in sandbox.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert f".sitepush/previews/draft-1/{DRAFT_KEY}" in keys
    assert all(key.startswith(".sitepush/previews/draft-1/") for key in keys)
    assert not (site / "_site" / DRAFT_KEY).exists()  # the preview never lands in the site's output
    policy = website_bucket_policy(bucket)
    assert not allows_anonymous_get(policy, bucket, f".sitepush/previews/draft-1/{DRAFT_KEY}")


def test_share_prints_a_sigv4_link_that_works_and_says_when_it_expires(
        deployed_preview: tuple[str, Path], sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    bucket, site = deployed_preview
    capsys.readouterr()
    assert main(["share", "/blog/preview-server-notes/", str(site), "--preview", "draft-1", "--expires", "2h",
                 "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url]) == 0
    url = capsys.readouterr().out.strip()
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == f"/{bucket}/.sitepush/previews/draft-1/{DRAFT_KEY}"
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["7200"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - signed_at) < timedelta(minutes=1)
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200 and b"<html" in response.read()


def test_links_longer_than_seven_days_are_refused_with_the_limit(
        deployed_preview: tuple[str, Path], sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    bucket, site = deployed_preview
    capsys.readouterr()
    assert main(["share", "/", str(site), "--expires", "8d", "--bucket", bucket, "--endpoint-url",
                 sandbox.endpoint_url]) == 2
    assert "presigned links last from 1 second to 7 days" in capsys.readouterr().err


def test_prune_removes_previews_older_than_the_limit_and_keeps_the_others(
        deployed_preview: tuple[str, Path], sandbox: Sandbox) -> None:
    bucket, _ = deployed_preview
    s3 = sandbox.client("s3")
    s3.put_object(Bucket=bucket, Key=".sitepush/previews/other/index.html", Body=b"x")
    root = ".sitepush/previews/"
    assert set(previews(s3, bucket, root)) == {"draft-1", "other"}
    assert prune(s3, bucket, root, timedelta(days=7)) == []
    assert prune(s3, bucket, root, timedelta(days=7), now=datetime.now(UTC) + timedelta(days=8)) == [
        "draft-1", "other"]
    assert previews(s3, bucket, root) == {}


def test_site_paths_name_their_keys_and_durations_read_as_written() -> None:
    assert (key_for_path("/"), key_for_path("/docs/"), key_for_path("/a.css")) == (
        "index.html", "docs/index.html", "a.css")
    assert parse_duration("90m", option="--expires") == timedelta(minutes=90)
    with pytest.raises(Exception, match="not a duration"):
        parse_duration("soon", option="--expires")
