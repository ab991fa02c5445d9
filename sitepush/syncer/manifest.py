"""sitepush's deploy manifest: what it last wrote to each key, stored (privately) in the bucket.

The manifest is what lets a deploy see what a listing cannot: the headers an object was written
with (a new Cache-Control rule is a change although the bytes are the same) and the content MD5
behind an ETag that is not one (a multipart upload with another part size, SSE-KMS). It is read
once per deploy and written last, only when it changed. Its bytes::

    {"commit":"<git commit>",   (only when known)
     "entries":{"about/index.html":["<etag>","<md5>","<header digest>"(,"<version id>")],...},"format":1,...}

Object keys sorted, no whitespace, ASCII only (``\\uXXXX`` escapes), so equal manifests of one commit
are equal bytes, and an unchanged site never rewrites it (the commit is not part of equality).
Reading is strict: anything that is not exactly this
shape (another tool's file, a future format, a truncated upload) decodes to None, and the deploy then
treats the bucket as one it knows nothing about — slower, never wrong, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from sitepush.syncer.model import Manifest, ManifestEntry, ObjectSpec, SyncOptions

FORMAT = 1
GENERATOR = "sitepush"
MANIFEST_NAME = "manifest.json"

_HEX32 = re.compile(r"[0-9a-f]{32}")
_COMMIT = re.compile(r"[0-9a-f]{40,64}")
# An ETag as ListObjectsV2 reports it, quotes removed: AWS gives 32 hex digits, optionally "-N";
# S3-compatible stores vary, so only what could never be an ETag is refused.
_ETAG = re.compile(r'[!#-~]{1,200}')


def manifest_key(options: SyncOptions) -> str:
    """The manifest's S3 key: ``prefix + state_prefix + "manifest.json"`` (``.sitepush/manifest.json``)."""
    return f"{options.prefix}{options.state_prefix}{MANIFEST_NAME}"


def manifest_entry(spec: ObjectSpec) -> ManifestEntry:
    """The entry recording that ``spec`` was uploaded: its predicted ETag, MD5 and header digest."""
    return ManifestEntry(etag=spec.etag, md5=spec.md5, headers=spec.headers.digest())


def encode_manifest(manifest: Manifest) -> bytes:
    """The manifest as compact, deterministic JSON bytes (keys sorted, ASCII)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "generator": GENERATOR,
        "entries": {key: [entry.etag, entry.md5, entry.headers, *([entry.version] if entry.version else [])]
                    for key, entry in manifest.entries.items()},
    }
    if manifest.commit:
        document["commit"] = manifest.commit
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def decode_manifest(data: bytes) -> Manifest | None:
    """The manifest in ``data``, or None for anything that is not exactly a format-1 sitepush manifest.

    Refused: bytes that are not UTF-8 JSON, duplicate names, another generator or format, extra or
    missing fields, an entry that is not ``[etag, md5, header digest]`` with an ETag S3 could report,
    a 32-hex-digit MD5 and a 32-hex-digit digest.
    """
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=_refuse_duplicates,
                              parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or not {"format", "generator", "entries"} <= set(document) <= {
            "format", "generator", "entries", "commit"}:
        return None
    commit = document.get("commit")
    if commit is not None and not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        return None
    version = document["format"]
    if type(version) is not int or version != FORMAT or document["generator"] != GENERATOR:
        return None
    raw_entries = document["entries"]
    if not isinstance(raw_entries, dict):
        return None
    entries: dict[str, ManifestEntry] = {}
    for key, value in raw_entries.items():
        entry = _entry(key, value)
        if entry is None:
            return None
        entries[key] = entry
    return Manifest(entries=entries, commit=commit)


def manifest_with_etags(manifest: Manifest, etags: Mapping[str, str]) -> Manifest:
    """``manifest`` with the ETags S3 actually reported for the keys just written.

    The plan records each upload's *predicted* ETag; that is what S3 reports for plain and SSE-S3
    objects, but an SSE-KMS (or SSE-C) object gets an ETag that is not its MD5 and cannot be
    predicted. ``apply_plan`` passes the ETags from the PutObject / CopyObject / multipart responses
    (quotes removed) so that the next deploy can tie each key to the object sitepush wrote. Keys not
    in ``manifest`` are ignored.
    """
    entries = dict(manifest.entries)
    for key, etag in etags.items():
        entry = entries.get(key)
        clean = etag.strip('"')
        if entry is not None and clean and entry.etag != clean:
            entries[key] = ManifestEntry(etag=clean, md5=entry.md5, headers=entry.headers, version=entry.version)
    return Manifest(entries=entries, commit=manifest.commit)


def manifest_with_versions(manifest: Manifest, versions: Mapping[str, str]) -> Manifest:
    """``manifest`` with the version ids S3 gave the keys just written (versioned buckets)."""
    if not versions:
        return manifest
    entries = dict(manifest.entries)
    for key, version in versions.items():
        entry = entries.get(key)
        if entry is not None and entry.version != version:
            entries[key] = ManifestEntry(etag=entry.etag, md5=entry.md5, headers=entry.headers, version=version)
    return Manifest(entries=entries, commit=manifest.commit)


def _entry(key: Any, value: Any) -> ManifestEntry | None:
    if not isinstance(key, str) or not key:
        return None
    if not isinstance(value, list) or len(value) not in (3, 4) or not all(isinstance(v, str) for v in value):
        return None
    etag, md5, headers = value[:3]
    version = value[3] if len(value) == 4 else None
    if not (_ETAG.fullmatch(etag) and _HEX32.fullmatch(md5) and _HEX32.fullmatch(headers)):
        return None
    if version is not None and not _ETAG.fullmatch(version):
        return None
    return ManifestEntry(etag=etag, md5=md5, headers=headers, version=version)


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate name")
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
