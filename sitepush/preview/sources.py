"""Where the preview server finds objects: a built folder (as a deploy would upload it) or a bucket.

Both answer :class:`~sitepush.preview.website.StoredObject` for a key, and stream its bytes. The folder
source decides every header with the syncer's own functions (``content_type_for``, ``headers_for``,
``redirect_objects`` → ``redirect_headers``) and skips what a deploy skips (``key_skip_reason``, by
name and by content), so the
preview and the deployed site cannot disagree. It never reads outside its folder: a key with an
empty, ``.`` or ``..`` segment, a backslash or a NUL names nothing, and a path whose real location
leaves the folder (a symlink) is not served.

Both sources answer the same keys the same way (a table test runs one folder through both):

* a deploy uploads every name NFC-normalised, and S3 matches keys byte for byte, so the folder source
  finds a file saved in NFD (macOS) under its NFC key, and answers nothing for the NFD spelling;
* a deploy skips names with a backslash (a browser turns ``\\`` into ``/``), so neither serves one;
* the bucket source never serves sitepush's own state (``.sitepush/``: manifest, deploy records),
  which the bucket policy keeps private on the real website endpoint too.
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from sitepush.config import HeaderRule
from sitepush.preview.website import StoredObject
from sitepush.syncer.content_types import content_type_for
from sitepush.syncer.headers import headers_for, redirect_headers
from sitepush.syncer.leaks import MAX_CHECKED_BYTES
from sitepush.syncer.local import key_skip_reason
from sitepush.syncer.model import EMPTY_MD5
from sitepush.syncer.redirects import redirect_objects

CHUNK = 256 * 1024


class ObjectSource(Protocol):
    """What the server needs of a place holding a site."""

    def lookup(self, key: str) -> StoredObject | None:
        """The object stored under ``key``, or None."""

    def open(self, key: str) -> Iterator[bytes]:
        """The bytes of the object ``key`` (looked up just before), in chunks."""


def unmounted(key: str, mount: str) -> str | None:
    """``key`` as the source holds it, for a site answered under the key prefix ``mount`` (``docs/``):
    ``docs/a/index.html`` → ``a/index.html``; None for a key outside it, which names nothing."""
    if not mount:
        return key
    return key[len(mount):] if key.startswith(mount) else None


class FolderSource:
    """A built folder plus the builder's redirect table, seen as the bucket a deploy would make."""

    def __init__(self, root: Path, redirects: Mapping[str, str] = {}, rules: Sequence[HeaderRule] = (),
                 allow: Sequence[str] = (), *, mount: str = "") -> None:
        self.root = root.resolve()
        self.rules = tuple(rules)
        self.allow = tuple(allow)
        self.mount = mount
        """The key prefix the folder is seen under (``docs/`` for a base URL with the path ``/docs/``), as
        the deploy puts it into the bucket: a key outside it names nothing, as someone else's content."""
        self._lock = threading.Lock()
        self._redirects = redirect_objects(redirects)
        self._digests: dict[str, tuple[int, int, str, bool]] = {}

    def set_redirects(self, redirects: Mapping[str, str]) -> None:
        """Replace the redirect table (after a rebuild)."""
        table = redirect_objects(redirects)
        with self._lock:
            self._redirects = table

    def path_of(self, key: str) -> Path | None:
        """The file inside the folder that ``key`` names, or None if it names none (or leaves it)."""
        parts = key.split("/")
        if (not key or any(part in ("", ".", "..") for part in parts) or "\\" in key or "\0" in key
                or key_skip_reason(key, self.allow) is not None
                or (not key.isascii() and unicodedata.normalize("NFC", key) != key)):
            return None
        path = self.root.joinpath(*parts)
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            found = None if key.isascii() else _spelled_otherwise(self.root, parts)
            if found is None:
                return None
            real = found
        if not real.is_relative_to(self.root) or not real.is_file():
            return None
        return real

    def lookup(self, key: str) -> StoredObject | None:
        held = unmounted(key, self.mount)
        found = self._lookup(held) if held is not None else None
        return replace(found, key=key) if found is not None and held != key else found

    def _lookup(self, key: str) -> StoredObject | None:
        location = self._redirects.get(key)
        if location is not None:
            return StoredObject(key=key, etag=EMPTY_MD5, size=0, last_modified=0.0,
                                headers=redirect_headers(key, location, self.rules))
        path = self.path_of(key)
        if path is None:
            return None
        try:
            stat = path.stat()
            etag, secret = self._md5(key, path, stat)
        except OSError:
            return None
        if secret:
            return None  # a deploy skips it for what it holds (a private key, an AWS key pair)
        return StoredObject(key=key, etag=etag, size=stat.st_size, last_modified=stat.st_mtime,
                            headers=headers_for(key, content_type_for(key), self.rules))

    def open(self, key: str) -> Iterator[bytes]:
        held = unmounted(key, self.mount)
        if held is None or held in self._redirects:
            return iter(())
        key = held
        path = self.path_of(key)
        if path is None:
            return iter(())
        return _chunks(path)

    def _md5(self, key: str, path: Path, stat: os.stat_result) -> tuple[str, bool]:
        """The file's MD5, and whether a deploy would skip it for its content; cached by stat."""
        with self._lock:
            known = self._digests.get(key)
        if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
            return known[2], known[3]
        digest = hashlib.md5(usedforsecurity=False)
        small: list[bytes] = []
        for chunk in _chunks(path):
            digest.update(chunk)
            if stat.st_size < MAX_CHECKED_BYTES:
                small.append(chunk)
        secret = (stat.st_size < MAX_CHECKED_BYTES
                  and key_skip_reason(key, self.allow, b"".join(small)) is not None)
        with self._lock:
            self._digests[key] = (stat.st_size, stat.st_mtime_ns, digest.hexdigest(), secret)
        return digest.hexdigest(), secret


