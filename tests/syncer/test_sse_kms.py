"""Buckets whose default encryption is SSE-KMS or DSSE-KMS: files are not uploaded again on every deploy.

AWS: "Objects encrypted by SSE-KMS or DSSE-KMS have ETags that are not an MD5 digest of their object
data" (S3 API Reference, the Object data type). moto gives them MD5 ETags, so the fault proxy plays
AWS's part: every multipart ETag it forwards (CompleteMultipartUpload, ListObjectsV2) is replaced by
another one, as a KMS-encrypted object's would be. moto's ``ServerSideEncryption: aws:kms`` answer,
from the bucket's default encryption, is forwarded untouched: it is what sitepush must decide from.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.aws import make_client
from sitepush.sandbox import Sandbox
from sitepush.syncer.apply import apply_plan, multipart_etag_to_record
from sitepush.syncer.hashing import HashCache
from sitepush.syncer.local import scan_site
from sitepush.syncer.model import SyncOptions, SyncPlan
from sitepush.syncer.plan import plan_sync
from sitepush.syncer.remote import list_remote
from sitepush.syncer.specs import local_specs
from tests.reliability.fault_proxy import FaultProxy, Request

MiB = 1024 * 1024
THRESHOLD = 8 * MiB
_numbers = itertools.count()
_MULTIPART_ETAG = re.compile(rb"\b([0-9a-f]{32})(-\d+)")


@pytest.mark.parametrize(("returned", "encryption", "recorded"), [
    ('"planned-2"', None, "planned-2"),
    ('"other-2"', None, "planned-2"),          # not checked by anyone: the next deploy uploads again
    ('"other-2"', "AES256", "planned-2"),      # SSE-S3 ETags are MD5s: the same rule
    ('"other-2"', "aws:kms", "other-2"),
    ('"other-2"', "aws:kms:dsse", "other-2"),
    (None, "aws:kms", "planned-2"),            # no answer seen: the planned one
])
def test_a_multipart_etag_is_recorded_as_returned_only_where_encryption_explains_the_difference(
        returned: str | None, encryption: str | None, recorded: str) -> None:
    assert multipart_etag_to_record("planned-2", returned, encryption) == recorded


def kms_etags(request: Request, status: int, body: bytes) -> bytes:
    """Every multipart ETag in an XML answer becomes another one, stable per object, as under SSE-KMS.

    Object bodies (the deploy manifest holds ETags too) are left alone."""
    if not body.startswith(b"<?xml"):
        return body
    return _MULTIPART_ETAG.sub(lambda m: hashlib.md5(b"kms" + m.group(1)).hexdigest().encode() + m.group(2), body)


@pytest.fixture()
def kms_proxy(sandbox: Sandbox) -> Iterator[FaultProxy]:
    with FaultProxy(sandbox.endpoint_url, rewrite=kms_etags) as proxy:
        yield proxy


def deploy(client: object, bucket: str, folder: Path) -> SyncPlan:
    options = SyncOptions()
    hashes = HashCache(threshold=THRESHOLD)
    specs = local_specs(scan_site(folder, hashes=hashes), {}, ())
    plan = plan_sync(specs, list_remote(client, bucket, options), options)
    apply_plan(plan, client=client, bucket=bucket, options=options, workers=2, multipart_threshold=THRESHOLD)
    return plan


def test_a_large_file_in_a_kms_encrypted_bucket_is_uploaded_once(
        sandbox: Sandbox, kms_proxy: FaultProxy, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_bytes(b"<!doctype html><h1>Home</h1>")
    (folder / "talk.mp4").write_bytes(b"".join(hashlib.sha256(bytes([n])).digest() * (MiB // 32)
                                               for n in range(10)))
    bucket = f"sse-kms-{next(_numbers)}"
    admin = sandbox.client("s3")
    admin.create_bucket(Bucket=bucket)
    admin.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})  # no header rule says so
    client = make_client("s3", region=sandbox.region, endpoint_url=kms_proxy.endpoint_url,
                         credentials=sandbox.credentials)
    first = deploy(client, bucket, folder)
    assert sorted(u.spec.key for u in first.uploads) == ["index.html", "talk.mp4"]
    listed = {o["Key"]: o["ETag"].strip('"') for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    planned = next(u.spec.etag for u in first.uploads if u.spec.key == "talk.mp4")
    assert listed["talk.mp4"] != planned and listed["talk.mp4"].endswith("-2")  # as AWS lists it
    second = deploy(client, bucket, folder)
    assert (second.uploads, second.manifest_changed) == ((), False)

