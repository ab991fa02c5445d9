"""`sitepush deploy example-site --sandbox`: build, sync to an embedded S3, say what was done.

The command's sandbox stops when it returns, but moto keeps its buckets per process, so the session's
own ``sandbox`` fixture (another server over the same state) can list what the command uploaded.
Across processes the sandbox keeps its bucket in the user's cache folder: a second run in a new
process finds everything in place and uploads nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sitepush.builder.builder import Builder
from sitepush.cli import main
from sitepush.config import load_config
from sitepush.deploy import SANDBOX_BUCKET, DeployTarget, deploy_folder
from sitepush.sandbox import Sandbox
from tests.fixtures.paths import EXAMPLE_SITE, REPO
from tests.fixtures.processes import ctrl_c_reaches_it, printed_url

CONFIGURED_BUCKET = "www.example.com"  # example-site/sitepush.toml [deploy] bucket
MANIFEST = ".sitepush/manifest.json"
REDIRECT_KEYS = {"2025/old-url/index.html": "/blog/redirects-without-a-server/",
                 "getting-started/index.html": "/docs/quick-start/"}


def content_type_of(key: str) -> str:
    suffix = key.rpartition(".")[2]
    return {"html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
            "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml; charset=utf-8",
            "png": "image/png", "xml": "application/xml; charset=utf-8",
            "txt": "text/plain; charset=utf-8"}[suffix]


def empty_bucket(s3: Any, bucket: str) -> None:
    """Remove ``bucket`` if an earlier test in this process left it (moto's state is shared)."""
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in [item for page in pages for item in page.get("Contents", [])]:
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
    except s3.exceptions.NoSuchBucket:
        pass


def bucket_objects(s3: Any, bucket: str) -> dict[str, dict[str, Any]]:
    """Every object but the deploy records (one more each deploy on a versioned sandbox bucket)."""
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item for page in pages for item in page.get("Contents", [])
            if ".sitepush/deploys/" not in item["Key"]}


def built_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".sitepush")}


@dataclass(frozen=True)
class CliDeploy:
    code: int
    out: str
    err: str
    site_dir: Path


@pytest.fixture(scope="module")
def cli_deploy(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliDeploy]:
    """`sitepush deploy SITE --sandbox` run once on a copy of example-site."""
    tmp = tmp_path_factory.mktemp("deploy-cli")
    site = tmp / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    empty_bucket(sandbox.client("s3"), CONFIGURED_BUCKET)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEPUSH_CACHE_DIR", str(tmp / "cache"))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["deploy", str(site), "--sandbox"])
    yield CliDeploy(code, out.getvalue(), err.getvalue(), site / "_site")


def test_deploy_to_the_sandbox_exits_0_and_says_what_it_did(cli_deploy: CliDeploy) -> None:
    assert (cli_deploy.code, cli_deploy.err) == (0, "")
    files = built_files(cli_deploy.site_dir)
    size_mb = sum(map(len, files.values())) / 1_000_000
    lines = cli_deploy.out.splitlines()
    assert re.fullmatch(r"Built 13 pages from 14 sources in \d+\.\d\d s \(parsed 14, rendered 27, wrote 39 "
                        r"files, removed 0\) → " + re.escape(str(cli_deploy.site_dir)), lines[0])
    listening = re.fullmatch(r"Sandbox S3 \(moto\) listening on (http://127\.0\.0\.1:\d+) — nothing leaves "
                             r"this machine", lines[1])
    assert listening is not None
    endpoint = listening.group(1)
    assert lines[2] == f"created the bucket {CONFIGURED_BUCKET}"
    assert lines[3] == ("configured it as `sitepush configure` would: 6 changes (website hosting, public-read "
                        "policy but not .sitepush/, versioning…)")
    assert re.fullmatch(rf"s3://{re.escape(CONFIGURED_BUCKET)}/: uploaded {len(files) + 2} objects "
                        rf"\({size_mb:.1f} MB; {len(files)} new, 2 redirects\), deleted 0, unchanged 0 — "
                        rf"\d+\.\d s, {len(files) + 2 + 2} requests", lines[4]), lines[4]
    assert re.fullmatch(r"recorded as deploy \d{8}T\d{9}Z-[0-9a-f]{4} \(`sitepush history`, `sitepush "
                        r"rollback`\)", lines[5]), lines[5]
    assert endpoint.startswith("http://127.0.0.1:")
    assert lines[6:] == [  # the builder's marker file is neither uploaded nor reported
        "The sandbox stops when this command exits; add --keep to browse the deployed bucket with S3 "
        "website semantics until Ctrl-C.",
    ]
    assert len(files) == 39


