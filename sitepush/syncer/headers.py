"""The headers of every object: sitepush's default Cache-Control, then the ``[[deploy.headers]]`` rules.

For one key, :func:`headers_for` starts from the built-in Content-Type and the first matching
:data:`DEFAULT_RULES` entry, then applies **every** ``[[deploy.headers]]`` rule whose glob matches
the key, in file order: a field a rule sets replaces what the defaults or an earlier rule set (so
general rules go first, exceptions after); user metadata merges by name. A field set to ``""``
removes that header (Content-Type cannot be removed: ``""`` restores the built-in type).

Globs match the key relative to the deploy prefix, with the syntax of the ``allow`` globs
(:func:`sitepush.syncer.local.glob_regex`): ``*``/``?`` within a folder, ``**`` across folders; and as
.gitignore reads them, a glob without ``/`` matches the file name at any depth, so ``*.html`` is every
page and ``/*.html`` only the top folder's (:func:`rule_regex`). A rule that matches no key is warned
about with its sitepush.toml line.

The defaults (first match wins), and why:

* HTML pages — ``public, max-age=0, must-revalidate``: a deploy must show at once, and a
  revalidation is a 304 without a body.
* HLS/DASH playlists (``.m3u8``, ``.mpd``) — ``public, max-age=2``: a live playlist changes with
  every segment (2 s or more), so it is never cached longer than one.
* feeds, sitemaps, ``robots.txt`` (XML, Atom, RSS, ``feed.json``) — ``public, max-age=300``: robots
  poll them; five minutes of lag is harmless and spares the origin.
* media segments (``.ts``, ``.m4s``) — ``public, max-age=86400``: a segment name is not reused while
  its stream runs; a day, not a year and not ``immutable``, because a re-encoded video may reuse names.
* fingerprinted assets (``app.3f9a2b1c.js``) — ``public, max-age=31536000, immutable``: the name
  changes whenever the bytes do, so the old name can be kept forever.
* CSS, JS, JSON, WASM and web manifests without a fingerprint — ``public, max-age=0,
  must-revalidate``: pages reference them under a fixed name and change together with them (the
  default theme's ``/assets/style.css``); an hour of old CSS under new HTML is a broken page.
* other assets (images, fonts, media, documents) — ``public, max-age=3600``: rarely changed in
  place, and an hour-old image is still a correct page, while repeat views skip a round trip.
* redirect objects — ``max-age=300`` (:data:`REDIRECT_CACHE_CONTROL`).

"Fingerprinted" means a hex hash of 8 or more characters in the file name, between ``.``, ``-`` or
``_`` and the extension (``app.3f9a2b1c.js``, ``style-5d41402abc4b2a76.css``), holding at least one
digit and one letter: dates and camera numbers (``IMG_20240115.jpg``) are not hashes, and a name
cached for a year by mistake cannot be taken back. Base64-style hashes (Vite's ``index-BxK3a9_Z.js``)
are not recognised; mark them with a rule such as ``glob = "assets/**"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sitepush.config import CONFIG_NAME, HeaderRule
from sitepush.errors import ConfigError
from sitepush.syncer.local import glob_regex
from sitepush.syncer.model import ObjectHeaders

REVALIDATE = "public, max-age=0, must-revalidate"
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_HOUR = "public, max-age=3600"
ONE_DAY = "public, max-age=86400"
FIVE_MINUTES = "public, max-age=300"
PLAYLIST = "public, max-age=2"

REDIRECT_CACHE_CONTROL = "max-age=300"
"""A 301 is cached by browsers for good unless told otherwise, so a mistaken redirect could never be
taken back. Five minutes bounds that, while CloudFront still absorbs bursts to old URLs."""
REDIRECT_CONTENT_TYPE = "text/html; charset=utf-8"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FINGERPRINT = re.compile(r"(?:^|[._-])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,}[._-]")
_METADATA_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
_HEADER_FIELDS = ("cache_control", "content_type", "content_encoding", "content_disposition",
                  "content_language", "storage_class", "sse", "sse_kms_key_id")
_REDIRECT_FIELDS = ("storage_class", "sse", "sse_kms_key_id")
"""What a rule may set on a redirect object: where and how it is stored, never how it is cached or
described (it has no body, and a year-long rule for ``assets/**`` must not freeze a redirect)."""


@dataclass(frozen=True)
class DefaultRule:
    """One built-in Cache-Control choice; the first rule that matches a key applies."""

    name: str
    cache_control: str
    content_types: tuple[str, ...] = ()
    """Content-Type prefixes it covers."""
    extensions: frozenset[str] = frozenset()
    """Lower-case extensions (no dot) it covers."""
    names: frozenset[str] = frozenset()
    """Lower-case file names it covers."""
    fingerprinted: bool = False
    """Covers only names holding a content hash (see the module docstring)."""

    def matches(self, site_key: str, content_type: str) -> bool:
        """Does this rule cover the object ``site_key`` of type ``content_type``?"""
        name = site_key.rsplit("/", 1)[-1]
        if self.fingerprinted:
            return is_fingerprinted(name)
        name = name.lower()
        extension = name.rpartition(".")[2] if "." in name else ""
        return (content_type.startswith(self.content_types) or extension in self.extensions
                or name in self.names)


DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule("HTML page", REVALIDATE, content_types=_HTML_TYPES),
    DefaultRule("streaming playlist", PLAYLIST, extensions=frozenset({"m3u8", "mpd"})),
    DefaultRule("feed, sitemap or robots.txt", FIVE_MINUTES,
                content_types=("application/atom+xml", "application/rss+xml", "application/xml"),
                names=frozenset({"robots.txt", "feed.json"})),
    DefaultRule("media segment", ONE_DAY, extensions=frozenset({"ts", "m4s"})),
    DefaultRule("fingerprinted asset", IMMUTABLE, fingerprinted=True),
    DefaultRule("script or style", REVALIDATE,
                extensions=frozenset({"css", "js", "mjs", "cjs", "json", "map", "wasm", "webmanifest"})),
    DefaultRule("other asset", ONE_HOUR, content_types=("",)),
)
"""sitepush's Cache-Control choices, most specific first; the last one covers everything."""


def is_fingerprinted(name: str) -> bool:
    """Does the file name hold a content hash (8+ lower-case hex characters with a digit and a letter)?"""
    return _FINGERPRINT.search(name) is not None


def default_cache_control(site_key: str, content_type: str) -> str:
    """The Cache-Control of the first :data:`DEFAULT_RULES` entry covering the object."""
    for rule in DEFAULT_RULES:
        if rule.matches(site_key, content_type):
            return rule.cache_control
    return ONE_HOUR


def headers_for(site_key: str, content_type: str, rules: Sequence[HeaderRule]) -> ObjectHeaders:
    """The headers of the file uploaded as ``site_key`` (relative to the prefix) of the built-in
    ``content_type``: the defaults, then every matching rule in order, a later one winning per field.

    Raises ConfigError for metadata S3 cannot store or a KMS key id without ``sse = "aws:kms"``.
    """
    fields: dict[str, str | None] = {name: None for name in _HEADER_FIELDS}
    fields["content_type"] = content_type
    fields["cache_control"] = default_cache_control(site_key, content_type)
    metadata = _apply_rules(site_key, rules, fields, _HEADER_FIELDS)
    if not fields["content_type"]:
        fields["content_type"] = content_type
    return _headers(site_key, fields, metadata, redirect=None)


def redirect_headers(site_key: str, location: str, rules: Sequence[HeaderRule]) -> ObjectHeaders:
    """The headers of the zero-byte redirect object ``site_key``: an HTML type, five minutes of
    caching, and only the storage, encryption and metadata fields of the matching rules."""
    fields: dict[str, str | None] = {name: None for name in _HEADER_FIELDS}
    fields["content_type"] = REDIRECT_CONTENT_TYPE
    fields["cache_control"] = REDIRECT_CACHE_CONTROL
    metadata = _apply_rules(site_key, rules, fields, _REDIRECT_FIELDS)
    return _headers(site_key, fields, metadata, redirect=location)


@lru_cache(maxsize=256)
def rule_regex(glob: str) -> re.Pattern[str]:
    """The keys a header rule's glob covers, read as .gitignore reads a pattern: a glob without ``/``
    matches the file name at any depth (``*.html`` is every page), one with ``/`` matches from the top
    (a leading ``/`` only anchors it there)."""
    if "/" not in glob:
        return glob_regex("**/" + glob)
    return glob_regex(glob.removeprefix("/"))


def unmatched_rules(rules: Sequence[HeaderRule], site_keys: Iterable[str]) -> list[int]:
    """Indexes of the rules whose glob covers none of ``site_keys`` (probably a mistake worth a warning)."""
    patterns = [rule_regex(rule.glob) for rule in rules]
    unmatched = set(range(len(rules)))
    for key in site_keys:
        for index in [i for i in unmatched if patterns[i].fullmatch(key)]:
            unmatched.discard(index)
        if not unmatched:
            break
    return sorted(unmatched)


def check_rules(rules: Sequence[HeaderRule]) -> None:
    """Raise ConfigError for the first rule S3 would refuse, before any key is looked at."""
    for rule in rules:
        rule_regex(rule.glob)
        _metadata(rule)


def _apply_rules(site_key: str, rules: Sequence[HeaderRule], fields: dict[str, str | None],
                 names: Sequence[str]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for rule in rules:
        if not rule_regex(rule.glob).fullmatch(site_key):
            continue
        for name in names:
            value = getattr(rule, name)
            if value is not None:
                fields[name] = value or None
        metadata.update(_metadata(rule))
    return metadata


def _headers(site_key: str, fields: Mapping[str, str | None], metadata: Mapping[str, str],
             redirect: str | None) -> ObjectHeaders:
    if fields["sse_kms_key_id"] and fields["sse"] != "aws:kms":
        raise ConfigError(f'[[deploy.headers]] give {site_key} an sse_kms_key_id but sse is '
                          f'{fields["sse"] or "unset"}', file=CONFIG_NAME,
                          hint='add sse = "aws:kms" to the rule that names the key')
    content_type = fields["content_type"]
    assert content_type is not None
    return ObjectHeaders(
        content_type=content_type, cache_control=fields["cache_control"],
        content_encoding=fields["content_encoding"], content_disposition=fields["content_disposition"],
        content_language=fields["content_language"], metadata=tuple(sorted(metadata.items())),
        storage_class=fields["storage_class"], sse=fields["sse"], sse_kms_key_id=fields["sse_kms_key_id"],
        redirect=redirect,
    )


def _metadata(rule: HeaderRule) -> dict[str, str]:
    """The rule's metadata as S3 stores it: lower-case names, ASCII text values."""
    result: dict[str, str] = {}
    for name, value in rule.metadata.items():
        where = f'[[deploy.headers]] glob = "{rule.glob}": metadata "{name}"'
        if not _METADATA_NAME.fullmatch(name):
            raise ConfigError(f"{where} is not a header name", file=CONFIG_NAME,
                              hint="use letters, digits and `-`, e.g. author-id")
        text = _metadata_text(value)
        if text is None or not text.isascii() or not text.isprintable():
            raise ConfigError(f"{where} must be printable ASCII text", file=CONFIG_NAME,
                              hint="S3 sends metadata as HTTP headers; write a plain string")
        # S3 lower-cases metadata names; recording them so keeps the header hash equal to S3's view.
        result[name.lower()] = text
    return result


def _metadata_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None
