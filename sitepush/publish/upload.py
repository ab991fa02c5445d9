"""The first deploy: upload every file of a scanned site, then its redirect objects, to one bucket.

This is deliberately the simple, honest version — it uploads everything, every time, and reports
exactly that. The syncer (issue 3) replaces it with ``plan_sync`` / ``apply_plan``, which upload only
what changed; :mod:`sitepush.publish.local` and :mod:`sitepush.publish.redirects` stay.

Order, so that no page ever links to something not yet uploaded: assets, then HTML, then redirects.
Each phase runs on a thread pool and finishes before the next starts; the first failure cancels
what has not started and is raised as a sitepush error naming the key.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.errors import DeployError
from sitepush.publish.local import LocalFile, LocalSite, SkippedFile, summarise_skipped
from sitepush.publish.redirects import redirect_objects

# A 301 is cached by browsers for good unless told otherwise, so a mistaken redirect could never be
# taken back. Five minutes bounds that, while CloudFront still absorbs bursts to old URLs.
REDIRECT_CACHE_CONTROL = "max-age=300"
REDIRECT_CONTENT_TYPE = "text/html; charset=utf-8"
_EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# us-east-1 is the one region whose CreateBucket must not name a LocationConstraint
# (docs: CreateBucket, "CreateBucketConfiguration").
_DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class DeployReport:
    """What one deploy did, for the CLI's summary and ``--json``."""

    uploaded: int
    """Files uploaded (redirect objects not included)."""
    bytes: int
    redirects: int
    """Redirect objects written."""
    skipped: tuple[SkippedFile, ...]
    seconds: float
    bucket: str
    prefix: str
    bucket_created: bool = False


def upload_site(
    site: LocalSite,
    redirects: Mapping[str, str],
    *,
    client: Any,
    bucket: str,
    prefix: str = "",
    workers: int = 8,
    create_bucket: bool = False,
    region: str = _DEFAULT_REGION,
    clock: Callable[[], float] = time.monotonic,
) -> DeployReport:
    """Upload every file of ``site`` and a redirect object for each of ``redirects`` (site path → target).

    ``client`` is an S3 client (:func:`sitepush.aws.make_client`), shared by ``workers`` threads.
    With ``create_bucket`` a missing bucket is created in ``region``. Raises DeployError or
    AwsRefused naming the key that failed, before anything is uploaded when the input is wrong.
    """
    key_prefix = normalise_prefix(prefix)
    redirect_keys = redirect_objects(redirects)
    files_by_key = {f.key: f for f in site.files}
    for key, location in redirect_keys.items():
        if key in files_by_key:
            raise DeployError(f"the redirect object {key} → {location} would replace the file {key}",
                              hint="remove the redirect or the page it points away from")
    started = clock()
    created = ensure_bucket(client, bucket, region) if create_bucket else False
    assets = [f for f in site.files if not f.content_type.startswith(_HTML_TYPES)]
    pages = [f for f in site.files if f.content_type.startswith(_HTML_TYPES)]
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sitepush-upload") as pool:
        for phase in (assets, pages):
            _run_phase(pool, [partial(_put_file, client, bucket, key_prefix + f.key, f) for f in phase])
        _run_phase(pool, [partial(_put_redirect, client, bucket, key_prefix + key, location)
                          for key, location in redirect_keys.items()])
    return DeployReport(uploaded=len(site.files), bytes=site.total_bytes, redirects=len(redirect_keys),
                        skipped=site.skipped, seconds=clock() - started, bucket=bucket,
                        prefix=key_prefix, bucket_created=created)


def normalise_prefix(prefix: str) -> str:
    """``"/blog"`` → ``"blog/"``; ``""`` stays ``""``. Raises DeployError for ``..`` or empty segments."""
    stripped = prefix.strip("/")
    if not stripped:
        return ""
    if any(segment in ("", ".", "..") for segment in stripped.split("/")):
        raise DeployError(f"the prefix {prefix!r} has an empty, `.` or `..` segment",
                          hint='write a plain key prefix, e.g. prefix = "blog/"')
    return stripped + "/"


def ensure_bucket(client: Any, bucket: str, region: str) -> bool:
    """Create ``bucket`` in ``region`` unless it exists and is ours; True when it was created."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

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


def format_report(report: DeployReport) -> str:
    """The summary the CLI prints: one line of what was done, one of what was skipped (if anything)."""
    where = f"s3://{report.bucket}/{report.prefix}"
    lines = [f"created the bucket {report.bucket}"] if report.bucket_created else []
    files = "file" if report.uploaded == 1 else "files"
    redirects = "redirect" if report.redirects == 1 else "redirects"
    lines.append(f"uploaded {report.uploaded} {files} ({_megabytes(report.bytes)}) and "
                 f"{report.redirects} {redirects} to {where} in {report.seconds:.1f} s")
    skipped = summarise_skipped(report.skipped)
    if skipped:
        lines.append(skipped)
    return "\n".join(lines)


def _megabytes(size: int) -> str:
    if size < 1000:
        return f"{size} bytes" if size != 1 else "1 byte"
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def _run_phase(pool: ThreadPoolExecutor, tasks: Iterable[Callable[[], None]]) -> None:
    futures: list[Future[None]] = [pool.submit(task) for task in tasks]
    done, pending = wait(futures, return_when=FIRST_EXCEPTION)
    failed = [f for f in futures if f in done and f.exception() is not None]
    if failed:
        for future in pending:
            future.cancel()
        # The first failure in key order, not in completion order, so that reruns read the same.
        error = failed[0].exception()
        assert error is not None
        raise error


def _put_file(client: Any, bucket: str, key: str, file: LocalFile) -> None:
    try:
        body = file.path.open("rb")
    except OSError as error:
        raise DeployError(f"cannot read {file.key}: {error.strerror}",
                          hint="rebuild the site, then rerun the deploy") from None
    with body, translated_aws_errors(action="upload", resource=f"s3://{bucket}/{key}"):
        client.put_object(Bucket=bucket, Key=key, Body=body, ContentLength=file.size,
                          ContentType=file.content_type, ContentMD5=_base64_md5(file.md5))


def _put_redirect(client: Any, bucket: str, key: str, location: str) -> None:
    with translated_aws_errors(action="write the redirect", resource=f"s3://{bucket}/{key}"):
        client.put_object(Bucket=bucket, Key=key, Body=b"", ContentType=REDIRECT_CONTENT_TYPE,
                          ContentMD5=_base64_md5(_EMPTY_MD5), CacheControl=REDIRECT_CACHE_CONTROL,
                          WebsiteRedirectLocation=location)


def _base64_md5(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
