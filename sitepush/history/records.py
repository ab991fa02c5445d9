"""Deploy records: what each deploy (or rollback) wrote, as versions, kept privately in the bucket.

One small JSON object per deploy at ``<prefix><state_prefix>deploys/<id>.json``::

    {"id": "20261124T135959123Z-3f9a", "time": "2026-11-24T13:59:59.123Z", "kind": "deploy",
     "commit": "0c3e…" | null, "uploaded": 3, "deleted": 1,
     "versions": {"about/index.html": "<version id>", "old.html": "<delete marker's version id>",
                  ".sitepush/manifest.json": "<version id>"},
     "previous": {"about/index.html": "<the version before>", "new.html": ""},
     "deleted_keys": ["old.html"], "rolled_back_to": null}

Ids sort in time order (UTC to the millisecond, then a random suffix), so a plain listing is the
history. Records exist only on a versioned bucket: there every write returns a version id, and a
rollback can copy any object back from the version a record names.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RECORDS_FOLDER = "deploys/"
_ID = re.compile(r"\d{8}T\d{9}Z-[0-9a-f]{4}")


@dataclass(frozen=True)
class DeployRecord:
    """One deploy or rollback: when, from which commit, and the version of every key it wrote or deleted."""

    id: str
    time: str
    kind: str
    """``deploy`` or ``rollback``."""
    versions: Mapping[str, str]
    previous: Mapping[str, str] = field(default_factory=dict)
    """Key → the version it had before this deploy ("" when it did not exist); keys sitepush cannot
    vouch for (written by someone else since) are left out."""
    deleted_keys: tuple[str, ...] = ()
    commit: str | None = None
    uploaded: int = 0
    deleted: int = 0
    rolled_back_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as stored."""
        return {"id": self.id, "time": self.time, "kind": self.kind, "commit": self.commit,
                "uploaded": self.uploaded, "deleted": self.deleted, "versions": dict(self.versions),
                "previous": dict(self.previous),
                "deleted_keys": list(self.deleted_keys), "rolled_back_to": self.rolled_back_to}


def new_record_id(now: datetime | None = None) -> str:
    """A fresh id that sorts after every earlier one (to the millisecond)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z-{secrets.token_hex(2)}"


def record_time(record_id: str) -> str:
    """``2026-11-24T13:59:59.123Z`` from an id."""
    stamp = record_id.split("-")[0]
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}.{stamp[15:18]}Z"


def is_record_id(text: str) -> bool:
    """Does ``text`` look like a record id?"""
    return _ID.fullmatch(text) is not None


def encode_record(record: DeployRecord) -> bytes:
    """Compact, sorted JSON."""
    return json.dumps(record.to_json(), sort_keys=True, separators=(",", ":")).encode("utf-8")


def decode_record(data: bytes) -> DeployRecord | None:
    """A record, or None for anything that is not one (another tool's file, a truncated upload)."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(raw, dict) or not is_record_id(str(raw.get("id", ""))):
        return None
    versions = raw.get("versions")
    if not isinstance(versions, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in versions.items()):
        return None
    previous = raw.get("previous", {})
    if not isinstance(previous, dict) or not all(isinstance(v, str) for v in previous.values()):
        return None
    return DeployRecord(id=raw["id"], time=str(raw.get("time", "")), kind=str(raw.get("kind", "deploy")),
                        versions=versions, previous=previous, deleted_keys=tuple(str(k) for k in raw.get("deleted_keys", [])),
                        commit=raw.get("commit") if isinstance(raw.get("commit"), str) else None,
                        uploaded=int(raw.get("uploaded", 0)), deleted=int(raw.get("deleted", 0)),
                        rolled_back_to=raw.get("rolled_back_to") if isinstance(raw.get("rolled_back_to"), str)
                        else None)


def git_commit(folder: Path) -> str | None:
    """The commit checked out in ``folder``'s repository, or None (no git, no repository, too slow)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None
