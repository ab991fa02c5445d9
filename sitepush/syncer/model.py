"""The syncer's data: what the bucket should hold, what it holds, and the plan between them.

::

    LocalSite + redirects + header rules ──local_specs──► {key: ObjectSpec}          (pure over files)
    ListObjectsV2 pages + GET manifest ──list_remote──► RemoteState                  (I/O)
    plan_sync(specs, remote, options) ──► SyncPlan                                    (pure)
    apply_plan(plan, client, ...) ──► SyncReport                                     (I/O)

Every key here is the full S3 key, deploy prefix included. All values are frozen so a plan can be
printed, written as JSON, compared in tests and applied without surprises.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
"""MD5 of zero bytes: the ETag of a redirect object."""


@dataclass(frozen=True)
class ObjectHeaders:
    """Everything S3 stores about an object besides its bytes, as sitepush sets it."""

    content_type: str
    cache_control: str | None = None
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    """User metadata (``x-amz-meta-*``), sorted by name."""
    storage_class: str | None = None
    sse: str | None = None
    """Server-side encryption: ``AES256`` or ``aws:kms``."""
    sse_kms_key_id: str | None = None
    redirect: str | None = None
    """``x-amz-website-redirect-location``: a site path or an http(s) URL."""

    def digest(self) -> str:
        """A stable hash of every field: the deploy manifest's "header hash"."""
        return self._digest

    @cached_property
    def _digest(self) -> str:
        # Asked for several times per object and deploy (plan, manifest, report): computed once. The
        # text is every field by name (what dataclasses.asdict gives, without its deep copy, a tenth of
        # the cost); it must never change, or every object of every site would look re-headered.
        text = json.dumps({name: getattr(self, name) for name in _HEADER_FIELDS}, sort_keys=True,
                          separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def put_args(self) -> dict[str, Any]:
        """The boto3 ``put_object`` / ``copy_object`` / ``ExtraArgs`` keywords for these headers."""
        args: dict[str, Any] = {"ContentType": self.content_type}
        optional = {
            "CacheControl": self.cache_control, "ContentEncoding": self.content_encoding,
            "ContentDisposition": self.content_disposition, "ContentLanguage": self.content_language,
            "StorageClass": self.storage_class, "ServerSideEncryption": self.sse,
            "SSEKMSKeyId": self.sse_kms_key_id, "WebsiteRedirectLocation": self.redirect,
        }
        args.update({name: value for name, value in optional.items() if value is not None})
        if self.metadata:
            args["Metadata"] = dict(self.metadata)
        return args


_HEADER_FIELDS = tuple(f.name for f in fields(ObjectHeaders))


@dataclass(frozen=True)
class ObjectSpec:
    """One object as the bucket should hold it."""

    key: str
    path: Path | None
    """The file to upload; None for a redirect object (zero bytes)."""
    size: int
    md5: str
    """Hex MD5 of the content."""
    etag: str
    """The ETag S3 will report after sitepush uploads it: the MD5 for a single-part upload, the
    multipart ETag (``md5-of-part-md5s-N``) for a file above the multipart threshold, computed with the
    part size the upload will use."""
    headers: ObjectHeaders

    @property
    def is_redirect(self) -> bool:
        """A zero-byte object that only redirects."""
        return self.headers.redirect is not None

    @property
    def is_html(self) -> bool:
        """An HTML page (uploaded after the assets it may link to)."""
        return self.headers.content_type.startswith("text/html") and not self.is_redirect


@dataclass(frozen=True)
class RemoteObject:
    """One object as ListObjectsV2 reports it."""

    key: str
    etag: str
    """Without the surrounding quotes."""
    size: int


@dataclass(frozen=True)
class ManifestEntry:
    """What sitepush last wrote to one key."""

    etag: str
    """The ETag the object had after sitepush wrote it (ties the entry to that exact object)."""
    md5: str
    """Hex MD5 of the content sitepush wrote."""
    headers: str
    """``ObjectHeaders.digest()`` of the headers sitepush wrote."""
    version: str | None = None
    """The version id S3 gave the object, on a versioned bucket (what a rollback copies back)."""


@dataclass(frozen=True)
class Manifest:
    """sitepush's record of a deployed site, kept (privately) in the bucket."""

    entries: Mapping[str, ManifestEntry] = field(default_factory=dict)
    commit: str | None = field(default=None, compare=False)
    """The git commit the deploy that wrote it was made from (None: unknown). Not part of equality:
    a deploy of another commit with the same content leaves the manifest as it is."""


@dataclass(frozen=True)
class RemoteState:
    """The bucket under the deploy prefix, and the manifest sitepush left there (None if none)."""

    objects: Mapping[str, RemoteObject]
    manifest: Manifest | None
    manifest_etag: str | None = None


class UploadReason(str, Enum):
    """Why an object is written."""

    NEW = "new"
    CONTENT = "content"
    HEADERS = "headers"
    """Only the headers changed: applied by copying the object onto itself, not re-uploading it."""
    REDIRECT = "redirect"


@dataclass(frozen=True)
class Upload:
    """One object to write and why."""

    spec: ObjectSpec
    reason: UploadReason


@dataclass(frozen=True)
class SyncOptions:
    """The decisions a user makes for a deploy."""

    prefix: str = ""
    """Only keys under it are compared, and only they can be deleted ("site/" or "")."""
    url_prefix: str = ""
    """The end of ``prefix`` that is also in the site's URLs (its base-URL path, ``docs/``): kept in
    invalidation paths (``/docs/a/``), while the rest of the prefix is the distribution's origin path."""
    state_prefix: str = ".sitepush/"
    """sitepush's own keys (under ``prefix``): never site content, never deleted by a sync."""
    max_deletes: int | None = None
    """Deletes allowed without ``--yes``; None = 10 % of the bucket's objects, at least 25."""
    yes: bool = False
    """``--yes``: go ahead whatever the delete count."""
    delete: bool = True
    invalidation_budget: int = 15
    """Most invalidation paths before collapsing to parent wildcards."""


@dataclass(frozen=True)
class SyncPlan:
    """What a deploy will do, decided before it does anything."""

    uploads: tuple[Upload, ...]
    """In apply order: assets, then HTML, then redirect objects."""
    deletes: tuple[str, ...]
    unchanged: int
    manifest: Manifest
    """The manifest to write after the uploads and deletes."""
    manifest_changed: bool
    invalidation_paths: tuple[str, ...]
    invalidation_cost_usd: float
    """At CloudFront's list price beyond the free tier ($0.005 a path after 1,000 a month),
    assuming this month's free paths are used up: an upper bound."""
    delete_limit: int
    blocked: str | None = None
    """Why the plan must not be applied without ``--yes`` (too many deletes), else None."""

    @property
    def changes(self) -> int:
        """Uploads plus deletes."""
        return len(self.uploads) + len(self.deletes)