def _spelled_otherwise(root: Path, parts: Sequence[str]) -> Path | None:
    """The file under ``root`` whose path, NFC-normalised, is ``parts`` (an NFD name on disk), or None."""
    folder = root
    for part in parts:
        try:
            with os.scandir(folder) as entries:
                match = next((e.name for e in entries if unicodedata.normalize("NFC", e.name) == part), None)
        except OSError:
            return None
        if match is None:
            return None
        folder = folder / match
    try:
        return folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class BucketSource:
    """A bucket (on AWS, an S3-compatible endpoint or the sandbox), read through boto3 (HEAD, GET)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", *, state_prefix: str = ".sitepush/",
                 mount: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.state_prefix = state_prefix
        self.mount = mount
        """The key prefix the site is answered under (``docs/``: its base URL's path, ``/docs/``); keys
        outside it name nothing."""

    def lookup(self, key: str) -> StoredObject | None:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        from sitepush.aws import translated_aws_errors
        from sitepush.syncer.model import ObjectHeaders

        asked, held = key, unmounted(key, self.mount)
        if not held or held.startswith(self.state_prefix):
            return None  # outside the site's prefix, or sitepush's own state: never part of the site
        key = held
        with translated_aws_errors(action="read", resource=f"s3://{self.bucket}/{self.prefix}{key}"):
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "403", "400"):
                    return None
                raise
        headers = ObjectHeaders(
            content_type=head.get("ContentType") or "application/octet-stream",
            cache_control=head.get("CacheControl"), content_encoding=head.get("ContentEncoding"),
            content_disposition=head.get("ContentDisposition"),
            content_language=head.get("ContentLanguage"),
            metadata=tuple(sorted(head.get("Metadata", {}).items())),
            redirect=head.get("WebsiteRedirectLocation"))
        return StoredObject(key=asked, etag=str(head.get("ETag", "")).strip('"'),
                            size=int(head.get("ContentLength", 0)), headers=headers,
                            last_modified=head["LastModified"].timestamp())

    def open(self, key: str) -> Iterator[bytes]:
        held = unmounted(key, self.mount)
        if not held or held.startswith(self.state_prefix):
            return iter(())
        key = held
        response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        body = response["Body"]

        def chunks() -> Iterator[bytes]:
            with body:
                while chunk := body.read(CHUNK):
                    yield chunk

        return chunks()
