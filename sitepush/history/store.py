"""Deploy records in the bucket: write one, list them, read some (the history's I/O)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.errors import DeployError
from sitepush.history.records import (
    RECORDS_FOLDER,
    DeployRecord,
    decode_record,
    encode_record,
    git_commit,
    is_record_id,
    new_record_id,
    record_time,
)

RECORD_CONTENT_TYPE = "application/json"


def records_prefix(prefix: str, state_prefix: str) -> str:
    """``<prefix><state_prefix>deploys/``."""
    return f"{prefix}{state_prefix}{RECORDS_FOLDER}"


def record_deploy(client: Any, bucket: str, prefix: str, state_prefix: str, versions: Mapping[str, str],
                  deleted_keys: Sequence[str], *, uploaded: int, folder: Path | None, kind: str = "deploy",
                  rolled_back_to: str | None = None, previous: Mapping[str, str] | None = None) -> DeployRecord:
    """Write the record of a deploy that wrote ``versions`` (one PutObject); returns it."""
    record_id = new_record_id()
    record = DeployRecord(id=record_id, time=record_time(record_id), kind=kind, versions=dict(versions),
                          previous=dict(previous or {}),
                          deleted_keys=tuple(sorted(deleted_keys)), commit=git_commit(folder) if folder else None,
                          uploaded=uploaded, deleted=len(deleted_keys), rolled_back_to=rolled_back_to)
    key = f"{records_prefix(prefix, state_prefix)}{record_id}.json"
    with translated_aws_errors(action="write the deploy record", resource=f"s3://{bucket}/{key}"):
        client.put_object(Bucket=bucket, Key=key, Body=encode_record(record), ContentType=RECORD_CONTENT_TYPE,
                          CacheControl="no-store")
    return record


def list_record_ids(client: Any, bucket: str, prefix: str, state_prefix: str) -> list[str]:
    """Every record id, oldest first."""
    folder = records_prefix(prefix, state_prefix)
    ids = []
    paginator = client.get_paginator("list_objects_v2")
    with translated_aws_errors(action="list the deploy history", resource=f"s3://{bucket}/{folder}"):
        for page in paginator.paginate(Bucket=bucket, Prefix=folder):
            for item in page.get("Contents", []):
                name = item["Key"][len(folder):].removesuffix(".json")
                if is_record_id(name):
                    ids.append(name)
    return sorted(ids)


def read_records(client: Any, bucket: str, prefix: str, state_prefix: str, ids: Sequence[str]) -> list[DeployRecord]:
    """The records ``ids`` (in that order), read side by side; an unreadable one is a DeployError."""
    folder = records_prefix(prefix, state_prefix)

    def read(record_id: str) -> DeployRecord:
        key = f"{folder}{record_id}.json"
        with translated_aws_errors(action="read the deploy record", resource=f"s3://{bucket}/{key}"):
            data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        record = decode_record(data)
        if record is None:
            raise DeployError(f"s3://{bucket}/{key} is not a sitepush deploy record",
                              hint="remove it, or roll back to another deploy")
        return record

    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="sitepush-history") as pool:
        return list(pool.map(read, ids))


def versioning_status(client: Any, bucket: str) -> str | None:
    """``Enabled``, ``Suspended`` or None (never versioned)."""
    with translated_aws_errors(action="read versioning of", resource=f"s3://{bucket}"):
        status = client.get_bucket_versioning(Bucket=bucket).get("Status")
    return str(status) if status else None


def history_json(records: Sequence[DeployRecord], *, bucket: str, prefix: str) -> str:
    """``sitepush history --json``: one document like every command's, the deploys newest first."""
    return json.dumps({"schema": "sitepush.history/1", "bucket": bucket, "prefix": prefix,
                       "deploys": [r.to_json() for r in reversed(records)]}, indent=2, sort_keys=True)
