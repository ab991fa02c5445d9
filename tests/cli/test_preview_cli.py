"""`sitepush serve` as a user runs it: a subprocess that prints its URL, serves, and stops on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sitepush.cli import main
from tests.fixtures.paths import REPO
from tests.fixtures.processes import ctrl_c_reaches_it, printed_url


def test_serve_prints_its_url_serves_the_site_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "example-site", site)
    env = dict(os.environ, SITEPUSH_CACHE_DIR=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "sitepush", "serve", str(site), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=ctrl_c_reaches_it)
    try:
        url = printed_url(process, r"at (http://127\.0\.0\.1:\d+/)", 60)
        assert url is not None, "serve printed no URL"
        with urllib.request.urlopen(url + "docs/", timeout=10) as response:
            assert response.status == 200
            assert b"sitepush-live" in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in err


def test_a_port_in_use_is_one_line_with_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(REPO / "example-site"), "--port", str(port), "--no-reload"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"cannot listen on port {port}" in err[0] and "--port" in err[0]


def test_bucket_options_without_a_bucket_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(REPO / "example-site"), "--endpoint-url", "http://127.0.0.1:9"]) == 2
    assert "--bucket" in capsys.readouterr().err


@pytest.mark.parametrize("address", ["192.0.2.1", "no-such-host.invalid"])
def test_serve_on_an_address_this_machine_does_not_have_says_so(
        address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "site" / "content").mkdir(parents=True)
    (tmp_path / "site" / "content" / "index.md").write_text("# Home\n")
    assert main(["serve", str(tmp_path / "site"), "--bind", address, "--port", "0", "--no-reload"]) == 2
    assert capsys.readouterr().err == (f"error: --bind {address} is not an address of this machine — use "
                                       "127.0.0.1 (this machine only), 0.0.0.0 (every interface), or an "
                                       "address `ip addr` lists\n")
