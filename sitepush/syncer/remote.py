"""The remote side of a deploy: what the bucket holds under the site prefix, read at the request floor.

:func:`list_remote` makes exactly one ``ListObjectsV2`` pass (1,000 keys a page, S3's maximum) and at
most one ``GetObject``, of sitepush's deploy manifest: none when the listing shows no manifest, and
none when it shows the very manifest the caller already knows (same ETag, e.g. kept locally from the
last deploy). Knowing that manifest also tells where each page of the listing will start, so the pages
are asked for side by side instead of one after the other (:func:`listing_ranges`); without it, the
GET starts as soon as the page holding the manifest's key arrives and runs beside the rest. It never HEADs
an object and never downloads one to hash it: header changes are found through the manifest's header
hashes, objects with foreign ETags through the manifest's content hashes (see ``plan_sync``).

The listing's XML is read with ElementTree through botocore's ``before-parse`` hook (the one botocore
uses for its own S3 fixes): botocore's generic parser spends ~0.1 s of CPU on each 1,000-key page,
ElementTree ~5 ms. Anything unexpected in a page is left to botocore's parser.

:func:`ensure_bucket` creates the sandbox's bucket; a real deploy expects the bucket to exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any
from xml.etree import ElementTree

from sitepush.aws import translated_aws_errors
from sitepush.errors import AwsRefused
from sitepush.syncer.manifest import decode_manifest, manifest_key
from sitepush.syncer.model import Manifest, RemoteObject, RemoteState, SyncOptions

LIST_PAGE_SIZE = 1000
"""Keys per ListObjectsV2 page: S3's maximum (docs: ListObjectsV2, ``MaxKeys``)."""

MAX_PARALLEL_PAGES = 16
"""Listing pages asked for at once when the keys are known (see :func:`listing_ranges`)."""

KnownManifest = tuple[str, Manifest]
"""A manifest the caller already holds, with the ETag its object had: ``(etag, manifest)``."""

