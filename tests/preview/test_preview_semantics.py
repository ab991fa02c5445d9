"""The preview answers as the S3 website endpoint would — for a built folder and for a deployed bucket alike.

One table of requests against example-site (plus a routing rule, an alias redirect and planted files),
served twice: from the built folder, and from the same site deployed to a bucket on moto's server
(over HTTP, read back through boto3). Every row must hold for both.
"""

from __future__ import annotations

import http.client
import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitepush.builder.builder import build_site
from sitepush.config import RoutingRule, WebsiteConfig, load_config
from sitepush.preview.server import PreviewServer
from sitepush.preview.sources import BucketSource, FolderSource
from sitepush.sandbox import Sandbox
from tests.fixtures.paths import REPO

_numbers = itertools.count()

RULES = (
    RoutingRule(key_prefix_equals="old-docs/", replace_key_prefix_with="docs/"),
    RoutingRule(http_error_code_returned_equals="404", key_prefix_equals="gone/",
                replace_key_with="blog/", http_redirect_code="302"),
    RoutingRule(key_prefix_equals="elsewhere/", host_name="example.org", protocol="https"),
)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "example-site", site, dirs_exist_ok=True)
    with (site / "sitepush.toml").open("a") as config:
        config.write('\n[[redirects]]\nfrom = "/moved/"\nto = "/docs/"\n')
    out = tmp_path_factory.mktemp("out") / "site"
    cache = tmp_path_factory.mktemp("cache")
    result = build_site(load_config(site), output_dir=out, cache_folder=cache)
    (out / ".env").write_text("SECRET=1\n")  # a deploy never uploads it; the preview never serves it
    return out, result.redirects


@pytest.fixture(scope="module", params=["folder", "bucket"])
def server(request: pytest.FixtureRequest, built: tuple[Path, dict[str, str]],
           sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    folder, redirects = built
    website = WebsiteConfig(routing_rules=RULES)
    if request.param == "folder":
        source: FolderSource | BucketSource = FolderSource(folder, redirects)
    else:
        bucket = f"preview-semantics-{next(_numbers)}"
        client = sandbox.client("s3", max_pool=16)
        client.create_bucket(Bucket=bucket)
        publish(client, bucket, folder, redirects)
        source = BucketSource(client, bucket)
    preview = PreviewServer(source, lambda: website, port=0)
    preview.start()
    yield preview
    preview.stop()


def publish(client: object, bucket: str, folder: Path, redirects: dict[str, str]) -> None:
    """Deploy the built folder as `sitepush deploy` does: scan, specs, listing, plan, apply."""
    from sitepush.syncer import apply_plan, list_remote, local_specs, plan_sync, scan_site
    from sitepush.syncer.model import SyncOptions

    options = SyncOptions()
    specs = local_specs(scan_site(folder), redirects, ())
    plan = plan_sync(specs, list_remote(client, bucket, options), options)
    apply_plan(plan, client=client, bucket=bucket, options=options, workers=8)
    assert ".env" not in specs


def fetch(server: PreviewServer, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


HTML = "text/html; charset=utf-8"

# path, status, Location, Content-Type, text the body holds
TABLE = [
    ("/", 200, None, HTML, b"<html"),
    ("/index.html", 200, None, HTML, b"<html"),
    ("/docs/", 200, None, HTML, b"Docs"),
    ("/docs", 302, "/docs/", None, b""),
    ("/docs/install/", 200, None, HTML, b"<html"),
    ("/docs/install", 302, "/docs/install/", None, b""),
    ("/feed.xml", 200, None, "application/xml; charset=utf-8", b"<feed"),
    ("/sitemap.xml", 200, None, "application/xml; charset=utf-8", b"<urlset"),
    ("/favicon.svg", 200, None, "image/svg+xml; charset=utf-8", b"<svg"),
    ("/blog/a-look-at-the-theme/screenshot.png", 200, None, "image/png", b"PNG"),
    ("/.well-known/security.txt", 200, None, "text/plain; charset=utf-8", b"Contact"),
    ("/no/such/page/", 404, None, HTML, b"<html"),
    ("/no-such-file.css", 404, None, HTML, b"<html"),
    ("/moved/", 301, "/docs/", None, b""),
    ("/old-docs/install/", 301, "http://HOST/docs/install/", None, b""),
    ("/gone/anything", 302, "http://HOST/blog/", None, b""),
    ("/elsewhere/x.html", 301, "https://example.org/elsewhere/x.html", None, b""),
    ("/.env", 404, None, HTML, b"<html"),
    ("/../../etc/passwd", 404, None, HTML, b"<html"),
    ("/%2e%2e/%2e%2e/etc/passwd", 404, None, HTML, b"<html"),
    ("/docs/..%2f..%2f..%2fetc/passwd", 404, None, HTML, b"<html"),
    ("/docs%5c..%5c..%5cetc%5cpasswd", 404, None, HTML, b"<html"),
    ("/index.html%00.png", 404, None, HTML, b"<html"),
]


@pytest.mark.parametrize(("path", "status", "location", "content_type", "body"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_each_request_gets_the_answer_of_the_s3_website_endpoint(
        server: PreviewServer, path: str, status: int, location: str | None, content_type: str | None,
        body: bytes) -> None:
    reply = fetch(server, path)
    host, port = server.server_address[:2]
    assert reply.status == status
    expected_location = location.replace("HOST", f"{host}:{port}") if location else None
    assert reply.headers.get("location") == expected_location
    if content_type is not None:
        assert reply.headers["content-type"] == content_type
    assert body in reply.body
    assert int(reply.headers["content-length"]) == len(reply.body)


def test_a_missing_key_gets_the_error_document_itself_with_status_404(server: PreviewServer) -> None:
    assert fetch(server, "/nope.html").body == fetch(server, "/404.html").body


def test_html_revalidates_and_fingerprint_free_assets_cache_for_an_hour_as_deployed(
        server: PreviewServer) -> None:
    assert fetch(server, "/").headers["cache-control"] == "public, max-age=0, must-revalidate"
    assert "max-age=" in fetch(server, "/favicon.svg").headers["cache-control"]


def test_head_sends_the_headers_of_get_without_a_body(server: PreviewServer) -> None:
    get, head = fetch(server, "/docs/"), fetch(server, "/docs/", "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.body))


def test_a_matching_if_none_match_gets_304_and_no_body(server: PreviewServer) -> None:
    etag = fetch(server, "/docs/").headers["etag"]
    reply = fetch(server, "/docs/", headers={"If-None-Match": etag})
    assert (reply.status, reply.body, reply.headers["etag"]) == (304, b"", etag)
    assert fetch(server, "/docs/", headers={"If-None-Match": '"0000"'}).status == 200


def test_an_unchanged_object_since_if_modified_since_gets_304(server: PreviewServer) -> None:
    modified = fetch(server, "/favicon.svg").headers["last-modified"]
    assert fetch(server, "/favicon.svg", headers={"If-Modified-Since": modified}).status == 304


def test_methods_other_than_get_and_head_get_405(server: PreviewServer) -> None:
    reply = fetch(server, "/", "POST")
    assert reply.status == 405
    assert reply.headers["allow"] == "GET, HEAD"


def test_the_etag_is_the_md5_of_the_bytes_as_s3_computes_it(server: PreviewServer) -> None:
    import hashlib

    reply = fetch(server, "/favicon.svg")
    assert reply.headers["etag"] == f'"{hashlib.md5(reply.body).hexdigest()}"'
