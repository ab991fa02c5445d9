"""The local side of every deploy: which files of the built folder become which S3 keys.

:func:`scan_site` walks the folder and decides, for every entry, upload or skip (with a reason):

* dotfiles and dot-folders are skipped, except ``.well-known/`` at the top (RFC 8615);
* secret-looking names (:data:`SECRET_PATTERNS`) are skipped even inside an allowed folder, unless an
  ``allow`` glob names them explicitly (its last segment is more than wildcards, e.g. ``keys/*.pem``);
* a symlink is read as the file it points to only while it stays inside the folder; links out of it,
  broken links, loops and special files (FIFOs, sockets) are skipped;
* a name with a control character (newline, ESC …) or a backslash is skipped: no link reaches it;
* keys are ``/``-separated, NFC-normalised UTF-8; two files with the same key stop the deploy.

Then every kept file is hashed (:mod:`sitepush.syncer.hashing`): with a :class:`HashCache` a file
whose stat is unchanged is not read, so a scan of an unchanged folder only lists and stats it.

Globs (``allow`` here, ``[[deploy.headers]]`` too) match whole keys: ``*`` and ``?`` stay within one
segment, ``**`` as a whole segment spans any number of segments, ``[abc]``/``[!abc]`` match one
character of a set (``[[]`` is a literal ``[``).

The scan touches only the filesystem, so its tests need no server.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from pathlib import Path

from sitepush.errors import DeployError, printable
from sitepush.syncer.content_types import content_type_for
from sitepush.syncer.hashing import READ_SIZE, FileChangedWhileHashing, HashCache
from sitepush.syncer.leaks import MAX_CHECKED_BYTES, secret_in

CHUNK_SIZE = READ_SIZE
MAX_KEY_BYTES = 1024  # S3's limit on a key's UTF-8 length (docs: "Naming Amazon S3 objects")

SECRET_PATTERNS: tuple[str, ...] = (
    # environment files, version control, cloud and package-registry credentials
    ".env*", ".git", ".aws", ".ssh", ".docker", ".npmrc", ".pypirc", ".netrc",
    "credentials*.json", "*service-account*.json", "secrets.*", "*.secret*", "*.tfstate*",
    # private keys and key stores: PEM, OpenSSH (id_rsa, id_ecdsa, id_dsa, id_ed25519, … but not
    # the .pub halves, see SECRET_EXCEPTIONS), PuTTY, PKCS#12, Java
    "*.pem", "*.key", "id_*", "*.ppk", "*.p12", "*.pfx", "*.jks", "*.keystore",
    # editor and server-code backups: a wp-config.php.bak is served as text, source and passwords
    "*.bak", "*.orig", "*.old", "*~", "*.swp", "*.php.*",
    ".DS_Store",
)
"""Names (of a file or of a folder anywhere in a path) that are never uploaded unless allowed explicitly.

Matched case-insensitively against every segment of a path, so ``.docker/config.json`` and
``.aws/credentials`` are skipped through their folder."""

SECRET_EXCEPTIONS: tuple[str, ...] = ("id_*.pub",)
"""Names that match :data:`SECRET_PATTERNS` but are public by design (an OpenSSH public key)."""

# One case-insensitive regex for all of them: the scan tests every segment of every path.
_SECRET_NAME = re.compile("|".join(translate(p) for p in SECRET_PATTERNS), re.IGNORECASE)
_PUBLIC_NAME = re.compile("|".join(translate(p) for p in SECRET_EXCEPTIONS), re.IGNORECASE)
# C0 and C1 control characters and DEL: a name holding one cannot be typed in a URL, and printed
# raw it would drive the terminal (ESC), or end a log line early (newline).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

HASH_THREADS = 4
"""Files hashed at once on a cold scan: MD5 releases the GIL, and reads overlap on a cold disk."""

DOTFILE = "dotfile"
SECRET = "secret-looking"
SYMLINK_OUT = "symlink out of the site"
SYMLINK_LOOP = "symlink loop"
SYMLINK_BROKEN = "broken symlink"
NOT_A_FILE = "not a regular file"
CONTROL_CHARACTER = "control character in the name"
BACKSLASH = "backslash in the name"
"""A browser turns ``\\`` in a URL into ``/``, so a key holding one is out of reach of every link."""
HOLDS_SECRET = "holds {}"
"""The reason of a file skipped for its content: ``holds a private key`` (see :mod:`leaks`)."""


@dataclass(frozen=True)
class LocalFile:
    """One file to upload: its key (without the deploy prefix), where it is, and what it holds."""

    key: str
    path: Path
    size: int
    md5: str
    """Hex MD5 of the bytes: S3's ETag for a single-part upload, and Content-MD5 once base64'd."""
    etag: str
    """The ETag S3 reports after sitepush uploads the file: ``md5``, or the multipart ETag for a file
    at or above the scan's multipart threshold (:attr:`HashCache.threshold`)."""
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


