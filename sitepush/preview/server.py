"""The preview's HTTP server: S3 website answers (:mod:`.website`) over an object source, plus live reload.

In private mode (an edge table given) the answers are the edge function's and the bucket's REST
API's instead (:mod:`.edge`).

A ``ThreadingHTTPServer`` on 127.0.0.1 by default (another address only when asked: the preview serves
drafts and is not hardened for the open network). Each request is answered by
:func:`~sitepush.preview.website.answer`; HTML bodies get the live-reload script when a hub is given
(then their ETag also names the build, so a revalidating browser never keeps a page of an older build).
A failure reading an object becomes a 500 naming it; the server itself never stops on a bad request.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sitepush.config import WebsiteConfig
from sitepush.edge import EdgeTable
from sitepush.errors import SitepushError
from sitepush.preview.edge import edge_answer
from sitepush.preview.live import LIVE_PATH, LiveHub, inject
from sitepush.preview.sources import ObjectSource
from sitepush.preview.website import Answer, answer

MAX_INJECTED_PAGE = 32 * 1024 * 1024
"""HTML larger than this is streamed as it is, without the live-reload script."""


class PreviewServer(ThreadingHTTPServer):
    """Serves one object source with S3 website semantics; ``serve_forever`` in a thread of your own."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, source: ObjectSource, website: Callable[[], WebsiteConfig], *,
                 hub: LiveHub | None = None, bind: str = "127.0.0.1", port: int = 0,
                 edge: Callable[[], EdgeTable | None] = lambda: None) -> None:
        self.source = source
        self.website = website
        """The ``[website]`` settings in force, asked for at each request (they follow sitepush.toml)."""
        self.edge = edge
        """Private mode's edge table (``[cloudfront] origin = "private"``), else None; asked per request."""
        self.hub = hub
        self.stopping = threading.Event()
        if ":" in bind:
            self.address_family = socket.AF_INET6
        super().__init__((bind, port), _handler_for(self))

    @property
    def url(self) -> str:
        """``http://HOST:PORT/`` of the running server."""
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a daemon thread; returns it."""
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                  name="sitepush-preview", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop serving: open event streams end within their next wait, the socket is closed."""
        self.stopping.set()
        if self.hub is not None:
            self.hub.wake()  # every stream sees ``stopping`` and ends: browsers reconnect elsewhere
        self.shutdown()
        self.server_close()


def _handler_for(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_PreviewHandler):
        preview = server

    return Handler


class _PreviewHandler(BaseHTTPRequestHandler):
    preview: PreviewServer
    server_version = "sitepush-preview"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet, like the endpoint it imitates; the command prints what the user needs

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.preview.hub is not None and self.path.split("?", 1)[0] == LIVE_PATH:
            self._stream_events(self.preview.hub)
            return
        self._answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer("HEAD")

    def _other(self) -> None:
        self._answer(self.command)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other  # noqa: N815

    def _answer(self, method: str) -> None:
        preview = self.preview
        host = self.headers.get("Host") or "localhost"
        try:
            table = preview.edge()
            if table is not None:
                reply = edge_answer(method, self.path, dict(self.headers.items()), preview.source.lookup,
                                    table)
            else:
                reply = answer(method, self.path, dict(self.headers.items()), preview.source.lookup,
                               preview.website(), host=host)
            self._send(reply)
        except SitepushError as error:
            self._send_plain(500, f"sitepush preview: {error.render()}\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, reply: Answer) -> None:
        preview = self.preview
        body_chunks: Callable[[], Any] | None = None
        headers = list(reply.headers)
        if reply.key is not None and reply.send_body:
            content_type = (reply.header("Content-Type") or "").lower()
            size = int(reply.header("Content-Length") or 0)
            if preview.hub is not None and content_type.startswith("text/html") and size <= MAX_INJECTED_PAGE:
                build = preview.hub.build_id
                page = inject(b"".join(preview.source.open(reply.key)), build)
                headers = _replaced(headers, {"Content-Length": str(len(page)),
                                              "ETag": _build_etag(reply.header("ETag"), build)})
                body_chunks = lambda: iter((page,))  # noqa: E731
            else:
                key = reply.key
                body_chunks = lambda: preview.source.open(key)  # noqa: E731
        elif preview.hub is not None and reply.status == 304 and reply.header("ETag"):
            headers = _replaced(headers, {"ETag": _build_etag(reply.header("ETag"), preview.hub.build_id)})
        if reply.body and reply.send_body:
            body = reply.body
            if preview.hub is not None and (reply.header("Content-Type") or "").startswith("text/html"):
                body = inject(body, preview.hub.build_id)
                headers = _replaced(headers, {"Content-Length": str(len(body))})
            body_chunks = lambda: iter((body,))  # noqa: E731
        self.send_response(reply.status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body_chunks is not None:
            for chunk in body_chunks():
                self.wfile.write(chunk)

    def _send_plain(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream_events(self, hub: LiveHub) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        position = hub.position()
        try:
            self.wfile.write(b"retry: 300\n\n" + hub.hello().encode())
            self.wfile.flush()
            while not self.preview.stopping.is_set():
                events, position = hub.wait(position)
                if self.preview.stopping.is_set():
                    return
                payload = b"".join(event.encode() for event in events) or b": keep-alive\n\n"
                self.wfile.write(payload)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return  # the tab went away


def _replaced(headers: list[tuple[str, str]], values: dict[str, str]) -> list[tuple[str, str]]:
    wanted = {name.lower(): (name, value) for name, value in values.items()}
    kept = [(name, value) for name, value in headers if name.lower() not in wanted]
    return kept + list(wanted.values())


def _build_etag(etag: str | None, build_id: str) -> str:
    """The validator of an injected page: the object's ETag and the build its script names."""
    digest = hashlib.md5(f"{etag}|{build_id}".encode(), usedforsecurity=False).hexdigest()
    return f'"{digest}"'
