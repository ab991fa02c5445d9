"""Private previews: a build (drafts included) uploaded under ``<state_prefix>previews/NAME/``.

The website's bucket policy denies everything under the state prefix, so a preview is reachable only
through presigned links (``sitepush share``), which expire; ``sitepush preview prune`` removes old ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.errors import UsageError

PREVIEWS_FOLDER = "previews/"
MAX_EXPIRY = timedelta(days=7)
"""SigV4 presigned URLs are valid for at most 7 days (S3 User Guide, "Sharing objects with presigned URLs")."""
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_DURATION = re.compile(r"(\d+)([smhd])")


def preview_prefix(prefix: str, state_prefix: str, name: str) -> str:
    """``<prefix><state_prefix>previews/NAME/``; UsageError for a name that is not a plain word."""
    if not _NAME.fullmatch(name):
        raise UsageError(f"--preview {name!r} is not a usable name",
                         hint="use lower-case letters, digits, - and _ (e.g. --preview draft-post)")
    return f"{prefix}{state_prefix}{PREVIEWS_FOLDER}{name}/"


def parse_duration(text: str, *, option: str) -> timedelta:
    """``90s``, ``15m``, ``1h``, ``7d`` → a timedelta; UsageError naming ``option`` otherwise."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise UsageError(f"{option} {text!r} is not a duration", hint=f"write e.g. {option} 1h (s, m, h or d)")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


def key_for_path(path: str, index_document: str = "index.html") -> str:
    """The key a site path names: ``/docs/`` → ``docs/index.html``, ``/a.css`` → ``a.css``."""
    key = path.lstrip("/")
    return key + index_document if key == "" or key.endswith("/") else key


def share_url(client: Any, bucket: str, key: str, expires: timedelta) -> str:
    """A SigV4 presigned GET URL for ``key``, valid for ``expires`` (at most 7 days)."""
    if expires > MAX_EXPIRY or expires.total_seconds() < 1:
        raise UsageError(f"--expires {expires} is outside what S3 allows",
                         hint="presigned links last from 1 second to 7 days: use e.g. --expires 1h or 7d")
    with translated_aws_errors(action="sign a link to", resource=f"s3://{bucket}/{key}"):
        return str(client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                                 ExpiresIn=int(expires.total_seconds())))


def previews(client: Any, bucket: str, root: str) -> dict[str, tuple[int, datetime]]:
    """Preview name → (objects, newest LastModified) under ``root`` (``…/previews/``)."""
    found: dict[str, tuple[int, datetime]] = {}
    for item in _objects(client, bucket, root):
        name = item["Key"][len(root):].split("/", 1)[0]
        count, newest = found.get(name, (0, datetime.min.replace(tzinfo=UTC)))
        found[name] = (count + 1, max(newest, item["LastModified"]))
    return found


def prune(client: Any, bucket: str, root: str, older_than: timedelta, now: datetime | None = None) -> list[str]:
    """Delete every preview whose newest object is older than ``older_than``; returns their names."""
    moment = now or datetime.now(UTC)
    old = sorted(name for name, (_, newest) in previews(client, bucket, root).items()
                 if moment - newest > older_than)
    from sitepush.syncer.apply import DELETE_BATCH, delete_batch

    keys = [item["Key"] for name in old for item in _objects(client, bucket, f"{root}{name}/")]
    for start in range(0, len(keys), DELETE_BATCH):
        delete_batch(client, bucket, keys[start:start + DELETE_BATCH])
    return old


def _objects(client: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    paginator = client.get_paginator("list_objects_v2")
    with translated_aws_errors(action="list", resource=f"s3://{bucket}/{prefix}"):
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            yield from page.get("Contents", [])
