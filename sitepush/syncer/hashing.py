"""Content hashes of the files to upload, and a stat-keyed cache so an unchanged file is never re-read.

Two hashes per file, from one read:

* the MD5 of the bytes: S3's ETag after a single-part upload, and the ``Content-MD5`` it checks;
* the ETag S3 will report after sitepush uploads the file: that MD5 below the multipart threshold,
  else the multipart ETag ``md5(md5(part 1) + … + md5(part N))-N``. It equals S3's only when the
  parts are cut exactly where the upload cuts them, so every upload and copy goes through
  ``client.upload_file``/``client.copy`` with the one :func:`transfer_config` built here, and the
  threshold and part size below mirror what s3transfer (0.10+) does with it:

  - the threshold is sitepush's own ``[deploy] multipart_threshold_mb`` (default 64 MiB, not
    ``TransferConfig``'s 8 MiB: one PUT of a 20 MB file is one request, parts are three more),
    passed as ``TransferConfig(multipart_threshold=...)``;
  - the part size is ``multipart_chunksize = 8 MiB``, the default of ``boto3.s3.transfer.TransferConfig``
    and of ``s3transfer/manager.py`` ``TransferConfig.__init__``, passed explicitly all the same;
  - ``UploadFilenameInputManager.requires_multipart_upload``: ``size >= multipart_threshold``
    (``s3transfer/upload.py``) — a file of exactly the threshold is uploaded in parts;
  - ``UploadSubmissionTask._submit_multipart_request`` sizes the parts with
    ``ChunksizeAdjuster().adjust_chunksize(multipart_chunksize, size)`` (``s3transfer/utils.py``):
    double the part size while there would be more than ``MAX_PARTS = 10,000`` parts, then clamp it
    to ``MIN_UPLOAD_CHUNKSIZE = 5 MiB`` .. ``MAX_SINGLE_UPLOAD_SIZE = 5 GiB``.

  boto3's CRT transfer client cuts parts its own way, and boto3 picks it unasked when ``awscrt`` is
  installed on an instance type it is optimised for (``preferred_transfer_client = "auto"``,
  ``_should_use_crt`` in ``boto3/s3/transfer.py``), so :func:`transfer_config` pins ``"classic"``.
  The deploy manifest's hash covers any object whose ETag still differs (SSE-KMS, another tool's
  part size, an earlier threshold).

:class:`HashCache` maps a file's (path, size, mtime_ns, inode) to its hashes, for one threshold,
as JSON in the user's cache folder (never pickle: the file must be safe to read whoever wrote it). A
rebuild that rewrites every file with the same bytes changes every mtime, so each file is read once
more and then found unchanged; a scan of an unchanged folder only stats.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sitepush.errors import DeployError

MiB = 1024 * 1024
READ_SIZE = 1 * MiB
"""Bytes read at a time; every part size is a multiple of it, so a read never straddles two parts."""

DEFAULT_MULTIPART_THRESHOLD_MB = 64
"""The default of ``[deploy] multipart_threshold_mb`` (``DeployConfig``; a test keeps the two equal)."""
# The TransferConfig default part size, and the limits of s3transfer/utils.py.
MULTIPART_CHUNKSIZE = 8 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * 1024 * MiB
MAX_PARTS = 10_000

CACHE_FORMAT = 2
"""2: entries are also vouched for by the content check of the scan (format 1 caches were not)."""
CACHE_NAME = "deploy-hashes.json"

COARSE_RACY_WINDOW_NS = 2_000_000_000
FINE_RACY_WINDOW_NS = 100_000_000
"""A file modified this close to the moment it was hashed is not cached.

