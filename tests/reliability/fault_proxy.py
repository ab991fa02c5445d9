"""A fault-injecting HTTP proxy of our own, between sitepush and moto's server, on loopback.

sitepush talks to it through ``--endpoint-url`` exactly as it would to MinIO. Each request gets a
decision from a seeded generator (the same seed, the same faults in the same order of arrival):

* ``500`` — S3's InternalError; ``503`` — SlowDown (both with S3's XML error body);
* ``reset-before`` — the connection is cut before the request reaches S3 (nothing happened);
* ``reset-after`` — the request *is* forwarded and done, then the connection is cut before the
  answer (the nasty case: the write happened, the client saw a failure);
* ``slow`` — forwarded after a delay.

Counts of what was attempted, faulted and forwarded are kept; ``on_request(n, method, path)`` lets a
test act at the n-th request (kill -9 the client, or hold the answer: the callback runs on the
request's own thread, before it is forwarded). ``refuse_conditional=True`` answers 501 NotImplemented
to every request carrying ``If-None-Match`` or ``If-Match``, as a store without conditional writes
does. Every wait is bounded.

Where moto answers differently from AWS, a test plays AWS's part: ``answer(request)`` may return a
whole reply instead of forwarding (an AccessDenied that only a real account setting causes), and
``rewrite(request, status, body)`` may change the body moto answered (ACM's DescribeCertificate without
its ResourceRecords for the first seconds after RequestCertificate).
"""

from __future__ import annotations

import http.client
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

FAULTS = ("500", "503", "reset-before", "reset-after", "slow")
ERROR_BODY = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message>'
              '<RequestId>FAULTPROXY</RequestId></Error>')


@dataclass(frozen=True)
class Request:
    """One request as the proxy received it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def target(self) -> str:
        """The JSON protocols' operation (``CertificateManager.DescribeCertificate``), else ``""``."""
        return self.headers.get("x-amz-target", "")


Reply = tuple[int, list[tuple[str, str]], bytes]


@dataclass
class FaultCounts:
    """What the proxy saw and did."""

    attempted: int = 0
    forwarded: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    acl_headers: int = 0
    methods: Counter[str] = field(default_factory=Counter)


class FaultProxy:
    """``FaultProxy(upstream, rate=0.1, seed=1)``; a context manager; ``endpoint_url`` for sitepush."""

    def __init__(self, upstream: str, *, rate: float = 0.0, seed: int = 0, faults: tuple[str, ...] = FAULTS,
                 slow_seconds: float = 0.3, only: Callable[[str, str], bool] | None = None,
                 refuse_conditional: bool = False,
                 rewrite: Callable[[Request, int, bytes], bytes] | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rate, self.faults, self.slow_seconds, self.only = rate, faults, slow_seconds, only
        self.refuse_conditional = refuse_conditional
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.counts = FaultCounts()
        self.on_request: Callable[[int, str, str], None] | None = None
        self.answer: Callable[[Request], Reply | None] | None = None
        self.rewrite: Callable[[Request, int, bytes], bytes] | None = rewrite
        self.server = _QuietServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def decide(self, method: str, path: str) -> tuple[int, str | None]:
        """The request's number and its fault (None: forward it untouched)."""
        with self.lock:
            self.counts.attempted += 1
            number = self.counts.attempted
            self.counts.methods[method] += 1
            roll = self.random.random()
            choice = self.random.choice(self.faults)
        if self.only is not None and not self.only(method, path):
            return number, None
        if roll < self.rate:
            with self.lock:
                self.counts.faults[choice] += 1
            return number, choice
        return number, None


class _QuietServer(ThreadingHTTPServer):
    """A client that went away (killed, interrupted) while its answer was held is not a proxy error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if any(name.lower() == "x-amz-acl" for name in self.headers):
                with proxy.lock:
                    proxy.counts.acl_headers += 1
            number, fault = proxy.decide(self.command, self.path)
            if proxy.on_request is not None:
                proxy.on_request(number, self.command, self.path)
            if proxy.refuse_conditional and any(name.lower() in ("if-none-match", "if-match") for name in self.headers):
                with proxy.lock:
                    proxy.counts.faults["not-implemented"] += 1
                body = ERROR_BODY.format(code="NotImplemented",
                                         message="A header you provided implies functionality that is not implemented")
                self._reply(501, body.encode(), [("Content-Type", "application/xml")])
                return
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            if fault is None and proxy.answer is not None:
                reply = proxy.answer(request)
                if reply is not None:
                    status, headers, answer = reply
                    self._reply(status, answer, headers)
                    return
            if fault in ("500", "503"):
                code, message = ("InternalError", "We encountered an internal error.") if fault == "500" else \
                    ("SlowDown", "Please reduce your request rate.")
                self._reply(int(fault), ERROR_BODY.format(code=code, message=message).encode(),
                            [("Content-Type", "application/xml")])
                return
            if fault == "reset-before":
                self._reset()
                return
            if fault == "slow":
                time.sleep(proxy.slow_seconds)
            status, headers, answer = self._forward(body)
            if fault == "reset-after":
                self._reset()
                return
            with proxy.lock:
                proxy.counts.forwarded += 1
            if proxy.rewrite is not None:
                answer = proxy.rewrite(request, status, answer)
            self._reply(status, answer, headers)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any  # noqa: N815

        def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
            connection = http.client.HTTPConnection(*proxy.upstream, timeout=60)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = b"" if self.command == "HEAD" else response.read()
                kept = [(k, v) for k, v in response.getheaders()
                        if k.lower() not in ("connection", "transfer-encoding", "content-length", "server",
                                             "date")]
                if self.command == "HEAD":
                    kept.append(("Content-Length", response.getheader("Content-Length") or "0"))
                return response.status, kept, data
            finally:
                connection.close()

        def _reply(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if not any(k.lower() == "content-length" for k, _ in headers):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _reset(self) -> None:
            # SO_LINGER 0: close with a TCP RST, as a broken middlebox or a dying server does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

    return Handler
