"""The one rewritten progress line a long command shows (deploy's uploads, a big build's pages).

Its own module, not the syncer's: ``sitepush build`` shows it too, and importing the syncer package
for it would load the whole deploy path (apply, manifests, remote listing) into every build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from threading import Lock
from typing import TextIO

CI_PROGRESS_SECONDS = 10.0
"""Without a terminal, a progress line at most this often: a few lines in a CI log, not thousands."""
TTY_REFRESH_SECONDS = 0.1


class ProgressLine:
    """Shows a long step's progress: one rewritten line on a terminal, an occasional plain line otherwise."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, quiet_for: float = 0.0,
                 tty_only: bool = False) -> None:
        """``quiet_for``: no line in the first that many seconds (a quick step shows none); ``tty_only``:
        nothing at all when the stream is not a terminal."""
        self._stream = stream
        self._tty = _is_tty(stream) if tty is None else tty
        self._clock = clock
        self._quiet_for = quiet_for
        self._silent = tty_only and not self._tty
        self._lock = Lock()
        self._last = -1e9
        self._shown = ""
        self._every = TTY_REFRESH_SECONDS if self._tty else CI_PROGRESS_SECONDS
        self._started = clock()

    def __call__(self, line: str) -> None:
        if self._silent:
            return
        with self._lock:
            now = self._clock()
            # In CI the first line waits a whole period, so a quick deploy prints no progress at all.
            if (now - self._last < self._every or now - self._started < self._quiet_for
                    or (not self._tty and now - self._started < self._every)):
                return
            self._last = now
            if self._tty:
                self._stream.write("\r" + line.ljust(len(self._shown)))
                self._shown = line
            else:
                self._stream.write(line + "\n")
            self._stream.flush()

    def close(self) -> None:
        """Clear the terminal line so the summary starts on a clean one."""
        with self._lock:
            if self._tty and self._shown:
                self._stream.write("\r" + " " * len(self._shown) + "\r")
                self._stream.flush()
                self._shown = ""


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False
