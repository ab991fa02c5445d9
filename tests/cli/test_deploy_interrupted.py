"""A deploy killed mid-upload (SIGKILL: no cleanup at all), then run again, converges to exactly the site.

The manifest is written last, so the killed run leaves the previous one; the re-run compares what is
in the bucket now with the site, finishes the job, deletes only what the site no longer has, and a
third run finds nothing to do.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sitepush.sandbox import Sandbox
from tests.fixtures.paths import REPO

BUCKET = "deploy-interrupted"
KILL_AFTER = 40
"""New objects in the bucket when the deploy is killed: well inside its 600 uploads."""


def write_site(folder: Path, files: Mapping[str, bytes]) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def site_v1() -> dict[str, bytes]:
    kept = {f"docs/{n:03}.html": f"<p>doc {n}, first edition</p>".encode() for n in range(200)}
    gone = {f"gone/{n:02}.txt": f"retired {n}".encode() for n in range(20)}
    return kept | gone


def site_v2() -> dict[str, bytes]:
    docs = {f"docs/{n:03}.html": f"<p>doc {n}, {'second' if n % 4 == 0 else 'first'} edition</p>".encode()
            for n in range(200)}
    new = {f"notes/{n:03}.txt": f"note {n} ".encode() * 50 for n in range(600)}
    return docs | new


def deploy_command(site: Path, endpoint: str) -> list[str]:
    return [sys.executable, "-m", "sitepush", "deploy", "--site-dir", str(site), "--bucket", BUCKET,
            "--prefix", "site/", "--endpoint-url", endpoint, "--workers", "2", "--yes"]


def environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(REPO), SITEPUSH_CACHE_DIR=str(cache), AWS_ACCESS_KEY_ID="AKIDINTERRUPTED0000",
               AWS_SECRET_ACCESS_KEY="interrupted", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    return env


def listing(s3: Any) -> dict[str, str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return {item["Key"]: item["ETag"].strip('"') for page in pages for item in page.get("Contents", [])}


def count_under(s3: Any, prefix: str) -> int:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sum(page.get("KeyCount", 0) for page in pages)


@pytest.mark.slow
def test_a_deploy_killed_mid_upload_then_rerun_converges_to_exactly_the_site(
        sandbox: Sandbox, tmp_path: Path) -> None:
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="elsewhere/keep.txt", Body=b"another site's object")
    site, env = tmp_path / "site", environment(tmp_path / "cache")
    write_site(site, site_v1())
    first = subprocess.run(deploy_command(site, sandbox.endpoint_url), env=env, capture_output=True,
                           text=True, timeout=180, check=False)
    assert first.returncode == 0, first.stderr
    before = listing(s3)

    for rel in site_v1():
        (site / rel).unlink()
    write_site(site, site_v2())
    process = subprocess.Popen(deploy_command(site, sandbox.endpoint_url), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(6000):  # at most a minute
            if count_under(s3, "site/notes/") >= KILL_AFTER or process.poll() is not None:
                break
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the deploy finished before it could be interrupted"
    interrupted = listing(s3)
    assert KILL_AFTER <= sum(key.startswith("site/notes/") for key in interrupted) < 600
    assert interrupted["site/.sitepush/manifest.json"] == before["site/.sitepush/manifest.json"]
    assert interrupted["elsewhere/keep.txt"] == before["elsewhere/keep.txt"]

    rerun = subprocess.run(deploy_command(site, sandbox.endpoint_url), env=env, capture_output=True,
                           text=True, timeout=180, check=False)
    assert rerun.returncode == 0, rerun.stderr
    # The killed deploy's lease is still there: its process is gone, so it is taken over at once.
    said = [line for line in rerun.stderr.splitlines() if line.strip() and not line.startswith("uploaded ")]
    assert len(said) == 1 and said[0].startswith("took over the deploy lease s3://deploy-interrupted/site/"
                                                 ".sitepush/lease.json") and "no longer running" in said[0], said
    final = listing(s3)
    expected = {f"site/{rel}": hashlib.md5(data).hexdigest() for rel, data in site_v2().items()}
    assert {k: v for k, v in final.items() if k.startswith("site/") and not k.startswith("site/.sitepush/")} \
        == expected
    assert final["elsewhere/keep.txt"] == before["elsewhere/keep.txt"]
    assert "site/.sitepush/manifest.json" in final

    again = subprocess.run(deploy_command(site, sandbox.endpoint_url), env=env, capture_output=True,
                           text=True, timeout=180, check=False)
    assert (again.returncode, again.stdout) == (
        0, f"Nothing to upload: the bucket already matches ({len(expected)} objects)\n")
