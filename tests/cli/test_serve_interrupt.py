"""Ctrl-C stops `sitepush serve` with exit 0 whenever it comes — also while the server thread is starting.

``Thread.start`` waits until the new thread runs; on a loaded machine the new thread can answer a request
before the main thread is scheduled again, so a Ctrl-C sent right after that answer lands inside
``start``. It used to escape as "interrupted" and exit 130.
"""

from __future__ import annotations

import threading

import pytest

from sitepush.cli.serve import _run_until_interrupted


class StartsThenInterrupted:
    """A server whose thread-start is where the Ctrl-C arrives."""

    def __init__(self) -> None:
        self.stopped = False

    def start(self) -> threading.Thread:
        raise KeyboardInterrupt

    def stop(self) -> None:
        self.stopped = True


def test_a_ctrl_c_while_the_server_thread_starts_stops_serving_with_exit_0(
        capsys: pytest.CaptureFixture[str]) -> None:
    server = StartsThenInterrupted()
    assert _run_until_interrupted(server, stop=None) == 0
    assert server.stopped
    assert capsys.readouterr().err == "stopped\n"
