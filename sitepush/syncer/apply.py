"""Apply a :class:`~sitepush.syncer.model.SyncPlan` to a bucket: the only module of the syncer that writes.

Order, so that no page ever links to something not yet uploaded and the manifest never claims more
than the bucket holds::

    non-HTML uploads → HTML uploads → redirect objects → deletes → manifest PUT → CloudFront invalidation

Each phase runs on one thread pool of ``workers`` threads sharing one client, and finishes before the
next starts; the first failure cancels what has not started, stops every later phase and is raised
as a sitepush error naming the key. Because the manifest is written last, a deploy killed at any point
leaves the old manifest, and the next plan re-uploads whatever it cannot vouch for.

A KeyboardInterrupt reaching the waiting thread (the CLI turns the first SIGINT or SIGTERM into one)
cancels every queued request, waits at most :data:`INTERRUPT_GRACE_SECONDS` for those in flight,
writes no manifest and raises :class:`~sitepush.errors.Interrupted` saying how far it got.

With ``conditional_manifest`` the manifest is written with ``If-Match`` on the ETag the plan was
made from (``If-None-Match: *`` when there was none): a deploy that lost a race never overwrites a
newer manifest, and stops with a SafetyStop instead (User Guide, "How to prevent object overwrites
with conditional writes": https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).

How each upload is written:

* content (new or changed) — ``PutObject`` with ``Content-MD5`` below the multipart threshold
  (``[deploy] multipart_threshold_mb``, 64 MiB by default), else s3transfer's ``upload_file`` with
  :func:`sitepush.syncer.hashing.transfer_config` of that same threshold, so the parts are cut
  where the scan cut them for the multipart ETag;
* headers only — ``CopyObject`` onto itself with ``MetadataDirective=REPLACE`` (the body is not sent);
* redirect — a zero-byte ``PutObject`` carrying ``WebsiteRedirectLocation``.
"""

from __future__ import annotations

import base64
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from threading import Lock
from typing import Any

from sitepush.aws import aws_error, translated_aws_errors
from sitepush.errors import DeployError, Interrupted, SafetyStop
from sitepush.syncer.cloudfront import invalidate
from sitepush.syncer.hashing import DEFAULT_MULTIPART_THRESHOLD, transfer_config, uses_multipart
from sitepush.syncer.manifest import (
    encode_manifest,
    manifest_key,
    manifest_with_etags,
    manifest_with_versions,
)
from sitepush.syncer.model import EMPTY_MD5, Manifest, SyncOptions, SyncPlan, Upload, UploadReason

DELETE_BATCH = 1000
"""Keys per DeleteObjects request: S3's maximum (docs: DeleteObjects)."""
MAX_COPY_BYTES = 5 * 1024**3
"""CopyObject copies at most 5 GiB in one request (docs: CopyObject); bigger objects are copied in
parts by s3transfer, with the upload's part size, so they keep the multipart ETag of the spec."""
INTERRUPT_GRACE_SECONDS = 2.0
"""After an interrupt, how long requests already sent may take to finish before the deploy stops."""
ENCRYPTIONS_WITHOUT_MD5_ETAGS = frozenset({"aws:kms", "aws:kms:dsse"})
"""``ServerSideEncryption`` values whose objects' ETags are not an MD5 of the data: "Objects encrypted by
SSE-KMS or DSSE-KMS have ETags that are not an MD5 digest of their object data" (S3 API Reference, the
Object data type's ETag). A bucket's default encryption applies them without any header of ours."""
MANIFEST_CONTENT_TYPE = "application/json"
MANIFEST_CACHE_CONTROL = "no-store"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SyncReport:
    """What :func:`apply_plan` did, for the summary and ``--json``."""

    uploaded: int
    """Objects written (content, headers-only copies and redirect objects)."""
    uploaded_bytes: int
    """Bytes of content sent (copies and redirect objects send none)."""
    by_reason: Mapping[str, int]
    """``UploadReason`` value → objects written for it."""
    deleted: int
    unchanged: int
    manifest_written: bool
    invalidation_ids: tuple[str, ...]
    invalidation_paths: tuple[str, ...]
    invalidation_status: str | None
    """``Completed`` when every invalidation finished, ``InProgress`` if the wait gave up, else None."""
    seconds: float
    requests: int
    """HTTP requests sent to S3 and CloudFront while applying, retries included."""
    requests_by_operation: Mapping[str, int] = field(default_factory=dict)
    manifest: Manifest | None = None
    """The manifest written, with the ETags S3 reported; None when it was not written."""
    manifest_etag: str | None = None
    """The ETag of the manifest object written (a later listing shows it while nobody rewrites it)."""
    versions: Mapping[str, str] = field(default_factory=dict)
    """Key → the version id S3 gave each object written or deleted (a delete marker's for a delete);
    empty on a bucket without versioning. The deploy manifest's key is among them when written."""


