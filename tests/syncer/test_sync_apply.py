"""The syncer end to end on moto's server over HTTP: scan → local_specs → list_remote → plan_sync → apply_plan.

Every request the client makes is observed through botocore's own event system (real traffic, no
mock), so the tests can say exactly which S3 operations a deploy made and for which keys.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from botocore.hooks import HierarchicalEmitter  # type: ignore[import-untyped]

from sitepush.config import HeaderRule
from sitepush.errors import AwsRefused, DeployError, SafetyStop
from sitepush.sandbox import Sandbox
from sitepush.syncer.apply import SyncReport, apply_plan
from sitepush.syncer.hashing import HashCache
from sitepush.syncer.local import scan_site
from sitepush.syncer.model import RemoteState, SyncOptions, SyncPlan, UploadReason
from sitepush.syncer.plan import plan_sync
from sitepush.syncer.redirects import redirect_objects
from sitepush.syncer.remote import list_remote
from sitepush.syncer.specs import local_specs

_numbers = itertools.count()
MiB = 1024 * 1024

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
    "docs/a+b c%20d.txt": b"plus, space and a literal %20",
    ".well-known/security.txt": b"Contact: mailto:security@example.com\n",
    "empty.txt": b"",
}


def write_site(folder: Path, files: Mapping[str, bytes]) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def mebibytes(count: int) -> bytes:
    """``count`` MiB whose every MiB differs, so a part cut in the wrong place changes the ETag."""
    return b"".join(hashlib.sha256(str(n).encode()).digest() * (MiB // 32) for n in range(count))


def multipart_etag_of(data: bytes, part_size: int = 8 * MiB) -> str:
    """S3's multipart ETag, computed here independently of sitepush.syncer.hashing."""
    parts = [data[i:i + part_size] for i in range(0, len(data), part_size)]
    return f"{hashlib.md5(b''.join(hashlib.md5(p).digest() for p in parts)).hexdigest()}-{len(parts)}"