Filesystems keep mtimes at a coarse granularity, so a file rewritten with the same size right after
it was hashed could keep the same stat and its stale hash would be trusted. Such "racily clean"
entries (git's term) are re-read by the next scan instead, at most once per file. An mtime in whole
seconds marks a filesystem that keeps seconds (ext3, HFS+) or two seconds (FAT, exFAT): 2 s covers
them. Any other mtime comes from a nanosecond filesystem (ext4, xfs, btrfs, tmpfs, APFS) whose
timestamps lag the clock by at most one kernel tick (≤ 10 ms): 100 ms covers it with room to spare.
"""


def racy_window_ns(mtime_ns: int) -> int:
    """How recent an mtime must be, at the moment of hashing, for the hash not to be cached."""
    return COARSE_RACY_WINDOW_NS if mtime_ns % 1_000_000_000 == 0 else FINE_RACY_WINDOW_NS


def multipart_threshold(megabytes: int = DEFAULT_MULTIPART_THRESHOLD_MB) -> int:
    """Bytes from which a file is uploaded in parts, for ``multipart_threshold_mb = megabytes``."""
    return megabytes * MiB


DEFAULT_MULTIPART_THRESHOLD = multipart_threshold()


def uses_multipart(size: int, threshold: int) -> bool:
    """True when a file of ``size`` bytes is uploaded in parts (``size >= threshold``, as s3transfer
    decides it), so its ETag is a multipart ETag."""
    return size >= threshold


def part_size_for(size: int) -> int:
    """The part size the upload uses for a file of ``size`` bytes: s3transfer's ``ChunksizeAdjuster``."""
    part_size = MULTIPART_CHUNKSIZE
    # The same float arithmetic as s3transfer (int(math.ceil(size / float(chunksize)))), so the two
    # agree at every boundary.
    while math.ceil(size / float(part_size)) > MAX_PARTS:
        part_size *= 2
    return min(max(part_size, MIN_PART_SIZE), MAX_PART_SIZE)


def transfer_config(threshold: int) -> Any:
    """The ``boto3.s3.transfer.TransferConfig`` of every ``upload_file`` and ``copy`` of a deploy.

    ``threshold`` is in bytes (:func:`multipart_threshold`); the same value must have hashed the
    files, so that the ETags computed here are the ones S3 reports.
    """
    from boto3.s3.transfer import TransferConfig  # type: ignore[import-untyped]

    return TransferConfig(multipart_threshold=threshold, multipart_chunksize=MULTIPART_CHUNKSIZE,
                          preferred_transfer_client="classic")


def multipart_etag(path: Path, part_size: int) -> str:
    """The ETag S3 reports for ``path`` uploaded in parts of ``part_size`` bytes (the last one shorter).

    Raises OSError when the file cannot be read.
    """
    _, etag, _, _ = _digest(path, part_size)
    return etag


class FileHashes(NamedTuple):
    """One cache entry: the stat the hashes were taken at, and the hashes (a tuple: thousands load)."""

    size: int
    mtime_ns: int
    inode: int
    md5: str
    etag: str


class FileChangedWhileHashing(DeployError):
    """The file's size changed between its stat and the end of reading it: a build is still writing."""


class HashCache:
    """File hashes keyed by (path, size, mtime_ns, inode); safe to share between threads.

    A cache computes ETags for one multipart ``threshold`` (bytes, :func:`multipart_threshold`),
    fixed when it is made, so it never holds ETags of two thresholds. ``load``/``save`` keep it in
    the user's cache folder, one file per scanned folder; a file saved for another threshold is not
    loaded. ``save`` keeps only the entries looked up since ``load`` (the files of the last scan), so
    deleted files drop out.
    """

    def __init__(self, entries: dict[str, FileHashes] | None = None, *,
                 threshold: int = DEFAULT_MULTIPART_THRESHOLD) -> None:
        self._threshold = threshold
        self._entries: dict[str, FileHashes] = dict(entries or {})
        self._used: set[str] = set()
        self._dirty = False
        self._lock = threading.Lock()
        self.reads = 0
        """Files read (not served from the cache) since this cache was made: for tests and reports."""

    @property
    def threshold(self) -> int:
        """Files of this many bytes or more get a multipart ETag."""
        return self._threshold

    @classmethod
    def load(cls, folder: Path, *, threshold: int = DEFAULT_MULTIPART_THRESHOLD) -> HashCache:
        """The cache of the scanned ``folder`` for ``threshold``; an empty one if there is none, it
        cannot be read, or it was saved for another threshold."""
        try:
            data = json.loads(cache_file_for(folder).read_bytes())
        except (OSError, ValueError):
            return cls(threshold=threshold)
        return cls(_parse_entries(data, threshold), threshold=threshold)

    def save(self, folder: Path) -> bool:
        """Write the entries of the last scan, atomically, if anything changed; False if it could not.

        A cache that cannot be written costs the next deploy a re-read, never a failure.
        """
        if not self._dirty and self._used == self._entries.keys():
            return True
        kept = {path: self._entries[path] for path in sorted(self._used) if path in self._entries}
        document = {
            "format": CACHE_FORMAT,
            "threshold": self.threshold,
            "chunksize": MULTIPART_CHUNKSIZE,
            "files": {path: list(entry) for path, entry in kept.items()},
        }
        target = cache_file_for(folder)
        temporary: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=target.parent, prefix=".hashes-", suffix=".tmp",
                                             encoding="utf-8", delete=False) as handle:
                temporary = handle.name
                # dumps, not dump: json.dump streams through the pure-Python encoder, ten times slower.
                handle.write(json.dumps(document, separators=(",", ":")))
            os.replace(temporary, target)
        except OSError:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            return False
        self._entries = kept
        self._dirty = False
        return True

    def md5_and_etag(self, path: Path | str, info: os.stat_result | None = None) -> tuple[str, str]:
        """``(md5, etag)`` of the file at ``path``, read only when its stat differs from the cached one.

        The ETag is the multipart one when the file has at least :attr:`threshold` bytes. ``info``
        is the file's ``os.stat`` when the caller has it already (the scan does). Raises
        OSError when the file cannot be read, FileChangedWhileHashing when it changes size meanwhile.
        """
        md5, etag, _ = self.read(path, info)
        return md5, etag

    def read(self, path: Path | str, info: os.stat_result | None = None, *,
             inspect: Callable[[bytes], str | None] | None = None,
             inspect_below: int = 0) -> tuple[str, str, str | None]:
        """``(md5, etag, finding)``: :meth:`md5_and_etag`, and what ``inspect`` found in the bytes.

        ``inspect`` sees the whole content of a file smaller than ``inspect_below`` bytes, from the
        same read as the hashes, only when the file is read (the cache does not know its stat); a
        cached file was inspected when it was cached. A file ``inspect`` finds something in is not
        cached, so that it is inspected again by every scan until it is fixed.
        """
        key = _cache_key(path)
        if info is None:
            info = os.stat(key)
        cached = self.lookup(key, info)
        if cached is not None:
            return (*cached, None)
        hashed_at = time.time_ns()
        size = info.st_size
        keep = inspect is not None and size < inspect_below
        part_size = part_size_for(size) if uses_multipart(size, self.threshold) else None
        md5, etag, read, data = _digest(path, part_size, keep=keep)
        after = os.stat(key)
        if read != info.st_size or _identity(after) != _identity(info):
            raise FileChangedWhileHashing(f"{path} changed while it was being read",
                                          hint="let the build finish, then rerun the deploy")
        finding = inspect(data) if inspect is not None and keep else None
        with self._lock:
            self.reads += 1
            if finding is None and info.st_mtime_ns < hashed_at - racy_window_ns(info.st_mtime_ns):
                self._entries[key] = FileHashes(info.st_size, info.st_mtime_ns, info.st_ino, md5, etag)
                self._dirty = True
            elif self._entries.pop(key, None) is not None:
                self._dirty = True
        return md5, etag, finding

    def lookup(self, path: Path | str, info: os.stat_result) -> tuple[str, str] | None:
        """``(md5, etag)`` when the cache holds ``path`` at exactly the stat ``info``, else None."""
        key = _cache_key(path)
        self._used.add(key)
        known = self._entries.get(key)
        if (known is not None and known.size == info.st_size and known.mtime_ns == info.st_mtime_ns
                and known.inode == info.st_ino):
            return known.md5, known.etag
        return None

    def __len__(self) -> int:
        return len(self._entries)


