"""Security: what is never uploaded, never logged, never served, never granted."""

from __future__ import annotations

import http.client
import itertools
import json
from pathlib import Path

import pytest

from sitepush.config import WebsiteConfig
from sitepush.configurator.policy import allows_anonymous_get, website_bucket_policy
from sitepush.preview.server import PreviewServer
from sitepush.preview.sources import FolderSource
from sitepush.sandbox import Sandbox

from .conftest import ACCESS_KEY, SECRET_KEY, deploy, write_files

_numbers = itertools.count()

PLANTED_SECRETS = {
    ".env": b"AWS_SECRET_ACCESS_KEY=x", ".env.production": b"TOKEN=x", "config/.env.local": b"x",
    ".git/config": b"[core]", ".git/objects/ab/cdef": b"x", ".aws/credentials": b"[default]",
    ".ssh/id_rsa": b"-----BEGIN", "keys/server.pem": b"-----BEGIN", "keys/tls.key": b"-----BEGIN",
    "id_ed25519": b"x", "notes.md~": b"backup", ".index.html.swp": b"vim", "docs/.DS_Store": b"mac",
    ".htaccess": b"deny", "drafts/.hidden.html": b"x",
}
PUBLIC = {"index.html": b"<p>home</p>", ".well-known/security.txt": b"Contact: mailto:x@example.com",
          "docs/page.html": b"<p>doc</p>"}


@pytest.mark.parametrize("yes", [False, True])
def test_planted_secrets_and_dotfiles_never_reach_the_bucket(sandbox: Sandbox, tmp_path: Path, yes: bool) -> None:
    bucket = f"security-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    write_files(tmp_path / "built", PUBLIC | PLANTED_SECRETS)
    result = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", bucket, "--endpoint-url",
                     sandbox.endpoint_url, *(["--yes"] if yes else [])], tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    keys = {o["Key"] for o in sandbox.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert {k for k in keys if not k.startswith(".sitepush/")} == set(PUBLIC)
    assert "skipped" in result.stdout  # the user is told what was left out, and why


def test_the_credentials_appear_in_no_output_and_no_report(sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = f"security-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    write_files(tmp_path / "built", PUBLIC)
    report = tmp_path / "report.json"
    outputs = []
    for extra in ([], ["--dry-run"]):
        result = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", bucket, "--endpoint-url",
                         sandbox.endpoint_url, "--json", str(report), *extra], tmp_path / "cache")
        outputs += [result.stdout, result.stderr, report.read_text()]
    failed = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", "no-such-bucket-here", "--endpoint-url",
                     sandbox.endpoint_url], tmp_path / "cache")
    assert failed.returncode != 0
    outputs += [failed.stdout, failed.stderr]
    for text in outputs:
        assert SECRET_KEY not in text and ACCESS_KEY not in text and SECRET_KEY[:12] not in text
    json.loads(report.read_text())  # the report is complete JSON, and holds no credential


TRAVERSALS = ["/../outside.txt", "/%2e%2e/outside.txt", "/%2E%2E%2Foutside.txt", "/..%5coutside.txt",
              "/docs/../../outside.txt", "/./../outside.txt", "/outside.txt%00.html", "//outside.txt",
              "/%252e%252e/outside.txt", "/docs/%2e%2e/%2e%2e/outside.txt"]


def test_the_preview_server_never_reads_outside_the_site_folder(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text("CANARY-OUTSIDE")
    write_files(tmp_path / "site", PUBLIC | {"404.html": b"<p>not found</p>"})
    server = PreviewServer(FolderSource(tmp_path / "site"), lambda: WebsiteConfig(), port=0)
    assert server.server_address[0] == "127.0.0.1"  # loopback unless asked otherwise
    server.start()
    try:
        for path in TRAVERSALS:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            connection.putrequest("GET", path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status == 404, path
            assert b"CANARY-OUTSIDE" not in body, path
    finally:
        server.stop()


def test_the_bucket_policy_grants_only_getobject_on_site_keys() -> None:
    policy = website_bucket_policy("www.example.com")
    assert {s["Action"] for s in policy["Statement"]} == {"s3:GetObject"}
    assert allows_anonymous_get(policy, "www.example.com", "index.html")
    for private in (".sitepush/manifest.json", ".sitepush/deploys/x.json", ".sitepush/previews/d/index.html"):
        assert not allows_anonymous_get(policy, "www.example.com", private)
