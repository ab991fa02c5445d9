"""The package type-checks under `mypy --strict` (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from tests.fixtures.paths import REPO


def test_the_package_passes_mypy_strict() -> None:
    checked = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=REPO,
                             capture_output=True, text=True, timeout=600)
    assert checked.returncode == 0, checked.stdout + checked.stderr