# us-east-1 is the one region whose CreateBucket must not name a LocationConstraint
# (docs: CreateBucket, "CreateBucketConfiguration").
_DEFAULT_REGION = "us-east-1"
_S3_NAMESPACE = "{http://s3.amazonaws.com/doc/2006-03-01/}"
_EMPTY_LISTING = (b'<?xml version="1.0" encoding="UTF-8"?>'
                  b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ListBucketResult>')
_LISTING_FIELDS = ("Name", "Prefix", "StartAfter", "ContinuationToken", "NextContinuationToken",
                   "EncodingType", "Delimiter")


def list_remote(client: Any, bucket: str, options: SyncOptions, *,
                known_manifest: KnownManifest | None = None) -> RemoteState:
    """The objects under ``options.prefix`` and the deploy manifest sitepush left there.

    sitepush's own keys (under ``prefix + state_prefix``) are not site objects and are left out of
    ``objects``. No manifest, or one sitepush cannot read, is ``manifest=None``: the plan then trusts
    only ETags. ``known_manifest`` spares the GET when the listed manifest has its ETag, and lets the
    listing's pages be asked for side by side (see :func:`listing_ranges`). Raises DeployError or
    AwsRefused naming the bucket.
    """
    key = manifest_key(options)
    known_keys = () if known_manifest is None else (*known_manifest[1].entries, key)
    ranges = listing_ranges(k for k in known_keys if k.startswith(options.prefix))
    with _fast_listing(client), \
            translated_aws_errors(action="list", resource=f"s3://{bucket}/{options.prefix}"):
        if len(ranges) > 1:
            with ThreadPoolExecutor(max_workers=min(len(ranges), MAX_PARALLEL_PAGES),
                                    thread_name_prefix="sitepush-listing") as pool:
                parts = list(pool.map(lambda r: _list_range(client, bucket, options.prefix, *r), ranges))
            listed = [item for part in parts for item in part]
            manifest_etag = next((etag for name, etag, _ in listed if name == key), None)
            return _remote_state(listed, options, manifest_etag,
                                 _known_or_fetched(client, bucket, key, manifest_etag, known_manifest))
        return _list_in_one_pass(client, bucket, options, key, known_manifest)


def listing_ranges(known_keys: Iterable[str],
                   page_size: int = LIST_PAGE_SIZE) -> list[tuple[str | None, str | None]]:
    """``(start_after, last)`` key ranges, one page each if the bucket holds ``known_keys``.

    A listing is a chain of pages, each asking for the next: N pages cost N round trips in a row. When
    the keys are known beforehand (the manifest of the last deploy), the key of every ``page_size``-th
    one bounds a range that can be asked for at once, with ``StartAfter``: the same requests, side by
    side. Keys the manifest does not know only make a range take one more page; the result is the
    same listing either way. S3 lists keys in UTF-8 byte order, which is Python's order of ``str``.
    """
    ordered = sorted(set(known_keys))
    bounds = ordered[page_size - 1::page_size]
    if bounds and bounds[-1] == ordered[-1]:
        bounds.pop()  # the last range is open-ended anyway
    starts: list[str | None] = [None, *bounds]
    lasts: list[str | None] = [*bounds, None]
    return list(zip(starts, lasts))


def _list_range(client: Any, bucket: str, prefix: str, start_after: str | None,
                last: str | None) -> list[tuple[str, str, int]]:
    """``(key, etag, size)`` of the keys after ``start_after`` up to ``last`` (to the end if None)."""
    params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": LIST_PAGE_SIZE}
    if start_after is not None:
        params["StartAfter"] = start_after
    listed: list[tuple[str, str, int]] = []
    while True:  # ends: every page moves past the keys of the one before, and S3 ends with a short page
        page = client.list_objects_v2(**params)
        for item in page.get("Contents", ()):
            entry = _entry(client, item)
            if last is not None and entry[0] > last:
                return listed
            listed.append(entry)
        if not page.get("IsTruncated") or (listed and listed[-1][0] == last):
            return listed
        params["ContinuationToken"] = page["NextContinuationToken"]


def _entry(client: Any, item: Any) -> tuple[str, str, int]:
    """``(key, etag, size)`` of one listed object; NotS3 when the listing lacks them (not S3's)."""
    try:
        return str(item["Key"]), str(item["ETag"]).strip('"'), int(item["Size"])
    except (KeyError, TypeError, ValueError):
        raise NotS3(f"{client.meta.endpoint_url} does not answer as S3 (its listing has no Key, ETag and Size)",
                    hint="check --endpoint-url") from None


def _list_in_one_pass(client: Any, bucket: str, options: SyncOptions, key: str,
                      known_manifest: KnownManifest | None) -> RemoteState:
    """Page by page; the manifest GET starts as soon as its page arrives and runs beside the rest."""
    listed: list[tuple[str, str, int]] = []
    listed_etag: str | None = None
    fetched: Future[tuple[Manifest | None, str | None]] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitepush-manifest") as pool:
        # botocore asks for EncodingType=url and decodes the keys again, so keys holding control
        # characters, spaces or non-ASCII text come back exactly as they were written.
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=options.prefix, PaginationConfig={"PageSize": LIST_PAGE_SIZE})
        for page in pages:
            for item in page.get("Contents", ()):
                name, etag, size = _entry(client, item)
                if name == key:
                    listed_etag = etag
                    if known_manifest is None or known_manifest[0] != etag:
                        fetched = pool.submit(_get_manifest, client, bucket, key)
                listed.append((name, etag, size))
        if fetched is not None:
            found = fetched.result()
        elif listed_etag is not None and known_manifest is not None:
            found = known_manifest[1], listed_etag
        else:
            found = None, None
    return _remote_state(listed, options, listed_etag, found)


def _known_or_fetched(client: Any, bucket: str, key: str, listed_etag: str | None,
                      known_manifest: KnownManifest | None) -> tuple[Manifest | None, str | None]:
    if listed_etag is None:
        return None, None
    if known_manifest is not None and known_manifest[0] == listed_etag:
        return known_manifest[1], listed_etag
    return _get_manifest(client, bucket, key)


def _remote_state(listed: Iterable[tuple[str, str, int]], options: SyncOptions, listed_etag: str | None,
                  found: tuple[Manifest | None, str | None]) -> RemoteState:
    state_root = options.prefix + options.state_prefix
    objects = {name: RemoteObject(key=name, etag=etag, size=size)
               for name, etag, size in listed if not name.startswith(state_root)}
    manifest, manifest_etag = found
    return RemoteState(objects=objects, manifest=manifest, manifest_etag=manifest_etag)


def _get_manifest(client: Any, bucket: str, key: str) -> tuple[Manifest | None, str | None]:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    with translated_aws_errors(action="read the deploy manifest", resource=f"s3://{bucket}/{key}"):
        try:
            response = client.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            # Deleted between the listing and the GET: as good as never written.
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None, None
            raise
        with response["Body"] as body:
            data = body.read()
    return decode_manifest(data), str(response.get("ETag", "")).strip('"') or None