def scan_site(root: Path, *, allow: Sequence[str] = (), hashes: HashCache | None = None) -> LocalSite:
    """Walk the built folder ``root`` and hash every file that will be uploaded.

    ``allow`` lists globs over keys that are uploaded although they would be skipped as dotfiles
    or secret-looking names. ``hashes`` serves the hashes of files whose stat is unchanged (the
    caller loads and saves it) and sets the multipart threshold of the ETags; without it every file
    is read, for the default threshold (64 MiB). Raises DeployError for a missing
    folder, an unreadable file, a name that is not UTF-8 or too long for S3, and two files that
    normalise to the same key.
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
    found, skipped = _walk(root, real_root, rules)
    cache = hashes if hashes is not None else HashCache()
    files, findings = _hash_all(found, cache)
    if findings:
        held = {key for key in findings if not rules.allows_explicitly(key)}
        files = tuple(f for f in files if f.key not in held)
        skipped += [SkippedFile(item.rel, HOLDS_SECRET.format(findings[item.key]))
                    for item in found if item.key in held]
    return LocalSite(files=files, skipped=tuple(sorted(skipped, key=lambda s: s.rel)))


@dataclass(frozen=True)
class _Found:
    """A file the walk keeps, before it is hashed."""

    key: str
    rel: str
    path: str
    info: os.stat_result


def _walk(root: Path, real_root: str, rules: _AllowRules) -> tuple[list[_Found], list[SkippedFile]]:
    """Every file to upload (sorted by key) and every entry skipped, without reading any file."""
    found: dict[str, _Found] = {}
    skipped: list[SkippedFile] = []
    root_stat = os.stat(real_root)
    # Each stack entry is a folder to list, its path relative to root, the identities of the real
    # folders above it (so that a symlink back to an ancestor is recognised as a loop), and whether
    # its path is clean (no dotted or secret-looking segment), which spares re-checking every segment.
    stack: list[tuple[str, tuple[str, ...], frozenset[tuple[int, int]], bool]] = [
        (os.path.abspath(root), (), frozenset({(root_stat.st_dev, root_stat.st_ino)}), True)
    ]
    while stack:
        folder, parts, ancestors, clean = stack.pop()
        for entry in _list_folder(folder, parts):
            entry_parts = (*parts, entry.name)
            rel = "/".join(entry_parts)
            is_dir = _is_dir(entry)
            odd = CONTROL_CHARACTER if _CONTROL.search(entry.name) else BACKSLASH if "\\" in entry.name else None
            if odd is not None:
                skipped.append(SkippedFile(rel + "/" if is_dir else rel, odd))
                continue
            name_clean = not entry.name.startswith(".") and not _is_secret(entry.name)
            reason = None if clean and name_clean else _skip_reason(entry_parts, is_dir, rules)
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
                    stack.append((entry.path, entry_parts, ancestors | {identity}, clean and name_clean))
                continue
            if reason is not None:
                skipped.append(SkippedFile(rel, reason))
                continue
            if not stat.S_ISREG(info.st_mode):
                skipped.append(SkippedFile(rel, NOT_A_FILE))
                continue
            key = key_for(rel)
            if key in found:
                # The two names look identical on screen, so they are shown escaped.
                first, second = sorted((found[key].rel, rel))
                raise DeployError(f"two files are both uploaded as the key {key}: {first!a} and {second!a}",
                                  hint="rename one of them: their names differ only in Unicode form")
            found[key] = _Found(key, rel, entry.path, info)
    return [found[key] for key in sorted(found)], skipped


def _hash_all(found: Sequence[_Found], cache: HashCache) -> tuple[tuple[LocalFile, ...], dict[str, str]]:
    """The files with their hashes, in key order, and what the content check found (key → what);
    only what the cache cannot answer for is read, and only what is read is checked."""
    cached = [cache.lookup(item.path, item.info) for item in found]
    read = iter(_read_all([item for item, known in zip(found, cached) if known is None], cache))
    files: list[LocalFile] = []
    findings: dict[str, str] = {}
    for item, known in zip(found, cached):
        md5, etag, finding = (*known, None) if known is not None else next(read)
        if finding is not None:
            findings[item.key] = finding
        files.append(LocalFile(key=item.key, path=Path(item.path), size=item.info.st_size, md5=md5,
                               etag=etag, content_type=content_type_for(item.key)))
    return tuple(files), findings


def _read_all(items: Sequence[_Found], cache: HashCache) -> list[tuple[str, str, str | None]]:
    """Hashes of ``items`` in order, read on a few threads in contiguous batches: a future per file
    would cost more than a whole warm scan, and the first failure raised is the first in key order."""
    size = max(2, -(-len(items) // (HASH_THREADS * 4)))
    batches = [items[start:start + size] for start in range(0, len(items), size)]
    with ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="sitepush-hash") as pool:
        return [triple for batch in pool.map(lambda b: [_read_hashes(i, cache) for i in b], batches)
                for triple in batch]


def _read_hashes(item: _Found, cache: HashCache) -> tuple[str, str, str | None]:
    try:
        return cache.read(item.path, item.info, inspect=secret_in, inspect_below=MAX_CHECKED_BYTES)
    except FileChangedWhileHashing:
        raise DeployError(f"{printable(item.rel)} changed while it was being read",
                          hint="let the build finish, then rerun the deploy") from None
    except OSError as error:
        raise DeployError(f"cannot read {printable(item.rel)}: {error.strerror}",
                          hint="check its permissions, then rerun") from None


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
    """What the deploy left out, why, and how to upload it anyway; ``""`` if nothing.

    ``skipped 2 files: .env (secret-looking), link (symlink out of the site)``, then, when some of them
    can be allowed, a second line with the ``[deploy] allow`` that would upload them. Files skipped
    for a secret (their name or their content) are always named; of the others, ``limit`` are, and
    the rest counted. Names are escaped (:func:`~sitepush.errors.printable`).
    """
    if not skipped:
        return ""
    secret = [s for s in skipped if _is_secret_reason(s.reason)]
    other = [s for s in skipped if not _is_secret_reason(s.reason)]
    named = secret + other[:max(0, limit - len(secret))]
    shown = ", ".join(f"{printable(s.rel)} ({s.reason})" for s in named)
    more = f", and {len(skipped) - len(named)} more" if len(skipped) > len(named) else ""
    noun = "file" if len(skipped) == 1 else "files"
    text = f"skipped {len(skipped)} {noun}: {shown}{more}"
    allowable = [s.rel for s in named if _allowable(s)]
    if allowable:
        globs = ", ".join(printable(_toml_string(rel)) for rel in allowable)
        which = "it" if len(allowable) == 1 else "them"
        text += f"\n  to upload {which} anyway (only if public by design): [deploy] allow = [{globs}]"
    return text


def _is_secret_reason(reason: str) -> bool:
    return reason == SECRET or reason.startswith(HOLDS_SECRET.format(""))


def _allowable(skip: SkippedFile) -> bool:
    """A file (not a folder) skipped for its name or content; links and odd names cannot be allowed."""
    return not skip.rel.endswith("/") and (skip.reason == DOTFILE or _is_secret_reason(skip.reason))


def _toml_string(text: str) -> str:
    # The characters that need escaping in a TOML basic string; a name never holds a control
    # character here (those are skipped before), nor is it allowed to.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scan_warnings(site: LocalSite, *, limit: int = 5) -> list[str]:
    """What is uploaded but will not work as its author expects, one line each (escaped names).

    A ``+`` in a key: the S3 website endpoint decodes ``+`` in a URL path as a space (as in a form
    query), so ``/c++.html`` asks for the key ``c  .html`` and a plain link to the page finds nothing;
    only ``%2B`` reaches it.
    """
    plus = [f.key for f in site.files if "+" in f.key]
    if not plus:
        return []
    shown = ", ".join(printable(key) for key in plus[:limit])
    more = f" and {len(plus) - limit} more" if len(plus) > limit else ""
    noun = "key holds" if len(plus) == 1 else "keys hold"
    return [f'{len(plus)} {noun} a "+" ({shown}{more}): the S3 website endpoint reads "+" in a URL as a space, '
            'so a plain link to it finds nothing — rename it (e.g. "plus" for "+")']


def key_skip_reason(key: str, allow: Sequence[str] = (), data: bytes | None = None) -> str | None:
    """Why the file at ``key`` (``/``-separated, relative to the site) would not be uploaded, or None.

    The same dotfile and secret rules as :func:`scan_site`, for one key, and the same content check
    when ``data`` (the file's bytes) is given: the preview server uses it so that it never serves what
    a deploy would leave out.
    """
    rules = _AllowRules(allow)
    reason = _skip_reason(tuple(key.split("/")), False, rules)
    if reason is None and data is not None and len(data) < MAX_CHECKED_BYTES:
        finding = secret_in(data)
        if finding is not None and not rules.allows_explicitly(key):
            return HOLDS_SECRET.format(finding)
    return reason


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
    return _SECRET_NAME.match(name) is not None and _PUBLIC_NAME.match(name) is None


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


class _AllowRules:
    """The ``allow`` globs, compiled once."""

    def __init__(self, globs: Sequence[str]) -> None:
        self._globs = [(glob, glob_regex(glob)) for glob in globs]

    def allows(self, key: str) -> bool:
        return any(regex.fullmatch(key) for _, regex in self._globs)

    def allows_explicitly(self, key: str) -> bool:
        return any(regex.fullmatch(key) and not _only_wildcards(glob.rsplit("/", 1)[-1])
                   for glob, regex in self._globs)

    def may_allow_below(self, folder_parts: tuple[str, ...]) -> bool:
        """Could some glob match a key inside this folder? Decides whether a skipped folder is entered."""
        return any(_prefix_may_match(glob.split("/"), folder_parts) for glob, _ in self._globs)


def _only_wildcards(segment: str) -> bool:
    return set(_BRACKETS.sub("?", segment)) <= {"*", "?"}


_BRACKETS = re.compile(r"\[!?\]?[^]]*\]")


@lru_cache(maxsize=1024)
def glob_regex(glob: str) -> re.Pattern[str]:
    """The regex (for ``fullmatch``) of a glob over keys; see the module docstring for the syntax.

    Raises DeployError for a ``[range]`` whose ends are reversed.
    """
    pattern = ""
    segments = glob.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            pattern += ".*" if last else "(?:[^/]+/)*"
            continue
        pattern += _segment_pattern(segment) + ("" if last else "/")
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:
        raise DeployError(f'the glob "{glob}" has a [range] written high to low',
                          hint="write ranges low to high, e.g. [0-9a-f]") from None


def _segment_pattern(segment: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        end = _bracket_end(segment, index) if char == "[" else -1
        if end > 0:
            out.append(_class_pattern(segment[index + 1:end]))
            index = end + 1
            continue
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        index += 1
    return "".join(out)


def _bracket_end(segment: str, start: int) -> int:
    """The index of the ``]`` closing the set opened at ``start``, or -1 (then ``[`` is literal)."""
    index = start + 1
    if index < len(segment) and segment[index] == "!":
        index += 1
    if index < len(segment) and segment[index] == "]":
        index += 1  # a ']' first in the set is a member, as in fnmatch
    return segment.find("]", index)


def _class_pattern(body: str) -> str:
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    items: list[str] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            items.append(f"{re.escape(body[index])}-{re.escape(body[index + 2])}")
            index += 3
        else:
            items.append(re.escape(body[index]))
            index += 1
    # Escaping every member keeps re from reading `[[` or `&&` as set operations (a FutureWarning).
    return ("[^/" if negate else "[") + "".join(items) + "]"


@lru_cache(maxsize=1024)
def _segment_regex(segment: str) -> re.Pattern[str]:
    return re.compile(_segment_pattern(segment), re.DOTALL)


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
