"""Shared fixtures: no test can reach real AWS, and real servers are started once per session."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sitepush.sandbox import Sandbox

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLE_SITE = REPO / "example-site"

_STRIPPED_PREFIXES = ("AWS_", "BOTO_")
_STRIPPED_NAMES = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                   "http_proxy", "https_proxy", "all_proxy", "no_proxy"}


@pytest.fixture(autouse=True)
def no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Strip AWS and proxy settings and point config files at nothing, so only loopback is reachable."""
    for name in list(os.environ):
        if name.startswith(_STRIPPED_PREFIXES) or name in _STRIPPED_NAMES:
            monkeypatch.delenv(name, raising=False)
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One moto server on 127.0.0.1 (a free port) for the whole session, spoken to over HTTP."""
    from sitepush.sandbox import Sandbox

    with Sandbox() as running:
        yield running


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus; the test is skipped with a reason only if shared/ is absent."""
    path = CORPUS / name
    if not path.is_dir():
        pytest.fail(f"corpus {path} is missing: the tests need ../shared/corpus beside the repo")
    return path


def printed_url(process: "subprocess.Popen[str]", pattern: str, seconds: float) -> str | None:
    """The first group of ``pattern`` in the first stdout line of ``process`` that matches, within
    ``seconds`` (None if the process ends or the time runs out first)."""
    import re
    import time

    deadline = time.monotonic() + seconds
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            return None
        found = re.search(pattern, line)
        if found:
            return found.group(1)
    return None


def ctrl_c_reaches_it() -> None:
    """``preexec_fn`` for a child the test stops with SIGINT: a job started in the background by a
    non-interactive shell (CI) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
