"""The first deploy: a built folder uploaded whole to a bucket on moto's server, redirects as objects."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from sitepush.aws import make_client
from sitepush.errors import AwsRefused, DeployError
from sitepush.publish.local import SkippedFile, scan_site
from sitepush.publish.redirects import redirect_objects
from sitepush.publish.upload import DeployReport, format_report, normalise_prefix, upload_site
from sitepush.sandbox import Sandbox

_bucket_numbers = itertools.count()

SITE_FILES = {
    "index.html": b"<!doctype html><h1>Home</h1>",
    "blog/first-post/index.html": b"<!doctype html><h1>First</h1>",
    "css/site.css": b"body { color: #111 }",
    "js/app.js": b"console.log('hi')",
    "img/logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "img/photo.avif": bytes(range(256)) * 40,
    "fonts/body.woff2": b"wOF2" + bytes(500),
    "feed.xml": b"<?xml version='1.0'?><feed/>",
    "hls/master.m3u8": b"#EXTM3U\n",
    "hls/seg0.ts": bytes(188 * 7),
    "caf\u00e9 menu/index.html": b"<!doctype html><h1>Caf\xc3\xa9</h1>",
    ".well-known/security.txt": b"Contact: mailto:security@example.com\n",
    "empty.txt": b"",
}


def fresh_bucket() -> str:
    """A bucket name no other test uses: moto's state is shared by every sandbox in the process."""
    return f"first-deploy-{next(_bucket_numbers)}"


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    for rel, data in SITE_FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / ".env").write_bytes(b"TOKEN=do-not-upload")
    return tmp_path


