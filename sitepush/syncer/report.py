"""What a deploy shows: the one-screen plan of ``--dry-run``, the summary, the JSON (the progress line
is :mod:`sitepush.progress`, re-exported here).

Everything here is text made from frozen data (a :class:`SyncPlan`, a :class:`SyncReport`); nothing
here talks to AWS, and nothing here ever sees a credential, so nothing here can print one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from sitepush.errors import DeployError, printable
from sitepush.progress import CI_PROGRESS_SECONDS as CI_PROGRESS_SECONDS  # re-exported: the old home
from sitepush.progress import TTY_REFRESH_SECONDS as TTY_REFRESH_SECONDS
from sitepush.progress import ProgressLine as ProgressLine
from sitepush.syncer.apply import SyncReport
from sitepush.syncer.model import SyncPlan, Upload, UploadReason
from sitepush.wording import counted

PLAN_LINES = 10
"""Keys listed per section of the dry-run plan; the rest is counted, so it fits on one screen."""

_REASON_WORDS = {UploadReason.NEW: "new", UploadReason.CONTENT: "changed",
                 UploadReason.HEADERS: "headers only", UploadReason.REDIRECT: "redirect changed"}
_KINDS = ("new", "changed", "headers only", "redirects")


def format_plan(plan: SyncPlan, *, bucket: str, prefix: str, distribution_id: str | None = None) -> str:
    """The ``--dry-run`` screen: what would be uploaded (and why), deleted and invalidated."""
    where = f"s3://{bucket}/{prefix}"
    lines = [f"Plan for {where} (dry run: nothing is changed)"]
    if plan.uploads:
        size = sum(u.spec.size for u in plan.uploads)
        lines.append(f"  upload {counted(len(plan.uploads), 'object')} ({megabytes(size)}; "
                     f"{_kinds(plan.uploads)})")
        width = max(len(_REASON_WORDS[u.reason]) for u in plan.uploads)
        lines += _listed([f"{_REASON_WORDS[u.reason]:<{width}}  {u.spec.key}"
                          + (f" → {u.spec.headers.redirect}" if u.spec.headers.redirect else "")
                          for u in plan.uploads])
    else:
        lines.append("  upload nothing")
    if plan.deletes:
        lines.append(f"  delete {counted(len(plan.deletes), 'object')} (limit {plan.delete_limit})")
        lines += _listed(list(plan.deletes))
    lines.append(f"  unchanged {counted(plan.unchanged, 'object')}")
    lines.append("  deploy manifest: " + ("written" if plan.manifest_changed else "unchanged"))
    if plan.invalidation_paths and distribution_id:
        lines.append(f"  invalidate {counted(len(plan.invalidation_paths), 'path')} on CloudFront "
                     f"{distribution_id}, at most ${plan.invalidation_cost_usd:.2f}")
        lines += _listed(list(plan.invalidation_paths))
    if plan.blocked:
        lines.append(f"  blocked: {plan.blocked}")
    return "\n".join(lines)


def format_summary(plan: SyncPlan, report: SyncReport, *, bucket: str, prefix: str,
                   listing_requests: int = 0) -> str:
    """The lines printed after a deploy: what was written, deleted, invalidated, and at what cost."""
    requests = report.requests + listing_requests
    cost = f"{report.seconds:.1f} s, {counted(requests, 'request')}"
    if not plan.uploads and not plan.deletes:
        lines = [f"Nothing to upload: the bucket already matches ({counted(plan.unchanged, 'object')})"]
        if report.manifest_written:
            lines.append(f"rewrote the deploy manifest ({cost})")
        return "\n".join(lines)
    done = []
    if plan.uploads:
        done.append(f"uploaded {counted(report.uploaded, 'object')} ({megabytes(report.uploaded_bytes)}; "
                    f"{_kinds(plan.uploads)})")
    done += [f"deleted {report.deleted:,}", f"unchanged {report.unchanged:,}"]
    lines = [f"s3://{bucket}/{prefix}: {', '.join(done)} — {cost}"]
    if report.invalidation_ids:
        ids = ", ".join(report.invalidation_ids)
        lines.append(f"invalidated {counted(len(report.invalidation_paths), 'path')} on CloudFront "
                     f"({ids}: {report.invalidation_status})")
    return "\n".join(lines)


def plan_json(plan: SyncPlan) -> dict[str, Any]:
    """The plan as JSON-ready data (keys, reasons, sizes; no file paths, no credentials)."""
    return {
        "uploads": [{"key": u.spec.key, "reason": u.reason.value, "size": u.spec.size,
                     "content_type": u.spec.headers.content_type, "redirect": u.spec.headers.redirect}
                    for u in plan.uploads],
        "deletes": list(plan.deletes),
        "unchanged": plan.unchanged,
        "manifest_changed": plan.manifest_changed,
        "invalidation_paths": list(plan.invalidation_paths),
        "invalidation_cost_usd": plan.invalidation_cost_usd,
        "delete_limit": plan.delete_limit,
        "blocked": plan.blocked,
    }


def report_json(report: SyncReport) -> dict[str, Any]:
    """The result of a deploy as JSON-ready data."""
    return {
        "uploaded": report.uploaded, "uploaded_bytes": report.uploaded_bytes,
        "by_reason": dict(report.by_reason), "deleted": report.deleted, "unchanged": report.unchanged,
        "manifest_written": report.manifest_written,
        "invalidation": {"ids": list(report.invalidation_ids), "paths": list(report.invalidation_paths),
                         "status": report.invalidation_status},
        "seconds": round(report.seconds, 3), "requests": report.requests,
        "requests_by_operation": dict(report.requests_by_operation),
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write ``document`` to ``path`` (UTF-8, sorted keys); DeployError if the file cannot be written."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, "utf-8")
    except OSError as error:
        raise DeployError(f"cannot write --json {path}: {error.strerror}",
                          hint="pass a file in a folder that exists and is writable") from None


def megabytes(size: int) -> str:
    """``532 bytes``, ``12.3 kB``, ``4.5 MB``."""
    if size < 1000:
        return f"{size} bytes" if size != 1 else "1 byte"
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def _kinds(uploads: Sequence[Upload]) -> str:
    """``39 new, 2 redirects``: redirect objects counted apart from the files, whatever their reason."""
    kinds = ["redirects" if u.spec.is_redirect else _REASON_WORDS[u.reason] for u in uploads]
    return ", ".join(f"{kinds.count(kind):,} {kind}" for kind in _KINDS if kinds.count(kind))


def _listed(items: Sequence[str]) -> list[str]:
    # Keys come from file names and from the bucket: escaped, none can drive the terminal.
    shown = [f"    {printable(item)}" for item in items[:PLAN_LINES]]
    if len(items) > PLAN_LINES:
        shown.append(f"    … and {len(items) - PLAN_LINES:,} more (--json FILE lists them all)")
    return shown
