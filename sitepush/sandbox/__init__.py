"""An embedded AWS on loopback — the sandbox: for ``--sandbox`` and for the tests.

::

    Sandbox()                 moto's server in this process, on a free 127.0.0.1 port (tests, the daemon)
    shared_sandbox(out)       the one background sandbox every --sandbox command shares (per user)
      └ daemon: Sandbox + SandboxDns (authoritative DNS for its Route 53 zones)
    stop_sandbox()            end it; running_sandbox() looks without starting

Importing this package imports neither boto3 nor moto.
"""

from sitepush.sandbox.server import SANDBOX_CREDENTIALS, SANDBOX_REGION, Sandbox
from sitepush.sandbox.shared import (
    SandboxProcess,
    running_sandbox,
    sandbox_folder,
    shared_sandbox,
    stop_sandbox,
)

__all__ = [
    "SANDBOX_CREDENTIALS",
    "SANDBOX_REGION",
    "Sandbox",
    "SandboxProcess",
    "running_sandbox",
    "sandbox_folder",
    "shared_sandbox",
    "stop_sandbox",
]