class Deployer:
    """One bucket, one built folder, one client whose every API call is recorded."""

    def __init__(self, sandbox: Sandbox, folder: Path, *, workers: int = 8,
                 threshold: int | None = None) -> None:
        self.folder = folder
        self.bucket = f"sync-apply-{next(_numbers)}"
        self.workers = workers
        self.client = sandbox.client("s3", max_pool=workers)
        self.client.create_bucket(Bucket=self.bucket)
        # None: the defaults of HashCache and apply_plan, as a caller that sets nothing gets them.
        self.threshold = {} if threshold is None else {"multipart_threshold": threshold}
        self.hashes = HashCache() if threshold is None else HashCache(threshold=threshold)
        self.calls: list[tuple[str, str]] = []
        self.deployed: list[tuple[str, str]] = []
        """The calls of the last :meth:`deploy`, without the test's own look at the bucket afterwards."""
        self.sent = 0
        self.client.meta.events.register("before-parameter-build.s3", self._record_call)
        self.client.meta.events.register("before-call.s3", self._count_request)

    def _record_call(self, params: Mapping[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, str(params.get("Key", ""))))

    def _count_request(self, **_: Any) -> None:
        self.sent += 1

    def ops(self) -> Counter[str]:
        return Counter(name for name, _ in self.deployed)

    def keys_of(self, operation: str) -> list[str]:
        return sorted(key for name, key in self.deployed if name == operation)

    def plan(self, *, redirects: Mapping[str, str] | None = None, rules: Sequence[HeaderRule] = (),
             prefix: str = "", yes: bool = False, max_deletes: int | None = None) -> tuple[SyncPlan, SyncOptions]:
        site = scan_site(self.folder, hashes=self.hashes)
        specs = local_specs(site, redirects or {}, rules, prefix=prefix)
        options = SyncOptions(prefix=prefix, yes=yes, max_deletes=max_deletes)
        return plan_sync(specs, list_remote(self.client, self.bucket, options), options), options

    def deploy(self, **kwargs: Any) -> tuple[SyncPlan, SyncReport]:
        self.calls.clear()
        self.sent = 0
        plan, options = self.plan(**kwargs)
        report = apply_plan(plan, client=self.client, bucket=self.bucket, options=options,
                            workers=self.workers, **self.threshold)
        self.deployed = list(self.calls)
        return plan, report

    def objects(self) -> dict[str, dict[str, Any]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {item["Key"]: item for page in pages for item in page.get("Contents", [])}

    def head(self, key: str) -> dict[str, Any]:
        return dict(self.client.head_object(Bucket=self.bucket, Key=key))

    def body(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    write_site(folder, SITE_FILES)
    (folder / ".env").write_bytes(b"TOKEN=do-not-upload")
    return folder


@pytest.fixture()
def deployer(sandbox: Sandbox, built: Path) -> Deployer:
    return Deployer(sandbox, built)


def test_first_deploy_uploads_every_file_with_its_bytes_and_headers(deployer: Deployer) -> None:
    plan, report = deployer.deploy()
    assert {u.reason for u in plan.uploads} == {UploadReason.NEW}
    assert sorted(deployer.objects()) == sorted([*SITE_FILES, ".sitepush/manifest.json"])
    for key, data in SITE_FILES.items():
        assert deployer.body(key) == data, key
        assert deployer.objects()[key]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    served = {key: (deployer.head(key)["ContentType"], deployer.head(key)["CacheControl"])
              for key in ("index.html", "js/app.js", "img/photo.avif", "hls/master.m3u8")}
    assert served == {
        "index.html": ("text/html; charset=utf-8", "public, max-age=0, must-revalidate"),
        "js/app.js": ("text/javascript; charset=utf-8", "public, max-age=0, must-revalidate"),
        "img/photo.avif": ("image/avif", "public, max-age=3600"),
        "hls/master.m3u8": ("application/vnd.apple.mpegurl", "public, max-age=2"),
    }
    assert deployer.ops() == {"ListObjectsV2": 1, "PutObject": len(SITE_FILES) + 1}  # no manifest to GET
    assert (report.uploaded, report.uploaded_bytes, dict(report.by_reason), report.deleted,
            report.unchanged, report.manifest_written) == (
        len(SITE_FILES), sum(map(len, SITE_FILES.values())), {"new": len(SITE_FILES)}, 0, 0, True)


def test_second_deploy_makes_one_listing_and_one_manifest_get_and_uploads_nothing(deployer: Deployer) -> None:
    deployer.deploy()
    plan, report = deployer.deploy()
    assert sorted(deployer.deployed) == [("GetObject", ".sitepush/manifest.json"), ("ListObjectsV2", "")]
    assert (plan.uploads, plan.deletes, plan.unchanged, plan.manifest_changed) == ((), (), len(SITE_FILES), False)
    assert (report.uploaded, report.requests, report.manifest_written) == (0, 0, False)


def test_rebuild_with_same_bytes_uploads_nothing(deployer: Deployer, built: Path) -> None:
    deployer.deploy()
    for rel, data in SITE_FILES.items():  # what every rebuild does: new files, new mtimes, same bytes
        (built / rel).unlink()
        (built / rel).write_bytes(data)
        os.utime(built / rel, ns=(1, 1))
    plan, report = deployer.deploy()
    assert (len(plan.uploads), report.requests, sorted(deployer.ops())) == (0, 0, ["GetObject", "ListObjectsV2"])


def test_same_size_change_is_detected_and_only_it_is_uploaded(deployer: Deployer, built: Path) -> None:
    deployer.deploy()
    (built / "css" / "site.css").write_bytes(b"body { color: #222 }")  # same length as before
    plan, report = deployer.deploy()
    assert [(u.spec.key, u.reason) for u in plan.uploads] == [("css/site.css", UploadReason.CONTENT)]
    assert deployer.keys_of("PutObject") == [".sitepush/manifest.json", "css/site.css"]
    assert deployer.body("css/site.css") == b"body { color: #222 }"
    assert (report.uploaded, report.uploaded_bytes, report.requests) == (1, 20, 2)


def test_multipart_file_is_uploaded_in_parts_and_a_change_in_it_is_detected(
        sandbox: Sandbox, built: Path) -> None:
    deployer = Deployer(sandbox, built, threshold=5 * MiB)
    big = built / "video" / "talk.mp4"
    big.parent.mkdir()
    data = bytearray(bytes(range(256)) * (9 * MiB // 256))
    big.write_bytes(data)
    plan, report = deployer.deploy()
    spec = next(u.spec for u in plan.uploads if u.spec.key == "video/talk.mp4")
    assert spec.etag.endswith("-2")
    assert deployer.objects()["video/talk.mp4"]["ETag"] == f'"{spec.etag}"'
    assert deployer.ops()["UploadPart"] == 2 and deployer.keys_of("CompleteMultipartUpload") == ["video/talk.mp4"]
    assert deployer.deploy()[0].uploads == ()
    data[5 * MiB] ^= 0xFF  # one byte in the first part, same size
    big.write_bytes(data)
    plan, report = deployer.deploy()
    assert [(u.spec.key, u.reason) for u in plan.uploads] == [("video/talk.mp4", UploadReason.CONTENT)]
    assert (report.uploaded_bytes, deployer.ops()["UploadPart"]) == (len(data), 2)
    assert deployer.body("video/talk.mp4") == bytes(data)
    assert deployer.deploy()[0].uploads == ()


def test_a_20_mib_file_below_the_default_threshold_is_one_put_object_whose_etag_is_its_md5(
        sandbox: Sandbox, tmp_path: Path) -> None:
    data = mebibytes(20)
    write_site(tmp_path / "site", {"video/talk.mp4": data})
    deployer = Deployer(sandbox, tmp_path / "site")
    plan, report = deployer.deploy()
    assert [u.spec.etag for u in plan.uploads] == [hashlib.md5(data).hexdigest()]
    assert deployer.ops() == {"ListObjectsV2": 1, "PutObject": 2}
    assert deployer.keys_of("PutObject") == [".sitepush/manifest.json", "video/talk.mp4"]
    assert report.requests_by_operation == {"PutObject": 2}
    assert deployer.objects()["video/talk.mp4"]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert deployer.deploy()[0].uploads == ()


def test_the_same_file_with_an_8_mib_threshold_goes_in_parts_and_s3_reports_the_local_etag(
        sandbox: Sandbox, tmp_path: Path) -> None:
    data = mebibytes(20)
    write_site(tmp_path / "site", {"video/talk.mp4": data})
    deployer = Deployer(sandbox, tmp_path / "site", threshold=8 * MiB)
    plan, report = deployer.deploy()
    (spec,) = (u.spec for u in plan.uploads)
    assert spec.etag == multipart_etag_of(data) and spec.etag.endswith("-3")
    assert deployer.head("video/talk.mp4")["ETag"] == f'"{spec.etag}"'
    assert report.requests_by_operation == {
        "CompleteMultipartUpload": 1, "CreateMultipartUpload": 1, "PutObject": 1, "UploadPart": 3}
    assert deployer.body("video/talk.mp4") == data
    assert deployer.deploy()[0].uploads == ()
    # Back to the default threshold (an upgrade from s3transfer's 8 MiB): the local ETag is now the
    # MD5, and the manifest still vouches for the multipart object, so nothing is uploaded again.
    deployer.threshold, deployer.hashes = {}, HashCache()
    plan, _ = deployer.deploy()
    assert (plan.uploads, plan.unchanged) == ((), 1)


def test_a_plan_hashed_for_another_threshold_is_refused_before_any_request(
        sandbox: Sandbox, built: Path) -> None:
    (built / "video").mkdir()
    (built / "video" / "talk.mp4").write_bytes(mebibytes(6))
    deployer = Deployer(sandbox, built, threshold=5 * MiB)
    plan, options = deployer.plan()
    deployer.calls.clear()
    with pytest.raises(DeployError) as raised:
        apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=4)
    assert raised.value.render() == (
        "cannot upload video/talk.mp4: its ETag was computed for another multipart threshold than the "
        "upload's 64 MiB — this is a bug in sitepush; please report it")
    assert deployer.calls == [] and deployer.objects() == {}


def test_header_only_change_is_applied_by_copy_without_resending_the_body(deployer: Deployer) -> None:
    deployer.deploy()
    rules = (HeaderRule(glob="css/*", cache_control="public, max-age=60"),
             HeaderRule(glob="img/*.svg", content_type="image/svg+xml", metadata={"owner": "design"}))
    plan, report = deployer.deploy(rules=rules)
    assert [(u.spec.key, u.reason) for u in plan.uploads] == [
        ("css/site.css", UploadReason.HEADERS), ("img/logo.svg", UploadReason.HEADERS)]
    assert deployer.keys_of("CopyObject") == ["css/site.css", "img/logo.svg"]
    assert deployer.keys_of("PutObject") == [".sitepush/manifest.json"]
    assert (report.uploaded, report.uploaded_bytes) == (2, 0)
    assert deployer.head("css/site.css")["CacheControl"] == "public, max-age=60"
    svg = deployer.head("img/logo.svg")
    assert (svg["ContentType"], svg["Metadata"]) == ("image/svg+xml", {"owner": "design"})
    assert deployer.body("css/site.css") == SITE_FILES["css/site.css"]
    assert deployer.deploy(rules=rules)[0].uploads == ()


def test_redirect_objects_are_zero_bytes_with_a_location_and_a_changed_target_is_rewritten(
        deployer: Deployer) -> None:
    deployer.deploy(redirects={"/old/": "/blog/first-post/", "/feed": "https://example.com/f"})
    for key, location in (("old/index.html", "/blog/first-post/"), ("feed", "https://example.com/f"),
                          ("feed/index.html", "https://example.com/f")):
        head = deployer.head(key)
        assert (head["WebsiteRedirectLocation"], head["ContentLength"], head["CacheControl"]) == (
            location, 0, "max-age=300")
    plan, _ = deployer.deploy(redirects={"/old/": "/", "/feed": "https://example.com/f"})
    assert [(u.spec.key, u.reason) for u in plan.uploads] == [("old/index.html", UploadReason.REDIRECT)]
    assert deployer.keys_of("PutObject") == [".sitepush/manifest.json", "old/index.html"]
    assert deployer.head("old/index.html")["WebsiteRedirectLocation"] == "/"


def test_assets_are_all_written_before_any_page_and_pages_before_redirects(deployer: Deployer) -> None:
    deployer.deploy(redirects={"/old/": "/"})
    writes = [key for name, key in deployer.deployed if name == "PutObject"]
    kinds = ["manifest" if key.startswith(".sitepush/") else "redirect" if key == "old/index.html"
             else "page" if key.endswith(".html") else "asset" for key in writes]
    assert kinds == sorted(kinds, key=["asset", "page", "redirect", "manifest"].index)
    assert Counter(kinds) == {"asset": 11, "page": 3, "redirect": 1, "manifest": 1}


def test_deleted_files_are_removed_in_one_request_and_nothing_outside_the_prefix_is_touched(
        sandbox: Sandbox, built: Path) -> None:
    deployer = Deployer(sandbox, built)
    deployer.client.put_object(Bucket=deployer.bucket, Key="other-site/index.html", Body=b"keep me")
    deployer.deploy(prefix="site/")
    for rel in ("feed.xml", "hls/master.m3u8", "hls/seg0.ts"):
        (built / rel).unlink()
    plan, report = deployer.deploy(prefix="site/")
    assert plan.deletes == ("site/feed.xml", "site/hls/master.m3u8", "site/hls/seg0.ts")
    assert (deployer.ops()["DeleteObjects"], report.deleted) == (1, 3)
    assert sorted(deployer.objects()) == sorted(
        ["other-site/index.html", "site/.sitepush/manifest.json"]
        + [f"site/{k}" for k in SITE_FILES if k not in ("feed.xml", "hls/master.m3u8", "hls/seg0.ts")])


def test_more_than_a_thousand_deletes_go_in_batches_of_a_thousand(deployer: Deployer, built: Path) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]
    from moto.s3.models import s3_backends

    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]  # setup written straight into the server's state
    for n in range(1001):
        backend.put_object(deployer.bucket, f"p/{n:04}.txt", b"x")
    plan, report = deployer.deploy(yes=True)
    assert (len(plan.deletes), deployer.ops()["DeleteObjects"], report.deleted) == (1001, 2, 1001)
    assert sorted(deployer.objects()) == sorted([*SITE_FILES, ".sitepush/manifest.json"])


def test_a_blocked_plan_is_refused_before_any_request(deployer: Deployer, built: Path) -> None:
    deployer.deploy()
    for rel in SITE_FILES:
        if rel != "index.html":
            (built / rel).unlink()
    plan, options = deployer.plan(max_deletes=3)
    assert plan.blocked is not None and len(plan.deletes) == len(SITE_FILES) - 1
    before, deployer.calls = deployer.objects(), []
    with pytest.raises(SafetyStop) as raised:
        apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=4)
    assert raised.value.exit_code == 3
    assert raised.value.render() == f"stopped before changing anything: {plan.blocked}"
    assert deployer.calls == [] and deployer.objects() == before


