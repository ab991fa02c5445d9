"""The deploy manifest: its key, its exact bytes, and a strict reader that never crashes on foreign data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sitepush.syncer.manifest import (
    decode_manifest,
    encode_manifest,
    manifest_entry,
    manifest_key,
    manifest_with_etags,
)
from sitepush.syncer.model import Manifest, ManifestEntry, ObjectHeaders, ObjectSpec, SyncOptions

MD5_A = hashlib.md5(b"a").hexdigest()
MD5_B = hashlib.md5(b"b").hexdigest()
DIGEST = "0123456789abcdef0123456789abcdef"
GOOD_ENTRY = [MD5_A, MD5_A, DIGEST]


def entry(md5: str = MD5_A, etag: str | None = None, headers: str = DIGEST) -> ManifestEntry:
    return ManifestEntry(etag=etag or md5, md5=md5, headers=headers)


def document(**overrides: object) -> bytes:
    base: dict[str, object] = {"format": 1, "generator": "sitepush", "entries": {"a.css": GOOD_ENTRY}}
    base.update(overrides)
    return json.dumps(base).encode()


@pytest.mark.parametrize(("prefix", "state_prefix", "expected"), [
    ("", ".sitepush/", ".sitepush/manifest.json"),
    ("site/", ".sitepush/", "site/.sitepush/manifest.json"),
    ("a/b/", "_state/", "a/b/_state/manifest.json"),
])
def test_manifest_key_is_prefix_then_state_prefix_then_manifest_json(
        prefix: str, state_prefix: str, expected: str) -> None:
    assert manifest_key(SyncOptions(prefix=prefix, state_prefix=state_prefix)) == expected


def test_manifest_entry_records_the_predicted_etag_the_md5_and_the_header_digest() -> None:
    headers = ObjectHeaders(content_type="text/css; charset=utf-8", cache_control="max-age=60")
    spec = ObjectSpec(key="a.css", path=Path("a.css"), size=1, md5=MD5_A, etag="f" * 32 + "-2",
                      headers=headers)
    assert manifest_entry(spec) == ManifestEntry(etag="f" * 32 + "-2", md5=MD5_A, headers=headers.digest())


def test_encoded_manifest_is_compact_sorted_json_with_exact_bytes() -> None:
    manifest = Manifest(entries={"b.css": entry(MD5_B), "a.css": entry(MD5_A, etag="x" * 32 + "-3")})
    assert encode_manifest(manifest) == (
        b'{"entries":{"a.css":["' + b"x" * 32 + b'-3","' + MD5_A.encode() + b'","' + DIGEST.encode()
        + b'"],"b.css":["' + MD5_B.encode() + b'","' + MD5_B.encode() + b'","' + DIGEST.encode()
        + b'"]},"format":1,"generator":"sitepush"}'
    )


def test_equal_manifests_encode_to_equal_bytes_whatever_the_insertion_order() -> None:
    forward = Manifest(entries={"a": entry(MD5_A), "b": entry(MD5_B), "c/d": entry(MD5_A)})
    backward = Manifest(entries={"c/d": entry(MD5_A), "b": entry(MD5_B), "a": entry(MD5_A)})
    assert encode_manifest(forward) == encode_manifest(backward)


def test_non_ascii_keys_are_escaped_so_the_bytes_are_ascii_and_round_trip() -> None:
    manifest = Manifest(entries={"café/menü.html": entry(), "dir with space/x.css": entry(MD5_B)})
    data = encode_manifest(manifest)
    assert data.isascii()
    assert b"caf\\u00e9/men\\u00fc.html" in data
    assert decode_manifest(data) == manifest


@pytest.mark.parametrize("entries", [
    {},
    {"index.html": entry()},
    {"big.mp4": entry(MD5_A, etag="0" * 32 + "-12"), "k": entry(MD5_B, etag="custom-etag.from:minio")},
])
def test_decode_reads_back_what_encode_wrote(entries: dict[str, ManifestEntry]) -> None:
    manifest = Manifest(entries=entries)
    assert decode_manifest(encode_manifest(manifest)) == manifest


@pytest.mark.parametrize(("data", "why"), [
    (b"", "empty"),
    (b"not json", "not JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[]", "a list"),
    (b"null", "null"),
    (document(format=2), "a future format"),
    (document(format=True), "a bool for the format"),
    (document(format="1"), "a string for the format"),
    (document(format=1.0), "a float for the format"),
    (document(generator="hugo"), "another generator"),
    (document(extra=1), "an unknown field"),
    (json.dumps({"format": 1, "generator": "sitepush"}).encode(), "no entries"),
    (document(entries=[]), "entries as a list"),
    (document(entries={"a.css": GOOD_ENTRY[:2]}), "an entry of two values"),
    (document(entries={"a.css": [*GOOD_ENTRY, "v1", "x"]}), "an entry of five values"),
    (document(entries={"a.css": [*GOOD_ENTRY, "bad version"]}), "a version id S3 could not give"),
    (document(entries={"a.css": {"etag": MD5_A}}), "an entry as an object"),
    (document(entries={"a.css": [MD5_A, 5, DIGEST]}), "a number for the MD5"),
    (document(entries={"a.css": [MD5_A, MD5_A.upper(), DIGEST]}), "an upper-case MD5"),
    (document(entries={"a.css": [MD5_A, MD5_A[:31], DIGEST]}), "a short MD5"),
    (document(entries={"a.css": [MD5_A, MD5_A, "xyz"]}), "a header digest that is not 32 hex"),
    (document(entries={"a.css": ["", MD5_A, DIGEST]}), "an empty ETag"),
    (document(entries={"a.css": [f'"{MD5_A}"', MD5_A, DIGEST]}), "an ETag with its quotes"),
    (document(entries={"a.css": ["a b", MD5_A, DIGEST]}), "an ETag with a space"),
    (document(entries={"": GOOD_ENTRY}), "an empty key"),
    (b'{"format":1,"format":1,"generator":"sitepush","entries":{}}', "a duplicate field"),
    (b'{"format":1,"generator":"sitepush","entries":{"a":' + json.dumps(GOOD_ENTRY).encode()
     + b',"a":' + json.dumps(GOOD_ENTRY).encode() + b"}}", "a duplicate key"),
    (b'{"format":NaN,"generator":"sitepush","entries":{}}', "NaN"),
    (b"[" * 100_000 + b"]" * 100_000, "nesting deep enough to exhaust the recursion limit"),
    (encode_manifest(Manifest(entries={"a": entry()}))[:-1], "truncated bytes"),
])
def test_decode_returns_none_for_anything_but_a_format_1_sitepush_manifest(data: bytes, why: str) -> None:
    assert decode_manifest(data) is None, why


def test_manifest_with_etags_records_the_etags_s3_reported_for_the_written_keys() -> None:
    planned = Manifest(entries={"a.css": entry(MD5_A), "b.css": entry(MD5_B)})
    updated = manifest_with_etags(planned, {"a.css": '"kms0000000000000000000000000000"', "gone.css": MD5_A})
    assert updated == Manifest(entries={
        "a.css": ManifestEntry(etag="kms0000000000000000000000000000", md5=MD5_A, headers=DIGEST),
        "b.css": entry(MD5_B),
    })
    assert planned.entries["a.css"].etag == MD5_A


def test_manifest_with_the_predicted_etags_is_equal_to_the_plan() -> None:
    planned = Manifest(entries={"a.css": entry(MD5_A)})
    assert manifest_with_etags(planned, {"a.css": f'"{MD5_A}"'}) == planned


def test_the_header_digest_is_the_same_in_every_version_so_an_upgrade_rewrites_nothing() -> None:
    # Pinned values: a different digest for the same headers would make every object of every
    # deployed site look re-headered after an upgrade, and each would be copied onto itself.
    headers = ObjectHeaders(content_type="text/html; charset=utf-8",
                            cache_control="public, max-age=0, must-revalidate",
                            metadata=(("a", "1"), ("b", "2")), redirect="/x/")
    assert headers.digest() == "cc1ebc77fa7e806359f61e63dd3efaed"
    assert ObjectHeaders(content_type="image/png").digest() == "8e1e262d1cef0c3956a7aec24cbebd97"


def test_a_version_id_is_kept_as_a_fourth_value_only_when_there_is_one() -> None:
    plain = Manifest(entries={"a.css": ManifestEntry(etag=MD5_A, md5=MD5_A, headers="0" * 32)})
    versioned = Manifest(entries={"a.css": ManifestEntry(etag=MD5_A, md5=MD5_A, headers="0" * 32,
                                                         version="3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")})
    assert b'"0000' in encode_manifest(plain) and b"3HL4" not in encode_manifest(plain)
    assert decode_manifest(encode_manifest(versioned)) == versioned
    assert decode_manifest(encode_manifest(plain)) == plain
