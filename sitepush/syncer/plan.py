"""``plan_sync``: what a deploy must write and delete to make the bucket equal the site. Pure.

Per local object (an :class:`ObjectSpec`), against the listing and sitepush's manifest:

====================================================  ==========================================
remote object                                          decision
====================================================  ==========================================
missing                                                NEW (upload)
other size, or ETag matching neither the spec's        CONTENT (upload; for a redirect: re-put)
ETag nor its MD5, unless the manifest ties it (below)
same content, manifest entry missing or with other     HEADERS (copy onto itself, no body);
headers                                                REDIRECT for a redirect object (re-put)
same content, same headers                             unchanged
====================================================  ==========================================

"Same content" is decided without downloading anything: the listed ETag equals the ETag the upload
would produce (the MD5, or the multipart ETag computed with the upload's part size) or the MD5 (S3
gives a copied object an MD5 ETag); otherwise — a multipart upload with another part size, an
SSE-KMS object whose ETag is not its MD5 — only the manifest can tell: the entry's ETag equals the
listed one (the object is the one sitepush wrote) and the entry's MD5 equals the spec's. A redirect
object is zero bytes, so its ETag is always the empty MD5 and its target is judged by the headers.

The new manifest has one entry per local object, recording the ETag S3 will report after the deploy:
the listed one for an untouched object (which keeps a non-MD5 ETag tied to its MD5), the predicted
one for a put, the MD5 for a copy in place of up to 5 GB. ``apply_plan`` replaces predictions with
the ETags S3 returned (``manifest_with_etags``; SSE-KMS needs it). ``manifest_changed`` is False when
it equals the stored manifest, so an unchanged site never rewrites it.

Deletes are the keys under ``options.prefix`` that the site no longer has, never sitepush's own
state (``prefix + state_prefix``), never anything outside the prefix even if the caller listed it.

Safety (``blocked``): a plan deleting more than :func:`delete_limit` (``--max-deletes`` raises it),
or deleting anything while the site folder has half or fewer of the objects the bucket holds (when it
holds at least :data:`SHRINK_MIN_OBJECTS`; only ``--yes`` lifts this one), must not be applied
without ``--yes``. A blocked plan is still complete, so ``--dry-run`` can show it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sitepush.errors import DeployError
from sitepush.syncer.invalidation import invalidation_cost_usd, invalidation_paths
from sitepush.syncer.manifest import manifest_entry
from sitepush.syncer.model import (
    Manifest,
    ManifestEntry,
    ObjectSpec,
    RemoteObject,
    RemoteState,
    SyncOptions,
    SyncPlan,
    Upload,
    UploadReason,
)

MIN_DELETE_LIMIT = 25
DELETE_LIMIT_PERCENT = 10
SHRINK_MIN_OBJECTS = 20
"""Below this many objects in the bucket, halving the site is ordinary (a new site, a small demo)
and only the delete limit guards it; from it on, a site folder with half the bucket's objects or fewer
is more likely the wrong folder or a failed build than an intended change."""

COPY_OBJECT_MAX_BYTES = 5 * 1024**3
"""CopyObject copies at most 5 GB in one request (docs: CopyObject); larger objects are copied in
parts, with the upload's part size, and keep a multipart ETag."""

_UPDATED = (UploadReason.CONTENT, UploadReason.HEADERS, UploadReason.REDIRECT)


