"""A failing build run with worker processes ends with its one error line and nothing after it — no
thread-shutdown traceback from the pool, in any of 20 runs (the race showed in about 1 to 5 of 20)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.paths import REPO

RUNS = 20
ERROR = ("error: content/bad.md:2: invalid front matter: did not find expected ',' or ']' (while parsing a flow "
         "sequence) — fix the YAML between the --- lines\n")


@pytest.mark.slow
def test_a_failing_parallel_build_prints_exactly_its_error_line_every_time(tmp_path: Path) -> None:
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    for number in range(60):  # enough pages for the build to start its worker pool
        (content / f"p{number}.md").write_text(f"---\ntitle: Page {number}\n---\nBody.\n", "utf-8")
    (content / "bad.md").write_text("---\ntitle: [broken\n---\n", "utf-8")
    deadline = time.monotonic() + 300
    outcomes = []
    for _ in range(RUNS):
        assert time.monotonic() < deadline, f"{RUNS} builds took over 300 s"
        ran = subprocess.run([sys.executable, "-m", "sitepush", "build", str(tmp_path / "site"), "--workers", "2"],
                             capture_output=True, text=True, cwd=tmp_path, timeout=60,
                             env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        outcomes.append((ran.returncode, ran.stderr))
    assert outcomes == [(1, ERROR)] * RUNS
