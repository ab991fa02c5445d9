"""Run a command and record the CPU seconds the local S3 server spent while it ran.

  python3 bench/_server_cpu.py --endpoint http://127.0.0.1:5055 --log FILE -- COMMAND...

bench/sync.py puts this in front of sitepush in the harness's SITEPUSH_CMD. The harness's server
(../shared/bench/s3counter.py, moto behind a request counter) is one Python process: every request
it answers costs CPU there, under its own interpreter lock. The CPU it spends on sitepush's requests
is a floor no client can go under with those requests, whatever its own speed, and sitepush sends
the fewest requests of the tools measured. The record (one JSON line: server CPU, wall, exit code)
lets the report say which wall-time targets lie below that floor.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit


def server_pid(port: int) -> int | None:
    """The pid of the process serving ``port`` as the harness started it (``s3counter.py --port N``)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv]
        if any(w.endswith("s3counter.py") for w in words) and str(port) in words:
            return int(entry.name)
    return None


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` (fields 14 and 15 of /proc/PID/stat), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    pid = server_pid(urlsplit(args.endpoint).port or 80)
    before = cpu_seconds(pid) if pid else None
    started = time.monotonic()
    code = subprocess.run(command).returncode
    wall = time.monotonic() - started
    server = cpu_seconds(pid) - before if pid and before is not None else None
    with args.log.open("a") as log:
        log.write(json.dumps({"server_cpu_s": server, "wall_s": round(wall, 3), "rc": code}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
