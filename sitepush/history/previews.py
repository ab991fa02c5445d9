"""Private previews: a build (drafts included) uploaded under ``<state_prefix>previews/NAME/``.

The website's bucket policy denies everything under the state prefix, so a preview is reachable only
through presigned links (``sitepush share``), which expire; ``sitepush preview prune`` removes old ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.errors import UsageError

PREVIEWS_FOLDER = "previews/"
MAX_EXPIRY = timedelta(days=7)
"""SigV4 presigned URLs are valid for at most 7 days (S3 User Guide, "Sharing objects with presigned URLs")."""


@dataclass(frozen=True)
class SigningCredentials:
    """What matters about the credentials that sign a link: are they temporary, and until when."""

    temporary: bool
    """A session token is part of them (STS: an assumed role, OIDC in CI, SSO)."""
    expires: datetime | None = None
    """When they expire, where botocore knows it (refreshable credentials); None otherwise."""


@dataclass(frozen=True)
class LinkLifetime:
    """How long a share link will really work, and the line that says so."""

    expires_in: timedelta
    """What the link is signed for (X-Amz-Expires)."""
    until: datetime
    """The moment it stops working."""
    note: str
    """One line for the user: the real expiry, and why when it is the credentials'."""
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_DURATION = re.compile(r"(\d+)([smhd])")


def preview_prefix(prefix: str, state_prefix: str, name: str) -> str:
    """``<prefix><state_prefix>previews/NAME/``; UsageError for a name that is not a plain word."""
    if not _NAME.fullmatch(name):
        raise UsageError(f"--preview {name!r} is not a usable name",
                         hint="use lower-case letters, digits, - and _ (e.g. --preview draft-post)")
    return f"{prefix}{state_prefix}{PREVIEWS_FOLDER}{name}/"


def parse_duration(text: str, *, option: str) -> timedelta:
    """``90s``, ``15m``, ``1h``, ``7d`` → a timedelta; UsageError naming ``option`` otherwise."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise UsageError(f"{option} {text!r} is not a duration", hint=f"write e.g. {option} 1h (s, m, h or d)")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


def key_for_path(path: str, index_document: str = "index.html") -> str:
    """The key a site path names: ``/docs/`` → ``docs/index.html``, ``/a.css`` → ``a.css``."""
    key = path.lstrip("/")
    return key + index_document if key == "" or key.endswith("/") else key


def link_lifetime(expires: timedelta, credentials: SigningCredentials, now: datetime) -> LinkLifetime:
    """How long a link asked for ``expires`` works when signed with ``credentials`` at ``now``. Pure.

    AWS: "If you created a presigned URL using a temporary token, then the URL expires when the token
    expires, even if you created the URL with a later expiration time" (S3 User Guide, "Sharing objects
    with presigned URLs"). So with temporary credentials whose expiry is known, an ``expires`` beyond
    it is refused with the real limit; where it is not known, the note says the session ends it.
    Raises UsageError outside S3's 1 second to 7 days too.
    """
    if expires > MAX_EXPIRY or expires.total_seconds() < 1:
        raise UsageError(f"--expires {_span(expires)} ({spoken_span(expires)}) is outside what S3 allows",
                         hint="presigned links last from 1 second to 7 days: use e.g. --expires 1h or 7d")
    until = now + expires
    if not credentials.temporary:
        return LinkLifetime(expires, until, f"the link works until {_moment(until)} ({spoken_span(expires)})")
    if credentials.expires is None:
        return LinkLifetime(expires, until, f"the link works until {_moment(until)} ({spoken_span(expires)}) at most: "
                            "it is signed with temporary credentials, and stops working when their session "
                            "ends, whatever --expires says")
    left = credentials.expires - now
    if until > credentials.expires:
        usable = max(int(left.total_seconds()) // 60, 0)
        raise UsageError(f"--expires {_span(expires)} outlasts the temporary credentials that sign the link: "
                         f"they expire at {_moment(credentials.expires)}, and the link with them",
                         hint=(f"use --expires {usable}m or less, " if usable else "renew the session, ")
                         + "or sign with long-lived credentials (--profile)")
    return LinkLifetime(expires, until, f"the link works until {_moment(until)} ({spoken_span(expires)}); the "
                        f"temporary credentials signing it last until {_moment(credentials.expires)}")


def signing_credentials(client: Any) -> SigningCredentials:
    """The credentials ``client`` signs with: temporary or not, and their expiry where botocore has it."""
    # botocore keeps the credentials a client signs with on its request signer (not a public
    # attribute, so read defensively): the very ones that will sign the URL, already resolved.
    signer = getattr(client, "_request_signer", None)
    credentials = getattr(signer, "_credentials", None)
    if credentials is None:
        return SigningCredentials(temporary=False)
    with translated_aws_errors(action="read the credentials for", resource="the share link"):
        frozen = credentials.get_frozen_credentials()  # refreshes them first if they are about to expire
    expiry = getattr(credentials, "_expiry_time", None)
    if isinstance(expiry, datetime) and expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=UTC)
    return SigningCredentials(temporary=bool(frozen.token),
                              expires=expiry if isinstance(expiry, datetime) and frozen.token else None)


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _span(span: timedelta) -> str:
    """The option's own form of a duration: ``7d``, ``90m``, ``45s``."""
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def spoken_span(span: timedelta) -> str:
    """The same duration as a person says it: ``30 days``, ``1 hour``, ``90 minutes``, ``45 seconds``."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            seconds //= size
            break
    else:
        unit = "second"
    return f"{seconds} {unit}" + ("" if seconds == 1 else "s")


def share_url(client: Any, bucket: str, key: str, expires: timedelta) -> str:
    """A SigV4 presigned GET URL for ``key``, valid for ``expires`` (at most 7 days)."""
    if expires > MAX_EXPIRY or expires.total_seconds() < 1:
        raise UsageError(f"--expires {_span(expires)} ({spoken_span(expires)}) is outside what S3 allows",
                         hint="presigned links last from 1 second to 7 days: use e.g. --expires 1h or 7d")
    with translated_aws_errors(action="sign a link to", resource=f"s3://{bucket}/{key}"):
        return str(client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                                 ExpiresIn=int(expires.total_seconds())))


def previews(client: Any, bucket: str, root: str) -> dict[str, tuple[int, datetime]]:
    """Preview name → (objects, newest LastModified) under ``root`` (``…/previews/``)."""
    found: dict[str, tuple[int, datetime]] = {}
    for item in _objects(client, bucket, root):
        name = item["Key"][len(root):].split("/", 1)[0]
        count, newest = found.get(name, (0, datetime.min.replace(tzinfo=UTC)))
        found[name] = (count + 1, max(newest, item["LastModified"]))
    return found


def prune(client: Any, bucket: str, root: str, older_than: timedelta, now: datetime | None = None) -> list[str]:
    """Delete every preview whose newest object is older than ``older_than``; returns their names."""
    moment = now or datetime.now(UTC)
    old = sorted(name for name, (_, newest) in previews(client, bucket, root).items()
                 if moment - newest > older_than)
    from sitepush.syncer.apply import DELETE_BATCH, delete_batch

    keys = [item["Key"] for name in old for item in _objects(client, bucket, f"{root}{name}/")]
    for start in range(0, len(keys), DELETE_BATCH):
        delete_batch(client, bucket, keys[start:start + DELETE_BATCH])
    return old


def _objects(client: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    paginator = client.get_paginator("list_objects_v2")
    with translated_aws_errors(action="list", resource=f"s3://{bucket}/{prefix}"):
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            yield from page.get("Contents", [])
