"""Shared fixtures: no test can reach real AWS, and real servers are started once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sitepush.sandbox import Sandbox, SandboxProcess

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


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fails the run if a test left a process behind (checked once, after every other fixture ended)."""
    yield
    import time

    from tests.fixtures.leftovers import leftover_processes

    base = tmp_path_factory.getbasetemp()
    deadline = time.monotonic() + 10
    left = leftover_processes(base)
    while left and time.monotonic() < deadline:  # a process told to stop may need a moment
        time.sleep(0.2)
        left = leftover_processes(base)
    assert left == [], f"the test run left processes behind: {left}"


@pytest.fixture(scope="session", autouse=True)
def shared_sandbox_home(no_process_left_behind: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every ``--sandbox`` command of the run shares one sandbox process in the run's temporary folder,
    never the user's; it is stopped when the run ends."""
    folder = tmp_path_factory.getbasetemp() / "shared-sandbox"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEPUSH_SANDBOX_DIR", str(folder))
        yield folder
        from sitepush.sandbox import stop_sandbox

        stop_sandbox()


@pytest.fixture(scope="module")
def own_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A shared sandbox of the module's own (a fresh local AWS account) for its ``--sandbox`` commands:
    started before the module's first test, stopped after its last."""
    from sitepush.sandbox import shared_sandbox, stop_sandbox

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEPUSH_SANDBOX_DIR", str(tmp_path_factory.mktemp("own-sandbox")))
        running = shared_sandbox()
        try:
            yield running
        finally:
            stop_sandbox()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One moto server on 127.0.0.1 (a free port) for the whole session, spoken to over HTTP."""
    from sitepush.sandbox import Sandbox

    with Sandbox() as running:
        yield running


@pytest.fixture()
def browser_page(tmp_path: Path) -> Iterator[Any]:
    """A page of headless Chromium (Debian's, through Playwright) with a fresh profile."""
    from tests.fixtures.browser import chromium_page

    with chromium_page(tmp_path / "chromium-profile") as page:
        yield page
