"""``sitepush deploy``: put a built folder into a bucket — on AWS, an S3-compatible endpoint, or the sandbox.

This first version uploads every file (the syncer issue replaces the upload with a diff of the bucket);
what it prints is what it did.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sitepush.build.builder import MARKER
from sitepush.config import DeployConfig
from sitepush.errors import UsageError

if TYPE_CHECKING:
    from sitepush.publish.upload import DeployReport

SANDBOX_BUCKET = "sitepush-sandbox"


@dataclass(frozen=True)
class DeployTarget:
    """Where a deploy goes, after command-line options have overridden sitepush.toml."""

    bucket: str
    prefix: str
    region: str
    endpoint_url: str | None
    profile: str | None
    workers: int
    sandbox: bool

    @classmethod
    def from_options(cls, config: DeployConfig | None, *, sandbox: bool, bucket: str | None,
                     prefix: str | None, endpoint_url: str | None, region: str | None,
                     profile: str | None, workers: int | None) -> DeployTarget:
        """Command-line values win over ``[deploy]``; the sandbox needs no bucket name."""
        base = config or DeployConfig()
        chosen_bucket = bucket or base.bucket or (SANDBOX_BUCKET if sandbox else "")
        if not chosen_bucket:
            raise UsageError("no bucket to deploy to",
                             hint="set [deploy] bucket in sitepush.toml, pass --bucket, or try --sandbox")
        if sandbox and (endpoint_url or profile):
            raise UsageError("--sandbox runs its own S3; it cannot be combined with --endpoint-url or --profile")
        chosen_workers = workers if workers is not None else base.workers
        if chosen_workers < 1:
            raise UsageError("--workers must be at least 1")
        chosen_prefix = (prefix if prefix is not None else base.prefix).strip("/")
        return cls(bucket=chosen_bucket, prefix=chosen_prefix + "/" if chosen_prefix else "",
                   region=region or base.region, endpoint_url=endpoint_url or base.endpoint_url or None,
                   profile=profile or base.profile or None, workers=chosen_workers, sandbox=sandbox)


def deploy_folder(folder: Path, redirects: Mapping[str, str], target: DeployTarget, *,
                  keep: bool = False, out: TextIO) -> DeployReport:
    """Upload ``folder`` and the redirect objects to ``target``; returns the upload report."""
    from sitepush.publish.local import scan_site
    from sitepush.publish.upload import format_report, upload_site

    site = scan_site(folder)
    # The builder's own marker file is not content: not uploaded, and not worth a "skipped" line.
    site = replace(site, skipped=tuple(s for s in site.skipped if s.rel != MARKER))
    if target.sandbox:
        from sitepush.sandbox import Sandbox

        with Sandbox() as sandbox:
            print(f"Sandbox S3 (moto) listening on {sandbox.endpoint_url} — nothing leaves this machine",
                  file=out)
            report = upload_site(site, redirects, client=sandbox.client("s3", max_pool=target.workers), bucket=target.bucket,
                                 prefix=target.prefix, workers=target.workers, create_bucket=True,
                                 region=sandbox.region)
            print(format_report(report), file=out)
            index = f"{sandbox.endpoint_url}/{target.bucket}/{target.prefix}index.html"
            print(f"Look at it: {index}", file=out)
            if keep:
                print("The sandbox keeps running; press Ctrl-C to stop it.", file=out, flush=True)
                threading.Event().wait()
            else:
                print("The sandbox stops when this command exits (add --keep to keep it running).",
                      file=out)
            return report
    from sitepush.aws import make_client

    client = make_client("s3", region=target.region, endpoint_url=target.endpoint_url,
                         profile=target.profile, max_pool=target.workers)
    report = upload_site(site, redirects, client=client, bucket=target.bucket, prefix=target.prefix,
                         workers=target.workers, create_bucket=False, region=target.region)
    print(format_report(report), file=out)
    return report
