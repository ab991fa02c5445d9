"""The shared sandbox's own process: moto's server and the sandbox DNS, until SIGTERM.

    python -m sitepush.sandbox.daemon --detach FOLDER   start one in a session of its own, return at once
    python -m sitepush.sandbox.daemon FOLDER            be one: publish FOLDER/server.json, serve, clean up

Started by :func:`sitepush.sandbox.shared.shared_sandbox`; stopped by ``sitepush sandbox stop``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sitepush import __version__


def detach(folder: Path) -> int:
    """Start the daemon with no controlling terminal and no parent waiting for it."""
    log = (folder / "sandbox.log").open("ab")
    subprocess.Popen([sys.executable, "-m", "sitepush.sandbox.daemon", str(folder)],
                     stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                     close_fds=True)
    return 0


def serve(folder: Path) -> int:
    """Run the sandbox until SIGTERM or SIGINT; the server file names it only while it answers."""
    import os

    from sitepush.sandbox.dns import SandboxDns
    from sitepush.sandbox.server import Sandbox
    from sitepush.sandbox.shared import SERVER_FILE, SandboxProcess, write_server_file

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sandbox = Sandbox().start()
    dns = SandboxDns(sandbox.client("route53")).start()
    me = SandboxProcess(pid=os.getpid(), endpoint_url=sandbox.endpoint_url, dns_port=dns.port,
                        started=time.time(), version=__version__)
    write_server_file(folder, me)
    print(f"sandbox {me.pid} serving {me.endpoint_url}, DNS on 127.0.0.1:{me.dns_port}", flush=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        server_file = folder / SERVER_FILE
        try:
            if f'"pid": {me.pid},' in server_file.read_text("utf-8"):
                server_file.unlink()
        except OSError:
            pass
        dns.stop()
        sandbox.stop()
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--detach"] and len(argv) == 2:
        return detach(Path(argv[1]))
    if len(argv) == 1:
        return serve(Path(argv[0]))
    print("usage: python -m sitepush.sandbox.daemon [--detach] FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
