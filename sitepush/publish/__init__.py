"""Publishing a built site to a bucket: the local scan, content types, redirect objects, the upload.

Importing this package imports neither boto3 nor moto; the S3 client is passed in by the caller
(built with :func:`sitepush.aws.make_client` or :meth:`sitepush.sandbox.Sandbox.client`).
"""

from sitepush.publish.content_types import CONTENT_TYPES, content_type_for
from sitepush.publish.local import LocalFile, LocalSite, SkippedFile, scan_site, summarise_skipped
from sitepush.publish.redirects import redirect_objects
from sitepush.publish.upload import DeployReport, format_report, upload_site

__all__ = [
    "CONTENT_TYPES",
    "DeployReport",
    "LocalFile",
    "LocalSite",
    "SkippedFile",
    "content_type_for",
    "format_report",
    "redirect_objects",
    "scan_site",
    "summarise_skipped",
    "upload_site",
]
