"""`sitepush deploy example-site --sandbox`: build, upload to an embedded S3, say what was done.

The command's sandbox stops when it returns, but moto keeps its buckets per process, so the session's
own ``sandbox`` fixture (another server over the same state) can list what the command uploaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_SITE

from sitepush.build.builder import Builder
from sitepush.cli import main
from sitepush.config import load_config
from sitepush.deploy import SANDBOX_BUCKET, DeployTarget, deploy_folder
from sitepush.sandbox import Sandbox

CONFIGURED_BUCKET = "www.example.com"  # example-site/sitepush.toml [deploy] bucket
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
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item for page in pages for item in page.get("Contents", [])}


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
    assert re.fullmatch(rf"uploaded {len(files)} files \({size_mb:.1f} MB\) and 2 redirects to "
                        rf"s3://{re.escape(CONFIGURED_BUCKET)}/ in \d+\.\d s", lines[3])
    assert lines[4:] == [  # the builder's marker file is neither uploaded nor reported
        f"Look at it: {endpoint}/{CONFIGURED_BUCKET}/index.html",
        "The sandbox stops when this command exits (add --keep to keep it running).",
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
    assert set(objects) == set(files) | set(REDIRECT_KEYS)
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
    report = deploy_folder(result.output_dir, result.redirects, target, out=printed)
    assert (report.uploaded, report.redirects, report.bucket, report.bucket_created) == (
        len(result.files), 2, SANDBOX_BUCKET, True)
    assert report.bytes == sum(f.size for f in result.files.values())
    objects = bucket_objects(s3, SANDBOX_BUCKET)
    assert set(objects) == set(result.files) | set(REDIRECT_KEYS)
    for key, info in result.files.items():
        assert objects[key]["ETag"] == f'"{info.md5}"', key
    assert s3.head_object(Bucket=SANDBOX_BUCKET, Key="blog/a-look-at-the-theme/screenshot.png")[
        "ContentType"] == "image/png"
    assert "Look at it: http://127.0.0.1:" in printed.getvalue()


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
    assert f" and 2 redirects to s3://{bucket}/preview/ in " in out
    assert f"/{bucket}/preview/index.html\n" in out
    keys = set(bucket_objects(sandbox.client("s3"), bucket))
    assert keys == {f"preview/{key}" for key in built_files(site / "_site")} | \
        {f"preview/{key}" for key in REDIRECT_KEYS}
