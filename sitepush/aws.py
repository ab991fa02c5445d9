"""boto3 clients for sitepush, and the translation of botocore's exceptions into sitepush errors.

One place decides how every client is configured (retries, connection pool, addressing style,
checksums, proxies) and how AWS saying no becomes one line with a fix. boto3 and botocore are imported
inside the functions, so ``import sitepush.cli`` stays fast (see STYLE.md, "Lazy heavy imports").

Two ways to build a client:

* ``credentials=None`` — the ordinary AWS chain (``profile``, environment, ``~/.aws``, instance role);
* ``credentials=Credentials(...)`` — an isolated session that reads nothing from the environment or
  ``~/.aws`` at all; the sandbox uses this, so a user's ``AWS_PROFILE`` can neither break it nor leak in.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit

from sitepush.errors import AwsRefused, DeployError, SitepushError

# Error codes meaning "these credentials may not do this"; their AWS message is replaced by ours,
# because some of them echo request details we do not want on a CI log.
_CREDENTIAL_CODES = {
    "InvalidAccessKeyId": "the access key id is not known to AWS",
    "SignatureDoesNotMatch": "the secret key does not match the access key id",
    "ExpiredToken": "the session token has expired",
    "InvalidToken": "the session token is not valid",
    "TokenRefreshRequired": "the session token has expired",
    "UnrecognizedClientException": "the access key id is not known to AWS",
}
_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "AllAccessDisabled", "Forbidden", "403"}
_THROTTLE_CODES = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded",
                   "TooManyRequestsException", "ServiceUnavailable", "503"}
_ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b")
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def parse_aws_timestamp(value: Any) -> datetime:
    """A timestamp of an AWS response, as botocore's own parser reads it — five times faster for the ISO 8601
    form S3 lists every object's LastModified in (``2026-05-01T12:00:00.000Z``).

    botocore reads every timestamp with dateutil's general parser, which costs most of the parse of a
    1,000-key ListObjectsV2 page; a listing of a few thousand objects spent more than a second there.
    Anything that is not that form goes to botocore's parser, unchanged.
    """
    from botocore.utils import parse_timestamp  # type: ignore[import-untyped]
    from dateutil.tz import tzutc  # type: ignore[import-untyped]  # botocore's own zone for "Z": the same objects as its parser makes

    if isinstance(value, str) and len(value) >= 20 and value[10] == "T" and value[-1] == "Z":
        try:
            parsed = datetime.fromisoformat(value[:-1] + "+00:00")
        except ValueError:
            pass
        else:
            return parsed.replace(tzinfo=tzutc())
    return cast(datetime, parse_timestamp(value))


@dataclass(frozen=True)
class Credentials:
    """An explicit access key pair (the sandbox's fake keys, or keys handed in by a caller)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


def make_client(
    service: str,
    *,
    region: str | None,
    endpoint_url: str | None,
    profile: str | None = None,
    max_pool: int = 10,
    credentials: Credentials | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
) -> Any:
    """A boto3 client for ``service`` with sitepush's retry, pool and addressing settings.

    ``max_pool`` is the number of threads that will share the client; the pool is never smaller than
    botocore's default of 10. Path-style addressing is used only with ``endpoint_url`` (MinIO, R2 and
    moto need it; AWS prefers virtual-hosted style). ``connect_timeout`` and ``read_timeout`` bound
    each attempt (botocore's default is 60 s each, times 5 attempts: a stalled endpoint held a deploy
    for minutes); None keeps botocore's. Raises DeployError for an unknown profile.
    """
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]
    from botocore.exceptions import BotoCoreError  # type: ignore[import-untyped]

    options: dict[str, Any] = {
        "retries": {"mode": "standard", "max_attempts": 5},
        "max_pool_connections": max(max_pool, 10),
        # Every PutObject carries Content-MD5 already; botocore's default CRC32 on top would read
        # each body twice over plain HTTP and is refused by some S3-compatible stores.
        "request_checksum_calculation": "when_required",
    }
    if connect_timeout is not None:
        options["connect_timeout"] = connect_timeout
    if read_timeout is not None:
        options["read_timeout"] = read_timeout
    if service == "s3":
        options["signature_version"] = "s3v4"  # also for presigned links (share): SigV2 is retired
    s3_compatible = service == "s3" and not is_aws_endpoint(endpoint_url)
    if s3_compatible:
        # botocore ≥ 1.36 asks GetObject for a checksum (x-amz-checksum-mode: ENABLED) and validates
        # it; stores that do not know the header (older MinIO, Ceph RGW, Backblaze B2) refuse it.
        options["response_checksum_validation"] = "when_required"
    if endpoint_url:
        options["s3"] = {"addressing_style": "path"}
        if (urlsplit(endpoint_url).hostname or "") in _LOOPBACK_HOSTS:
            # A loopback endpoint must never be sent through an HTTP(S)_PROXY from the environment.
            options["proxies"] = {}
    try:
        if credentials is not None:
            session = boto3.Session(
                botocore_session=_isolated_botocore_session(),
                aws_access_key_id=credentials.access_key_id,
                aws_secret_access_key=credentials.secret_access_key,
                aws_session_token=credentials.session_token,
                region_name=region,
            )
        else:
            session = boto3.Session(profile_name=profile or None, region_name=region or None)
        # Before the client is made: its response parser takes the factory's defaults when it is created.
        session._session.get_component("response_parser_factory").set_parser_defaults(
            timestamp_parser=parse_aws_timestamp)
        client = session.client(service, endpoint_url=endpoint_url or None, config=Config(**options))
    except BotoCoreError as error:
        raise aws_error(error, action=f"create the {service} client", resource=endpoint_url or service) \
            from None
    _resolve_endpoints_once_per_bucket(client, session._session.get_component("data_loader"))
    if s3_compatible:
        client.meta.events.register("before-call.s3", _content_md5_where_required,
                                    unique_id="sitepush-content-md5")
    return client