def objects(s3: Any, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def test_every_file_is_uploaded_with_its_bytes_and_content_type(sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    site = scan_site(built)
    report = upload_site(site, {}, client=s3, bucket=bucket, create_bucket=True, workers=4)
    assert sorted(objects(s3, bucket)) == sorted(SITE_FILES)
    for local in site.files:
        got = s3.get_object(Bucket=bucket, Key=local.key)
        assert got["Body"].read() == SITE_FILES[local.key]
        assert got["ContentType"] == local.content_type
        assert got["ETag"] == f'"{local.md5}"'
    assert (report.uploaded, report.bytes, report.redirects) == (
        len(SITE_FILES), sum(map(len, SITE_FILES.values())), 0)
    assert report.skipped == (SkippedFile(".env", "secret-looking"),)
    assert report.bucket_created is True


def test_content_types_as_served_by_s3(sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    upload_site(scan_site(built), {}, client=s3, bucket=bucket, create_bucket=True)
    served = {key: s3.head_object(Bucket=bucket, Key=key)["ContentType"]
              for key in ("index.html", "js/app.js", "img/logo.svg", "img/photo.avif", "hls/seg0.ts",
                          "hls/master.m3u8", "fonts/body.woff2", "feed.xml")}
    assert served == {
        "index.html": "text/html; charset=utf-8",
        "js/app.js": "text/javascript; charset=utf-8",
        "img/logo.svg": "image/svg+xml; charset=utf-8",
        "img/photo.avif": "image/avif",
        "hls/seg0.ts": "video/mp2t",
        "hls/master.m3u8": "application/vnd.apple.mpegurl",
        "fonts/body.woff2": "font/woff2",
        "feed.xml": "application/xml; charset=utf-8",
    }


def test_redirects_are_zero_byte_objects_with_a_website_redirect_location(
        sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    report = upload_site(scan_site(built), {"/old/": "/blog/first-post/", "/feed": "https://example.com/f"},
                         client=s3, bucket=bucket, create_bucket=True)
    assert report.redirects == 3
    for key, location in (("old/index.html", "/blog/first-post/"), ("feed", "https://example.com/f"),
                          ("feed/index.html", "https://example.com/f")):
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["WebsiteRedirectLocation"], head["ContentLength"], head["CacheControl"]) == \
            (location, 0, "max-age=300")


def test_prefix_puts_every_key_under_it(sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    report = upload_site(scan_site(built), {"/old/": "/"}, client=s3, bucket=bucket, prefix="/preview/",
                         create_bucket=True)
    assert report.prefix == "preview/"
    assert sorted(objects(s3, bucket)) == sorted(["preview/" + k for k in SITE_FILES]
                                                 + ["preview/old/index.html"])


def test_existing_bucket_is_reused_not_created(sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    s3.create_bucket(Bucket=bucket)
    report = upload_site(scan_site(built), {}, client=s3, bucket=bucket, create_bucket=True)
    assert report.bucket_created is False


def test_bucket_outside_us_east_1_is_created_with_its_location_constraint(
        sandbox: Sandbox, built: Path) -> None:
    s3 = make_client("s3", region="eu-west-1", endpoint_url=sandbox.endpoint_url,
                     credentials=sandbox.credentials)
    bucket = fresh_bucket()
    upload_site(scan_site(built), {}, client=s3, bucket=bucket, create_bucket=True, region="eu-west-1")
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "eu-west-1"


def test_missing_bucket_without_create_names_the_key_and_the_fix(sandbox: Sandbox, built: Path) -> None:
    (built / ".env").unlink()
    for rel in SITE_FILES:
        if rel != "css/site.css":
            (built / rel).unlink()
    with pytest.raises(DeployError) as raised:
        upload_site(scan_site(built), {}, client=sandbox.client("s3"), bucket="never-created-bucket")
    assert raised.value.render() == (
        "cannot upload s3://never-created-bucket/css/site.css: the bucket does not exist"
        " — check the bucket name, or create it with `sitepush configure`")


def test_assets_are_all_uploaded_before_any_page_and_pages_before_redirects(
        sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3", max_pool=8), fresh_bucket()
    s3.create_bucket(Bucket=bucket)
    events: list[tuple[str, str]] = []

    def record(stage: str) -> Any:
        def handler(params: dict[str, Any], **_: Any) -> None:
            events.append((stage, params["Key"]))
        return handler

    s3.meta.events.register("provide-client-params.s3.PutObject", record("start"))
    upload_site(scan_site(built), {"/old/": "/"}, client=s3, bucket=bucket, workers=8)
    kinds = ["redirect" if key == "old/index.html" else "page" if key.endswith(".html") else "asset"
             for _, key in events]
    assert kinds == sorted(kinds, key=["asset", "page", "redirect"].index)
    assert kinds.count("page") == 3 and kinds.count("redirect") == 1


def test_a_file_removed_after_the_scan_stops_the_deploy_naming_it(sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    site = scan_site(built)
    (built / "js" / "app.js").unlink()
    with pytest.raises(DeployError) as raised:
        upload_site(site, {}, client=s3, bucket=bucket, create_bucket=True)
    assert raised.value.render() == (
        "cannot read js/app.js: No such file or directory — rebuild the site, then rerun the deploy")
    assert not any(key.endswith(".html") for key in objects(s3, bucket))


def test_a_redirect_over_an_existing_page_is_refused_before_any_upload(
        sandbox: Sandbox, built: Path) -> None:
    s3, bucket = sandbox.client("s3"), fresh_bucket()
    with pytest.raises(DeployError) as raised:
        upload_site(scan_site(built), {"/blog/first-post/": "/"}, client=s3, bucket=bucket,
                    create_bucket=True)
    assert raised.value.render() == (
        "the redirect object blog/first-post/index.html → / would replace the file "
        "blog/first-post/index.html — remove the redirect or the page it points away from")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_bucket_name_s3_refuses_says_what_names_are_valid(sandbox: Sandbox, built: Path) -> None:
    with pytest.raises(DeployError) as raised:
        upload_site(scan_site(built), {}, client=sandbox.client("s3"), bucket="ab", create_bucket=True)
    assert raised.value.render() == (
        "cannot create the bucket s3://ab: S3 refuses the name (InvalidBucketName)"
        " — use 3-63 lower-case letters, digits, hyphens and dots, e.g. `bucket = \"my-site\"`")


def test_an_other_refusal_is_aws_refused_with_exit_4_and_the_aws_message(
        sandbox: Sandbox, built: Path) -> None:
    s3 = make_client("s3", region="eu-west-1", endpoint_url=sandbox.endpoint_url,
                     credentials=sandbox.credentials)
    bucket = fresh_bucket()
    with pytest.raises(AwsRefused) as raised:
        upload_site(scan_site(built), {}, client=s3, bucket=bucket, create_bucket=True, region="us-east-1")
    assert raised.value.exit_code == 4
    assert raised.value.render() == (
        f"cannot create the bucket s3://{bucket}: The unspecified location constraint is incompatible for "
        "the region specific endpoint this request was sent to. (IllegalLocationConstraintException)"
        " — fix what AWS names above, then rerun")


def test_report_reads_as_what_was_done() -> None:
    report = DeployReport(uploaded=12, bytes=2_345_678, redirects=1,
                          skipped=(SkippedFile(".env", "secret-looking"),), seconds=1.26,
                          bucket="site", prefix="", bucket_created=True)
    assert format_report(report) == (
        "created the bucket site\n"
        "uploaded 12 files (2.3 MB) and 1 redirect to s3://site/ in 1.3 s\n"
        "skipped 1 file: .env (secret-looking)")


@pytest.mark.parametrize(("prefix", "normalised"), [
    ("", ""), ("/", ""), ("blog", "blog/"), ("/blog/", "blog/"), ("a/b", "a/b/")])
def test_prefix_is_normalised_to_end_with_one_slash(prefix: str, normalised: str) -> None:
    assert normalise_prefix(prefix) == normalised


@pytest.mark.parametrize("prefix", ["a/../b", "a//b", "./x"])
def test_prefix_with_dot_dot_or_empty_segments_is_refused(prefix: str) -> None:
    with pytest.raises(DeployError, match="empty, `.` or `..` segment"):
        normalise_prefix(prefix)


@pytest.mark.parametrize(("redirects", "objects_"), [
    ({"/old/": "/new/"}, {"old/index.html": "/new/"}),
    ({"/old.html": "/new/"}, {"old.html": "/new/"}),
    ({"/old": "/new/"}, {"old": "/new/", "old/index.html": "/new/"}),
    ({"/a/b/c": "https://example.com/x"}, {"a/b/c": "https://example.com/x", "a/b/c/index.html":
                                           "https://example.com/x"}),
    ({"/v1.2/": "/v2/"}, {"v1.2/index.html": "/v2/"}),
    ({"/caf%C3%A9/": "/cafe/"}, {"caf\u00e9/index.html": "/cafe/"}),
    ({"/cafe\u0301/": "/cafe/"}, {"caf\u00e9/index.html": "/cafe/"}),
    ({"/old": "/x/", "/old/": "/x/"}, {"old": "/x/", "old/index.html": "/x/"}),
    ({"/b/": "http://example.com", "/a/": "/"}, {"a/index.html": "/", "b/index.html": "http://example.com"}),
    ({}, {}),
])
def test_redirect_objects_table(redirects: dict[str, str], objects_: dict[str, str]) -> None:
    result = redirect_objects(redirects)
    assert result == objects_
    assert list(result) == sorted(objects_)


@pytest.mark.parametrize(("redirects", "line"), [
    ({"old/": "/new/"},
     ("redirect old/ → /new/: the path must start with a single `/` — write the path on this site, "
      "e.g. from = \"/old/\"")),
    ({"/a/../etc/": "/"},
     ("redirect /a/../etc/ → /: the path has an empty, `.` or `..` segment — write a plain path, "
      "e.g. from = \"/old/page/\"")),
    ({"/old/": "new/"},
     ("redirect /old/ → new/: the target must start with `/` or `http(s)://` and hold no spaces — "
      "write a site path or an absolute URL, e.g. to = \"/new/\"")),
    ({"/old/": "ftp://example.com/"},
     ("redirect /old/ → ftp://example.com/: the target must start with `/` or `http(s)://` and hold no "
      "spaces — write a site path or an absolute URL, e.g. to = \"/new/\"")),
    ({"/old/": "//evil.example/"},
     ("redirect /old/ → //evil.example/: `//` would leave the site for another host — write "
      "`https://host/...` for another site, or `/path/` for this one")),
    ({"/old?page=2": "/new/"},
     ("redirect /old?page=2 → /new/: S3 redirects match a path only, without `?`, `#` or control "
      "characters — remove the query or fragment, e.g. from = \"/old/\"")),
    ({"/": "/new/"},
     ("redirect / → /new/: the home page cannot be a redirect object — redirect the whole site with the "
      "bucket's website settings instead")),
    ({"/old": "/a/", "/old/": "/b/"},
     ("redirects /old and /old/ both need the object old/index.html, to /a/ and to /b/ — keep one of "
      "them in [[redirects]] or the page aliases")),
])
def test_bad_redirects_are_refused_naming_the_redirect_and_the_fix(
        redirects: dict[str, str], line: str) -> None:
    with pytest.raises(DeployError) as raised:
        redirect_objects(redirects)
    assert raised.value.render() == line