def delete_limit(remote_objects: int, max_deletes: int | None) -> int:
    """Deletes allowed without ``--yes``: ``max_deletes`` if given, else 10 % of the bucket's
    ``remote_objects`` (rounded down), at least 25."""
    if max_deletes is not None:
        return max_deletes
    return max(MIN_DELETE_LIMIT, remote_objects * DELETE_LIMIT_PERCENT // 100)


def plan_sync(local: Mapping[str, ObjectSpec], remote: RemoteState, options: SyncOptions) -> SyncPlan:
    """The plan that makes the bucket under ``options.prefix`` equal ``local`` (key → spec).

    ``local`` keys include the prefix. ``remote.objects`` may hold keys outside the prefix or under
    sitepush's state prefix: they are neither compared nor deleted nor counted. Raises DeployError
    when a local key falls under the state prefix (it would overwrite sitepush's manifest).
    """
    _check_options(options)
    state = options.prefix + options.state_prefix
    for key in local:
        if not key.startswith(options.prefix):
            raise ValueError(f"local key {key!r} is outside the deploy prefix {options.prefix!r}")
        if key.startswith(state):
            raise DeployError(f"the site has a file {key} inside sitepush's state folder {state}",
                              hint="remove it from the built site, or choose another state prefix")
    site_objects = {key: obj for key, obj in remote.objects.items()
                    if key.startswith(options.prefix) and not key.startswith(state)}
    entries = remote.manifest.entries if remote.manifest is not None else {}

    uploads: list[Upload] = []
    new_entries: dict[str, ManifestEntry] = {}
    for key in sorted(local):
        spec = local[key]
        reason = _reason(spec, site_objects.get(key), entries.get(key))
        new_entries[key] = _recorded_entry(spec, site_objects.get(key), reason, entries.get(key))
        if reason is not None:
            uploads.append(Upload(spec=spec, reason=reason))
    uploads.sort(key=lambda upload: (_phase(upload.spec), upload.spec.key))

    deletes = tuple(sorted(key for key in site_objects if key not in local)) if options.delete else ()
    limit = delete_limit(len(site_objects), options.max_deletes)
    manifest = Manifest(entries=new_entries)
    old_entries = dict(remote.manifest.entries) if remote.manifest is not None else None
    paths = invalidation_paths(
        (upload.spec.key for upload in uploads if upload.reason in _UPDATED), deletes,
        prefix=options.prefix.removesuffix(options.url_prefix) if options.url_prefix else options.prefix,
        budget=options.invalidation_budget,
        site_keys=[*local, *site_objects],
    )
    return SyncPlan(
        uploads=tuple(uploads),
        deletes=deletes,
        unchanged=len(local) - len(uploads),
        manifest=manifest,
        manifest_changed=old_entries != new_entries,
        invalidation_paths=paths,
        invalidation_cost_usd=invalidation_cost_usd(paths),
        delete_limit=limit,
        blocked=_blocked(len(deletes), len(local), len(site_objects), limit, options),
    )


def _check_options(options: SyncOptions) -> None:
    if options.prefix and not options.prefix.endswith("/"):
        raise ValueError(f"the deploy prefix must be empty or end with '/', not {options.prefix!r}")
    if not options.state_prefix:
        raise ValueError("the state prefix must not be empty: it would cover the whole site")


def _reason(spec: ObjectSpec, remote: RemoteObject | None, entry: ManifestEntry | None) -> UploadReason | None:
    if remote is None:
        return UploadReason.NEW
    if not _same_content(spec, remote, entry):
        return UploadReason.CONTENT
    if entry is None or entry.headers != spec.headers.digest():
        return UploadReason.REDIRECT if spec.is_redirect else UploadReason.HEADERS
    return None


def _same_content(spec: ObjectSpec, remote: RemoteObject, entry: ManifestEntry | None) -> bool:
    if remote.size != spec.size:
        return False
    if remote.etag in (spec.etag, spec.md5):
        return True
    # An ETag that is not the content's MD5 (multipart with another part size, SSE-KMS, SSE-C):
    # trusted only as the very object sitepush wrote, whose MD5 the manifest kept.
    return entry is not None and entry.etag == remote.etag and entry.md5 == spec.md5


def _recorded_entry(spec: ObjectSpec, remote: RemoteObject | None, reason: UploadReason | None,
                    old: ManifestEntry | None = None) -> ManifestEntry:
    """What the manifest must say after this object is applied: the ETag S3 will then report."""
    entry = manifest_entry(spec)
    if reason is None and remote is not None:
        # Untouched: keep the ETag the listing shows, which is what ties a non-MD5 ETag to the MD5,
        # and the version id sitepush wrote, while the object is still the one it wrote.
        version = old.version if old is not None and old.etag == remote.etag else None
        return ManifestEntry(etag=remote.etag, md5=entry.md5, headers=entry.headers, version=version)
    if reason is UploadReason.HEADERS and spec.size <= COPY_OBJECT_MAX_BYTES:
        # A single CopyObject gives a plain or SSE-S3 object the MD5 of its data as ETag, even when
        # the source was a multipart upload (S3 API Reference, the Object data type's ETag; moto agrees).
        # SSE-KMS ETags are unpredictable: apply_plan records the real ones (manifest_with_etags).
        return ManifestEntry(etag=spec.md5, md5=entry.md5, headers=entry.headers)
    return entry


def _phase(spec: ObjectSpec) -> int:
    """Apply order: assets (0) before the pages that link to them (1), redirect objects last (2)."""
    if spec.is_redirect:
        return 2
    return 1 if spec.is_html else 0


def _blocked(deletes: int, local: int, remote: int, limit: int, options: SyncOptions) -> str | None:
    if options.yes or deletes == 0:
        return None
    where = f"under {options.prefix}" if options.prefix else "in the bucket"
    if deletes > limit:
        return (f"the deploy would delete {deletes} of the {remote} objects {where}, more than the limit "
                f"of {limit} — check the site folder, then rerun with --yes or --max-deletes {deletes}")
    # Only --yes lifts this one: a --max-deletes kept in sitepush.toml must not let a half-built or
    # wrong folder empty the site.
    if remote >= SHRINK_MIN_OBJECTS and local * 2 <= remote:
        return (f"the site folder has {local} objects but there are {remote} {where}: the deploy would "
                f"delete {deletes} of them — check that this is the right, fully built folder, then "
                "rerun with --yes")
    return None