def manifest_etag(client: Any, bucket: str, key: str) -> str | None:
    """The ETag the manifest has now (one HEAD), or None when there is none."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    with translated_aws_errors(action="read the deploy manifest", resource=f"s3://{bucket}/{key}"):
        try:
            response = client.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
    return str(response.get("ETag", "")).strip('"') or None


@contextmanager
def _fast_listing(client: Any) -> Iterator[None]:
    """Parse this client's ListObjectsV2 pages with ElementTree inside the block."""
    event, handler_id = "before-parse.s3.ListObjectsV2", f"sitepush-fast-listing-{id(client)}"
    client.meta.events.register(event, partial(_parse_listing, endpoint=client.meta.endpoint_url),
                                unique_id=handler_id)
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id=handler_id)


def _parse_listing(response_dict: dict[str, Any], customized_response_dict: dict[str, Any], *,
                   endpoint: str = "the endpoint", **_: Any) -> None:
    """Fill ``customized_response_dict`` from a ListBucketResult and leave botocore an empty one.

    First, refuse an answer that is not S3's: see :func:`check_answers_as_s3`.
    """
    check_answers_as_s3(response_dict, endpoint)
    if response_dict.get("status_code") != 200 or not isinstance(response_dict.get("body"), bytes):
        return
    try:
        root = ElementTree.fromstring(response_dict["body"])
    except ElementTree.ParseError:
        return
    ns = _S3_NAMESPACE if root.tag.startswith("{") else ""
    if root.tag != f"{ns}ListBucketResult" or root.find(f"{ns}CommonPrefixes") is not None:
        return
    contents = []
    for item in root.iterfind(f"{ns}Contents"):
        key, etag, size = (item.findtext(f"{ns}{name}") for name in ("Key", "ETag", "Size"))
        if key is None or etag is None or size is None or not size.isdigit():
            return
        contents.append({"Key": key, "ETag": etag, "Size": int(size)})
    parsed: dict[str, Any] = {name: text for name in _LISTING_FIELDS
                              if (text := root.findtext(f"{ns}{name}")) is not None}
    parsed["IsTruncated"] = root.findtext(f"{ns}IsTruncated") == "true"
    if contents:
        parsed["Contents"] = contents
    customized_response_dict.update(parsed)
    response_dict["body"] = _EMPTY_LISTING


class NotS3(AwsRefused):
    """The endpoint answered, but not as S3 does: a web page, a proxy's login screen, a website endpoint."""


def check_answers_as_s3(response_dict: dict[str, Any], endpoint: str) -> None:
    """Raise :class:`NotS3` for a listing answered with an HTML page, whatever its status.

    The S3 API answers XML (errors too: ``application/xml``, docs: "Error responses"); an HTML page
    comes from something else at that address: the S3 *website* endpoint, a web server, a captive
    proxy. botocore would retry it as a 500 and then report a server error, or (a 200 page that parses)
    hand back a listing of nothing, from which a plan would upload everything and delete nothing it
    should. Checked before botocore's parser, on the listing, which every deploy makes before it writes.
    """
    headers = response_dict.get("headers") or {}
    kind = str(headers.get("content-type", headers.get("Content-Type", ""))).split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml") or (
            kind in ("", "text/plain") and _looks_like_html(response_dict.get("body"))):
        raise NotS3(f"{endpoint} does not answer as S3 ({kind or 'no content type'})",
                    hint="check --endpoint-url")


def _looks_like_html(body: Any) -> bool:
    return isinstance(body, bytes) and body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def ensure_bucket(client: Any, bucket: str, region: str) -> bool:
    """Create ``bucket`` in ``region`` unless it exists and is ours; True when it was created."""
    from botocore.exceptions import ClientError

    with translated_aws_errors(action="check the bucket", resource=f"s3://{bucket}"):
        try:
            client.head_bucket(Bucket=bucket)
            return False
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
    params: dict[str, Any] = {"Bucket": bucket}
    if region != _DEFAULT_REGION:
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    with translated_aws_errors(action="create the bucket", resource=f"s3://{bucket}"):
        try:
            client.create_bucket(**params)
        except ClientError as error:
            # Another deploy may have created it between our HEAD and CREATE.
            if error.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise
            return False
    return True
