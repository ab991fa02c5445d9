"""Shared helpers of the reliability suite: sites, deploys as subprocesses, the bucket read back exactly."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/RELIABILITYSECRETKEY"
ACCESS_KEY = "AKIDRELIABILITY00000"


def write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def deploy(args: list[str], cache: Path, *, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``sitepush deploy ARGS`` in a subprocess with recognisable credentials from the environment."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_DEFAULT_REGION": "us-east-1", "SITEPUSH_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "sitepush", "deploy", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def bucket_state(s3: Any, bucket: str, prefix: str = "") -> dict[str, tuple[str, str, str | None, str | None]]:
    """Key → (MD5 of the bytes, Content-Type, Cache-Control, redirect) of every site object under ``prefix``."""
    state = {}
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            if key[len(prefix):].startswith(".sitepush/"):
                continue
            got = s3.get_object(Bucket=bucket, Key=key)
            state[key] = (hashlib.md5(got["Body"].read()).hexdigest(), got.get("ContentType", ""),
                          got.get("CacheControl"), got.get("WebsiteRedirectLocation"))
    return state


def expected_state(folder: Path, redirects: Mapping[str, str] | None = None, prefix: str = "",
                   ) -> dict[str, tuple[str, str, str | None, str | None]]:
    """What the bucket must hold after deploying ``folder``: the syncer's own specs, read independently."""
    from sitepush.syncer import local_specs, scan_site

    specs = local_specs(scan_site(folder), redirects or {}, (), prefix=prefix)
    result = {}
    for key, spec in specs.items():
        md5 = hashlib.md5(spec.path.read_bytes()).hexdigest() if spec.path else hashlib.md5(b"").hexdigest()
        result[key] = (md5, spec.headers.content_type, spec.headers.cache_control, spec.headers.redirect)
    return result


def one_line_errors(stderr: str) -> bool:
    """Every line an ``error:`` line naming what failed, and no traceback."""
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith(("uploaded ", "\r"))]
    return "Traceback" not in stderr and all(line.startswith(("error:", "warning:")) for line in lines)
