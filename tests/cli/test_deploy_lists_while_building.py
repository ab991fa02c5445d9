"""The bucket is listed while the site builds: the listing (mostly waiting for S3) starts before the build
and is taken after it, so a deploy that changes nothing costs max(build, listing), not their sum.

A listing made early is as safe as one made late (every write happens under the lease, which lists again
when the manifest changed since): tests/reliability covers that. Here: the listing really starts first,
and a build that fails never waits for it — not even for a store that never answers.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sitepush.deploy import DeployTarget, ListingAhead, sync_options
from sitepush.sandbox import Sandbox
from tests.fixtures.paths import REPO
from tests.reliability.fault_proxy import FaultProxy
from tests.reliability.stalled_endpoint import StalledEndpoint


@pytest.fixture()
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLISTAHEADTEST000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "list-ahead-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))


def test_the_listing_is_under_way_before_anyone_asks_for_it(aws_env: None, sandbox: Sandbox,
                                                             tmp_path: Path) -> None:
    bucket = "list-ahead-unit"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    sandbox.client("s3").put_object(Bucket=bucket, Key="index.html", Body=b"<p>hi</p>")
    listed, release = threading.Event(), threading.Event()

    def hold_the_listing(number: int, method: str, path: str) -> None:
        if method == "GET" and "list-type=2" in path:
            listed.set()
            release.wait(30)

    with FaultProxy(sandbox.endpoint_url) as proxy:
        proxy.on_request = hold_the_listing
        target = DeployTarget.from_options(None, sandbox=False, bucket=bucket, endpoint_url=proxy.endpoint_url,
                                           prefix=None, region=None, profile=None, workers=None)
        ahead = ListingAhead(tmp_path / "_site", target, sync_options(target, yes=False), dry_run=False,
                             out=io.StringIO())
        try:
            assert listed.wait(30), "the listing did not start before it was asked for"
        finally:
            release.set()
        _, remote, requests = ahead.result()
    assert set(remote.objects) == {"index.html"} and requests == 1


def test_a_build_that_fails_does_not_wait_for_a_store_that_never_answers(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitepush.toml").write_text('[deploy]\nbucket = "never-answers"\n')
    (site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "AWS_ACCESS_KEY_ID": "AKIDLISTAHEADTEST000",
           "AWS_SECRET_ACCESS_KEY": "list-ahead-secret", "AWS_DEFAULT_REGION": "us-east-1",
           "SITEPUSH_CACHE_DIR": str(tmp_path / "cache")}
    with StalledEndpoint() as stalled:
        # botocore would wait 60 s per attempt for the stalled store: the timeout says the exit did not.
        done = subprocess.run([sys.executable, "-m", "sitepush", "deploy", str(site), "--endpoint-url",
                               stalled.endpoint_url], env=env, capture_output=True, text=True, timeout=30,
                              check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert "broken.md" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("preview", [False, True])
def test_the_listing_started_before_the_build_is_the_one_the_deploy_uses(
        aws_env: None, sandbox: Sandbox, tmp_path: Path, preview: bool) -> None:
    from sitepush.cli import main

    bucket = f"list-ahead-used-{int(preview)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "index.md").write_text("---\ntitle: Home\n---\nHello.\n")
    listings: list[str] = []

    def count_listings(number: int, method: str, path: str) -> None:
        if method == "GET" and "list-type=2" in path:
            listings.append(path)

    with FaultProxy(sandbox.endpoint_url) as proxy:
        proxy.on_request = count_listings
        args = ["deploy", str(site), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url, "--yes"]
        if preview:
            args += ["--preview", "draft-1"]
        assert main(args) == 0
        assert len(listings) == 1, listings  # not listed again after the build
        listings.clear()
        assert main(args) == 0
        assert len(listings) == 1, listings
