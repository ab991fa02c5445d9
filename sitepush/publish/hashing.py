"""Content hashes of the files to upload, and a stat-keyed cache so an unchanged file is never re-read.

Two hashes per file, from one read:

* the MD5 of the bytes: S3's ETag after a single-part upload, and the ``Content-MD5`` it checks;
* the ETag S3 will report after sitepush uploads the file: that MD5 below the multipart threshold,
  else the multipart ETag ``md5(md5(part 1) + … + md5(part N))-N``. It equals S3's only when the
  parts are cut exactly where the upload cuts them, so the threshold and part size mirror what
  ``client.upload_file`` does with ``boto3.s3.transfer.TransferConfig()`` defaults (s3transfer 0.10+):

  - ``TransferConfig`` defaults ``multipart_threshold = multipart_chunksize = 8 MiB``
    (``s3transfer/manager.py``, ``TransferConfig.__init__``);
  - ``UploadFilenameInputManager.requires_multipart_upload``: ``size >= multipart_threshold``
    (``s3transfer/upload.py``) — a file of exactly 8 MiB is uploaded in parts;
  - ``UploadSubmissionTask._submit_multipart_request`` sizes the parts with
    ``ChunksizeAdjuster().adjust_chunksize(multipart_chunksize, size)`` (``s3transfer/utils.py``):
    double the part size while there would be more than ``MAX_PARTS = 10,000`` parts, then clamp it
    to ``MIN_UPLOAD_CHUNKSIZE = 5 MiB`` .. ``MAX_SINGLE_UPLOAD_SIZE = 5 GiB``.

  boto3's CRT transfer client (used only when ``awscrt`` is installed *and* asked for) cuts parts
  differently; the uploader must use the classic s3transfer manager, and the deploy manifest's hash
  covers any object whose ETag still differs (SSE-KMS, another tool's part size).

:class:`HashCache` maps a file's (path, size, mtime_ns, inode) to its hashes, as JSON in the user's
cache folder (never pickle: the file must be safe to read whoever wrote it). A rebuild that rewrites
every file with the same bytes changes every mtime, so each file is read once more and then found
unchanged; a scan of an unchanged folder only stats.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

from sitepush.errors import DeployError

MiB = 1024 * 1024
READ_SIZE = 1 * MiB
"""Bytes read at a time; every part size is a multiple of it, so a read never straddles two parts."""

# s3transfer/manager.py TransferConfig defaults, and the limits of s3transfer/utils.py.
TRANSFER_MULTIPART_THRESHOLD = 8 * MiB
TRANSFER_MULTIPART_CHUNKSIZE = 8 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * 1024 * MiB
MAX_PARTS = 10_000

CACHE_FORMAT = 1
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


def multipart_threshold() -> int:
    """The size from which the upload goes in parts (``size >= threshold``), as s3transfer decides it."""
    return TRANSFER_MULTIPART_THRESHOLD


def uses_multipart(size: int) -> bool:
    """True when a file of ``size`` bytes is uploaded in parts, so its ETag is a multipart ETag."""
    return size >= multipart_threshold()


def part_size_for(size: int) -> int:
    """The part size the upload uses for a file of ``size`` bytes: s3transfer's ``ChunksizeAdjuster``."""
    part_size = TRANSFER_MULTIPART_CHUNKSIZE
    # The same float arithmetic as s3transfer (int(math.ceil(size / float(chunksize)))), so the two
    # agree at every boundary.
    while math.ceil(size / float(part_size)) > MAX_PARTS:
        part_size *= 2
    return min(max(part_size, MIN_PART_SIZE), MAX_PART_SIZE)


