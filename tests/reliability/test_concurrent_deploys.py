"""Two CI runs deploying at once: never a mix, never a manifest out of step with the bucket.

Folder A holds keys 0–59, folder B keys 30–89 with other bytes. Two real ``sitepush deploy``
processes start 50 ms apart (which one first is seeded) against one empty bucket on moto's server.
Without the lease the bucket ends with some keys of each (bench/faults.py measures it with
``lock = "off"``). With it, the second waits for the first one's lease, lists again and plans again,
so every trial ends with the bucket byte-equal to one folder and its manifest equal to the bucket;
the process that did not decide the final state waited (or stopped with exit 3).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from sitepush.sandbox import Sandbox

from .concurrency import judge, overlapping_folders, race, seeded_order

TRIALS = 20
FILES = 60
_numbers = itertools.count()


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return overlapping_folders(tmp_path_factory.mktemp("race"), FILES)


@pytest.mark.parametrize("seed", range(TRIALS))
def test_two_deploys_50_ms_apart_leave_one_folder_exactly_and_the_manifest_in_step(
        seed: int, folders: tuple[Path, Path], sandbox: Sandbox, tmp_path: Path) -> None:
    s3 = sandbox.client("s3")
    bucket = f"race-{seed}-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    first, second = seeded_order(seed, *folders)
    runs = race(*(["--site-dir", str(folder), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url,
                   "--yes", "--workers", "8"] for folder in (first, second)), tmp_path / "cache")
    for run in runs:
        assert run.code in (0, 3), run.stderr
        assert "Traceback" not in run.stderr
    verdict = judge(s3, bucket, *folders)
    assert verdict.equals is not None, f"a mix of {verdict.objects} objects; {verdict.lost} keys wrong"
    assert verdict.manifest_in_step
    winner = next(run for run in runs if run.folder == verdict.equals)
    other = next(run for run in runs if run is not winner)
    assert winner.code == 0
    # The one whose folder is not in the bucket finished first, and the winner waited for its lease
    # (or saw its manifest once it had the lease, and listed again), or started so late that its first
    # listing already held the other's objects (it deleted the other's own keys); or the other stopped
    # with exit 3.
    saw_the_other = f"deleted {FILES // 2}," in winner.stdout
    assert winner.waited or saw_the_other or other.code == 3, (winner.stdout, winner.stderr, other.stderr)
    lease = s3.list_objects_v2(Bucket=bucket, Prefix=".sitepush/lease")
    assert lease.get("KeyCount", 0) == 0  # released at the end


def test_a_deploy_that_finds_a_live_lease_waits_then_stops_with_exit_3_naming_the_holder(
        sandbox: Sandbox, tmp_path: Path, folders: tuple[Path, Path]) -> None:
    import json
    import time

    from .conftest import deploy

    s3 = sandbox.client("s3")
    bucket = f"held-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    now = time.time()
    lease = {"format": 1, "generator": "sitepush", "host": "runner-7", "pid": 4242, "commit": None,
             "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 5)),
             "expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 300))}
    s3.put_object(Bucket=bucket, Key=".sitepush/lease.json", Body=json.dumps(lease).encode())
    started = time.monotonic()
    done = deploy(["--site-dir", str(folders[0]), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url,
                   "--wait-lock", "2"], tmp_path / "cache")
    assert done.returncode == 3, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("waiting for the deploy lease held by runner-7 pid 4242 since ")
    assert lines[-1].startswith(f"error: another deploy holds the lease s3://{bucket}/.sitepush/lease.json: "
                                "runner-7 pid 4242 since ")
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 30
    assert s3.list_objects_v2(Bucket=bucket, Prefix="k/").get("KeyCount", 0) == 0  # nothing written


def test_an_expired_lease_is_taken_over_with_a_line_saying_so(
        sandbox: Sandbox, tmp_path: Path, folders: tuple[Path, Path]) -> None:
    import json
    import time

    from .conftest import bucket_state, deploy, expected_state

    s3 = sandbox.client("s3")
    bucket = f"expired-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    then = time.time() - 600
    lease = {"format": 1, "generator": "sitepush", "host": "killed-runner", "pid": 1, "commit": None,
             "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(then)),
             "expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(then + 60))}
    s3.put_object(Bucket=bucket, Key=".sitepush/lease.json", Body=json.dumps(lease).encode())
    done = deploy(["--site-dir", str(folders[0]), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url],
                  tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "took over the deploy lease" in done.stderr and "killed-runner pid 1" in done.stderr
    assert bucket_state(s3, bucket) == expected_state(folders[0])
    assert s3.list_objects_v2(Bucket=bucket, Prefix=".sitepush/lease").get("KeyCount", 0) == 0


def test_a_store_refusing_conditional_writes_gets_a_best_effort_lease_with_a_warning(
        sandbox: Sandbox, tmp_path: Path, folders: tuple[Path, Path]) -> None:
    from .conftest import bucket_state, deploy, expected_state
    from .fault_proxy import FaultProxy

    s3 = sandbox.client("s3")
    bucket = f"no-conditions-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    with FaultProxy(sandbox.endpoint_url, refuse_conditional=True) as proxy:
        done = deploy(["--site-dir", str(folders[0]), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url],
                      tmp_path / "cache")
        refused = proxy.counts.faults["not-implemented"]
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "refuses conditional writes (If-None-Match)" in warnings[0], done.stderr
    assert refused >= 1
    assert bucket_state(s3, bucket) == expected_state(folders[0])
    assert s3.list_objects_v2(Bucket=bucket, Prefix=".sitepush/lease").get("KeyCount", 0) == 0


def test_a_manifest_written_by_another_deploy_meanwhile_stops_this_one_with_exit_3_and_a_rerun_converges(
        sandbox: Sandbox, tmp_path: Path, folders: tuple[Path, Path]) -> None:
    """Another writer that ignores the lease (an old sitepush, ``lock = "off"``) writes the manifest
    while this deploy uploads: the manifest PUT carries If-None-Match (there was none at planning),
    S3 answers 412, and this deploy never overwrites it."""
    from .conftest import bucket_state, deploy, expected_state
    from .fault_proxy import FaultProxy

    s3 = sandbox.client("s3")
    bucket = f"manifest-race-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    theirs = b'{"entries":{},"format":1,"generator":"sitepush"}'
    conditions: list[str] = []
    with FaultProxy(sandbox.endpoint_url) as proxy:
        def other_writer(number: int, method: str, path: str) -> None:
            if method == "PUT" and path.startswith(f"/{bucket}/k/") and not conditions:
                conditions.append("written")
                s3.put_object(Bucket=bucket, Key=".sitepush/manifest.json", Body=theirs)

        proxy.on_request = other_writer
        done = deploy(["--site-dir", str(folders[0]), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url],
                      tmp_path / "cache")
    assert done.returncode == 3, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"error: another deploy wrote s3://{bucket}/.sitepush/manifest.json meanwhile, so this one "
                     "stops before overwriting it — run again"], lines
    assert s3.get_object(Bucket=bucket, Key=".sitepush/manifest.json")["Body"].read() == theirs
    rerun = deploy(["--site-dir", str(folders[0]), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url],
                   tmp_path / "cache")
    assert rerun.returncode == 0, rerun.stderr
    assert bucket_state(s3, bucket) == expected_state(folders[0])


def test_a_live_lease_of_a_killed_process_on_this_host_is_taken_over_at_once(
        sandbox: Sandbox, tmp_path: Path, folders: tuple[Path, Path]) -> None:
    import json
    import socket
    import subprocess
    import sys
    import time

    from .conftest import deploy

    s3 = sandbox.client("s3")
    bucket = f"killed-here-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True, timeout=30)
    now = time.time()
    lease = {"format": 1, "generator": "sitepush", "host": socket.gethostname(), "pid": int(gone.stdout),
             "commit": None, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 5)),
             "expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 300))}
    s3.put_object(Bucket=bucket, Key=".sitepush/lease.json", Body=json.dumps(lease).encode())
    started = time.monotonic()
    done = deploy(["--site-dir", str(folders[0]), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url,
                   "--wait-lock", "120"], tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "which is no longer running" in done.stderr and "waiting" not in done.stderr
    assert time.monotonic() - started < 60