class RequestCounter:
    """Counts every HTTP request the clients it watches send, by operation (botocore's ``before-send``).

    Retries are separate requests and are counted, as a server-side counter would count them.
    """

    def __init__(self) -> None:
        self._lock = Lock()
        self._counts: Counter[str] = Counter()
        self._handler_id = f"sitepush-request-counter-{id(self)}"

    @contextmanager
    def watching(self, *clients: Any) -> Iterator[RequestCounter]:
        """Count the requests of ``clients`` (None entries ignored) inside the block."""
        watched = [c for c in clients if c is not None]
        for client in watched:
            client.meta.events.register("before-send", self._count, unique_id=self._handler_id)
        try:
            yield self
        finally:
            for client in watched:
                client.meta.events.unregister("before-send", unique_id=self._handler_id)

    @property
    def total(self) -> int:
        """Requests counted so far."""
        with self._lock:
            return sum(self._counts.values())

    def by_operation(self) -> dict[str, int]:
        """Operation name (``PutObject``) → requests, sorted by name."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    def _count(self, event_name: str, **_: Any) -> None:
        with self._lock:
            self._counts[event_name.rsplit(".", 1)[-1]] += 1


def apply_plan(plan: SyncPlan, *, client: Any, bucket: str, options: SyncOptions, workers: int,
               cloudfront: Any | None = None, distribution_id: str | None = None,
               progress: Progress | None = None, sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic,
               multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
               conditional_manifest: bool = False, manifest_etag: str | None = None,
               commit: str | None = None) -> SyncReport:
    """Make the bucket what ``plan`` says: uploads in phases, deletes, the manifest, the invalidation.

    ``client`` is an S3 client whose connection pool holds at least ``workers`` connections
    (``make_client(..., max_pool=workers)``); ``cloudfront`` and ``distribution_id`` enable the
    invalidation. ``multipart_threshold`` (bytes) must be the one the files were hashed with
    (:attr:`HashCache.threshold <sitepush.syncer.hashing.HashCache.threshold>`): files this big or
    bigger go up in parts. ``conditional_manifest`` writes the manifest only over ``manifest_etag``
    (the one the plan was made from; None: only where there is none). ``commit`` is recorded in the
    manifest written. Raises SafetyStop for a blocked plan without ``options.yes`` (before any request)
    or a manifest someone else wrote meanwhile, Interrupted after a KeyboardInterrupt, and DeployError
    or AwsRefused naming the key that failed.
    """
    if plan.blocked is not None and not options.yes:
        raise SafetyStop(f"stopped before changing anything: {plan.blocked}")
    _check_deletes(plan.deletes, options)
    _check_etags(plan.uploads, multipart_threshold)
    transfer = transfer_config(multipart_threshold)
    started = clock()
    counter = RequestCounter()
    ticker = _Ticker(progress, len(plan.uploads), sum(u.spec.size for u in plan.uploads))
    written: dict[str, str] = {}
    manifest_written: Manifest | None = None
    invalidation: tuple[tuple[str, ...], str | None] = ((), None)
    key = manifest_key(options)
    # The executor is shut down by hand: after an interrupt it must not wait for what is queued.
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sitepush-apply")
    with counter.watching(client, cloudfront), _completed_multipart_etags(client) as multipart, \
            recorded_versions(client) as versions:
        try:
            for phase in _phases(plan.uploads):
                tasks = [partial(_write, client, bucket, upload, multipart, ticker, transfer)
                         for upload in phase]
                written.update(zip((u.spec.key for u in phase), _run_phase(pool, tasks)))
            batches = [plan.deletes[i:i + DELETE_BATCH] for i in range(0, len(plan.deletes), DELETE_BATCH)]
            _run_phase(pool, [partial(delete_batch, client, bucket, batch, ticker) for batch in batches])
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise Interrupted(f"interrupted after {ticker.done} of {len(plan.uploads)} uploads",
                              hint="run the same command again to finish") from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        manifest = manifest_with_versions(manifest_with_etags(plan.manifest, written), versions)
        manifest = Manifest(entries=manifest.entries, commit=commit)
        if plan.manifest_changed or manifest != plan.manifest:
            ticker.say("writing the deploy manifest")
            condition = ({"IfMatch": f'"{manifest_etag}"'} if manifest_etag else {"IfNoneMatch": "*"}) \
                if conditional_manifest else {}
            written_etag = _put_manifest(client, bucket, key, manifest, condition)
            manifest_written = manifest
        else:
            written_etag = None
        if cloudfront is not None and distribution_id and plan.invalidation_paths:
            invalidation = invalidate(cloudfront, distribution_id, plan.invalidation_paths, ticker.say,
                                      sleep=sleep, clock=clock)
    # sitepush's own state (the deploy lease, renewed meanwhile) is not part of what a deploy wrote.
    state = options.prefix + options.state_prefix
    versions = {k: v for k, v in versions.items() if k == key or not k.startswith(state)}
    by_reason = Counter(u.reason.value for u in plan.uploads)
    return SyncReport(
        uploaded=len(plan.uploads),
        uploaded_bytes=sum(u.spec.size for u in plan.uploads if _sends_body(u)),
        by_reason=dict(sorted(by_reason.items())), deleted=len(plan.deletes), unchanged=plan.unchanged,
        manifest_written=manifest_written is not None, invalidation_ids=invalidation[0],
        invalidation_paths=plan.invalidation_paths if invalidation[0] else (),
        invalidation_status=invalidation[1], seconds=clock() - started, requests=counter.total,
        requests_by_operation=counter.by_operation(), manifest=manifest_written,
        manifest_etag=written_etag, versions=dict(sorted(versions.items())))


def _check_deletes(deletes: Sequence[str], options: SyncOptions) -> None:
    # The plan is pure and tested, but a delete is the one thing a rerun cannot undo: refuse any key
    # outside the site prefix or inside sitepush's own state, whoever computed the plan.
    state = options.prefix + options.state_prefix
    for key in deletes:
        if not key.startswith(options.prefix) or (options.state_prefix and key.startswith(state)):
            raise DeployError(f"refusing to delete {key}: it is outside the site prefix "
                              f"{options.prefix or '(none)'} or inside sitepush's state {state}",
                              hint="this is a bug in sitepush's plan; please report it")


def _check_etags(uploads: Sequence[Upload], threshold: int) -> None:
    # An ETag computed for another threshold than the upload's would never match the bucket, and
    # every later deploy would upload the file again: refuse before the first request instead.
    for upload in uploads:
        spec = upload.spec
        if _sends_body(upload) and ("-" in spec.etag) != uses_multipart(spec.size, threshold):
            raise DeployError(f"cannot upload {spec.key}: its ETag was computed for another multipart "
                              f"threshold than the upload's {threshold / 2**20:g} MiB",
                              hint="this is a bug in sitepush; please report it")


def _phases(uploads: Sequence[Upload]) -> list[list[Upload]]:
    assets = [u for u in uploads if not u.spec.is_html and not u.spec.is_redirect]
    pages = [u for u in uploads if u.spec.is_html]
    redirects = [u for u in uploads if u.spec.is_redirect]
    return [phase for phase in (assets, pages, redirects) if phase]


def _run_phase(pool: ThreadPoolExecutor, tasks: Sequence[Callable[[], Any]]) -> list[Any]:
    futures: list[Future[Any]] = []
    try:
        futures.extend(pool.submit(task) for task in tasks)
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        wait(futures, timeout=INTERRUPT_GRACE_SECONDS)  # what is in flight may finish, briefly
        raise
    failed = [f for f in futures if f in done and f.exception() is not None]
    if failed:
        for future in pending:
            future.cancel()
        wait(pending)  # running tasks finish; nothing of a later phase may start before they do
        # The first failure in plan order, not completion order, so that reruns read the same.
        error = failed[0].exception()
        assert error is not None
        raise error
    return [f.result() for f in futures]


def _sends_body(upload: Upload) -> bool:
    return not upload.spec.is_redirect and not _is_copy(upload)


def _is_copy(upload: Upload) -> bool:
    return upload.reason is UploadReason.HEADERS and not upload.spec.is_redirect


def _write(client: Any, bucket: str, upload: Upload, multipart: _CompletedUploads,
           ticker: _Ticker, transfer: Any) -> str:
    """Write one object; returns the ETag it now has."""
    spec = upload.spec
    args = spec.headers.put_args()
    resource = f"s3://{bucket}/{spec.key}"
    if spec.is_redirect:
        with translated_aws_errors(action="write the redirect", resource=resource):
            response = client.put_object(Bucket=bucket, Key=spec.key, Body=b"",
                                         ContentMD5=_base64_md5(EMPTY_MD5), **args)
        etag = response["ETag"]
    elif _is_copy(upload):
        etag = _copy_onto_itself(client, bucket, upload, args, multipart, transfer)
    elif spec.size < transfer.multipart_threshold:  # s3transfer's own test, on the same config
        etag = _put_file(client, bucket, upload, args)
    else:
        etag = _upload_multipart(client, bucket, upload, args, multipart, transfer)
    ticker.uploaded(spec.size if _sends_body(upload) else 0)
    return str(etag).strip('"')


def _put_file(client: Any, bucket: str, upload: Upload, args: dict[str, Any]) -> str:
    spec = upload.spec
    assert spec.path is not None
    try:
        body = spec.path.open("rb")
        size = spec.path.stat().st_size
    except OSError as error:
        raise DeployError(f"cannot read {spec.key}: {error.strerror}",
                          hint="rebuild the site, then rerun the deploy") from None
    with body:
        if size != spec.size:
            raise _changed(spec.key)
        with translated_aws_errors(action="upload", resource=f"s3://{bucket}/{spec.key}"):
            response = client.put_object(Bucket=bucket, Key=spec.key, Body=body, ContentLength=spec.size,
                                         ContentMD5=_base64_md5(spec.md5), **args)
    return str(response["ETag"])


def _upload_multipart(client: Any, bucket: str, upload: Upload, args: dict[str, Any],
                      completed: _CompletedUploads, transfer: Any) -> str:
    spec = upload.spec
    assert spec.path is not None
    if not spec.path.is_file():
        raise DeployError(f"cannot read {spec.key}: No such file or directory",
                          hint="rebuild the site, then rerun the deploy")
    with translated_aws_errors(action="upload", resource=f"s3://{bucket}/{spec.key}"):
        client.upload_file(str(spec.path), bucket, spec.key, ExtraArgs=args, Config=transfer)
    return multipart_etag_to_record(spec.etag, completed.etags.get(spec.key), completed.encryption.get(spec.key))


def multipart_etag_to_record(planned: str, returned: str | None, encryption: str | None) -> str:
    """The ETag the manifest records for a multipart upload: ``returned`` where it can be trusted.

    ``planned`` is the multipart ETag computed from the file; ``returned`` and ``encryption`` are the
    ETag and ``ServerSideEncryption`` that CompleteMultipartUpload answered. Under SSE-KMS or DSSE-KMS
    (asked for by a header rule or by the bucket's default encryption, only the answer tells) the ETag
    is never the computed one and is recorded as returned. Otherwise parts carry no Content-MD5, so a
    different ETag means the file changed while it was read (or the store computes multipart ETags its
    own way): recording the planned ETag makes the next deploy see the mismatch and upload it again,
    instead of trusting bytes nobody checked.
    """
    etag = (returned or planned).strip('"')
    if etag != planned and encryption not in ENCRYPTIONS_WITHOUT_MD5_ETAGS:
        return planned
    return etag


def _copy_onto_itself(client: Any, bucket: str, upload: Upload, args: dict[str, Any],
                      completed: _CompletedUploads, transfer: Any) -> str:
    spec = upload.spec
    source = {"Bucket": bucket, "Key": spec.key}
    with translated_aws_errors(action="update the headers of", resource=f"s3://{bucket}/{spec.key}"):
        if spec.size <= MAX_COPY_BYTES:
            response = client.copy_object(Bucket=bucket, Key=spec.key, CopySource=source,
                                          MetadataDirective="REPLACE", **args)
            return str(response["CopyObjectResult"]["ETag"])
        client.copy(source, bucket, spec.key, ExtraArgs={"MetadataDirective": "REPLACE", **args},
                    Config=transfer)
    return completed.etags.get(spec.key, spec.etag)


def _changed(key: str) -> DeployError:
    return DeployError(f"cannot upload {key}: the file changed after it was scanned",
                       hint="let the build finish, then rerun the deploy")


@dataclass(frozen=True)
class _CompletedUploads:
    """What CompleteMultipartUpload answered, by key: the ETag and the ServerSideEncryption."""

    etags: dict[str, str] = field(default_factory=dict)
    encryption: dict[str, str] = field(default_factory=dict)


@contextmanager
def _completed_multipart_etags(client: Any) -> Iterator[_CompletedUploads]:
    """The answers of every CompleteMultipartUpload inside the block (s3transfer does not return them)."""
    completed = _CompletedUploads()
    handler_id = f"sitepush-multipart-etags-{id(completed)}"

    def record(parsed: Mapping[str, Any], **_: Any) -> None:
        if "Key" in parsed and "ETag" in parsed:
            completed.etags[str(parsed["Key"])] = str(parsed["ETag"])
            if parsed.get("ServerSideEncryption"):
                completed.encryption[str(parsed["Key"])] = str(parsed["ServerSideEncryption"])

    event = "after-call.s3.CompleteMultipartUpload"
    client.meta.events.register(event, record, unique_id=handler_id)
    try:
        yield completed
    finally:
        client.meta.events.unregister(event, unique_id=handler_id)


@contextmanager
def recorded_versions(client: Any) -> Iterator[dict[str, str]]:
    """Key → VersionId of every object written or deleted inside the block (versioned buckets only).

    The key of a PutObject or CopyObject is noted from its parameters before the call; the version id
    comes from the response. Nothing is asked for: S3 returns both anyway.
    """
    versions: dict[str, str] = {}
    lock = Lock()
    tag = f"sitepush-versions-{id(versions)}"

    def note_key(params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
        context[tag] = params.get("Key")

    def record(parsed: Mapping[str, Any], context: Mapping[str, Any], **_: Any) -> None:
        with lock:
            if parsed.get("VersionId") and (parsed.get("Key") or context.get(tag)):
                versions[str(parsed.get("Key") or context.get(tag))] = str(parsed["VersionId"])
            for deleted in parsed.get("Deleted", ()) or ():
                marker = deleted.get("DeleteMarkerVersionId") or deleted.get("VersionId")
                if marker and deleted.get("Key"):
                    versions[str(deleted["Key"])] = str(marker)

    hooks: list[tuple[str, Callable[..., None]]] = [
        ("before-parameter-build.s3.PutObject", note_key), ("before-parameter-build.s3.CopyObject", note_key),
        ("after-call.s3.PutObject", record), ("after-call.s3.CopyObject", record),
        ("after-call.s3.CompleteMultipartUpload", record), ("after-call.s3.DeleteObjects", record)]
    for event, handler in hooks:
        client.meta.events.register(event, handler, unique_id=f"{tag}-{event}")
    try:
        yield versions
    finally:
        for event, _ in hooks:
            client.meta.events.unregister(event, unique_id=f"{tag}-{event}")


def delete_batch(client: Any, bucket: str, keys: Sequence[str], ticker: _Ticker | None = None) -> None:
    """One DeleteObjects of at most :data:`DELETE_BATCH` keys; the first key S3 refused is an error."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    if ticker is not None:
        ticker.say(f"deleting {len(keys)} objects")
    with translated_aws_errors(action="delete", resource=f"s3://{bucket}/{keys[0]}"):
        response = client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": False})
    errors = sorted(response.get("Errors", ()), key=lambda e: str(e.get("Key", "")))
    if errors:
        first = errors[0]
        refusal = ClientError({"Error": {"Code": first.get("Code", "Unknown"),
                                         "Message": first.get("Message", "")}}, "DeleteObjects")
        raise aws_error(refusal, action="delete", resource=f"s3://{bucket}/{first.get('Key', '?')}")


def _put_manifest(client: Any, bucket: str, key: str, manifest: Manifest,
                  condition: Mapping[str, str] | None = None) -> str:
    import hashlib

    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    data = encode_manifest(manifest)
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    # No ACL header: the object stays private whatever the bucket's ownership setting, and the
    # website's bucket policy (sitepush configure) grants reads on site keys only.
    with translated_aws_errors(action="write the deploy manifest", resource=f"s3://{bucket}/{key}"):
        try:
            response = client.put_object(Bucket=bucket, Key=key, Body=data, ContentMD5=_base64_md5(digest),
                                         ContentType=MANIFEST_CONTENT_TYPE, CacheControl=MANIFEST_CACHE_CONTROL,
                                         **(condition or {}))
        except ClientError as error:
            # 412: the manifest is no longer the one the plan was made from; 409: a write raced ours;
            # NoSuchKey: If-Match on a manifest deleted meanwhile (User Guide, conditional writes).
            if condition and error.response.get("Error", {}).get("Code") in (
                    "PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409", "404"):
                raise SafetyStop(f"another deploy wrote s3://{bucket}/{key} meanwhile, so this one stops "
                                 "before overwriting it", hint="run again") from None
            raise
    return str(response["ETag"]).strip('"')


def _base64_md5(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")


class _Ticker:
    """Turns finished work into progress lines; thread-safe, silent without a callback."""

    def __init__(self, progress: Progress | None, uploads: int, size: int) -> None:
        self._progress = progress
        self._lock = Lock()
        self._total, self._size = uploads, size
        self._done = self._sent = 0

    @property
    def done(self) -> int:
        """Uploads finished so far."""
        with self._lock:
            return self._done

    def uploaded(self, size: int) -> None:
        with self._lock:
            self._done += 1
            self._sent += size
            line = f"uploaded {self._done}/{self._total} objects ({self._sent / 1e6:.1f} MB)"
        self.say(line)

    def say(self, line: str) -> None:
        if self._progress is not None:
            self._progress(line)
