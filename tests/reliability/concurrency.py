"""Two real ``sitepush deploy`` processes racing for one bucket, and what the bucket holds afterwards.

Shared by tests/reliability/test_concurrent_deploys.py and bench/faults.py.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conftest import ACCESS_KEY, SECRET_KEY, bucket_state, expected_state, write_files


def overlapping_folders(root: Path, size: int) -> tuple[Path, Path]:
    """Folder A holds keys 0..size-1, folder B keys size/2..size*3/2-1 with other bytes."""
    half = size // 2
    a, b = root / "a", root / "b"
    write_files(a, {f"k/{n:04}.txt": f"A {n}\n".encode() for n in range(size)})
    write_files(b, {f"k/{n:04}.txt": f"B {n} other bytes\n".encode() for n in range(half, half + size)})
    return a, b


def environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": "us-east-1", "SITEPUSH_CACHE_DIR": str(cache)}


@dataclass(frozen=True)
class Finished:
    """One deploy of a race: which folder, its exit code and what it printed."""

    folder: Path
    code: int
    stdout: str
    stderr: str

    @property
    def waited(self) -> bool:
        """It waited for the other's lease, or found the other's manifest and planned again."""
        return "waiting for the deploy lease" in self.stderr or "listing it again" in self.stderr


def _site_dir(args: list[str]) -> Path:
    return Path(args[args.index("--site-dir") + 1])


def race(first: list[str], second: list[str], cache: Path, *, gap: float = 0.05, timeout: float = 120,
         folder_of: Callable[[list[str]], Path] = _site_dir) -> tuple[Finished, Finished]:
    """Start ``sitepush deploy FIRST``, then ``SECOND`` ``gap`` seconds later; wait for both.

    ``folder_of`` tells which folder a command line deploys (its ``--site-dir`` by default)."""
    processes = []
    for number, args in enumerate((first, second)):
        if number:
            time.sleep(gap)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "sitepush", "deploy", *args], env=environment(cache / str(number)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    finished = []
    for args, process in zip((first, second), processes, strict=True):
        try:
            out, err = process.communicate(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        finished.append(Finished(folder_of(args), process.returncode, out, err))
    return finished[0], finished[1]


def seeded_order(seed: int, a: Path, b: Path) -> tuple[Path, Path]:
    """Which folder starts first in trial ``seed``."""
    return (a, b) if random.Random(seed).random() < 0.5 else (b, a)


def manifest_entries(s3: Any, bucket: str, prefix: str = "") -> dict[str, str] | None:
    """Key → ETag in the deploy manifest, or None when there is none."""
    try:
        data = s3.get_object(Bucket=bucket, Key=f"{prefix}.sitepush/manifest.json")["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return {key: entry[0] for key, entry in json.loads(data)["entries"].items()}


def listed_etags(s3: Any, bucket: str, prefix: str = "") -> dict[str, str]:
    """Key → ETag of every site object (sitepush's state left out)."""
    etags = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if not item["Key"][len(prefix):].startswith(".sitepush/"):
                etags[item["Key"]] = item["ETag"].strip('"')
    return etags


@dataclass(frozen=True)
class Verdict:
    """What one race left: the folder the bucket equals (None: a mix), and whether the manifest agrees."""

    equals: Path | None
    objects: int
    manifest_in_step: bool
    lost: int
    """Keys of the winning folder missing or with other bytes (all keys of both, for a mix)."""


def judge(s3: Any, bucket: str, a: Path, b: Path) -> Verdict:
    state = bucket_state(s3, bucket)
    wants = {a: expected_state(a), b: expected_state(b)}
    equals = next((folder for folder, want in wants.items() if state == want), None)
    if equals is not None:
        lost = 0
    else:
        best = min(wants.values(), key=lambda want: _differences(state, want))
        lost = _differences(state, best)
    return Verdict(equals=equals, objects=len(state), lost=lost,
                   manifest_in_step=manifest_entries(s3, bucket) == listed_etags(s3, bucket))


def _differences(state: dict[str, Any], want: dict[str, Any]) -> int:
    return sum(state.get(key) != value for key, value in want.items()) + len(set(state) - set(want))
