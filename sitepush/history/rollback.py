"""Rollback: put every key a later deploy changed back to its version at an earlier deploy.

Pure core, :func:`plan_rollback`: from the records after the target (the deploys to undo) and the
version list of each key they touched (ListObjectVersions, newest first), the version each key had
at the target is the newest one that no later deploy wrote — or none, when that is a delete marker or
nothing is older. Each key is then restored by a server-side copy from that version (no download),
deleted (1,000 keys a request), or left alone when it already is that version. The deploy manifest is
one of the keys, so the next deploy compares against the site as it was.

How a key is copied back (:func:`restore_method`, from the version's size in the listing):

* ``COPY`` — one CopyObject with ``MetadataDirective=COPY``: S3 copies the body and the metadata.
* ``REPLACE`` — a zero-byte version may be a redirect object, and S3's CopyObject documentation says
  ``x-amz-website-redirect-location`` "is unique to each object and is not copied when using the
  x-amz-metadata-directive header"; on AWS the copy would be an empty 200 page. So the version's
  headers are read (HeadObject with its VersionId) and given to a CopyObject with
  ``MetadataDirective=REPLACE``. Two requests, for redirect objects only.
* ``PARTS`` — "You can store individual objects of up to 5 TB in Amazon S3. You create a copy of your
  object up to 5 GB in size in a single atomic action using this API. However, to copy an object
  greater than 5 GB, you must use the multipart upload Upload Part - Copy (UploadPartCopy) API"
  (CopyObject API Reference). The version's headers are read and given to CreateMultipartUpload
  (a multipart copy copies no metadata), the parts are UploadPartCopy requests with the deploy's part
  size, so the object keeps the multipart ETag the next deploy computes.

The I/O (:func:`read_versions`, :func:`apply_rollback`) pages ListObjectVersions once over the deploy
prefix, so a rollback costs one request per changed key plus a few pages and records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.history.records import DeployRecord
from sitepush.syncer.apply import DELETE_BATCH, MAX_COPY_BYTES, delete_batch, recorded_versions
from sitepush.syncer.hashing import DEFAULT_MULTIPART_THRESHOLD, transfer_config

_COPIED_HEADERS = ("ContentType", "CacheControl", "ContentEncoding", "ContentDisposition", "ContentLanguage",
                   "Expires", "WebsiteRedirectLocation", "StorageClass", "ServerSideEncryption", "SSEKMSKeyId")
"""What HeadObject reports and CopyObject / CreateMultipartUpload take under the same name."""


class RestoreMethod(Enum):
    """How one key is copied back from an earlier version (see the module docstring)."""

    COPY = "copy"
    REPLACE = "replace"
    PARTS = "parts"


def restore_method(size: int | None, max_copy_bytes: int = MAX_COPY_BYTES) -> RestoreMethod:
    """The copy for a version of ``size`` bytes (None: not listed): COPY, REPLACE or PARTS.

    Zero bytes (a possible redirect object) and an unknown size are read first (REPLACE); more than
    ``max_copy_bytes`` (CopyObject's 5 GiB) is a multipart copy.
    """
    if size is None or size == 0:
        return RestoreMethod.REPLACE
    return RestoreMethod.PARTS if size > max_copy_bytes else RestoreMethod.COPY


def replaced_headers(head: Mapping[str, Any]) -> dict[str, Any]:
    """The CopyObject / CreateMultipartUpload keywords that give a copy the headers of ``head``."""
    args = {name: head[name] for name in _COPIED_HEADERS if head.get(name)}
    if head.get("Metadata"):
        args["Metadata"] = dict(head["Metadata"])
    return args


@dataclass(frozen=True)
class KeyVersions:
    """One key's versions as ListObjectVersions shows them."""

    versions: tuple[str, ...]
    """Object versions (not delete markers), newest first: S3's own order within the list."""
    latest: str | None
    """The id of the current entry, a version or a delete marker; None when the key has none."""
    deleted_now: bool = False
    """The current entry is a delete marker."""
    sizes: Mapping[str, int] = field(default_factory=dict)
    """Version id → the size of that version in bytes."""

    @property
    def present(self) -> bool:
        """Does the key exist now?"""
        return self.latest is not None and not self.deleted_now


@dataclass(frozen=True)
class RollbackPlan:
    """What a rollback does: keys → version to copy back, keys to delete, keys already right."""

    target: str
    restore: Mapping[str, str]
    delete: tuple[str, ...]
    unchanged: tuple[str, ...]
    sizes: Mapping[str, int] = field(default_factory=dict)
    """Key in ``restore`` → the size of the version it is restored from (where the listing showed it)."""

    @property
    def changed_keys(self) -> tuple[str, ...]:
        """Every key the rollback writes or deletes, sorted."""
        return tuple(sorted((*self.restore, *self.delete)))


def plan_rollback(target: str, later: Sequence[DeployRecord], versions: Mapping[str, KeyVersions]) -> RollbackPlan:
    """The rollback to the state right after deploy ``target``; ``later`` oldest first.

    A key's version at the target is what the first later deploy that touched it recorded as its
    previous version ("" = it did not exist). Where that record could not vouch for it (someone else
    wrote the key in between), it is the newest object version no later deploy wrote.
    """
    written_later: dict[str, set[str]] = {}
    first_previous: dict[str, str | None] = {}
    for record in later:
        for key, version in record.versions.items():
            written_later.setdefault(key, set()).add(version)
            if key not in first_previous:
                first_previous[key] = record.previous.get(key)
    restore: dict[str, str] = {}
    sizes: dict[str, int] = {}
    delete: list[str] = []
    unchanged: list[str] = []
    for key in sorted(written_later):
        now = versions.get(key, KeyVersions((), None))
        recorded = first_previous[key]
        if recorded is not None:
            at_target = recorded or None
        else:
            at_target = next((v for v in now.versions if v not in written_later[key]), None)
        if at_target is None:
            (delete if now.present else unchanged).append(key)
        elif now.present and now.latest == at_target:
            unchanged.append(key)
        else:
            restore[key] = at_target
            if at_target in now.sizes:
                sizes[key] = now.sizes[at_target]
    return RollbackPlan(target=target, restore=restore, delete=tuple(delete), unchanged=tuple(unchanged),
                        sizes=sizes)


def read_versions(client: Any, bucket: str, prefix: str, keys: Iterable[str]) -> dict[str, KeyVersions]:
    """The versions of ``keys`` (under ``prefix``), from one paged ListObjectVersions pass."""
    wanted = set(keys)
    found: dict[str, list[str]] = {key: [] for key in wanted}
    sizes: dict[str, dict[str, int]] = {key: {} for key in wanted}
    latest: dict[str, tuple[str, bool]] = {}
    paginator = client.get_paginator("list_object_versions")
    with translated_aws_errors(action="list the versions of", resource=f"s3://{bucket}/{prefix}"):
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for entry in page.get("Versions", []):
                if entry["Key"] in wanted:
                    found[entry["Key"]].append(str(entry["VersionId"]))
                    if "Size" in entry:
                        sizes[entry["Key"]][str(entry["VersionId"])] = int(entry["Size"])
                    if entry.get("IsLatest"):
                        latest[entry["Key"]] = (str(entry["VersionId"]), False)
            for entry in page.get("DeleteMarkers", []):
                if entry["Key"] in wanted and entry.get("IsLatest"):
                    latest[entry["Key"]] = (str(entry["VersionId"]), True)
    return {key: KeyVersions(tuple(found[key]), latest.get(key, (None, False))[0],  # type: ignore[arg-type]
                             latest.get(key, ("", False))[1], sizes[key]) for key in wanted}


def apply_rollback(client: Any, bucket: str, plan: RollbackPlan, *, workers: int = 16,
                   multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
                   max_copy_bytes: int = MAX_COPY_BYTES) -> dict[str, str]:
    """Copy back and delete as planned; returns key → the new version id (or delete marker's).

    ``multipart_threshold`` is the deploy's (its part size is what a multipart copy uses);
    ``max_copy_bytes`` is the largest object one CopyObject copies (tests lower it). The writes go
    through the syncer's own pieces: its version recorder and its DeleteObjects batches (which stop
    on the first key S3 refused).
    """
    transfer = transfer_config(min(multipart_threshold, max_copy_bytes))

    def copy(item: tuple[str, str]) -> None:
        key, version = item
        source = {"Bucket": bucket, "Key": key, "VersionId": version}
        method = restore_method(plan.sizes.get(key), max_copy_bytes)
        with translated_aws_errors(action="restore", resource=f"s3://{bucket}/{key}"):
            if method is RestoreMethod.COPY:
                client.copy_object(Bucket=bucket, Key=key, MetadataDirective="COPY", CopySource=source)
                return
            head = client.head_object(Bucket=bucket, Key=key, VersionId=version)
            headers = replaced_headers(head)
            if restore_method(int(head.get("ContentLength", 0)), max_copy_bytes) is RestoreMethod.PARTS:
                client.copy(source, bucket, key, ExtraArgs={"MetadataDirective": "REPLACE", **headers},
                            Config=transfer)
            else:
                client.copy_object(Bucket=bucket, Key=key, MetadataDirective="REPLACE", CopySource=source,
                                   **headers)

    with recorded_versions(client) as written:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sitepush-rollback") as pool:
            list(pool.map(copy, sorted(plan.restore.items())))
        for start in range(0, len(plan.delete), DELETE_BATCH):
            delete_batch(client, bucket, plan.delete[start:start + DELETE_BATCH])
    return dict(written)