def multipart_etag(path: Path, part_size: int) -> str:
    """The ETag S3 reports for ``path`` uploaded in parts of ``part_size`` bytes (the last one shorter).

    Raises OSError when the file cannot be read.
    """
    _, etag, _ = _digest(path, part_size)
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

    ``load``/``save`` keep it in the user's cache folder, one file per scanned folder. ``save`` keeps
    only the entries looked up since ``load`` (the files of the last scan), so deleted files drop out.
    """

    def __init__(self, entries: dict[str, FileHashes] | None = None) -> None:
        self._entries: dict[str, FileHashes] = dict(entries or {})
        self._used: set[str] = set()
        self._dirty = False
        self._lock = threading.Lock()
        self.reads = 0
        """Files read (not served from the cache) since this cache was made: for tests and reports."""

    @classmethod
    def load(cls, folder: Path) -> HashCache:
        """The cache of the scanned ``folder``; an empty one if there is none or it cannot be read."""
        try:
            data = json.loads(cache_file_for(folder).read_bytes())
        except (OSError, ValueError):
            return cls()
        return cls(_parse_entries(data))

    def save(self, folder: Path) -> bool:
        """Write the entries of the last scan, atomically, if anything changed; False if it could not.

        A cache that cannot be written costs the next deploy a re-read, never a failure.
        """
        if not self._dirty and self._used == self._entries.keys():
            return True
        kept = {path: self._entries[path] for path in sorted(self._used) if path in self._entries}
        document = {
            "format": CACHE_FORMAT,
            "threshold": TRANSFER_MULTIPART_THRESHOLD,
            "chunksize": TRANSFER_MULTIPART_CHUNKSIZE,
            "files": {path: list(entry) for path, entry in kept.items()},
        }
        target = cache_file_for(folder)
        temporary: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=target.parent, prefix=".hashes-", suffix=".tmp",
                                             encoding="utf-8", delete=False) as handle:
                temporary = handle.name
                json.dump(document, handle, separators=(",", ":"))
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

        ``info`` is the file's ``os.stat`` when the caller has it already (the scan does). Raises
        OSError when the file cannot be read, FileChangedWhileHashing when it changes size meanwhile.
        """
        key = _cache_key(path)
        if info is None:
            info = os.stat(key)
        cached = self.lookup(key, info)
        if cached is not None:
            return cached
        hashed_at = time.time_ns()
        md5, etag, read = _digest(path, part_size_for(info.st_size) if uses_multipart(info.st_size) else None)
        after = os.stat(key)
        if read != info.st_size or _identity(after) != _identity(info):
            raise FileChangedWhileHashing(f"{path} changed while it was being read",
                                          hint="let the build finish, then rerun the deploy")
        with self._lock:
            self.reads += 1
            if info.st_mtime_ns < hashed_at - racy_window_ns(info.st_mtime_ns):
                self._entries[key] = FileHashes(info.st_size, info.st_mtime_ns, info.st_ino, md5, etag)
                self._dirty = True
            elif self._entries.pop(key, None) is not None:
                self._dirty = True
        return md5, etag

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
    from sitepush.build.cache import cache_dir_for

    return cache_dir_for(folder) / CACHE_NAME


def _identity(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ino


def _cache_key(path: Path | str) -> str:
    text = os.fspath(path)
    return text if os.path.isabs(text) and "/." not in text else os.path.abspath(text)


def _digest(path: Path | str, part_size: int | None) -> tuple[str, str, int]:
    """(md5, etag, bytes read) in one pass; ``part_size`` None means a single-part upload."""
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
            if part_size is not None:
                part.update(chunk)
                in_part += len(chunk)
                if in_part == part_size:
                    part_digests.append(part.digest())
                    part = hashlib.md5(usedforsecurity=False)
                    in_part = 0
    md5 = whole.hexdigest()
    if part_size is None:
        return md5, md5, read
    if in_part or not part_digests:
        part_digests.append(part.digest())
    combined = hashlib.md5(b"".join(part_digests), usedforsecurity=False).hexdigest()
    return md5, f"{combined}-{len(part_digests)}", read


def _parse_entries(data: Any) -> dict[str, FileHashes]:
    """The entries of a cache document, or none if anything in it is not what :meth:`save` writes."""
    if not (isinstance(data, dict) and data.get("format") == CACHE_FORMAT
            and data.get("threshold") == TRANSFER_MULTIPART_THRESHOLD
            and data.get("chunksize") == TRANSFER_MULTIPART_CHUNKSIZE
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