def cache_file_for(folder: Path) -> Path:
    """Where the hash cache of the scanned ``folder`` lives (beside the build cache, keyed by folder)."""
    # Imported here: the build cache module pulls in the builder's data classes, which a deploy of
    # an already-built folder (--site-dir) never needs.
    from sitepush.user_cache import cache_dir_for

    return cache_dir_for(folder) / CACHE_NAME


def _identity(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ino


def _cache_key(path: Path | str) -> str:
    text = os.fspath(path)
    return text if os.path.isabs(text) and "/." not in text else os.path.abspath(text)


def _digest(path: Path | str, part_size: int | None, *, keep: bool = False) -> tuple[str, str, int, bytes]:
    """(md5, etag, bytes read, the bytes if ``keep`` else b"") in one pass; ``part_size`` None means
    a single-part upload."""
    kept: list[bytes] = []
    whole = hashlib.md5(usedforsecurity=False)
    part_digests: list[bytes] = []
    part = hashlib.md5(usedforsecurity=False)
    in_part = 0
    read = 0
    with open(path, "rb") as handle:
        while True:
            want = READ_SIZE if part_size is None else min(READ_SIZE, part_size - in_part)
            chunk = handle.read(want)
            if not chunk:
                break
            read += len(chunk)
            whole.update(chunk)
            if keep:
                kept.append(chunk)
            if part_size is not None:
                part.update(chunk)
                in_part += len(chunk)
                if in_part == part_size:
                    part_digests.append(part.digest())
                    part = hashlib.md5(usedforsecurity=False)
                    in_part = 0
    md5 = whole.hexdigest()
    data = b"".join(kept)
    if part_size is None:
        return md5, md5, read, data
    if in_part or not part_digests:
        part_digests.append(part.digest())
    combined = hashlib.md5(b"".join(part_digests), usedforsecurity=False).hexdigest()
    return md5, f"{combined}-{len(part_digests)}", read, data


def _parse_entries(data: Any, threshold: int) -> dict[str, FileHashes]:
    """The entries of a cache document, or none if anything in it is not what :meth:`save` writes
    for ``threshold`` (another threshold or part size makes other ETags)."""
    if not (isinstance(data, dict) and data.get("format") == CACHE_FORMAT
            and data.get("threshold") == threshold
            and data.get("chunksize") == MULTIPART_CHUNKSIZE
            and isinstance(data.get("files"), dict)):
        return {}
    entries: dict[str, FileHashes] = {}
    for path, row in data["files"].items():
        if not (isinstance(row, list) and len(row) == 5
                and all(type(value) is int for value in row[:3])
                and all(isinstance(value, str) for value in row[3:])):
            return {}
        entries[path] = FileHashes(*row)
    return entries