def test_non_ascii_and_space_keys_round_trip(deployer: Deployer) -> None:
    deployer.deploy()
    keys = set(deployer.objects())
    assert {"caf\u00e9 menu/index.html", "docs/a+b c%20d.txt"} <= keys
    assert deployer.body("docs/a+b c%20d.txt") == SITE_FILES["docs/a+b c%20d.txt"]
    assert deployer.deploy()[0].uploads == ()


def test_the_manifest_is_private_json_under_the_state_prefix_and_not_site_content(deployer: Deployer) -> None:
    plan, _ = deployer.deploy()
    head = deployer.head(".sitepush/manifest.json")
    assert (head["ContentType"], head["CacheControl"]) == ("application/json", "no-store")
    assert ".sitepush/manifest.json" not in plan.manifest.entries
    assert sorted(plan.manifest.entries) == sorted(SITE_FILES)
    state = list_remote(deployer.client, deployer.bucket, SyncOptions())
    assert ".sitepush/manifest.json" not in state.objects and state.manifest == plan.manifest


def test_the_report_counts_every_request_the_client_sent(deployer: Deployer, built: Path) -> None:
    deployer.deploy()
    (built / "index.html").write_bytes(b"<!doctype html><h1>Home, again</h1>")
    (built / "feed.xml").unlink()
    plan, options = deployer.plan(rules=(HeaderRule(glob="css/*", cache_control="no-cache"),))
    deployer.sent = 0
    report = apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=4)
    assert dict(report.requests_by_operation) == {"CopyObject": 1, "DeleteObjects": 1, "PutObject": 2}
    assert report.requests == deployer.sent == 4


