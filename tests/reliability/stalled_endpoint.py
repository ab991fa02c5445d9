"""A loopback endpoint that accepts connections, reads what is sent and never answers (a hung S3)."""

from __future__ import annotations

import socket
import threading
from typing import Any


class StalledEndpoint:
    """``with StalledEndpoint() as stalled: ... stalled.endpoint_url``; every socket is closed on exit."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self.connections = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def __enter__(self) -> StalledEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._server.close()

    def _accept(self) -> None:
        while not self._stop.is_set():  # ends: __exit__ sets the event; accept wakes every 0.2 s
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)  # kept open, never read from or written to
