"""The remote side: one ListObjectsV2 pass and one manifest GET, on moto's server over HTTP; the bucket check."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sitepush.aws import make_client
from sitepush.errors import AwsRefused, DeployError
from sitepush.sandbox import Sandbox
from sitepush.syncer.manifest import encode_manifest
from sitepush.syncer.model import Manifest, ManifestEntry, RemoteObject, SyncOptions
from sitepush.syncer.remote import (
    _EMPTY_LISTING,
    _parse_listing,
    ensure_bucket,
    list_remote,
    listing_ranges,
)

_numbers = itertools.count()
MD5_A = "0cc175b9c0f1b6a831c399e269772661"  # md5(b"a")
DIGEST = "0123456789abcdef0123456789abcdef"


def fresh_bucket(s3: Any) -> str:
    bucket = f"remote-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    return bucket


def put(s3: Any, bucket: str, objects: Mapping[str, bytes]) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda item: s3.put_object(Bucket=bucket, Key=item[0], Body=item[1]), objects.items()))


def fill_directly(bucket: str, objects: Mapping[str, bytes]) -> None:
    """Many objects at once, written into the server's (in-process) moto backend: setup, not traffic."""
    from moto.core import DEFAULT_ACCOUNT_ID  # type: ignore[attr-defined]
    from moto.s3.models import s3_backends

    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for key, data in objects.items():
        backend.put_object(bucket, key, data)


