"""One sandbox for every --sandbox command: a background process that outlives the command that started
it, found again by the next one, shared by commands started at once, and stopped on request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.sandbox import running_sandbox, sandbox_folder, shared_sandbox, stop_sandbox
from tests.fixtures.paths import REPO

PID_OF_THE_SHARED_SANDBOX = "from sitepush.sandbox import shared_sandbox; print(shared_sandbox().pid)"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sandbox folder of the test's own; whatever sandbox the test starts there is stopped after it."""
    path = tmp_path / "sandbox"
    monkeypatch.setenv("SITEPUSH_SANDBOX_DIR", str(path))
    yield path
    stop_sandbox()


def gone(pid: int) -> bool:
    """No such process, or only its exit status is left (a zombie serves nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[-1].split()[0] == b"Z"
    except OSError:
        return True


def python(code: str, folder: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, SITEPUSH_SANDBOX_DIR=str(folder), PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def test_the_sandbox_outlives_the_process_that_started_it_and_keeps_versions(folder: Path) -> None:
    writer = python("from sitepush.sandbox import shared_sandbox\n"
                    "s3 = shared_sandbox().client('s3')\n"
                    "s3.create_bucket(Bucket='kept-bucket')\n"
                    "s3.put_bucket_versioning(Bucket='kept-bucket', VersioningConfiguration={'Status': 'Enabled'})\n"
                    "for body in (b'one', b'two'):\n"
                    "    s3.put_object(Bucket='kept-bucket', Key='page.html', Body=body)\n", folder)
    assert writer.communicate(timeout=120)[1] == "" and writer.returncode == 0
    found = running_sandbox()
    assert found is not None and found.pid != writer.pid
    versions = found.client("s3").list_object_versions(Bucket="kept-bucket")["Versions"]
    assert len(versions) == 2


def test_commands_started_at_once_share_one_sandbox(folder: Path) -> None:
    racers = [python(f"{PID_OF_THE_SHARED_SANDBOX}", folder) for _ in range(3)]
    pids = {racer.communicate(timeout=120)[0].strip() for racer in racers}
    assert len(pids) == 1 and all(racer.returncode == 0 for racer in racers)
    found = running_sandbox()
    assert found is not None and pids == {str(found.pid)}


def test_stop_ends_the_process_and_forgets_its_address(folder: Path) -> None:
    started = shared_sandbox()
    stopped = stop_sandbox()
    assert stopped == started
    assert running_sandbox() is None and not (folder / "server.json").exists()
    assert gone(started.pid)
    assert stop_sandbox() is None


def test_an_address_left_by_a_dead_sandbox_is_not_used(folder: Path) -> None:
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    (folder / "server.json").write_text(json.dumps({
        "pid": int(dead), "endpoint_url": "http://127.0.0.1:9", "dns_port": 9, "started": 0, "version": "0"}))
    assert running_sandbox() is None
    fresh = shared_sandbox()
    assert fresh.pid != int(dead) and fresh.endpoint_url != "http://127.0.0.1:9"


def test_the_sandbox_folder_follows_the_user_cache_unless_set(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.delenv("SITEPUSH_SANDBOX_DIR")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    assert sandbox_folder() == tmp_path / "cache" / "sandbox"


def test_sandbox_status_stop_and_reset_commands(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "status"]) == 0
    assert capsys.readouterr().out == "no sandbox is running (the next --sandbox command starts one)\n"
    shared_sandbox().client("s3").create_bucket(Bucket="status-bucket")
    assert main(["sandbox", "status"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert status[0].startswith("sandbox running (pid ")
    assert status[1:] == ["  bucket status-bucket: 0 objects (not versioned)"]
    assert main(["sandbox", "reset"]) == 0
    assert capsys.readouterr().out.startswith("the sandbox is empty again (pid ")
    assert main(["sandbox", "status"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["  empty"]
    assert main(["sandbox", "stop"]) == 0
    assert "its buckets, zones, certificates and distributions are gone" in capsys.readouterr().out
    assert running_sandbox() is None


@pytest.mark.parametrize("command", [
    ["history"], ["rollback", "--dry-run"], ["share", "/"], ["preview", "prune"], ["dns-check"],
    ["configure", "--plan"], ["deploy", "--dry-run"], ["serve", "--port", "0"],
])
def test_every_command_that_talks_to_aws_takes_sandbox(command: list[str]) -> None:
    from sitepush.cli import make_parser

    parser = make_parser()
    args = parser.parse_args([*command, "--sandbox"] if command[0] != "preview" else [*command, "--sandbox"])
    assert args.sandbox is True