def test_a_file_removed_after_the_scan_stops_the_deploy_naming_it_before_any_page(
        deployer: Deployer, built: Path) -> None:
    plan, options = deployer.plan()
    (built / "js" / "app.js").unlink()
    with pytest.raises(DeployError) as raised:
        apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=4)
    assert raised.value.render() == (
        "cannot read js/app.js: No such file or directory — rebuild the site, then rerun the deploy")
    assert not any(key.endswith(".html") for key in deployer.objects())
    assert ".sitepush/manifest.json" not in deployer.objects()


def test_a_file_that_changed_size_after_the_scan_is_not_uploaded(deployer: Deployer, built: Path) -> None:
    plan, options = deployer.plan()
    (built / "css" / "site.css").write_bytes(b"body { color: #111; margin: 0 }")
    with pytest.raises(DeployError) as raised:
        apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=4)
    assert raised.value.render() == (
        "cannot upload css/site.css: the file changed after it was scanned"
        " — let the build finish, then rerun the deploy")


def test_a_missing_bucket_names_the_key_and_the_fix(sandbox: Sandbox, built: Path) -> None:
    for rel in SITE_FILES:
        if rel != "css/site.css":
            (built / rel).unlink()
    client = sandbox.client("s3")
    options = SyncOptions()
    # A real deploy's listing fails first (test_remote.py); the apply must fail as clearly on its own.
    plan = plan_sync(local_specs(scan_site(built), {}, ()), RemoteState(objects={}, manifest=None), options)
    with pytest.raises(DeployError) as raised:
        apply_plan(plan, client=client, bucket="never-created-bucket", options=options, workers=2)
    assert raised.value.render() == (
        "cannot upload s3://never-created-bucket/css/site.css: the bucket does not exist"
        " — check the bucket name, or create it with `sitepush configure`")