def is_aws_endpoint(endpoint_url: str | None) -> bool:
    """Is ``endpoint_url`` AWS's own S3 (None: botocore's default, which is)? MinIO, R2, moto: no."""
    if not endpoint_url:
        return True
    host = (urlsplit(endpoint_url).hostname or "").lower().rstrip(".")
    return host.endswith(_AWS_HOST_SUFFIXES)


def _content_md5_where_required(model: Any, params: dict[str, Any], **_: Any) -> None:
    """Content-MD5 instead of botocore's CRC32, on the S3 operations that require an integrity header.

    S3 documents Content-MD5 as required (or an ``x-amz-checksum-*`` header in its place) for
    DeleteObjects, PutBucketPolicy, PutBucketWebsite, PutBucketLifecycleConfiguration,
    PutBucketVersioning, PutBucketCors, PutPublicAccessBlock and the other bucket-configuration calls
    (S3 API Reference, each operation's "Content-MD5" request header; the service model marks them
    ``httpChecksum.requestChecksumRequired``). botocore ≥ 1.36 sends only a CRC32 there, which
    S3-compatible stores that predate the flexible checksums refuse. For those endpoints the MD5 of
    the serialized body is sent instead, and botocore is told the operation needs no checksum of its own.
    """
    required = model.http_checksum_required or model.http_checksum.get("requestChecksumRequired")
    body = params.get("body")
    if not required or not isinstance(body, (bytes, bytearray, str)):
        return
    import base64
    import hashlib

    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    digest = hashlib.md5(data, usedforsecurity=False).digest()
    params.setdefault("headers", {})["Content-MD5"] = base64.b64encode(digest).decode("ascii")
    checksum = params.get("context", {}).get("checksum", {})
    checksum.pop("request_algorithm", None)         # no x-amz-checksum-crc32
    checksum.pop("request_algorithm_header", None)  # no x-amz-sdk-checksum-algorithm: CRC32


