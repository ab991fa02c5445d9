"""Ctrl-C and SIGTERM during a deploy: the first stops it cleanly, a second stops it at once.

The first SIGINT or SIGTERM becomes a KeyboardInterrupt in the main thread, where the deploy cancels
what is queued, gives requests in flight about two seconds, writes no manifest, releases its lease
and exits 130 with one line. From then on any further signal ends the process on the spot
(``os._exit``, after one line written straight to the stderr descriptor): no traceback, however many
times the user presses Ctrl-C, and no wait for a stalled endpoint.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

INTERRUPTED = 130
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)

interrupted = threading.Event()
"""Set by the first signal: the command was interrupted (its worker threads may still be stuck)."""


def _again(signum: int, frame: FrameType | None) -> None:
    try:
        os.write(2, b"\ninterrupted again: stopping now - run the same command again to finish\n")
    except OSError:
        pass
    os._exit(INTERRUPTED)


def _first(signum: int, frame: FrameType | None) -> None:
    interrupted.set()
    for number in STOPPING_SIGNALS:
        signal.signal(number, _again)
    raise KeyboardInterrupt


@contextmanager
def stops_gracefully() -> Iterator[None]:
    """Inside the block, SIGINT and SIGTERM stop the command as the module docstring says.

    Outside the main thread (signals cannot be handled there) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Any] = {number: signal.getsignal(number) for number in STOPPING_SIGNALS}
    for number in STOPPING_SIGNALS:
        signal.signal(number, _first)
    try:
        yield
    finally:
        if not interrupted.is_set():  # after an interrupt, later signals keep ending the process at once
            for number, handler in previous.items():
                signal.signal(number, handler)


def end_interrupted_process(code: int) -> None:
    """After an interrupt, end the process now: flush what was printed, then ``os._exit(code)``.

    The interpreter's own exit would wait for every worker thread, and a thread stuck on a stalled
    endpoint would hold it for as long as its timeouts and retries allow.
    """
    if not interrupted.is_set():
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
