"""A site under a base-URL path, deployed and served: ``base_url = "https://example.org/docs/"`` puts its
files under the bucket prefix ``docs/`` (the URL's path is the key's), and the deploy never plans, writes
or deletes a key outside it — the rest of the bucket is someone else's. ``sitepush serve`` answers the site
at ``/docs/`` with the S3 website endpoint's rules, its 404 page the error document there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.config import load_config
from sitepush.configurator.desired import error_document_key
from sitepush.configurator.policy import allows_anonymous_get
from sitepush.deploy import SANDBOX_BUCKET
from sitepush.sandbox import Sandbox, SandboxProcess
from tests.fixtures.processes import ctrl_c_reaches_it, printed_url

PAGES = {
    "_index.md": "---\ntitle: Docs\n---\nSee [about](about.md).\n",
    "about.md": "---\ntitle: About\naliases: [/old-about/]\n---\nAbout. ![logo](/img/logo.png)\n",
    "guide.md": "---\ntitle: Guide\n---\nThe guide.\n",
}
FOREIGN = {"index.html": b"<p>the main site</p>", "docs-old/page.html": b"<p>old docs</p>",
           "docsx.html": b"<p>not ours</p>", "img/logo.png": b"someone else's logo"}


def make_site(folder: Path, bucket: str = "") -> Path:
    for rel, text in PAGES.items():
        (folder / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "content" / rel).write_text(text, "utf-8")
    (folder / "static" / "img").mkdir(parents=True)
    (folder / "static" / "img" / "logo.png").write_bytes(b"\x89PNG the docs logo")
    (folder / "sitepush.toml").write_text(
        f'[site]\ntitle = "Docs"\nbase_url = "https://example.org/docs/"\n\n[deploy]\nbucket = "{bucket}"\n', "utf-8")
    return folder


@pytest.fixture()
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDBASEPATHTEST0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "base-path-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))


def keys_of(sandbox: Sandbox, bucket: str) -> dict[str, bytes]:
    s3 = sandbox.client("s3")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for page in pages for item in page.get("Contents", [])}


def test_the_deploy_writes_only_under_the_prefix_and_leaves_the_rest_of_the_bucket_alone(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    bucket = "base-path-shared"
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket=bucket)
    for key, data in FOREIGN.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    site = make_site(tmp_path / "site", bucket)
    report = tmp_path / "report.json"
    assert main(["deploy", str(site), "--endpoint-url", sandbox.endpoint_url, "--json", str(report)]) == 0
    after = keys_of(sandbox, bucket)
    ours = {key for key in after if key not in FOREIGN}
    assert ours and all(key.startswith("docs/") for key in ours)
    assert {"docs/index.html", "docs/about/index.html", "docs/404.html", "docs/img/logo.png",
            "docs/assets/style.css", "docs/sitemap.xml"} <= ours
    assert any(key.startswith("docs/.sitepush/") for key in ours)  # the deploy's state, with the site
    assert {key: after[key] for key in FOREIGN} == FOREIGN
    assert b'href="/docs/about/"' in after["docs/index.html"]
    assert s3.head_object(Bucket=bucket, Key="docs/old-about/index.html")["WebsiteRedirectLocation"] == \
        "/docs/about/"
    first = json.loads(report.read_text("utf-8"))
    assert first["prefix"] == "docs/" and first["plan"]["deletes"] == []
    assert all(upload["key"].startswith("docs/") for upload in first["plan"]["uploads"])

    # A page goes: its key under docs/ is deleted; the keys beside the prefix (docs-old/, docsx.html) are
    # never the site's, so they are neither listed as its objects nor deleted.
    (site / "content" / "guide.md").unlink()
    assert main(["deploy", str(site), "--endpoint-url", sandbox.endpoint_url, "--json", str(report)]) == 0
    done = json.loads(report.read_text("utf-8"))
    assert done["plan"]["deletes"] == ["docs/guide/index.html"]
    again = keys_of(sandbox, bucket)
    assert "docs/guide/index.html" not in again and {key: again[key] for key in FOREIGN} == FOREIGN
    assert "docs/about/index.html" in again
    capsys.readouterr()


def test_the_error_document_configure_sets_is_the_404_page_under_the_path(tmp_path: Path) -> None:
    config = load_config(make_site(tmp_path / "site"))
    assert error_document_key(config) == "docs/404.html"


def test_a_sandbox_deploy_configures_the_website_for_the_site_under_its_path(
        own_sandbox: SandboxProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = make_site(tmp_path / "site")
    assert main(["deploy", str(site), "--sandbox"]) == 0
    s3 = own_sandbox.client("s3")
    assert s3.get_bucket_website(Bucket=SANDBOX_BUCKET)["ErrorDocument"] == {"Key": "docs/404.html"}
    policy = json.loads(s3.get_bucket_policy(Bucket=SANDBOX_BUCKET)["Policy"])
    assert allows_anonymous_get(policy, SANDBOX_BUCKET, "docs/about/index.html")
    assert not allows_anonymous_get(policy, SANDBOX_BUCKET, "docs/.sitepush/manifest.json")
    assert s3.get_object(Bucket=SANDBOX_BUCKET, Key="docs/index.html")["Body"].read().count(b'href="/docs/') > 5
    capsys.readouterr()


def test_serve_answers_the_site_under_its_path_and_404s_elsewhere(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    env = dict(os.environ, SITEPUSH_CACHE_DIR=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "sitepush", "serve", str(site), "--port", "0", "--no-reload"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=ctrl_c_reaches_it)
    try:
        url = printed_url(process, r"at (http://127\.0\.0\.1:\d+/docs/)", 60)
        assert url is not None, "serve printed no URL under /docs/"
        root = url.removesuffix("docs/")

        def get(path: str) -> tuple[int, str, bytes]:
            request = urllib.request.Request(root + path)
            opener = urllib.request.build_opener(_NoRedirect())
            try:
                with opener.open(request, timeout=10) as response:
                    return response.status, response.headers.get("Location", ""), response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers.get("Location", ""), error.read()

        status, _, body = get("docs/")
        assert status == 200 and b'href="/docs/about/"' in body
        assert get("docs/about/")[0] == 200
        assert get("docs/img/logo.png")[2] == b"\x89PNG the docs logo"
        status, location, _ = get("docs/about")
        assert (status, location) == (302, "/docs/about/")  # S3's folder redirect, under the path
        assert get("docs/old-about/")[:2] == (301, "/docs/about/")  # an alias, to the page under the path
        for missing in ("docs/nowhere/", "", "about/", "img/logo.png"):
            status, _, body = get(missing)
            assert status == 404 and b"<title>Page not found" in body, missing  # the site's own 404 page
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in err


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_a_bucket_served_for_a_site_under_a_path_answers_only_under_it_and_never_its_state(
        sandbox: Sandbox) -> None:
    from sitepush.preview.sources import BucketSource

    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket="base-path-served")
    for key in ("docs/about/index.html", "docs/.sitepush/manifest.json", "about/index.html"):
        s3.put_object(Bucket="base-path-served", Key=key, Body=key.encode(), ContentType="text/html")
    source = BucketSource(s3, "base-path-served", "docs/", mount="docs/")
    found = source.lookup("docs/about/index.html")
    assert found is not None and found.key == "docs/about/index.html"
    assert b"".join(source.open("docs/about/index.html")) == b"docs/about/index.html"
    assert source.lookup("about/index.html") is None  # someone else's key, outside the site
    assert source.lookup("docs/.sitepush/manifest.json") is None