class _UnreadParametersDropped:
    """An endpoint provider that forgets the parameters its rules never read, so its cache can hit.

    botocore resolves the endpoint of every call from the service's rule set, caching the result by
    *all* the call's endpoint parameters. For S3 those include ``Key``, ``Prefix`` and ``CopySource``,
    which no rule reads: every new key misses the cache and the whole rule tree is walked again (about
    a millisecond of CPU per PutObject). Dropping what no rule reads cannot change a result, and makes
    one resolution serve every object of a bucket.
    """

    def __init__(self, provider: Any, unread: frozenset[str]) -> None:
        self._provider = provider
        self._unread = unread

    def resolve_endpoint(self, **parameters: Any) -> Any:
        for name in self._unread.intersection(parameters):
            del parameters[name]
        return self._provider.resolve_endpoint(**parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)


def unread_endpoint_parameters(rule_set: Mapping[str, Any]) -> frozenset[str]:
    """The optional parameters of an endpoint rule set that none of its rules mention."""
    text = json.dumps(rule_set.get("rules", []))
    return frozenset(
        name for name, definition in rule_set.get("parameters", {}).items()
        if not definition.get("required") and re.search(rf"\b{re.escape(name)}\b", text) is None)


def _resolve_endpoints_once_per_bucket(client: Any, loader: Any) -> None:
    resolver: Any = getattr(client, "_ruleset_resolver", None)
    provider = getattr(resolver, "_provider", None)
    if provider is None or not hasattr(provider, "resolve_endpoint"):
        return  # another botocore: keep its behaviour, only slower
    if getattr(provider, "_excluded_params", None):
        return  # botocore ≥ 1.44 drops the unread parameters itself
    model = client.meta.service_model
    try:
        rule_set = loader.load_service_model(model.service_name, "endpoint-rule-set-1", model.api_version)
    except Exception:  # noqa: BLE001 — an optimisation never breaks a client
        return
    unread = unread_endpoint_parameters(rule_set)
    if unread:
        resolver._provider = _UnreadParametersDropped(provider, unread)


def _isolated_botocore_session() -> Any:
    """A botocore session whose settings come only from defaults and what the caller passes."""
    import botocore.session  # type: ignore[import-untyped]

    # Dropping the environment-variable and config-file names from every session variable leaves
    # only the built-in defaults, so AWS_PROFILE, AWS_DEFAULT_REGION or ~/.aws/config cannot apply.
    isolated = {
        name: (None, None, default, convert)
        for name, (_config_name, _env, default, convert) in botocore.session.Session.SESSION_VARIABLES.items()
    }
    isolated["config_file"] = (None, None, os.devnull, None)
    isolated["credentials_file"] = (None, None, os.devnull, None)
    isolated["profile"] = (None, None, None, None)
    return botocore.session.Session(session_vars=isolated)


