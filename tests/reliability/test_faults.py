"""Deploys through injected faults (500, 503 SlowDown, resets before and after the write, slow answers).

Through 10 % and 30 % faults a deploy either succeeds with the bucket exactly equal to the site, or
fails with one-line errors — and a re-run without faults converges. Objects lost or stale: 0.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from sitepush.sandbox import Sandbox

from .conftest import bucket_state, deploy, expected_state, one_line_errors, write_files
from .fault_proxy import FaultProxy

_numbers = itertools.count()


def generated_site(folder: Path, count: int) -> Path:
    files = {f"section-{n % 20}/page-{n:04}.html": f"<!doctype html><p>page {n}</p>".encode() for n in range(count)}
    files |= {f"assets/app-{n}.css": f"body{{margin:{n}px}}".encode() for n in range(count // 50)}
    write_files(folder, files)
    return folder


def fresh_bucket(sandbox: Sandbox) -> str:
    name = f"faults-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=name)
    return name


@pytest.mark.parametrize(("rate", "seed", "files"), [(0.1, 1, 300), (0.3, 2, 300), (0.1, 3, 2000)])
def test_a_deploy_through_faults_is_exact_or_fails_cleanly_and_a_rerun_converges(
        sandbox: Sandbox, tmp_path: Path, rate: float, seed: int, files: int) -> None:
    site = generated_site(tmp_path / "site", files)
    bucket = fresh_bucket(sandbox)
    want = expected_state(site)
    with FaultProxy(sandbox.endpoint_url, rate=rate, seed=seed) as proxy:
        result = deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url,
                         "--yes", "--workers", "16"], tmp_path / "cache")
        counts = proxy.counts
    assert sum(counts.faults.values()) > 0
    if result.returncode == 0:
        assert bucket_state(sandbox.client("s3"), bucket) == want
    else:
        assert one_line_errors(result.stderr), result.stderr
    rerun = deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--yes"],
                   tmp_path / "cache")
    assert rerun.returncode == 0, rerun.stderr
    assert bucket_state(sandbox.client("s3"), bucket) == want  # nothing lost, nothing stale


def test_no_request_through_the_proxy_ever_carries_an_acl(sandbox: Sandbox, tmp_path: Path) -> None:
    site = generated_site(tmp_path / "site", 50)
    bucket = fresh_bucket(sandbox)
    with FaultProxy(sandbox.endpoint_url, rate=0.0) as proxy:
        assert deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url],
                      tmp_path / "cache").returncode == 0
        assert proxy.counts.attempted > 50 and proxy.counts.acl_headers == 0
