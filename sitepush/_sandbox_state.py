"""The sandbox's buckets on disk, so a ``--sandbox`` deploy finds what the previous one left.

Layout under the state folder (the user's cache folder, one per site)::

    buckets/<bucket>.json   {"format": 1, "objects": {key: {"blob", "etag", "headers"}}}
    blobs/<sha256>          the bytes of an object, shared by every key and bucket holding them

Saving reads the bucket through an S3 client bound to the running sandbox: one listing, a GET for each
object whose bytes are not stored yet, a HEAD for the others (a header-only change keeps the ETag).
Restoring writes the objects back with their headers; an object first written in parts is written in
parts again (s3transfer's defaults, as the deploy uses), so its ETag is the one the deploy manifest
recorded. None of this is a deploy's traffic: it happens before the deploy starts and after it ends.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

STATE_FORMAT = 1
_WORKERS = 8
# GetObject/HeadObject response field → PutObject argument, for every header sitepush can set.
_HEADER_FIELDS = ("ContentType", "CacheControl", "ContentEncoding", "ContentDisposition",
                  "ContentLanguage", "StorageClass", "ServerSideEncryption", "SSEKMSKeyId",
                  "WebsiteRedirectLocation")


def save_buckets(client: Any, state_dir: Path, buckets: Iterable[str]) -> None:
    """Store every object of each of ``buckets`` that the sandbox holds; a missing bucket is skipped."""
    for bucket in buckets:
        if _bucket_exists(client, bucket):
            _save_bucket(client, state_dir, bucket)
    _drop_unused_blobs(state_dir)


def restore_buckets(client: Any, state_dir: Path, buckets: Iterable[str],
                    region: str = "us-east-1") -> dict[str, int]:
    """Put the stored buckets back into a sandbox that does not hold them; bucket → objects restored.

    A bucket the sandbox already holds (a second sandbox in the same process shares moto's state) is
    newer than anything stored and is left alone. Unreadable state is ignored: the deploy then starts
    from an empty bucket, which is always correct.
    """
    restored: dict[str, int] = {}
    for bucket in buckets:
        objects = _load_index(state_dir, bucket)
        if objects is None or _bucket_exists(client, bucket):
            continue
        if region == "us-east-1":
            client.create_bucket(Bucket=bucket)
        else:
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sitepush-sandbox") as pool:
            done = list(pool.map(partial(_restore_object, client, state_dir, bucket),
                                 objects.keys(), objects.values()))
        restored[bucket] = sum(done)
    return restored


def _bucket_exists(client: Any, bucket: str) -> bool:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    try:
        client.head_bucket(Bucket=bucket)
        return True
    except ClientError:
        return False


def _index_path(state_dir: Path, bucket: str) -> Path:
    return state_dir / "buckets" / f"{bucket}.json"


def _blob_path(state_dir: Path, digest: str) -> Path:
    return state_dir / "blobs" / digest


def _load_index(state_dir: Path, bucket: str) -> dict[str, dict[str, Any]] | None:
    try:
        data = json.loads(_index_path(state_dir, bucket).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return None
    objects = data.get("objects")
    return objects if isinstance(objects, dict) else None


def _save_bucket(client: Any, state_dir: Path, bucket: str) -> None:
    known = _load_index(state_dir, bucket) or {}
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    listed = [(item["Key"], item["ETag"].strip('"')) for page in pages for item in page.get("Contents", ())]
    (state_dir / "blobs").mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sitepush-sandbox") as pool:
        entries = list(pool.map(lambda item: _save_object(client, state_dir, bucket, item[0], item[1],
                                                          known.get(item[0])), listed))
    index = {"format": STATE_FORMAT, "objects": dict(zip((key for key, _ in listed), entries))}
    _write_atomically(_index_path(state_dir, bucket), json.dumps(index, sort_keys=True).encode())


def _save_object(client: Any, state_dir: Path, bucket: str, key: str, etag: str,
                 known: Mapping[str, Any] | None) -> dict[str, Any]:
    if known and known.get("etag") == etag and _blob_path(state_dir, str(known.get("blob"))).is_file():
        head = client.head_object(Bucket=bucket, Key=key)
        return {"blob": known["blob"], "etag": etag, "headers": _headers(head)}
    response = client.get_object(Bucket=bucket, Key=key)
    with response["Body"] as body:
        data = body.read()
    digest = hashlib.sha256(data).hexdigest()
    blob = _blob_path(state_dir, digest)
    if not blob.is_file():
        _write_atomically(blob, data)
    return {"blob": digest, "etag": etag, "headers": _headers(response)}


def _headers(response: Mapping[str, Any]) -> dict[str, Any]:
    headers = {name: response[name] for name in _HEADER_FIELDS if response.get(name)}
    if headers.get("StorageClass") == "STANDARD":
        del headers["StorageClass"]
    if response.get("Metadata"):
        headers["Metadata"] = dict(response["Metadata"])
    return headers


def _restore_object(client: Any, state_dir: Path, bucket: str, key: str, entry: Mapping[str, Any]) -> int:
    try:
        data = _blob_path(state_dir, str(entry["blob"])).read_bytes()
        headers = dict(entry.get("headers") or {})
    except (OSError, KeyError, TypeError, ValueError):
        return 0  # a lost blob: the object is simply absent, and the next deploy uploads it
    if "-" in str(entry.get("etag", "")):
        # It was uploaded in parts: in parts again (8 MiB, as sitepush cuts them), whatever the
        # threshold, so the restored object has the ETag the deploy recorded.
        from sitepush.syncer.hashing import MiB, transfer_config

        client.upload_fileobj(io.BytesIO(data), bucket, key, ExtraArgs=headers,
                              Config=transfer_config(5 * MiB))
    else:
        client.put_object(Bucket=bucket, Key=key, Body=data, **headers)
    return 1


def _drop_unused_blobs(state_dir: Path) -> None:
    used: set[str] = set()
    for index in (state_dir / "buckets").glob("*.json"):
        objects = _load_index(state_dir, index.stem) or {}
        used.update(str(entry.get("blob")) for entry in objects.values() if isinstance(entry, dict))
    for blob in (state_dir / "blobs").glob("*"):
        if blob.name not in used and not blob.name.endswith(".tmp"):
            blob.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