# --- which keys a redirect needs (S3 looks a request up by key, `/dir/` as `dir/index.html`) ---

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


# --- CloudFront ------------------------------------------------------------------------------------

DISTRIBUTION_CONFIG = {
    "Origins": {"Quantity": 1, "Items": [{
        "Id": "site", "DomainName": "site.s3-website-us-east-1.amazonaws.com",
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
    "Comment": "", "Enabled": True,
}


def test_updated_and_deleted_keys_are_invalidated_on_cloudfront(deployer: Deployer, built: Path,
                                                                sandbox: Sandbox) -> None:
    cloudfront = sandbox.client("cloudfront")
    distribution = cloudfront.create_distribution(DistributionConfig={
        **DISTRIBUTION_CONFIG, "CallerReference": deployer.bucket})["Distribution"]["Id"]
    deployer.deploy()
    (built / "blog" / "first-post" / "index.html").write_bytes(b"<!doctype html><h1>Edited</h1>")
    (built / "feed.xml").unlink()
    (built / "new.txt").write_bytes(b"new keys need no invalidation")
    plan, options = deployer.plan()
    assert plan.invalidation_paths == ("/blog/first-post/", "/blog/first-post/index.html", "/feed.xml")
    report = apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=4,
                        cloudfront=cloudfront, distribution_id=distribution, sleep=_no_sleep)
    assert (report.invalidation_paths, report.invalidation_status) == (plan.invalidation_paths, "Completed")
    (invalidation_id,) = report.invalidation_ids
    batch = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidation_id)["Invalidation"]
    assert batch["InvalidationBatch"]["Paths"]["Items"] == list(plan.invalidation_paths)
    assert report.requests_by_operation["CreateInvalidation"] == 1


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s although CloudFront answered Completed at once")


class BusyCloudFront:
    """A CloudFront that refuses ``busy`` times with TooManyInvalidationsInProgress, then is slow."""

    def __init__(self, busy: int, polls_until_done: int) -> None:
        # botocore's own event emitter, so the request counter can watch this client like a real one.
        self.meta = SimpleNamespace(events=HierarchicalEmitter())
        self.busy, self.polls_until_done = busy, polls_until_done
        self.created: list[list[str]] = []
        self.polled = 0

    def create_invalidation(self, DistributionId: str, InvalidationBatch: dict[str, Any]) -> dict[str, Any]:
        if self.busy:
            self.busy -= 1
            raise ClientError({"Error": {"Code": "TooManyInvalidationsInProgress", "Message": "busy"}},
                              "CreateInvalidation")
        self.created.append(InvalidationBatch["Paths"]["Items"])
        return {"Invalidation": {"Id": f"I{len(self.created)}", "Status": "InProgress"}}

    def get_invalidation(self, DistributionId: str, Id: str) -> dict[str, Any]:
        self.polled += 1
        return {"Invalidation": {"Id": Id, "Status": "Completed" if self.polled >= self.polls_until_done
                                 else "InProgress"}}


def cloudfront_plan(deployer: Deployer, built: Path) -> tuple[SyncPlan, SyncOptions]:
    deployer.deploy()
    (built / "index.html").write_bytes(b"<!doctype html><h1>Changed</h1>")
    return deployer.plan()


def test_too_many_invalidations_in_progress_backs_off_then_polls_until_completed(
        deployer: Deployer, built: Path) -> None:
    plan, options = cloudfront_plan(deployer, built)
    cloudfront, slept = BusyCloudFront(busy=2, polls_until_done=3), list[float]()
    report = apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=2,
                        cloudfront=cloudfront, distribution_id="E123", sleep=slept.append)
    assert slept == [2.0, 4.0, 5.0, 5.0, 5.0]
    assert (cloudfront.created, report.invalidation_ids, report.invalidation_status) == (
        [["/", "/index.html"]], ("I1",), "Completed")


