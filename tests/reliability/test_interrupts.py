"""Ctrl-C, SIGTERM and stalled endpoints: a deploy stops within seconds, in one line, and never hangs.

The first SIGINT or SIGTERM cancels what is queued, gives requests in flight about 2 s, writes no
manifest, releases the lease and exits 130 with "interrupted after N of M uploads — run the same
command again to finish"; a second signal ends the process at once; never a traceback. Real
processes (started with SIGINT deliverable, as a CI shell would not) against moto's server, through
the fault proxy (which can hold answers), or against a loopback socket that never answers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sitepush.sandbox import Sandbox
from tests.fixtures.processes import ctrl_c_reaches_it

from .concurrency import environment
from .conftest import bucket_state, deploy, expected_state, write_files
from .fault_proxy import FaultProxy
from .stalled_endpoint import StalledEndpoint

FILES = 600
INTERRUPTED_LINE = re.compile(r"^error: interrupted after (\d+) of (\d+) uploads — run the same command "
                              r"again to finish$", re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("interrupt-site")
    write_files(folder, {f"notes/{n:04}.txt": f"note {n} ".encode() * 40 for n in range(FILES)})
    return folder


def start_deploy(args: list[str], cache: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sitepush", "deploy", *args], env=environment(cache),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=ctrl_c_reaches_it)


def finish(process: subprocess.Popen[str], seconds: float) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=seconds)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, out, err


def new_bucket(sandbox: Sandbox, name: str) -> str:
    sandbox.client("s3").create_bucket(Bucket=name)
    return name


def site_puts(method: str, path: str) -> bool:
    return method == "PUT" and "/notes/" in path


def test_a_sigint_during_uploads_exits_130_within_seconds_without_a_manifest_and_a_rerun_finishes(
        site: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    s3, bucket = sandbox.client("s3"), new_bucket(sandbox, "interrupt-moto")
    signalled = threading.Event()
    with FaultProxy(sandbox.endpoint_url) as proxy:
        process = start_deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url,
                                "--workers", "2"], tmp_path / "cache")
        puts = iter(range(1, 10**6))

        def interrupt_at_the_40th_upload(number: int, method: str, path: str) -> None:
            if site_puts(method, path) and next(puts) == 40 and not signalled.is_set():
                signalled.set()
                os.kill(process.pid, signal.SIGINT)

        proxy.on_request = interrupt_at_the_40th_upload
        assert signalled.wait(120), "the deploy never reached its 40th upload"
        sent = time.monotonic()
        code, _, err = finish(process, 30)
        exit_seconds = time.monotonic() - sent
    assert code == 130, err
    assert "Traceback" not in err
    found = INTERRUPTED_LINE.search(err)
    assert found is not None, err
    assert 39 <= int(found.group(1)) < FILES and int(found.group(2)) == FILES
    assert exit_seconds < 5, f"exited {exit_seconds:.1f} s after the SIGINT"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=".sitepush/").get("Contents", [])}
    assert keys == set(), keys  # no manifest written, the lease released
    assert deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url],
                  tmp_path / "cache").returncode == 0
    assert bucket_state(s3, bucket) == expected_state(site)


def held_after(proxy: FaultProxy, uploads: int, process: list[subprocess.Popen[str]],
               release: threading.Event, reached: threading.Event) -> None:
    """From the ``uploads``-th site upload on, every answer is held (at most 60 s): a stalled store."""
    count = iter(range(1, 10**6))
    holding = threading.Event()

    def hold(number: int, method: str, path: str) -> None:
        if not holding.is_set() and site_puts(method, path) and next(count) >= uploads:
            holding.set()
            reached.set()
        if holding.is_set():
            release.wait(60)

    proxy.on_request = hold


@pytest.mark.parametrize("signals", [1, 2, 3])
def test_against_a_stalled_store_a_sigint_exits_130_in_seconds_and_more_signals_exit_at_once(
        signals: int, site: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = new_bucket(sandbox, f"interrupt-stalled-{signals}")
    release, reached = threading.Event(), threading.Event()
    with FaultProxy(sandbox.endpoint_url) as proxy:
        process = start_deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url,
                                "--workers", "4"], tmp_path / "cache")
        held_after(proxy, 20, [process], release, reached)
        try:
            assert reached.wait(120), "the deploy never reached its 20th upload"
            time.sleep(0.3)  # the workers are now all waiting for held answers
            sent = time.monotonic()
            for number in range(signals):
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
                time.sleep(0.1 if number < signals - 1 else 0)
            code, _, err = finish(process, 30)
            exit_seconds = time.monotonic() - sent
        finally:
            release.set()
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if signals == 1:
        assert INTERRUPTED_LINE.search(err), err
        assert exit_seconds < 6, f"exited {exit_seconds:.1f} s after the SIGINT"
    else:
        assert "interrupted again" in err or INTERRUPTED_LINE.search(err), err
        assert exit_seconds < 1.5, f"exited {exit_seconds:.1f} s after the first of {signals} SIGINTs"


def test_a_sigterm_stops_a_deploy_like_a_sigint(site: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = new_bucket(sandbox, "interrupt-sigterm")
    release, reached = threading.Event(), threading.Event()
    with FaultProxy(sandbox.endpoint_url) as proxy:
        process = start_deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", proxy.endpoint_url,
                                "--workers", "4"], tmp_path / "cache")
        held_after(proxy, 10, [process], release, reached)
        try:
            assert reached.wait(120)
            process.send_signal(signal.SIGTERM)
            code, _, err = finish(process, 30)
        finally:
            release.set()
    assert code == 130 and INTERRUPTED_LINE.search(err) and "Traceback" not in err, err


def test_a_sigint_while_the_listing_hangs_on_an_endpoint_that_never_answers_exits_at_once(
        site: Path, tmp_path: Path) -> None:
    with StalledEndpoint() as stalled:
        process = start_deploy(["--site-dir", str(site), "--bucket", "never-answers", "--endpoint-url",
                                stalled.endpoint_url], tmp_path / "cache")
        deadline = time.monotonic() + 60
        while stalled.connections == 0 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert stalled.connections > 0
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        code, _, err = finish(process, 30)
        exit_seconds = time.monotonic() - sent
    assert code == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "error: interrupted — run the same command again to finish"
    assert exit_seconds < 4


def test_a_stalled_endpoint_fails_the_deploy_in_one_line_naming_it_within_the_timeouts(
        tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_files(project, {"content/_index.md": b"# Home\n", "static/a.txt": b"a"})
    (project / "sitepush.toml").write_text("[deploy]\nbucket = \"never-answers\"\nconnect_timeout = 1\n"
                                           "read_timeout = 1\n")
    with StalledEndpoint() as stalled:
        endpoint = stalled.endpoint_url
        started = time.monotonic()
        done = deploy([str(project), "--endpoint-url", endpoint], tmp_path / "cache", timeout=120)
        seconds = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot list s3://never-answers/: "
                                                   f"{endpoint} did not answer in time"), lines
    assert "read_timeout" in lines[0]
    # 5 attempts of 1 s with botocore's standard backoff in between (at most 1+2+4+8 s), plus the build.
    assert seconds < 40
    assert stalled.connections >= 2  # it was retried
