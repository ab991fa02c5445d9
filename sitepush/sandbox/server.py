"""An embedded AWS for ``--sandbox`` and for the tests: moto's server on 127.0.0.1, a free port, in-process.

::

    with Sandbox() as sandbox:
        s3 = sandbox.client("s3")
        s3.create_bucket(Bucket="my-site")

Clients are built with fixed fake keys in an isolated session (see :mod:`sitepush.aws`), so the
sandbox never reads or changes the user's AWS environment and can never reach real AWS.

moto keeps its state in module-level backends, so every Sandbox in one process sees the same buckets;
use distinct bucket names when several tests share the process. moto is an optional extra and is
imported only when a sandbox starts.

The sandbox that commands share (``--sandbox``) is one of these running in a background process of its
own, so that every version, deploy record, certificate, distribution and zone outlives the command
that made it: see :mod:`sitepush.sandbox.shared`.
"""

from __future__ import annotations

import logging
import os
from types import TracebackType
from typing import Any, Self

from sitepush.aws import Credentials, make_client
from sitepush.errors import SitepushError

SANDBOX_REGION = "us-east-1"
SANDBOX_CREDENTIALS = Credentials(access_key_id="AKSITEPUSHSANDBOX000",
                                  secret_access_key="sitepush-sandbox-not-a-secret")


class Sandbox:
    """moto's server on loopback; a context manager, started on ``__enter__`` (or :meth:`start`)."""

    def __init__(self, *, port: int = 0) -> None:
        self._server: Any = None
        self._endpoint_url: str | None = None
        self._port = port

    def start(self) -> Self:
        """Start the server on a free loopback port; returns self. Starting twice is a no-op."""
        if self._server is not None:
            return self
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:
            raise SitepushError("the sandbox needs moto",
                                hint="run pip install 'sitepush[sandbox]'") from None
        # werkzeug prints one line per request to stderr when its logger is unset; the sandbox
        # should be as quiet as AWS itself.
        werkzeug_logger = logging.getLogger("werkzeug")
        if werkzeug_logger.level == logging.NOTSET:
            werkzeug_logger.setLevel(logging.WARNING)
        # No DNS can validate a certificate in the sandbox: its ACM issues them at once (moto reads
        # this setting at each DescribeCertificate).
        import moto.settings

        moto.settings.ACM_VALIDATION_WAIT = int(os.environ.get("MOTO_ACM_VALIDATION_WAIT", "0"))
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=self._port, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self._endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread; twice is a no-op."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self._endpoint_url is None:
            raise RuntimeError("Sandbox.endpoint_url used before start()")
        return self._endpoint_url

    @property
    def region(self) -> str:
        """The region every sandbox client uses."""
        return SANDBOX_REGION

    @property
    def credentials(self) -> Credentials:
        """The fixed fake keys; moto accepts any key, and these are useless anywhere else."""
        return SANDBOX_CREDENTIALS

    def client(self, service: str, *, max_pool: int = 10) -> Any:
        """A boto3 client for ``service`` bound to this sandbox and nothing else."""
        if not self.running:
            raise RuntimeError("Sandbox.client used before start() or after stop()")
        return make_client(service, region=self.region, endpoint_url=self.endpoint_url,
                           max_pool=max_pool, credentials=self.credentials)
