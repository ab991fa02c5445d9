"""`sitepush deploy example-site --sandbox`: build, configure the local AWS as `configure` would, sync,
record, and say what was done.

Every ``--sandbox`` command speaks to one background sandbox process; this module has one of its own
(``own_sandbox``, a fresh local account) and reads what the commands made through its clients. The
sandbox outlives each command, so a second run in a new process finds everything in place.
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
from sitepush.sandbox import SandboxProcess
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


def plain_site(folder: Path) -> Path:
    """A copy of example-site without its domain and CDN: a bucket of its own in the shared sandbox."""
    shutil.copytree(EXAMPLE_SITE, folder, ignore=shutil.ignore_patterns("_site"))
    config = folder / "sitepush.toml"
    text = config.read_text("utf-8")
    text = re.sub(r"(?ms)^# \[domain\] is.*?(?=^# \[\[redirects\]\])", "", text)
    assert "\n[domain]" not in text and "\n[cloudfront]" not in text
    config.write_text(text, "utf-8")
    return folder


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
def cli_deploy(own_sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliDeploy]:
    """`sitepush deploy SITE --sandbox` run once on a copy of example-site, in a fresh sandbox."""
    tmp = tmp_path_factory.mktemp("deploy-cli")
    site = tmp / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEPUSH_CACHE_DIR", str(tmp / "cache"))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["deploy", str(site), "--sandbox"])
    yield CliDeploy(code, out.getvalue(), err.getvalue(), site / "_site")


def test_deploy_to_the_sandbox_configures_every_resource_syncs_and_records(cli_deploy: CliDeploy) -> None:
    assert (cli_deploy.code, cli_deploy.err) == (0, "")
    files = built_files(cli_deploy.site_dir)
    size_mb = sum(map(len, files.values())) / 1_000_000
    lines = cli_deploy.out.splitlines()
    # The sandbox is configured first, then the site is built while the bucket is listed, then synced.
    assert lines[0] == "Configuring the sandbox as `sitepush configure` would on AWS:"
    changes = [line.strip() for line in lines[1:] if line.startswith("  ")]
    for resource in ("+ create bucket www.example.com", "~ update website www.example.com",
                     "~ update public-access-block www.example.com", "~ update policy www.example.com",
                     "~ update versioning www.example.com", "+ create bucket example.com",
                     "~ update website example.com", "+ create hosted-zone example.com",
                     "+ create certificate example.com", "+ create distribution www.example.com",
                     "+ create distribution example.com", "+ create record A www.example.com.",
                     "+ create record AAAA www.example.com.", "+ create record A example.com.",
                     "+ create record AAAA example.com."):
        assert resource in changes, resource
    assert sum(change.startswith("+ create record CNAME _") for change in changes) == 2  # validation
    rest = [line for line in lines[1:] if not line.startswith("  ")]
    assert re.fullmatch(r"configured: \d+ changes", rest[0]), rest[0]
    assert re.fullmatch(r"Built 13 pages from 14 sources in \d+\.\d\d s \(parsed 14, rendered 27, wrote 39 "
                        r"files, removed 0\) → " + re.escape(str(cli_deploy.site_dir)), rest[1])
    rest = rest[1:]
    assert re.fullmatch(rf"s3://{re.escape(CONFIGURED_BUCKET)}/: uploaded {len(files) + 2} objects "
                        rf"\({size_mb:.1f} MB; {len(files)} new, 2 redirects\), deleted 0, unchanged 0 — "
                        rf"\d+\.\d s, {len(files) + 2 + 2} requests", rest[1]), rest[1]
    assert re.fullmatch(r"recorded as deploy \d{8}T\d{9}Z-[0-9a-f]{4} \(`sitepush history`, `sitepush "
                        r"rollback`\)", rest[2]), rest[2]
    assert rest[3].startswith("Next: `sitepush serve --bucket www.example.com --sandbox`")
    assert len(rest) == 4  # the builder's marker file is neither uploaded nor reported
    assert len(files) == 39


def test_the_sandbox_holds_what_configure_would_make(cli_deploy: CliDeploy, own_sandbox: SandboxProcess) -> None:
    s3 = own_sandbox.client("s3")
    assert s3.get_bucket_versioning(Bucket=CONFIGURED_BUCKET)["Status"] == "Enabled"
    assert s3.get_bucket_website(Bucket="example.com")["RedirectAllRequestsTo"]["HostName"] == CONFIGURED_BUCKET
    zones = own_sandbox.client("route53").list_hosted_zones()["HostedZones"]
    assert [z["Name"] for z in zones] == ["example.com."]
    certificates = own_sandbox.client("acm").list_certificates()["CertificateSummaryList"]
    assert [c["DomainName"] for c in certificates] == ["example.com"]
    distributions = own_sandbox.client("cloudfront").list_distributions()["DistributionList"]["Items"]
    assert len(distributions) == 2


def test_the_sandbox_client_has_a_connection_for_every_upload_thread(
        own_sandbox: SandboxProcess, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pools: list[int] = []
    real_client = SandboxProcess.client

    def recording_client(self: SandboxProcess, service: str, *, max_pool: int = 10) -> Any:
        pools.append(max_pool)
        return real_client(self, service, max_pool=max_pool)

    monkeypatch.setattr(SandboxProcess, "client", recording_client)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<p>hi</p>", "utf-8")
    target = DeployTarget.from_options(None, sandbox=True, bucket="sitepush-pool-test", prefix=None,
                                       endpoint_url=None, region=None, profile=None, workers=16)
    deploy_folder(folder, {}, target, out=io.StringIO())
    assert pools and min(pools) >= 16


def test_the_bucket_holds_every_built_file_with_its_bytes_and_content_type(
        cli_deploy: CliDeploy, own_sandbox: SandboxProcess) -> None:
    s3 = own_sandbox.client("s3")
    files = built_files(cli_deploy.site_dir)
    objects = bucket_objects(s3, CONFIGURED_BUCKET)
    assert set(objects) == set(files) | set(REDIRECT_KEYS) | {MANIFEST}
    for key, data in files.items():
        assert objects[key]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"', key
        assert objects[key]["Size"] == len(data), key
        assert s3.head_object(Bucket=CONFIGURED_BUCKET, Key=key)["ContentType"] == content_type_of(key), key


def test_the_sandbox_redirects_carry_their_website_redirect_location(
        cli_deploy: CliDeploy, own_sandbox: SandboxProcess) -> None:
    s3 = own_sandbox.client("s3")
    for key, location in REDIRECT_KEYS.items():
        head = s3.head_object(Bucket=CONFIGURED_BUCKET, Key=key)
        assert (head["WebsiteRedirectLocation"], head["ContentLength"]) == (location, 0)


def test_deploy_folder_without_a_configured_bucket_uses_the_sandbox_bucket(
        own_sandbox: SandboxProcess, tmp_path: Path) -> None:
    s3 = own_sandbox.client("s3")
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
    assert "Next: `sitepush serve --bucket sitepush-sandbox --sandbox`" in printed.getvalue()


def test_deploy_with_a_prefix_puts_the_site_under_it(own_sandbox: SandboxProcess, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = plain_site(tmp_path / "site")
    bucket = "sitepush-prefix-test"
    assert main(["deploy", str(site), "--sandbox", "--bucket", bucket, "--prefix", "/preview/"]) == 0
    out = capsys.readouterr().out
    assert f"s3://{bucket}/preview/: uploaded 41 objects " in out
    keys = set(bucket_objects(own_sandbox.client("s3"), bucket))
    assert keys == {f"preview/{key}" for key in built_files(site / "_site")} | \
        {f"preview/{key}" for key in REDIRECT_KEYS} | {f"preview/{MANIFEST}"}


def test_a_second_sandbox_deploy_in_the_same_process_uploads_nothing_and_says_so(
        own_sandbox: SandboxProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = plain_site(tmp_path / "site")
    bucket = "sitepush-twice-test"
    assert main(["deploy", str(site), "--sandbox", "--bucket", bucket]) == 0
    capsys.readouterr()
    assert main(["deploy", str(site), "--sandbox", "--bucket", bucket]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["Nothing to upload: the bucket already matches (41 objects)"]


def run_sitepush(*args: str, cache: Path, sandbox_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(REPO), SITEPUSH_CACHE_DIR=str(cache))
    if sandbox_dir is not None:
        env["SITEPUSH_SANDBOX_DIR"] = str(sandbox_dir)
    return subprocess.run([sys.executable, "-m", "sitepush", *args], capture_output=True, text=True,
                          env=env, timeout=180, check=False)


@pytest.mark.slow
def test_readme_command_one_twice_then_history_and_rollback_each_in_a_new_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's first command on a machine with no sandbox yet, then the commands it suggests."""
    site, cache, sandbox_dir = tmp_path / "site", tmp_path / "cache", tmp_path / "sandbox"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    monkeypatch.setenv("SITEPUSH_SANDBOX_DIR", str(sandbox_dir))
    from sitepush.sandbox import running_sandbox

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_sitepush(*args, cache=cache, sandbox_dir=sandbox_dir)

    try:
        first = run("deploy", str(site), "--sandbox")
        assert (first.returncode, first.stderr) == (0, ""), first.stdout
        assert "Started the sandbox: a local AWS (moto) on http://127.0.0.1:" in first.stdout
        assert re.search(r"^configured: \d+ changes$", first.stdout, re.M), first.stdout
        assert "uploaded 41 objects" in first.stdout and "recorded as deploy" in first.stdout
        about = running_sandbox()
        assert about is not None
        s3 = about.client("s3")
        first_page = s3.get_object(Bucket=CONFIGURED_BUCKET, Key="about/index.html")["Body"].read()

        again = run("deploy", str(site), "--sandbox")
        assert (again.returncode, again.stderr) == (0, "")
        quiet = again.stdout.splitlines()
        assert len(quiet) == 2 and quiet[1] == "Nothing to upload: the bucket already matches (41 objects)"

        (site / "content" / "about.md").write_text(
            (site / "content" / "about.md").read_text("utf-8") + "\nOne more line.\n", "utf-8")
        changed = run("deploy", str(site), "--sandbox")
        assert re.search(r"s3://www\.example\.com/: uploaded 1 object \([\d.]+ kB; 1 changed\), deleted 0, "
                         r"unchanged 40 — ", changed.stdout), changed.stdout

        history = run("history", str(site), "--sandbox")
        assert history.returncode == 0, history.stderr
        deploys = [line for line in history.stdout.splitlines() if " deploy: " in line]
        assert len(deploys) == 2, history.stdout
        first_id = deploys[-1].split()[0]

        rollback = run("rollback", str(site), "--sandbox", "--steps", "1")
        assert rollback.returncode == 0, rollback.stderr
        assert f"rolled back to {first_id}" in rollback.stdout
        assert s3.get_object(Bucket=CONFIGURED_BUCKET, Key="about/index.html")["Body"].read() == first_page

        status = run("sandbox", "status")
        assert f"bucket {CONFIGURED_BUCKET}: " in status.stdout and "hosted zones: example.com" in status.stdout
    finally:
        stopped = run("sandbox", "stop")
    assert stopped.stdout.startswith("stopped the sandbox (pid ")
    assert running_sandbox() is None


def test_deploy_sandbox_keep_serves_the_bucket_with_website_semantics_until_ctrl_c(
        own_sandbox: SandboxProcess, tmp_path: Path) -> None:
    site = plain_site(tmp_path / "site")
    env = dict(os.environ, SITEPUSH_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
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
    assert (process.returncode, err.strip().splitlines()[-1:]) == (0, ["stopped"])  # as `serve` ends


def test_keep_without_sandbox_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", str(EXAMPLE_SITE), "--keep", "--dry-run"]) == 2
    assert capsys.readouterr().err == "error: --keep goes with --sandbox — add --sandbox, or drop --keep\n"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
