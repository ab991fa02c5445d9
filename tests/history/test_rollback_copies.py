"""How rollback copies a key back: headers given where S3 does not copy them, parts above 5 GiB.

moto copies ``x-amz-website-redirect-location`` on CopyObject although AWS does not (CopyObject API
Reference), so these tests assert the requests sitepush sends (botocore's ``provide-client-params``
and ``before-send``), and the bucket's state afterwards where moto behaves as AWS does.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from sitepush.history.records import DeployRecord
from sitepush.history.rollback import (
    KeyVersions,
    RestoreMethod,
    apply_rollback,
    plan_rollback,
    read_versions,
    replaced_headers,
    restore_method,
)
from sitepush.sandbox import Sandbox
from sitepush.syncer.apply import MAX_COPY_BYTES

MiB = 1024 * 1024
_numbers = itertools.count()


@pytest.mark.parametrize(("size", "method"), [
    (0, RestoreMethod.REPLACE),               # a zero-byte version may be a redirect object
    (None, RestoreMethod.REPLACE),            # not listed: read it first
    (1, RestoreMethod.COPY),
    (MAX_COPY_BYTES, RestoreMethod.COPY),     # exactly 5 GiB still goes in one CopyObject
    (MAX_COPY_BYTES + 1, RestoreMethod.PARTS),
    (5 * 1024**4, RestoreMethod.PARTS),
])
def test_the_copy_method_follows_the_size_of_the_version(size: int | None, method: RestoreMethod) -> None:
    assert restore_method(size) is method


def test_a_lower_single_copy_limit_moves_the_switch_to_parts() -> None:
    assert [restore_method(n, max_copy_bytes=8 * MiB) for n in (8 * MiB, 8 * MiB + 1)] == [
        RestoreMethod.COPY, RestoreMethod.PARTS]


def test_the_plan_carries_the_size_of_each_version_it_restores() -> None:
    later = [DeployRecord(id="2", time="", kind="deploy", versions={"a": "a2", "r": "r2"},
                          previous={"a": "a1", "r": "r1"})]
    versions = {"a": KeyVersions(("a2", "a1"), "a2", sizes={"a2": 9, "a1": 7}),
                "r": KeyVersions(("r2", "r1"), "r2", sizes={"r2": 0, "r1": 0})}
    plan = plan_rollback("1", later, versions)
    assert (dict(plan.restore), dict(plan.sizes)) == ({"a": "a1", "r": "r1"}, {"a": 7, "r": 0})


def test_the_replaced_headers_are_every_header_head_object_reported() -> None:
    head = {"ContentType": "text/html", "CacheControl": "max-age=300", "WebsiteRedirectLocation": "/new/",
            "Metadata": {"owner": "docs"}, "ContentLength": 0, "ETag": '"x"', "StorageClass": "STANDARD_IA",
            "ContentEncoding": None, "ServerSideEncryption": "AES256", "VersionId": "v1"}
    assert replaced_headers(head) == {
        "ContentType": "text/html", "CacheControl": "max-age=300", "WebsiteRedirectLocation": "/new/",
        "Metadata": {"owner": "docs"}, "StorageClass": "STANDARD_IA", "ServerSideEncryption": "AES256"}


class Bucket:
    """A versioned bucket whose client records each operation and the parameters it was called with."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.name = f"rollback-copies-{next(_numbers)}"
        self.client = sandbox.client("s3")
        self.client.create_bucket(Bucket=self.name)
        self.client.put_bucket_versioning(Bucket=self.name, VersioningConfiguration={"Status": "Enabled"})
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.client.meta.events.register("provide-client-params.s3", self._note)

    def _note(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def put(self, key: str, body: bytes, **headers: Any) -> str:
        return str(self.client.put_object(Bucket=self.name, Key=key, Body=body, **headers)["VersionId"])

    def rollback(self, keys: set[str], later: list[DeployRecord], **options: Any) -> list[str]:
        plan = plan_rollback("1", later, read_versions(self.client, self.name, "", keys))
        self.calls.clear()
        apply_rollback(self.client, self.name, plan, workers=2, **options)
        return [name for name, _ in self.calls]

    def params_of(self, operation: str) -> Iterator[dict[str, Any]]:
        return (params for name, params in self.calls if name == operation)


def test_a_redirect_object_is_copied_back_with_its_location_and_headers_given(sandbox: Sandbox) -> None:
    bucket = Bucket(sandbox)
    old = bucket.put("old/index.html", b"", WebsiteRedirectLocation="/new/", CacheControl="max-age=300",
                     ContentType="text/html; charset=utf-8", Metadata={"kind": "redirect"})
    new = bucket.put("old/index.html", b"<p>a page again</p>", ContentType="text/html; charset=utf-8")
    later = [DeployRecord(id="2", time="", kind="deploy", versions={"old/index.html": new},
                          previous={"old/index.html": old})]
    assert bucket.rollback({"old/index.html"}, later) == ["HeadObject", "CopyObject"]
    (copy,) = bucket.params_of("CopyObject")
    # AWS CopyObject: "x-amz-website-redirect-location is unique to each object and is not copied when
    # using the x-amz-metadata-directive header" — so it is given, with every other header, on REPLACE.
    assert copy == {"Bucket": bucket.name, "Key": "old/index.html", "MetadataDirective": "REPLACE",
                    "CopySource": {"Bucket": bucket.name, "Key": "old/index.html", "VersionId": old},
                    "WebsiteRedirectLocation": "/new/", "CacheControl": "max-age=300",
                    "ContentType": "text/html; charset=utf-8", "Metadata": {"kind": "redirect"}}
    head = bucket.client.head_object(Bucket=bucket.name, Key="old/index.html")
    assert (head["WebsiteRedirectLocation"], head["ContentLength"], head["CacheControl"]) == (
        "/new/", 0, "max-age=300")


def test_an_ordinary_object_is_still_one_copy_object_that_copies_its_metadata(sandbox: Sandbox) -> None:
    bucket = Bucket(sandbox)
    old = bucket.put("a.css", b"a{}", ContentType="text/css", CacheControl="max-age=60")
    new = bucket.put("a.css", b"a{color:red}", ContentType="text/css")
    later = [DeployRecord(id="2", time="", kind="deploy", versions={"a.css": new}, previous={"a.css": old})]
    assert bucket.rollback({"a.css"}, later) == ["CopyObject"]
    (copy,) = bucket.params_of("CopyObject")
    assert copy["MetadataDirective"] == "COPY"
    assert bucket.client.head_object(Bucket=bucket.name, Key="a.css")["CacheControl"] == "max-age=60"


def mebibytes(count: int, seed: str) -> bytes:
    return b"".join(hashlib.sha256(f"{seed}{n}".encode()).digest() * (MiB // 32) for n in range(count))


def test_an_object_above_the_single_copy_limit_is_copied_back_in_parts_with_its_headers(
        sandbox: Sandbox) -> None:
    bucket = Bucket(sandbox)
    first, second = mebibytes(12, "one"), mebibytes(12, "two")
    old = bucket.put("video.mp4", first, ContentType="video/mp4", CacheControl="max-age=3600",
                     Metadata={"take": "1"})
    new = bucket.put("video.mp4", second, ContentType="video/mp4")
    later = [DeployRecord(id="2", time="", kind="deploy", versions={"video.mp4": new},
                          previous={"video.mp4": old})]
    # 8 MiB stands in for CopyObject's 5 GiB; the deploy's threshold (8 MiB) gives the part size.
    operations = bucket.rollback({"video.mp4"}, later, max_copy_bytes=8 * MiB, multipart_threshold=8 * MiB)
    assert "CopyObject" not in operations
    assert operations.count("UploadPartCopy") == 2 and operations[-1] == "CompleteMultipartUpload"
    parts = list(bucket.params_of("UploadPartCopy"))
    assert [p["CopySource"] for p in parts] == [{"Bucket": bucket.name, "Key": "video.mp4", "VersionId": old}] * 2
    assert sorted(p["CopySourceRange"] for p in parts) == [
        f"bytes=0-{8 * MiB - 1}", f"bytes={8 * MiB}-{12 * MiB - 1}"]
    (create,) = bucket.params_of("CreateMultipartUpload")
    assert (create["ContentType"], create["CacheControl"], create["Metadata"]) == (
        "video/mp4", "max-age=3600", {"take": "1"})
    got = bucket.client.get_object(Bucket=bucket.name, Key="video.mp4")
    assert hashlib.md5(got["Body"].read()).digest() == hashlib.md5(first).digest()
    assert (got["CacheControl"], got["Metadata"]) == ("max-age=3600", {"take": "1"})
    # The part size of the deploy's uploads, so the ETag is the one the next deploy computes.
    halves = [first[:8 * MiB], first[8 * MiB:]]
    assert got["ETag"].strip('"') == hashlib.md5(b"".join(hashlib.md5(h).digest() for h in halves)).hexdigest() + "-2"
