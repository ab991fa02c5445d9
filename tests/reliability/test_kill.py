"""kill -9 at 20 seeded points of a deploy (uploads, a multipart upload, deletes, the manifest): the next
run converges to exactly the site, and nothing outside the plan is ever deleted or overwritten.

The killed deploy replaces a first edition of the site (changes, deletions, a file above the
multipart threshold). The proxy counts requests and, at the chosen one, SIGKILLs the deploy — no
cleanup of any kind runs. Objects planted outside the prefix and under other prefixes must survive
byte for byte. A multipart upload cut short is left to the bucket's lifecycle rule
(AbortIncompleteMultipartUpload after 7 days, set by `sitepush configure`): the re-run starts a new one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitepush.sandbox import Sandbox

from .conftest import ACCESS_KEY, SECRET_KEY, bucket_state, deploy, expected_state, write_files
from .fault_proxy import FaultProxy

MiB = 1024 * 1024
PLANTED = {"other-site/index.html": b"<p>not ours</p>", "backup/2024.tar": b"\x00" * 1000}
POINTS = 20


def edition(folder: Path, number: int) -> None:
    for path in sorted(folder.rglob("*"), reverse=True) if folder.exists() else ():
        path.unlink() if path.is_file() else path.rmdir()
    pages = {f"static/docs/{n:03}.html": f"<p>doc {n}, edition {number if n % 3 == 0 else 1}</p>".encode()
             for n in range(60)}
    gone = {f"static/old/{n:02}.txt": b"retired" for n in range(15)} if number == 1 else {}
    big = {"static/media/video.bin": bytes([number]) * (6 * MiB)}  # above the threshold: multipart
    write_files(folder, pages | gone | big | {"content/_index.md": b"# Home\n"})
    (folder / "sitepush.toml").write_text("[deploy]\nmultipart_threshold_mb = 5\nmax_deletes = 1000\n")


def run_killed_at(point: int, site: Path, bucket: str, endpoint: str, cache: Path) -> int:
    """Run the deploy through a proxy that SIGKILLs it at its ``point``-th request; returns the exit code."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "SITEPUSH_CACHE_DIR": str(cache)}
    with FaultProxy(endpoint) as proxy:
        process = subprocess.Popen(
            [sys.executable, "-m", "sitepush", "deploy", str(site), "--bucket", bucket, "--prefix", "site/",
             "--endpoint-url", proxy.endpoint_url, "--yes", "--workers", "4"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def kill_at(number: int, method: str, path: str) -> None:
            if number == point:
                os.kill(process.pid, signal.SIGKILL)
                time.sleep(0.05)

        proxy.on_request = kill_at
        return process.wait(timeout=120)


@pytest.fixture(scope="module")
def requests_of_a_full_deploy(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> int:
    """How many requests the edition-2 deploy makes when nothing kills it (the range of kill points)."""
    tmp = tmp_path_factory.mktemp("count")
    bucket = "kill-count"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    edition(tmp / "site", 1)
    assert deploy([str(tmp / "site"), "--bucket", bucket, "--prefix", "site/",
                   "--endpoint-url", sandbox.endpoint_url, "--yes"], tmp / "cache").returncode == 0
    edition(tmp / "site", 2)
    with FaultProxy(sandbox.endpoint_url) as proxy:
        assert deploy([str(tmp / "site"), "--bucket", bucket, "--prefix", "site/",
                       "--endpoint-url", proxy.endpoint_url, "--yes"], tmp / "cache").returncode == 0
        return proxy.counts.attempted


@pytest.mark.parametrize("seed", range(POINTS))
def test_killed_at_a_seeded_request_the_next_run_converges_and_nothing_outside_the_plan_changes(
        seed: int, requests_of_a_full_deploy: int, sandbox: Sandbox, tmp_path: Path) -> None:
    s3 = sandbox.client("s3")
    bucket = f"kill-{seed}"
    s3.create_bucket(Bucket=bucket)
    for key, data in PLANTED.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    site, cache = tmp_path / "site", tmp_path / "cache"
    edition(site, 1)
    assert deploy([str(site), "--bucket", bucket, "--prefix", "site/", "--endpoint-url",
                   sandbox.endpoint_url, "--yes"], cache).returncode == 0
    edition(site, 2)
    point = random.Random(seed).randint(1, requests_of_a_full_deploy)
    assert run_killed_at(point, site, bucket, sandbox.endpoint_url, cache) == -signal.SIGKILL
    rerun = deploy([str(site), "--bucket", bucket, "--prefix", "site/", "--endpoint-url",
                    sandbox.endpoint_url, "--yes"], cache)
    assert rerun.returncode == 0, rerun.stderr
    assert bucket_state(s3, bucket, "site/") == expected_state(site / "_site", prefix="site/")
    for key, data in PLANTED.items():
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data
    third = deploy([str(site), "--bucket", bucket, "--prefix", "site/", "--endpoint-url",
                    sandbox.endpoint_url, "--yes"], cache)
    assert "Nothing to upload" in third.stdout
