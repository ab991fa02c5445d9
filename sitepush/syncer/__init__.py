"""Making a bucket equal to a built site — the syncer.

::

    scan_site + HashCache → local_specs → {key: ObjectSpec}      local side (pure over files)
    list_remote(client, bucket, options) → RemoteState           one listing + the deploy manifest
    plan_sync(local, remote, options) → SyncPlan                 pure
    apply_plan(plan, client=..., ...) → SyncReport               the only writes

Importing this package imports neither boto3 nor moto; the S3 client is passed in by the caller
(built with :func:`sitepush.aws.make_client` or :meth:`sitepush.sandbox.Sandbox.client`).
"""

from sitepush.syncer.apply import RequestCounter, SyncReport, apply_plan
from sitepush.syncer.content_types import CONTENT_TYPES, content_type_for
from sitepush.syncer.hashing import HashCache
from sitepush.syncer.local import LocalFile, LocalSite, SkippedFile, scan_site, summarise_skipped
from sitepush.syncer.model import (
    ObjectHeaders,
    ObjectSpec,
    RemoteState,
    SyncOptions,
    SyncPlan,
    Upload,
    UploadReason,
)
from sitepush.syncer.plan import plan_sync
from sitepush.syncer.redirects import redirect_objects
from sitepush.syncer.remote import ensure_bucket, list_remote
from sitepush.syncer.report import format_plan, format_summary
from sitepush.syncer.specs import local_specs

__all__ = [
    "CONTENT_TYPES",
    "HashCache",
    "LocalFile",
    "LocalSite",
    "ObjectHeaders",
    "ObjectSpec",
    "RemoteState",
    "RequestCounter",
    "SkippedFile",
    "SyncOptions",
    "SyncPlan",
    "SyncReport",
    "Upload",
    "UploadReason",
    "apply_plan",
    "content_type_for",
    "ensure_bucket",
    "format_plan",
    "format_summary",
    "list_remote",
    "local_specs",
    "plan_sync",
    "redirect_objects",
    "scan_site",
    "summarise_skipped",
]