def test_a_cloudfront_busy_for_too_long_is_aws_refused_after_bounded_retries(
        deployer: Deployer, built: Path) -> None:
    plan, options = cloudfront_plan(deployer, built)
    slept: list[float] = []
    with pytest.raises(AwsRefused) as raised:
        apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=2,
                   cloudfront=BusyCloudFront(busy=100, polls_until_done=1), distribution_id="E123",
                   sleep=slept.append)
    assert slept == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert raised.value.render() == (
        "cannot invalidate paths on CloudFront distribution E123: busy (TooManyInvalidationsInProgress)"
        " — fix what AWS names above, then rerun")
    assert deployer.objects()[".sitepush/manifest.json"]  # the deploy itself was complete


def test_an_invalidation_still_in_progress_after_the_bounded_wait_is_reported_not_failed(
        deployer: Deployer, built: Path) -> None:
    plan, options = cloudfront_plan(deployer, built)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    cloudfront = BusyCloudFront(busy=0, polls_until_done=10**6)
    report = apply_plan(plan, client=deployer.client, bucket=deployer.bucket, options=options, workers=2,
                        cloudfront=cloudfront, distribution_id="E123", sleep=sleep, clock=lambda: now[0])
    assert (report.invalidation_ids, report.invalidation_status) == (("I1",), "InProgress")
    assert cloudfront.polled == 120 and now[0] == 600.0