class Watched:
    """An S3 client whose calls are recorded through botocore's events: real traffic, observed."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.client = sandbox.client("s3", max_pool=16)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.client.meta.events.register("before-parameter-build.s3", self._record)

    def _record(self, params: Mapping[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def operations(self) -> list[str]:
        return sorted(name for name, _ in self.calls)


@pytest.fixture()
def watched(sandbox: Sandbox) -> Watched:
    return Watched(sandbox)


def test_a_listing_of_2001_keys_is_three_pages_of_at_most_1000_and_no_get_without_a_manifest(
        watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    fill_directly(bucket, {f"page/{n:04}.html": b"a" for n in range(2001)})
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions())
    assert watched.operations() == ["ListObjectsV2", "ListObjectsV2", "ListObjectsV2"]
    assert {params.get("MaxKeys") for name, params in watched.calls if name == "ListObjectsV2"} == {1000}
    assert len(state.objects) == 2001
    assert state.objects["page/0000.html"] == RemoteObject(key="page/0000.html", etag=MD5_A, size=1)
    assert (state.manifest, state.manifest_etag) == (None, None)


def test_the_listing_stays_inside_the_prefix_and_leaves_out_sitepushs_own_state(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    put(s3, bucket, {"site/index.html": b"a", "site/.sitepush/manifest.json": b"{}",
                     "site/.sitepush/other": b"a", "sitemap.xml": b"a", "site-old/index.html": b"a",
                     "site/.well-known/security.txt": b"a"})
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions(prefix="site/"))
    assert sorted(state.objects) == ["site/.well-known/security.txt", "site/index.html"]
    assert [params["Prefix"] for name, params in watched.calls if name == "ListObjectsV2"] == ["site/"]
    assert [params["Key"] for name, params in watched.calls if name == "GetObject"] == [
        "site/.sitepush/manifest.json"]


MANIFEST = Manifest(entries={"index.html": ManifestEntry(etag=MD5_A, md5=MD5_A, headers=DIGEST)})


def test_the_manifest_is_read_with_one_get_and_its_etag_and_a_foreign_one_is_none(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    response = s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json", Body=encode_manifest(MANIFEST))
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions())
    assert watched.operations() == ["GetObject", "ListObjectsV2"]
    assert (state.manifest, state.manifest_etag, state.objects) == (MANIFEST, response["ETag"].strip('"'), {})
    s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json", Body=b'{"written by": "another tool"}')
    assert list_remote(s3, bucket, SyncOptions()).manifest is None


def test_a_known_manifest_with_the_listed_etag_is_not_downloaded_again(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    etag = s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json",
                         Body=encode_manifest(MANIFEST))["ETag"].strip('"')
    put(s3, bucket, {"index.html": b"a"})
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions(), known_manifest=(etag, MANIFEST))
    assert watched.operations() == ["ListObjectsV2"]
    assert (state.manifest, state.manifest_etag, list(state.objects)) == (MANIFEST, etag, ["index.html"])


def test_a_known_manifest_with_another_etag_is_replaced_by_the_one_in_the_bucket(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    etag = s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json",
                         Body=encode_manifest(MANIFEST))["ETag"].strip('"')
    stale = Manifest(entries={})
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions(), known_manifest=("0" * 32, stale))
    assert watched.operations() == ["GetObject", "ListObjectsV2"]
    assert (state.manifest, state.manifest_etag) == (MANIFEST, etag)
    s3.delete_object(Bucket=bucket, Key=".sitepush/manifest.json")
    assert list_remote(s3, bucket, SyncOptions(), known_manifest=(etag, MANIFEST)).manifest is None


def test_known_keys_split_a_listing_into_ranges_that_each_fill_one_page() -> None:
    keys = [f"k{n:04}" for n in range(2500)]
    assert listing_ranges(keys, page_size=1000) == [(None, "k0999"), ("k0999", "k1999"), ("k1999", None)]


def test_a_known_listing_of_exactly_one_or_two_full_pages_has_no_empty_range_at_its_end() -> None:
    assert listing_ranges([f"k{n:04}" for n in range(1000)], page_size=1000) == [(None, None)]
    assert listing_ranges([f"k{n:04}" for n in range(2000)], page_size=1000) == [(None, "k0999"),
                                                                                  ("k0999", None)]
    assert listing_ranges([], page_size=1000) == [(None, None)]


def test_ranges_follow_s3s_utf8_byte_order_not_the_order_the_keys_came_in() -> None:
    keys = ["\u00e9t\u00e9.html", "Zebra.html", "a.html", "\U0001f600.html", "~.html"]
    assert listing_ranges(keys, page_size=1) == [
        (None, "Zebra.html"), ("Zebra.html", "a.html"), ("a.html", "~.html"),
        ("~.html", "\u00e9t\u00e9.html"), ("\u00e9t\u00e9.html", None)]
    assert sorted(keys) == sorted(keys, key=lambda k: k.encode("utf-8"))


def _known(keys: list[str]) -> Manifest:
    return Manifest(entries={k: ManifestEntry(etag=MD5_A, md5=MD5_A, headers=DIGEST) for k in keys})


def test_with_a_known_manifest_the_pages_are_asked_for_side_by_side_with_the_same_requests(
        watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    keys = [f"page/{n:04}.html" for n in range(2999)]
    fill_directly(bucket, dict.fromkeys(keys, b"a"))
    manifest = _known(keys)
    etag = s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json",
                         Body=encode_manifest(manifest))["ETag"].strip('"')
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions(), known_manifest=(etag, manifest))
    listings = [params for name, params in watched.calls if name == "ListObjectsV2"]
    assert watched.operations() == ["ListObjectsV2"] * 3
    assert sorted(params.get("StartAfter", "") for params in listings) == [
        "", "page/0998.html", "page/1998.html"]
    assert sorted(state.objects) == keys
    assert (state.manifest, state.manifest_etag) == (manifest, etag)


def test_a_bucket_that_drifted_from_the_known_manifest_is_still_listed_exactly(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    known = [f"page/{n:04}.html" for n in range(3000)]
    now = [k for k in known if not k.endswith(("3.html", "7.html"))]  # 600 deleted by someone else
    now += [f"page/{n:04}-extra.html" for n in range(0, 3000, 2)]      # 1,500 written by someone else
    fill_directly(bucket, dict.fromkeys(now, b"a"))
    watched.calls.clear()
    state = list_remote(s3, bucket, SyncOptions(), known_manifest=("0" * 32, _known(known)))
    assert sorted(state.objects) == sorted(now)
    assert (state.manifest, state.manifest_etag) == (None, None)  # no manifest in the bucket: none known
    pages = watched.operations().count("ListObjectsV2")
    ranges = len(listing_ranges([*known, ".sitepush/manifest.json"]))
    assert ranges == 4
    assert pages <= 2 * ranges  # fewer than 1,000 unknown keys in a range: at most one page more each


@pytest.mark.parametrize("key", [
    "caf\u00e9 menu/index.html", "a b/c d.html", "plus+sign.txt", "percent%20literal.txt",
    "\u65e5\u672c\u8a9e/\u30da\u30fc\u30b8.html", "emoji-\U0001f680.txt", "amp&lt;.txt",
])
def test_non_ascii_and_space_keys_come_back_exactly_as_written(watched: Watched, key: str) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    put(s3, bucket, {key: b"a"})
    assert list(list_remote(s3, bucket, SyncOptions()).objects) == [key]


def test_the_fast_page_parser_reads_exactly_what_botocore_reads(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    put(s3, bucket, {f"{name}/{n}": b"x" * n for n, name in enumerate(
        ["caf\u00e9", "a b", "a+b", "%41", "&amp;", "<tag>", "q?x=1", "\U0001f680", "plain"])})
    fill_directly(bucket, {f"bulk/{n:04}": b"y" for n in range(1500)})
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    by_botocore = {item["Key"]: RemoteObject(item["Key"], item["ETag"].strip('"'), item["Size"])
                   for page in pages for item in page.get("Contents", [])}
    assert list_remote(s3, bucket, SyncOptions()).objects == by_botocore
    assert len(by_botocore) == 1509


def test_the_listing_never_heads_or_downloads_a_site_object(watched: Watched) -> None:
    s3 = watched.client
    bucket = fresh_bucket(s3)
    put(s3, bucket, {f"k{n}": b"a" * n for n in range(50)})
    s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json", Body=encode_manifest(MANIFEST))
    watched.calls.clear()
    list_remote(s3, bucket, SyncOptions())
    assert [(name, params.get("Key")) for name, params in watched.calls if name != "ListObjectsV2"] == [
        ("GetObject", ".sitepush/manifest.json")]


def test_a_missing_bucket_is_one_line_naming_it(sandbox: Sandbox) -> None:
    with pytest.raises(DeployError) as raised:
        list_remote(sandbox.client("s3"), "remote-never-created", SyncOptions(prefix="site/"))
    assert raised.value.render() == (
        "cannot list s3://remote-never-created/site/: the bucket does not exist"
        " — check the bucket name, or create it with `sitepush configure`")


def test_ensure_bucket_creates_a_missing_bucket_and_reuses_an_existing_one(sandbox: Sandbox) -> None:
    s3 = sandbox.client("s3")
    bucket = f"remote-{next(_numbers)}"
    assert ensure_bucket(s3, bucket, "us-east-1") is True
    assert ensure_bucket(s3, bucket, "us-east-1") is False


def test_ensure_bucket_outside_us_east_1_names_its_location_constraint(sandbox: Sandbox) -> None:
    s3 = make_client("s3", region="eu-west-1", endpoint_url=sandbox.endpoint_url,
                     credentials=sandbox.credentials)
    bucket = f"remote-{next(_numbers)}"
    assert ensure_bucket(s3, bucket, "eu-west-1") is True
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "eu-west-1"


def test_ensure_bucket_with_a_name_s3_refuses_says_what_names_are_valid(sandbox: Sandbox) -> None:
    with pytest.raises(DeployError) as raised:
        ensure_bucket(sandbox.client("s3"), "ab", "us-east-1")
    assert raised.value.render() == (
        "cannot create the bucket s3://ab: S3 refuses the name (InvalidBucketName)"
        " — use 3-63 lower-case letters, digits, hyphens and dots, e.g. `bucket = \"my-site\"`")


def test_ensure_bucket_refused_by_the_endpoint_is_aws_refused_with_exit_4(sandbox: Sandbox) -> None:
    s3 = make_client("s3", region="eu-west-1", endpoint_url=sandbox.endpoint_url,
                     credentials=sandbox.credentials)
    bucket = f"remote-{next(_numbers)}"
    with pytest.raises(AwsRefused) as raised:
        ensure_bucket(s3, bucket, "us-east-1")
    assert raised.value.exit_code == 4
    assert raised.value.render() == (
        f"cannot create the bucket s3://{bucket}: The unspecified location constraint is incompatible for "
        "the region specific endpoint this request was sent to. (IllegalLocationConstraintException)"
        " — fix what AWS names above, then rerun")


PAGE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>site</Name>'
        b'<Prefix>p%2F</Prefix><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType>'
        b'<IsTruncated>true</IsTruncated><NextContinuationToken>tok/+=</NextContinuationToken>'
        b'<Contents><Key>p/caf%C3%A9+1</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified>'
        b'<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1</Size>'
        b'<StorageClass>STANDARD</StorageClass></Contents>'
        b'<Contents><Key>p/big</Key><ETag>"abc-2"</ETag><Size>9437184</Size></Contents>'
        b'</ListBucketResult>')


def test_a_listing_page_is_read_into_what_the_paginator_and_key_decoder_expect() -> None:
    response: dict[str, Any] = {"status_code": 200, "body": PAGE}
    parsed: dict[str, Any] = {}
    _parse_listing(response_dict=response, customized_response_dict=parsed)
    assert parsed == {
        "Name": "site", "Prefix": "p%2F", "EncodingType": "url", "IsTruncated": True,
        "NextContinuationToken": "tok/+=",
        "Contents": [{"Key": "p/caf%C3%A9+1", "ETag": '"0cc175b9c0f1b6a831c399e269772661"', "Size": 1},
                     {"Key": "p/big", "ETag": '"abc-2"', "Size": 9437184}]}
    assert response["body"] == _EMPTY_LISTING


@pytest.mark.parametrize(("status", "body"), [
    (200, PAGE.replace(b"<Size>1</Size>", b"")),
    (200, PAGE.replace(b"</Name>", b"</Name><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>")),
    (200, b"<Error><Code>InternalError</Code></Error>"),
    (200, b"not xml at all"),
    (503, PAGE),
])
def test_a_listing_page_the_fast_reader_does_not_expect_is_left_to_botocore(status: int, body: bytes) -> None:
    response: dict[str, Any] = {"status_code": status, "body": body}
    parsed: dict[str, Any] = {}
    _parse_listing(response_dict=response, customized_response_dict=parsed)
    assert (parsed, response["body"]) == ({}, body)
