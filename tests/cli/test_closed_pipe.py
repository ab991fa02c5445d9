"""Output to a closed pipe is dropped silently and the work is done: ``sitepush deploy … | true``.

The reader of the child's stdout is closed before the child prints anything, so every write it makes
to stdout meets EPIPE (Python ignores SIGPIPE, so each is a BrokenPipeError). No traceback, no
"Exception ignored" at exit, the command's own exit code, and the deploy record is in the history.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from sitepush.sandbox import Sandbox
from tests.reliability.conftest import ACCESS_KEY, SECRET_KEY, bucket_state, expected_state

_numbers = itertools.count()


def run_into_closed_pipe(args: list[str], cache: Path) -> tuple[int, str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_DEFAULT_REGION": "us-east-1", "SITEPUSH_CACHE_DIR": str(cache)}
    process = subprocess.Popen([sys.executable, "-m", "sitepush", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # `| true`: the reader is gone before anything is written
    try:
        err = process.stderr.read()
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    return code, err


def run(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "AWS_DEFAULT_REGION": "us-east-1", "SITEPUSH_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "sitepush", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def versioned_bucket(sandbox: Sandbox) -> str:
    s3 = sandbox.client("s3")
    name = f"closed-pipe-{next(_numbers)}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<p>{text}</p>")
    (folder / "a.css").write_text("a{}")
    return folder


def test_a_deploy_into_a_closed_pipe_finishes_records_itself_and_prints_no_traceback(
        sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = versioned_bucket(sandbox)
    folder = site(tmp_path / "site", "one")
    where = ["--bucket", bucket, "--endpoint-url", sandbox.endpoint_url]
    code, err = run_into_closed_pipe(["deploy", "--site-dir", str(folder), *where], tmp_path / "cache")
    assert (code, err) == (0, "")
    assert bucket_state(sandbox.client("s3"), bucket) == expected_state(folder)
    history = run(["history", str(tmp_path / "nowhere"), *where, "--json"], tmp_path / "cache")
    assert history.returncode == 0, history.stderr
    assert len(json.loads(history.stdout)["deploys"]) == 1


def test_a_dry_run_and_history_json_into_a_closed_pipe_exit_0_silently(sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = versioned_bucket(sandbox)
    folder = site(tmp_path / "site", "two")
    where = ["--bucket", bucket, "--endpoint-url", sandbox.endpoint_url]
    assert run(["deploy", "--site-dir", str(folder), *where], tmp_path / "cache").returncode == 0
    site(folder, "three")
    assert run_into_closed_pipe(["deploy", "--site-dir", str(folder), *where, "--dry-run"],
                                tmp_path / "cache") == (0, "")
    assert run_into_closed_pipe(["history", str(tmp_path / "nowhere"), *where, "--json"],
                                tmp_path / "cache") == (0, "")
    assert run_into_closed_pipe(["history", str(tmp_path / "nowhere"), *where], tmp_path / "cache") == (0, "")
