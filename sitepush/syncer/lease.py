"""The deploy lease: one deploy writes to a site prefix at a time.

A deploy that has something to write first creates ``<prefix><state_prefix>lease.json`` with
``PutObject`` and ``If-None-Match: *``; S3 refuses the write with 412 Precondition Failed when the
object already exists (User Guide, "How to prevent object overwrites with conditional writes":
https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), and answers 409
ConditionalRequestConflict when two such writes race — one of them wins either way. The body says
who holds it and until when::

    {"commit":"0c3e…"|null,"expires":"2026-12-02T03:15:47Z","format":1,"generator":"sitepush",
     "host":"runner-12","pid":4242,"started":"2026-12-02T03:14:47Z"}

While the deploy runs, a background thread rewrites it every :data:`RENEW_SECONDS` with a later
expiry, conditional on its own ETag (``If-Match``), so a lease taken over by someone else is never
overwritten. At the end (also after a failure or an interrupt) it is deleted, again only if it is
still ours. A second deploy that finds a live lease waits, with a progress line, up to ``--wait-lock``
seconds, then stops (exit 3) naming the holder; a lease past its expiry (its deploy was killed), or
held by a process of this host that no longer runs, is taken over, conditional on the ETag it was
read with.

Expiry is judged with the local clock against the holder's: machines whose clocks differ by more
than :data:`LEASE_SECONDS` minus :data:`RENEW_SECONDS` could take over a live lease. The manifest's
own ``If-Match`` write still keeps such a deploy from overwriting a newer manifest.

A store that refuses the headers (501 NotImplemented) gets a best-effort lease with ``lock = "auto"``:
read, then write without a condition — two deploys starting within the same second can both win.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.errors import SafetyStop

LEASE_NAME = "lease.json"
LEASE_SECONDS = 60.0
"""How long a lease holds without renewal."""
RENEW_SECONDS = 15.0
"""How often the holder renews it."""
POLL_SECONDS = 1.0
"""How often a waiting deploy looks again."""
FORMAT = 1
GENERATOR = "sitepush"

_CONFLICT_CODES = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}
_MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
_REFUSED_HEADER_CODES = {"NotImplemented", "501"}

Say = Callable[[str], None]


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds a lease, from when and until when (seconds since the epoch)."""

    host: str
    pid: int
    commit: str | None
    started: float
    expires: float

    def describe(self) -> str:
        """``runner-12 pid 4242 (commit 0c3e1f2)``."""
        commit = f" (commit {self.commit[:7]})" if self.commit else ""
        return f"{self.host} pid {self.pid}{commit}"

    def renewed(self, now: float) -> LeaseHolder:
        """The same holder with its expiry moved to ``now + LEASE_SECONDS``."""
        return LeaseHolder(self.host, self.pid, self.commit, self.started, now + LEASE_SECONDS)


def lease_key(prefix: str, state_prefix: str) -> str:
    """``<prefix><state_prefix>lease.json``."""
    return f"{prefix}{state_prefix}{LEASE_NAME}"


