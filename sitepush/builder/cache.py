"""The build cache: what the previous build parsed, rendered and wrote, so the next one does only what changed.

Three tables, all keyed by content hashes (never trusting mtimes for correctness):

- ``digests``: file path → (size, mtime_ns, inode, md5). A stat match skips re-reading a file; any stat
  change re-reads and re-hashes it, so a rebuild that rewrites every file with the same bytes reads them
  once and then finds nothing changed.
- ``parsed``: source rel → (parse key, ParsedSource). The parse key covers the source bytes and every
  setting that changes parsing or Markdown rendering.
- ``outputs``: output key → (render key, md5, size). The render key is a hash of the template set and of the
  exact context the template got; equal keys mean equal bytes, so the template is not run again.

The cache lives in the user's cache folder (``$XDG_CACHE_HOME/sitepush/<site hash>/``, or
``SITEPUSH_CACHE_DIR``), never inside the site: it is a pickle, and a pickle planted in a cloned
repository must never be loaded. A cache that cannot be read is ignored (the build is then a full one).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitepush import __version__
from sitepush.builder.linkcheck import LinkIndex
from sitepush.builder.site import ParsedSource
from sitepush.errors import Problem

CACHE_FORMAT = 5  # 2: the link checker's index; 3: residue per parsed source; 4: the builder's warm state;
# 5: URLs escaped in links and as-written names
_CHUNK = 1 << 20


def md5_file(path: Path) -> str:
    """Hex MD5 of a file, read in 1 MiB chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class BuildCache:
    """Mutable during one build; saved at its end."""

    digests: dict[str, tuple[int, int, int, str]] = field(default_factory=dict)
    parsed: dict[str, tuple[str, ParsedSource]] = field(default_factory=dict)
    outputs: dict[str, tuple[str, str, int, int]] = field(default_factory=dict)
    """Output key → (render key, md5, size, mtime_ns of the written file)."""
    fingerprint: str = ""
    """Hash of every input of the last complete build (see Builder._fingerprint)."""
    redirects: dict[str, str] = field(default_factory=dict)
    published: int = 0
    warnings: tuple[Problem, ...] = ()
    links: LinkIndex = field(default_factory=LinkIndex)
    """The output link checker's extractions and verdicts (see :mod:`sitepush.builder.linkcheck`)."""
    warm: dict[str, Any] = field(default_factory=dict)
    """The builder's memory of its last build (views, resolved links, render keys), kept in the same
    pickle as ``parsed`` so that the objects they share are still the same objects after loading: the
    next command reuses them by identity, as a long-lived builder does (see Builder.WARM_STATE)."""

    def file_digest(self, path: Path) -> str:
        """MD5 of a file, from the stat-keyed table when the file's size, mtime and inode are unchanged."""
        known = self.known_digest(path)
        if known is not None:
            return known
        stat = os.stat(str(path))
        digest = md5_file(path)
        self.digests[str(path)] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, digest)
        return digest

    def known_digest(self, path: Path) -> str | None:
        """The recorded MD5 when the file's stat is the one recorded with it, else None (no read)."""
        key = str(path)
        stat = os.stat(key)
        known = self.digests.get(key)
        if known and known[:3] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
            return known[3]
        return None

    def record_digest(self, path: Path, data: bytes) -> str:
        """MD5 of ``data``, just read from ``path``, recorded under the file's current stat."""
        stat = os.stat(str(path))
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        self.digests[str(path)] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, digest)
        return digest

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        """The saved cache, or an empty one when there is none or it is from another version."""
        try:
            with (folder / "build.pickle").open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
                ValueError):
            return cls()
        if not isinstance(stored, dict) or stored.get("format") != (CACHE_FORMAT, __version__):
            return cls()
        cache = stored.get("cache")
        return cache if isinstance(cache, cls) else cls()

    def save(self, folder: Path) -> None:
        """Write the cache atomically (a crash mid-write leaves the previous cache)."""
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"build.pickle.{os.getpid()}.tmp"
        with tmp.open("wb") as handle:
            pickle.dump({"format": (CACHE_FORMAT, __version__), "cache": self}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / "build.pickle")
