"""The local side of every deploy: which files of the built folder become which S3 keys.

:func:`scan_site` walks the folder and decides, for every entry, upload or skip (with a reason):

* dotfiles and dot-folders are skipped, except ``.well-known/`` at the top (RFC 8615);
* secret-looking names (:data:`SECRET_PATTERNS`) are skipped even inside an allowed folder, unless an
  ``allow`` glob names them explicitly (its last segment is more than wildcards, e.g. ``keys/*.pem``);
* a symlink is read as the file it points to only while it stays inside the folder; links out of it,
  broken links, loops and special files (FIFOs, sockets) are skipped;
* keys are ``/``-separated, NFC-normalised UTF-8; two files with the same key stop the deploy.

Globs (``allow``) match whole keys: ``*`` and ``?`` stay within one segment, ``**`` spans segments.

The scan touches only the filesystem, so its tests need no server.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from sitepush.errors import DeployError
from sitepush.publish.content_types import content_type_for

CHUNK_SIZE = 1024 * 1024
MAX_KEY_BYTES = 1024  # S3's limit on a key's UTF-8 length (docs: "Naming Amazon S3 objects")

SECRET_PATTERNS: tuple[str, ...] = (
    ".env*", "*.pem", "*.key", "id_rsa*", "id_ed25519*", ".git", ".aws", ".ssh", "*.swp", "*~",
    ".DS_Store",
)
"""Names (of a file or of a folder anywhere in a path) that are never uploaded unless allowed explicitly."""

DOTFILE = "dotfile"
SECRET = "secret-looking"
SYMLINK_OUT = "symlink out of the site"
SYMLINK_LOOP = "symlink loop"
SYMLINK_BROKEN = "broken symlink"
NOT_A_FILE = "not a regular file"


@dataclass(frozen=True)
class LocalFile:
    """One file to upload: its key (without the deploy prefix), where it is, and what it holds."""

    key: str
    path: Path
    size: int
    md5: str
    """Hex MD5 of the bytes: S3's ETag for a single-part upload, and Content-MD5 once base64'd."""
    content_type: str


@dataclass(frozen=True)
class SkippedFile:
    """An entry of the built folder that is not uploaded, and why (one of the reason constants)."""

    rel: str
    """Path relative to the folder; a skipped folder ends with ``/`` and stands for all it holds."""
    reason: str


@dataclass(frozen=True)
class LocalSite:
    """The scan of a built folder: files sorted by key, and the skips sorted by path."""

    files: tuple[LocalFile, ...]
    skipped: tuple[SkippedFile, ...]

    @property
    def total_bytes(self) -> int:
        """The sum of the files' sizes."""
        return sum(f.size for f in self.files)


def scan_site(root: Path, *, allow: Sequence[str] = ()) -> LocalSite:
    """Walk the built folder ``root`` and hash every file that will be uploaded.

    ``allow`` lists globs over keys that are uploaded although they would be skipped as dotfiles
    or secret-looking names. Raises DeployError for a missing folder, an unreadable file, a name
    that is not UTF-8 or too long for S3, and two files that normalise to the same key.
    """
    try:
        real_root = os.path.realpath(root, strict=True)
    except OSError:
        raise DeployError(f"the built site {root} does not exist",
                          hint="run `sitepush build` first, or pass the folder it wrote") from None
    if not os.path.isdir(real_root):
        raise DeployError(f"the built site {root} is not a folder",
                          hint="pass the folder the build wrote, e.g. _site")
    rules = _AllowRules(allow)
    files: dict[str, LocalFile] = {}
    origins: dict[str, str] = {}
    skipped: list[SkippedFile] = []
    root_stat = os.stat(real_root)
    # Each stack entry is a folder to list, its path relative to root, and the identities of the
    # real folders above it, so that a symlink back to an ancestor is recognised as a loop.
    stack: list[tuple[str, tuple[str, ...], frozenset[tuple[int, int]]]] = [
        (str(root), (), frozenset({(root_stat.st_dev, root_stat.st_ino)}))
    ]
    while stack:
        folder, parts, ancestors = stack.pop()
        for entry in _list_folder(folder, parts):
            entry_parts = (*parts, entry.name)
            rel = "/".join(entry_parts)
            is_dir = _is_dir(entry)
            reason = _skip_reason(entry_parts, is_dir, rules)
            if reason is not None and not (is_dir and rules.may_allow_below(entry_parts)):
                skipped.append(SkippedFile(rel + "/" if is_dir else rel, reason))
                continue
            if entry.is_symlink():
                link_reason = _symlink_problem(entry.path, real_root, is_dir, rules)
                if link_reason is not None:
                    skipped.append(SkippedFile(rel, link_reason))
                    continue
            try:
                info = os.stat(entry.path)
            except OSError as error:
                raise DeployError(f"cannot read {rel}: {error.strerror}",
                                  hint="check its permissions, then rerun") from None
            if stat.S_ISDIR(info.st_mode):
                identity = (info.st_dev, info.st_ino)
                if identity in ancestors:
                    skipped.append(SkippedFile(rel, SYMLINK_LOOP))
                else:
                    stack.append((entry.path, entry_parts, ancestors | {identity}))
                continue
            if reason is not None:
                skipped.append(SkippedFile(rel, reason))
                continue
            if not stat.S_ISREG(info.st_mode):
                skipped.append(SkippedFile(rel, NOT_A_FILE))
                continue
            key = key_for(rel)
            if key in files:
                # The two names look identical on screen, so they are shown escaped.
                first, second = sorted((origins[key], rel))
                raise DeployError(f"two files are both uploaded as the key {key}: {first!a} and {second!a}",
                                  hint="rename one of them: their names differ only in Unicode form")
            files[key] = _hash_file(Path(entry.path), key, rel)
            origins[key] = rel
    return LocalSite(files=tuple(files[k] for k in sorted(files)),
                     skipped=tuple(sorted(skipped, key=lambda s: s.rel)))