def shown_time(seconds: float) -> str:
    """``2026-12-02 03:14:47 UTC``."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_lease(holder: LeaseHolder) -> bytes:
    """The lease body: compact JSON, keys sorted."""
    return json.dumps({"format": FORMAT, "generator": GENERATOR, "host": holder.host, "pid": holder.pid,
                       "commit": holder.commit, "started": _iso(holder.started),
                       "expires": _iso(holder.expires)}, sort_keys=True, separators=(",", ":")).encode("utf-8")


def decode_lease(data: bytes) -> LeaseHolder | None:
    """The holder in ``data``, or None for anything that is not a format-1 sitepush lease."""
    try:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("generator") != GENERATOR:
            return None
        commit = raw.get("commit")
        return LeaseHolder(host=str(raw["host"]), pid=int(raw["pid"]),
                           commit=commit if isinstance(commit, str) else None,
                           started=_parse_time(raw["started"]), expires=_parse_time(raw["expires"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None


def _parse_time(text: Any) -> float:
    if not isinstance(text, str):
        raise ValueError("not a time")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def is_live(holder: LeaseHolder | None, now: float) -> bool:
    """A readable lease not yet past its expiry; an unreadable one is as good as expired."""
    return holder is not None and holder.expires > now


def died_here(holder: LeaseHolder | None) -> bool:
    """The holder ran on this host and its process is gone (killed): its lease need not be waited out.

    A process of another host, or one whose pid is alive (perhaps reused), is waited for until the
    lease expires — the safe side.
    """
    if holder is None or holder.host != (socket.gethostname() or "unknown host") or holder.pid == os.getpid():
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, another user's
    return False


def this_process(commit: str | None, now: float) -> LeaseHolder:
    """The holder this deploy writes: this host, this pid, the commit being deployed."""
    return LeaseHolder(host=socket.gethostname() or "unknown host", pid=os.getpid(), commit=commit,
                       started=now, expires=now + LEASE_SECONDS)


class DeployLease:
    """Acquire (:meth:`acquire`), keep (a renewing thread) and release (:meth:`release`) the lease.

    ``client`` is the deploy's S3 client (thread-safe). ``say`` gets the lines worth keeping
    (a takeover, the best-effort warning); ``progress`` the transient waiting line. ``clock`` is the
    wall clock (expiry times are shared with other machines); ``sleep`` is injectable for tests.
    """

    def __init__(self, client: Any, bucket: str, key: str, holder: LeaseHolder, *, wait_seconds: float,
                 say: Say, progress: Say, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._client, self._bucket, self._key = client, bucket, key
        self._holder = holder
        self._wait = wait_seconds
        self._say, self._progress = say, progress
        self._clock, self._sleep = clock, sleep
        self._etag: str | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._renewer: threading.Thread | None = None
        self.conditional = True
        """False once the store refused the conditional headers (best-effort lease)."""
        self.waited = False
        """True when another deploy held the lease first (its writes came after our listing)."""
        self.took_over = False
        self.lost: LeaseHolder | None = None
        """The holder that took the lease from us while we held it (our renewal found its ETag)."""

    @property
    def resource(self) -> str:
        return f"s3://{self._bucket}/{self._key}"

    def acquire(self) -> None:
        """Take the lease, waiting for a live one up to ``wait_seconds``; starts the renewing thread.

        Raises SafetyStop (exit 3) naming the holder when the wait runs out.
        """
        started = self._clock()
        while True:  # ends: each turn takes the lease, or sleeps towards the deadline, or raises
            if self._try_create():
                break
            found, etag = self._read()
            now = self._clock()
            if etag is None:
                continue  # released between our write and our read: try again at once
            dead = died_here(found)
            if dead or not is_live(found, now):
                if self._try_replace(etag):
                    self.took_over = True
                    what = "unreadable" if found is None else \
                        f"held by {found.describe()} since {shown_time(found.started)}, " + (
                            "which is no longer running" if dead else f"expired {shown_time(found.expires)}")
                    self._say(f"took over the deploy lease {self.resource} ({what})")
                    break
                continue
            assert found is not None
            waited = now - started
            if waited >= self._wait:
                raise SafetyStop(
                    f"another deploy holds the lease {self.resource}: {found.describe()} since "
                    f"{shown_time(found.started)}",
                    hint="let it finish and run again, or wait longer with --wait-lock SECONDS")
            line = f"waiting for the deploy lease held by {found.describe()} since " \
                   f"{shown_time(found.started)} ({waited:.0f} s of {self._wait:.0f} s)"
            (self._progress if self.waited else self._say)(line)  # the first one is always shown
            self.waited = True
            self._sleep(max(0.0, min(POLL_SECONDS, self._wait - waited)))
        self._renewer = threading.Thread(target=self._renew_until_stopped, name="sitepush-lease", daemon=True)
        self._renewer.start()

    def release(self, timeout: float | None = None) -> None:
        """Stop renewing and delete the lease if it is still ours; gives up after ``timeout`` seconds."""
        self._stopped.set()
        if self._etag is None:
            return
        done = threading.Thread(target=self._delete, name="sitepush-lease-release", daemon=True)
        done.start()
        done.join(timeout)

    # -- the requests --------------------------------------------------------------------------

    def _put(self, holder: LeaseHolder, **condition: str) -> str | None:
        """Write the lease; its new ETag, or None when the condition failed."""
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        with translated_aws_errors(action="write the deploy lease", resource=self.resource):
            try:
                response = self._client.put_object(Bucket=self._bucket, Key=self._key, Body=encode_lease(holder),
                                                   ContentType="application/json", CacheControl="no-store",
                                                   **condition)
            except ClientError as error:
                code = _code(error)
                if condition and code in _REFUSED_HEADER_CODES:
                    raise _HeaderRefused from None
                if condition and (code in _CONFLICT_CODES or code in _MISSING_CODES):
                    return None
                raise
        return str(response["ETag"])

    def _try_create(self) -> bool:
        holder = self._holder.renewed(self._clock())
        if self.conditional:
            try:
                etag = self._put(holder, IfNoneMatch="*")
            except _HeaderRefused:
                self._refused()
                return self._try_create()
        else:
            found, _ = self._read()
            if is_live(found, self._clock()) and not self._is_ours(found):
                return False
            etag = self._put(holder)
        if etag is None:
            return False
        with self._lock:
            self._etag, self._holder = etag, holder
        return True

    def _try_replace(self, etag: str) -> bool:
        holder = self._holder.renewed(self._clock())
        new = self._put(holder, IfMatch=etag) if self.conditional else self._put(holder)
        if new is None:
            return False
        with self._lock:
            self._etag, self._holder = new, holder
        return True

    def _refused(self) -> None:
        self.conditional = False
        self._say(f"warning: the store refuses conditional writes (If-None-Match), so the deploy lease "
                  f"{self.resource} is best-effort: two deploys starting together may still mix — set "
                  "[deploy] lock = \"off\" to skip it")

    def _is_ours(self, holder: LeaseHolder | None) -> bool:
        return holder is not None and (holder.host, holder.pid, holder.started) == (
            self._holder.host, self._holder.pid, self._holder.started)

    def _read(self) -> tuple[LeaseHolder | None, str | None]:
        """The lease as it is now and its ETag; ``(None, None)`` when there is none."""
        from botocore.exceptions import ClientError

        with translated_aws_errors(action="read the deploy lease", resource=self.resource):
            try:
                response = self._client.get_object(Bucket=self._bucket, Key=self._key)
            except ClientError as error:
                if _code(error) in _MISSING_CODES:
                    return None, None
                raise
            with response["Body"] as body:
                data = body.read()
        return decode_lease(data), str(response["ETag"])

    def _renew_until_stopped(self) -> None:
        from sitepush.errors import SitepushError

        while not self._stopped.wait(RENEW_SECONDS):
            with self._lock:
                etag, holder = self._etag, self._holder
            if etag is None:
                return
            renewed = holder.renewed(self._clock())
            try:
                new = self._put(renewed, IfMatch=etag) if self.conditional else self._put(renewed)
            except SitepushError:
                continue  # a failed renewal is retried at the next turn; the lease lasts LEASE_SECONDS
            if new is None:
                found, _ = self._read_quietly()
                self.lost = found
                self._say(f"warning: the deploy lease {self.resource} was taken over"
                          + (f" by {found.describe()}" if found is not None else "")
                          + "; the manifest will not be written over theirs")
                with self._lock:
                    self._etag = None
                return
            with self._lock:
                self._etag, self._holder = new, renewed

    def _read_quietly(self) -> tuple[LeaseHolder | None, str | None]:
        from sitepush.errors import SitepushError

        try:
            return self._read()
        except SitepushError:
            return None, None

    def _delete(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        with self._lock:
            etag, self._etag = self._etag, None
        if etag is None:
            return
        try:
            if self.conditional:
                # DeleteObject with If-Match (User Guide, "How to perform conditional deletes":
                # https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html);
                # a 412 means another deploy took the lease over, and it is theirs to delete.
                try:
                    self._client.delete_object(Bucket=self._bucket, Key=self._key, IfMatch=etag)
                    return
                except ClientError as error:
                    if _code(error) not in _REFUSED_HEADER_CODES:
                        return
            found, now_etag = self._read_quietly()
            if now_etag == etag or self._is_ours(found):
                self._client.delete_object(Bucket=self._bucket, Key=self._key)
        except (BotoCoreError, ClientError):
            pass  # a lease left behind expires after LEASE_SECONDS; the next deploy takes it over


class _HeaderRefused(Exception):
    """The store answered 501 NotImplemented to a conditional header."""


def _code(error: Any) -> str:
    details = error.response.get("Error", {})
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = str(details.get("Code", ""))
    return code or str(status or "")