def test_the_sandbox_client_has_a_connection_for_every_upload_thread(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pools: list[int] = []
    real_client = Sandbox.client

    def recording_client(self: Sandbox, service: str, *, max_pool: int = 10) -> Any:
        pools.append(max_pool)
        return real_client(self, service, max_pool=max_pool)

    monkeypatch.setattr(Sandbox, "client", recording_client)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<p>hi</p>", "utf-8")
    target = DeployTarget.from_options(None, sandbox=True, bucket="sitepush-pool-test", prefix=None,
                                       endpoint_url=None, region=None, profile=None, workers=16)
    deploy_folder(folder, {}, target, out=io.StringIO())
    assert pools and min(pools) >= 16


def test_the_bucket_holds_every_built_file_with_its_bytes_and_content_type(
        cli_deploy: CliDeploy, sandbox: Sandbox) -> None:
    s3 = sandbox.client("s3")
    files = built_files(cli_deploy.site_dir)
    objects = bucket_objects(s3, CONFIGURED_BUCKET)
    assert set(objects) == set(files) | set(REDIRECT_KEYS) | {MANIFEST}
    for key, data in files.items():
        assert objects[key]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"', key
        assert objects[key]["Size"] == len(data), key
        assert s3.head_object(Bucket=CONFIGURED_BUCKET, Key=key)["ContentType"] == content_type_of(key), key


def test_the_sandbox_redirects_carry_their_website_redirect_location(
        cli_deploy: CliDeploy, sandbox: Sandbox) -> None:
    s3 = sandbox.client("s3")
    for key, location in REDIRECT_KEYS.items():
        head = s3.head_object(Bucket=CONFIGURED_BUCKET, Key=key)
        assert (head["WebsiteRedirectLocation"], head["ContentLength"]) == (location, 0)


def test_deploy_folder_without_a_configured_bucket_uses_the_sandbox_bucket(
        sandbox: Sandbox, tmp_path: Path) -> None:
    s3 = sandbox.client("s3")
    empty_bucket(s3, SANDBOX_BUCKET)
    result = Builder(load_config(EXAMPLE_SITE), output_dir=tmp_path / "out",
                     cache_folder=tmp_path / "cache").build()
    target = DeployTarget.from_options(None, sandbox=True, bucket=None, prefix=None, endpoint_url=None,
                                       region=None, profile=None, workers=4)
    assert (target.bucket, target.prefix, target.sandbox) == (SANDBOX_BUCKET, "", True)
    printed = io.StringIO()
    outcome = deploy_folder(result.output_dir, result.redirects, target, out=printed)
    assert outcome.report is not None
    assert (outcome.report.uploaded, outcome.bucket, outcome.bucket_created) == (
        len(result.files) + 2, SANDBOX_BUCKET, True)
    assert sum(u.spec.is_redirect for u in outcome.plan.uploads) == 2
    assert outcome.report.uploaded_bytes == sum(f.size for f in result.files.values())
    objects = bucket_objects(s3, SANDBOX_BUCKET)
    assert set(objects) == set(result.files) | set(REDIRECT_KEYS) | {MANIFEST}
    for key, info in result.files.items():
        assert objects[key]["ETag"] == f'"{info.md5}"', key
    assert s3.head_object(Bucket=SANDBOX_BUCKET, Key="blog/a-look-at-the-theme/screenshot.png")[
        "ContentType"] == "image/png"
    assert "add --keep to browse the deployed bucket" in printed.getvalue()


def test_deploy_with_a_prefix_puts_the_site_under_it(sandbox: Sandbox, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    bucket = "sitepush-prefix-test"
    empty_bucket(sandbox.client("s3"), bucket)
    assert main(["deploy", str(site), "--sandbox", "--bucket", bucket, "--prefix", "/preview/"]) == 0
    out = capsys.readouterr().out
    assert f"s3://{bucket}/preview/: uploaded 41 objects " in out
    keys = set(bucket_objects(sandbox.client("s3"), bucket))
    assert keys == {f"preview/{key}" for key in built_files(site / "_site")} | \
        {f"preview/{key}" for key in REDIRECT_KEYS} | {f"preview/{MANIFEST}"}


def test_a_second_sandbox_deploy_in_the_same_process_uploads_nothing_and_says_so(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    bucket = "sitepush-twice-test"
    empty_bucket(sandbox.client("s3"), bucket)
    assert main(["deploy", str(site), "--sandbox", "--bucket", bucket]) == 0
    capsys.readouterr()
    assert main(["deploy", str(site), "--sandbox", "--bucket", bucket]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "Nothing to upload: the bucket already matches (41 objects)"


def run_sitepush(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(REPO), SITEPUSH_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-m", "sitepush", *args], capture_output=True, text=True,
                          env=env, timeout=180, check=False)


@pytest.mark.slow
def test_sandbox_deploy_run_twice_in_new_processes_uploads_nothing_the_second_time(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    first = run_sitepush("deploy", str(site), "--sandbox", cache=tmp_path / "cache")
    assert (first.returncode, first.stderr) == (0, "")
    assert "uploaded 41 objects" in first.stdout
    second = run_sitepush("deploy", str(site), "--sandbox", cache=tmp_path / "cache")
    assert (second.returncode, second.stderr) == (0, "")
    lines = second.stdout.splitlines()
    assert lines[2:4] == [f"restored 43 objects of {CONFIGURED_BUCKET} as the last sandbox run left them",
                          "Nothing to upload: the bucket already matches (41 objects)"]
    (site / "content" / "about.md").write_text(
        (site / "content" / "about.md").read_text("utf-8") + "\nOne more line.\n", "utf-8")
    third = run_sitepush("deploy", str(site), "--sandbox", cache=tmp_path / "cache")
    assert third.returncode == 0
    assert re.search(r"s3://www\.example\.com/: uploaded 1 object \([\d.]+ kB; 1 changed\), deleted 0, "
                     r"unchanged 40 — ", third.stdout), third.stdout


def test_deploy_sandbox_keep_serves_the_bucket_with_website_semantics_until_ctrl_c(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    env = dict(os.environ, SITEPUSH_CACHE_DIR=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "sitepush", "deploy", str(site), "--sandbox", "--keep"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=ctrl_c_reaches_it)
    try:
        url = printed_url(process, r"website endpoint serves it: (http://127\.0\.0\.1:\d+/)", 120)
        assert url is not None, "deploy --sandbox --keep printed no URL to browse"
        with urllib.request.urlopen(url + "docs/", timeout=10) as response:
            assert response.status == 200 and b"<html" in response.read()
        no_redirects = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as moved:
            no_redirects.open(url + "docs", timeout=10)
        moved.value.close()
        assert (moved.value.code, moved.value.headers["Location"]) == (302, "/docs/")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "no/such/page/", timeout=10)
        missing.value.close()
        assert missing.value.code == 404
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert "Traceback" not in err


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