def aws_error(error: BaseException, *, action: str, resource: str) -> SitepushError:
    """The sitepush error for a botocore exception raised while trying to ``action`` on ``resource``.

    ``action`` reads as a verb phrase ("upload", "create the bucket"); ``resource`` names what was
    touched ("s3://bucket/key"). The result renders as one line with a fix and never holds a secret.
    """
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        MissingDependencyException,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ConnectTimeoutError,
        ProfileNotFound,
        ReadTimeoutError,
    )

    if isinstance(error, (NoCredentialsError, PartialCredentialsError)):
        return AwsRefused(f"cannot {action} {resource}: no AWS credentials found",
                          hint="set AWS_PROFILE or run `aws configure`, or try it locally with --sandbox")
    if isinstance(error, ProfileNotFound):
        return DeployError(f"cannot {action}: {error.kwargs.get('profile', '?')!r} is not a profile "
                           "in ~/.aws/config",
                           hint="run `aws configure --profile NAME` or fix `profile` in [deploy]")
    if isinstance(error, (ReadTimeoutError, ConnectTimeoutError)):
        what, option = ("did not answer", "read_timeout") if isinstance(error, ReadTimeoutError) else \
            ("did not accept a connection", "connect_timeout")
        return DeployError(f"cannot {action} {resource}: {_origin(error.kwargs.get('endpoint_url'))} {what} "
                           "in time, after retries",
                           hint=f"check --endpoint-url and the network, then rerun ([deploy] {option} "
                                "sets the wait)")
    if isinstance(error, EndpointConnectionError):
        return DeployError(f"cannot {action} {resource}: cannot reach {error.kwargs.get('endpoint_url')}",
                           hint="check --endpoint-url and the network, then rerun")
    if isinstance(error, NoRegionError):
        return DeployError(f"cannot {action} {resource}: no region is set",
                           hint="set `region` in [deploy] or pass --region")
    if isinstance(error, MissingDependencyException):
        # The CloudFront KeyValueStore API signs with SigV4A, which botocore does only through awscrt.
        return DeployError(f"cannot {action} {resource}: this AWS API signs with SigV4A, which needs the "
                           "awscrt package", hint="pip install 'sitepush[edge]', then rerun")
    if isinstance(error, ClientError):
        return _client_error(error, action=action, resource=resource)
    return AwsRefused(f"cannot {action} {resource}: {_redact(str(error))}",
                      hint="check the endpoint and credentials, then rerun")


def _client_error(error: Any, *, action: str, resource: str) -> SitepushError:
    details = error.response.get("Error", {})
    code = str(details.get("Code", "Unknown"))
    message = _redact(str(details.get("Message", "")).strip()) or "no message"
    if code in _CREDENTIAL_CODES:
        return AwsRefused(f"cannot {action} {resource}: {_CREDENTIAL_CODES[code]} ({code})",
                          hint="check the credentials of the profile in use (`aws sts get-caller-identity`)")
    if code in _DENIED_CODES:
        return AwsRefused(f"cannot {action} {resource}: access denied ({code})",
                          hint="grant these credentials the S3 permission for it, or use another --profile")
    if code == "NoSuchBucket":
        return DeployError(f"cannot {action} {resource}: the bucket does not exist",
                           hint="check the bucket name, or create it with `sitepush configure`")
    if code == "InvalidBucketName":
        return DeployError(f"cannot {action} {resource}: S3 refuses the name ({code})",
                           hint="use 3-63 lower-case letters, digits, hyphens and dots, "
                                'e.g. `bucket = "my-site"`')
    if code == "BucketAlreadyExists":
        return AwsRefused(f"cannot {action} {resource}: the name belongs to another AWS account",
                          hint="bucket names are global — choose another `bucket` in [deploy]")
    if code in {"BadDigest", "InvalidDigest"}:
        return DeployError(f"cannot {action} {resource}: the file changed while it was being uploaded",
                           hint="let the build finish, then rerun the deploy")
    if code in _THROTTLE_CODES:
        return AwsRefused(f"cannot {action} {resource}: AWS is throttling requests ({code})",
                          hint="rerun the deploy, or lower --workers")
    return AwsRefused(f"cannot {action} {resource}: {message} ({code})",
                      hint="fix what AWS names above, then rerun")


def _origin(url: Any) -> str:
    """``http://host:port`` of a request URL (the endpoint, without the bucket and key)."""
    parts = urlsplit(str(url or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else str(url or "the endpoint")


def _redact(text: str) -> str:
    return _ACCESS_KEY_ID.sub("[access key id]", text)


@contextmanager
def translated_aws_errors(*, action: str, resource: str) -> Iterator[None]:
    """Turn any botocore exception raised inside into the matching sitepush error."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise aws_error(error, action=action, resource=resource) from None
