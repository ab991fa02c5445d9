"""The sandbox every ``--sandbox`` command shares: one background process per user, a local AWS account.

::

    shared_sandbox(out)  → SandboxProcess            the running one, or a new one started (and said so)
    running_sandbox()    → SandboxProcess | None     without starting anything
    stop_sandbox()       → SandboxProcess | None     ends it: buckets, versions, zones… are gone

``deploy``, ``configure``, ``dns-check``, ``history``, ``rollback``, ``share``, ``preview prune`` and
``serve --bucket`` all speak to the same process, so what one command made (object versions, deploy
records, the certificate, distributions, hosted zones) is there for the next, as in a real account.
It is one per user rather than one per site because it stands for an AWS account: buckets are named
globally there too, and a site's redirect bucket or a second site must be reachable the same way.

The process (:mod:`sitepush.sandbox.daemon`) is detached from the command that started it and keeps
running until ``sitepush sandbox stop`` (or a reboot); it listens on loopback only. Its address is kept
in ``<user cache>/sandbox/server.json`` (``$SITEPUSH_SANDBOX_DIR`` moves it); a lock file makes two commands starting at once share one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sitepush.errors import SitepushError
from sitepush.user_cache import cache_root

SERVER_FILE = "server.json"
START_SECONDS = 60.0
STOP_SECONDS = 10.0


@dataclass(frozen=True)
class SandboxProcess:
    """A running shared sandbox: where its AWS endpoint and its DNS server listen."""

    pid: int
    endpoint_url: str
    dns_port: int
    started: float
    """Seconds since the epoch."""
    version: str

    @property
    def region(self) -> str:
        from sitepush.sandbox.server import SANDBOX_REGION

        return SANDBOX_REGION

    @property
    def dns_server(self) -> tuple[str, int]:
        """``(host, port)`` of the sandbox's authoritative DNS server for its Route 53 zones."""
        return "127.0.0.1", self.dns_port

    def client(self, service: str, *, max_pool: int = 10) -> Any:
        """A boto3 client for ``service`` bound to this sandbox and nothing else."""
        from sitepush.aws import make_client
        from sitepush.sandbox.server import SANDBOX_CREDENTIALS

        return make_client(service, region=self.region, endpoint_url=self.endpoint_url, max_pool=max_pool,
                           credentials=SANDBOX_CREDENTIALS)


def sandbox_folder() -> Path:
    """Where the shared sandbox keeps its address, lock and log: ``$SITEPUSH_SANDBOX_DIR``, else
    ``sandbox/`` in the user cache."""
    override = os.environ.get("SITEPUSH_SANDBOX_DIR")
    return Path(override) if override else cache_root() / "sandbox"


def running_sandbox() -> SandboxProcess | None:
    """The shared sandbox if one is running and answering; nothing is started."""
    found = _read_server_file(sandbox_folder() / SERVER_FILE)
    if found is None or not _alive(found.pid) or not _listening(found.endpoint_url):
        return None
    return found


def shared_sandbox(out: TextIO | None = None) -> SandboxProcess:
    """The running shared sandbox, or a new one (one line on ``out`` says so)."""
    with _locked():
        found = running_sandbox()
        if found is not None:
            return found
        started = _start()
    if out is not None:
        print(f"Started the sandbox: a local AWS (moto) on {started.endpoint_url} and its DNS on "
              f"127.0.0.1:{started.dns_port} — nothing leaves this machine. It keeps running for the next "
              "--sandbox command (`sitepush sandbox stop` ends it).", file=out, flush=True)
    return started


def stop_sandbox() -> SandboxProcess | None:
    """Stop the shared sandbox (everything it held is gone); the one stopped, or None if none ran."""
    with _locked():
        found = _read_server_file(sandbox_folder() / SERVER_FILE)
        if found is None or not _alive(found.pid):
            (sandbox_folder() / SERVER_FILE).unlink(missing_ok=True)
            return None
        with contextlib.suppress(ProcessLookupError):
            os.kill(found.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while _alive(found.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(found.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(found.pid, signal.SIGKILL)
        (sandbox_folder() / SERVER_FILE).unlink(missing_ok=True)
        return found


def _start() -> SandboxProcess:
    folder = sandbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    server_file = folder / SERVER_FILE
    server_file.unlink(missing_ok=True)
    log = folder / "sandbox.log"
    with log.open("ab") as log_stream:
        # The launcher starts the daemon in a session of its own and exits at once, so the daemon is
        # nobody's child here: it outlives this command, and no zombie is left when it ends.
        launcher = subprocess.run(
            [sys.executable, "-m", "sitepush.sandbox.daemon", "--detach", str(folder)],
            stdin=subprocess.DEVNULL, stdout=log_stream, stderr=log_stream, timeout=START_SECONDS,
            check=False)
    if launcher.returncode != 0:
        raise _did_not_start(log)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        found = _read_server_file(server_file)
        if found is not None:
            if _listening(found.endpoint_url):
                return found
        time.sleep(0.05)
    raise _did_not_start(log)


def _did_not_start(log: Path) -> SitepushError:
    try:
        lines = [line for line in log.read_text("utf-8", "replace").splitlines() if line.strip()]
    except OSError:
        lines = []
    last = lines[-1] if lines else "no output"
    if "No module named 'moto'" in last or "needs moto" in last:
        return SitepushError("the sandbox needs moto", hint="run pip install 'sitepush[sandbox]'")
    return SitepushError(f"the sandbox did not start ({last})", hint=f"see {log}")


def _read_server_file(path: Path) -> SandboxProcess | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return SandboxProcess(pid=int(data["pid"]), endpoint_url=str(data["endpoint_url"]),
                              dns_port=int(data["dns_port"]), started=float(data["started"]),
                              version=str(data["version"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_server_file(folder: Path, process: SandboxProcess) -> None:
    """Publish the daemon's address, atomically (a reader never sees half a file)."""
    temporary = folder / f"{SERVER_FILE}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(process.__dict__), "utf-8")
    os.replace(temporary, folder / SERVER_FILE)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie answers signal 0 but serves nothing
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


def _listening(endpoint_url: str) -> bool:
    host, _, port = endpoint_url.removeprefix("http://").partition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1.0):
            return True
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    folder = sandbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