def key_for(rel: str) -> str:
    """The S3 key of a ``/``-separated relative path: NFC-normalised, checked for ``.``/``..`` and length."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "backslashreplace").decode("ascii", "replace")
        raise DeployError(f"the file name {shown} is not valid UTF-8",
                          hint="rename it with UTF-8 characters; S3 keys are UTF-8") from None
    key = unicodedata.normalize("NFC", rel)
    segments = key.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise DeployError(f"the path {rel!r} has an empty, '.' or '..' segment",
                          hint="use a plain relative path inside the site")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise DeployError(f"the path {key[:60]}… is longer than S3's {MAX_KEY_BYTES}-byte key limit",
                          hint="shorten the file or folder names")
    return key


def summarise_skipped(skipped: Sequence[SkippedFile], *, limit: int = 5) -> str:
    """``skipped 2 files: .env (secret-looking), link (symlink out of the site)`` or ``""`` if none."""
    if not skipped:
        return ""
    shown = ", ".join(f"{s.rel} ({s.reason})" for s in skipped[:limit])
    more = f", and {len(skipped) - limit} more" if len(skipped) > limit else ""
    noun = "file" if len(skipped) == 1 else "files"
    return f"skipped {len(skipped)} {noun}: {shown}{more}"


def _list_folder(folder: str, parts: tuple[str, ...]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as error:
        where = "/".join(parts) + "/" if parts else "the site folder"
        raise DeployError(f"cannot list {where}: {error.strerror}",
                          hint="check its permissions, then rerun") from None


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        # A symlink loop raises on is_dir(); it is judged later as a symlink.
        return False


def _skip_reason(parts: tuple[str, ...], is_dir: bool, rules: _AllowRules) -> str | None:
    key = "/".join(parts)
    if any(_is_secret(part) for part in parts):
        return None if rules.allows_explicitly(key) else SECRET
    # Every segment counts, so a file inside a dot-folder entered for one allowed key stays skipped.
    dotted = [index for index, part in enumerate(parts) if part.startswith(".")]
    well_known = dotted == [0] and parts[0] == ".well-known" and (is_dir or len(parts) > 1)
    if dotted and not well_known:
        return None if rules.allows(key) else DOTFILE
    return None


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in SECRET_PATTERNS)


def _symlink_problem(path: str, real_root: str, is_dir: bool, rules: _AllowRules) -> str | None:
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as error:
        return SYMLINK_LOOP if error.errno == errno.ELOOP else SYMLINK_BROKEN
    if target == real_root:
        return None  # a link to the top is a loop, which the walk reports
    if not target.startswith(real_root.rstrip(os.sep) + os.sep):
        return SYMLINK_OUT
    # A link must not launder what it points to: `docs -> .git` is as secret as `.git` itself.
    target_parts = tuple(os.path.relpath(target, real_root).split(os.sep))
    return _skip_reason(target_parts, is_dir, rules)


def _hash_file(path: Path, key: str, rel: str) -> LocalFile:
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise DeployError(f"cannot read {rel}: {error.strerror}",
                          hint="check its permissions, then rerun") from None
    return LocalFile(key=key, path=path, size=size, md5=digest.hexdigest(),
                     content_type=content_type_for(key))


class _AllowRules:
    """The ``allow`` globs, compiled once."""

    def __init__(self, globs: Sequence[str]) -> None:
        self._globs = [(glob, _glob_regex(glob)) for glob in globs]

    def allows(self, key: str) -> bool:
        return any(regex.fullmatch(key) for _, regex in self._globs)

    def allows_explicitly(self, key: str) -> bool:
        return any(regex.fullmatch(key) and not _only_wildcards(glob.rsplit("/", 1)[-1])
                   for glob, regex in self._globs)

    def may_allow_below(self, folder_parts: tuple[str, ...]) -> bool:
        """Could some glob match a key inside this folder? Decides whether a skipped folder is entered."""
        return any(_prefix_may_match(glob.split("/"), folder_parts) for glob, _ in self._globs)


def _only_wildcards(segment: str) -> bool:
    return set(segment) <= {"*", "?"}


def _glob_regex(glob: str) -> re.Pattern[str]:
    pattern = ""
    segments = glob.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            pattern += ".*" if last else "(?:[^/]+/)*"
            continue
        pattern += _segment_pattern(segment) + ("" if last else "/")
    return re.compile(pattern)


def _segment_pattern(segment: str) -> str:
    return "".join("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
                   for char in segment)


def _segment_regex(segment: str) -> re.Pattern[str]:
    return re.compile(_segment_pattern(segment))


def _prefix_may_match(glob_segments: list[str], folder_parts: tuple[str, ...]) -> bool:
    for index, part in enumerate(folder_parts):
        if index >= len(glob_segments) - 1:
            # The glob's last segment names the entry itself, not something below the folder.
            return glob_segments[min(index, len(glob_segments) - 1)] == "**"
        segment = glob_segments[index]
        if segment == "**":
            return True
        if not _segment_regex(segment).fullmatch(part):
            return False
    return True
