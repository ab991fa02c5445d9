"""A real authoritative DNS server for the tests: Debian's knot, on 127.0.0.1 and a free port, as nobody.

``KnotServer({"example.": ZONE_TEXT, ...})`` writes a configuration and zone files to a folder of its
own (readable by nobody), starts ``knotd`` in the foreground with ``user: nobody``, and waits —
bounded — until it answers the SOA of its first zone. ``.ci/system-deps`` installs knot on a fresh
machine; without it the fixture fails with that fix.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"
START_SECONDS = 15.0


def free_port() -> int:
    """A loopback port free for both UDP and TCP (knot listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            try:
                tcp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no loopback port free for both UDP and TCP in 50 tries")


class _PortTaken(RuntimeError):
    """knotd could not bind its port: another process took it after the probe."""


class KnotServer:
    """knotd serving ``zones`` (origin → zone file text) until :meth:`stop`."""

    def __init__(self, zones: Mapping[str, str]) -> None:
        if not Path(KNOTD).exists():
            raise RuntimeError(f"{KNOTD} is missing: run .ci/system-deps (installs Debian's knot)")
        self.zones = dict(zones)
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="sitepush-knot-"))
        self.process: subprocess.Popen[bytes] | None = None
        self._zone_lines: list[str] = []

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``, as dns-check's options take it."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> KnotServer:
        nobody = pwd.getpwnam("nobody")
        for sub in ("zones", "db", "run"):
            (self.folder / sub).mkdir()
        zone_lines = []
        for index, (origin, text) in enumerate(self.zones.items()):
            (self.folder / "zones" / f"zone{index}.zone").write_text(text)
            zone_lines.append(f'  - domain: "{origin}"\n    file: "zone{index}.zone"\n')
        self._zone_lines = zone_lines
        self._write_config()
        for path in [self.folder, *self.folder.rglob("*")]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        for _ in range(3):  # another process may take the port between the probe and knot's bind
            self.process = subprocess.Popen([KNOTD, "-c", str(self.folder / "knot.conf")],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                self._wait_until_answering(next(iter(self.zones)))
                return self
            except _PortTaken:
                self.port = free_port()
                self._write_config()
        raise RuntimeError("knotd found its port taken three times in a row")

    def _write_config(self) -> None:
        zone_lines = self._zone_lines
        (self.folder / "knot.conf").write_text(
            "server:\n"
            f'    rundir: "{self.folder / "run"}"\n'
            "    user: nobody\n"
            f"    listen: 127.0.0.1@{self.port}\n"
            "log:\n  - target: stderr\n    any: warning\n"
            "database:\n"
            f'    storage: "{self.folder / "db"}"\n'
            "template:\n  - id: default\n"
            f'    storage: "{self.folder / "zones"}"\n'
            "    zonefile-sync: -1\n    journal-content: none\n"
            "zone:\n" + "".join(zone_lines))
        nobody = pwd.getpwnam("nobody")
        os.chown(self.folder / "knot.conf", nobody.pw_uid, nobody.pw_gid)

    def _wait_until_answering(self, origin: str) -> None:
        import dns.message
        import dns.query
        import dns.rcode

        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                if self.process.stderr is not None:
                    self.process.stderr.close()
                self.process = None
                if "address already in use" in err:
                    raise _PortTaken(err)
                raise RuntimeError(f"knotd exited: {err.strip()}")
            try:
                reply = dns.query.udp(dns.message.make_query(origin, "SOA"), "127.0.0.1", port=self.port,
                                      timeout=0.5)
                if reply.rcode() == dns.rcode.NOERROR and reply.answer:
                    return
            except (OSError, Exception):  # noqa: BLE001 - not answering yet
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"knotd did not answer within {START_SECONDS:.0f} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> KnotServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def zone(origin: str, records: str) -> str:
    """A zone file for ``origin`` with its SOA and NS, then ``records``."""
    return (f"$ORIGIN {origin}\n$TTL 300\n"
            f"@ SOA ns.{origin} hostmaster.{origin} 1 3600 900 604800 300\n"
            f"@ NS ns.{origin}\nns A 127.0.0.1\n{records}\n")
