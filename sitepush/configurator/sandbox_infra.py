"""``sitepush configure --sandbox``: the whole plan against moto's server on loopback, remembered between runs.

moto keeps S3 objects across runs through :mod:`sitepush.sandbox` (its state folder), but not the
rest (website settings, policy, certificate, distributions, hosted zone, records). So the sandbox
also keeps the ``sitepush.toml`` it last configured, and a new run first replays that configuration
into the fresh moto, silently, before planning: a second ``configure --sandbox`` with an unchanged
file plans nothing, and a changed file plans exactly the difference — as against a real account.
The sandbox's ACM issues certificates at once (no DNS can validate them there).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sitepush.config import CONFIG_NAME, Config, parse_config
from sitepush.errors import SitepushError

REMEMBERED = "configured-sitepush.toml"


def configure_in_sandbox(config: Config, args: argparse.Namespace, run: Callable[[Any], int]) -> int:
    """Start the sandbox for ``config``'s buckets, replay the last configuration, then ``run(clients)``."""
    from sitepush.configurator.aws_state import InfraClients
    from sitepush.configurator.configure import ConfigureOptions, apply_config
    from sitepush.configurator.desired import hosts_of, site_bucket_of
    from sitepush.sandbox import Sandbox
    from sitepush.user_cache import cache_dir_for

    state_dir = cache_dir_for(config.root) / "sandbox"
    hosts = hosts_of(config)
    buckets = tuple(dict.fromkeys((site_bucket_of(config), *((hosts.other,) if hosts else ()))))
    remembered = state_dir / REMEMBERED
    with Sandbox(state_dir=state_dir, buckets=buckets, bucket_region=config.deploy.region) as sandbox:
        print(f"Sandbox AWS (moto) listening on {sandbox.endpoint_url} — nothing leaves this machine",
              flush=True)
        clients = InfraClients.of_sandbox(sandbox)
        if remembered.exists():
            try:
                before = parse_config(remembered.read_text("utf-8"), root=config.root, file=CONFIG_NAME)
                apply_config(before, clients, ConfigureOptions(certificate_wait=5, create_zone=True))
            except SitepushError:
                remembered.unlink(missing_ok=True)  # a replay that fails starts the sandbox afresh
        args.certificate_wait = min(args.certificate_wait, 30.0)
        code = run(clients)
        if not args.plan:
            state_dir.mkdir(parents=True, exist_ok=True)
            source = config.root / CONFIG_NAME
            remembered.write_text(source.read_text("utf-8") if source.exists() else "", "utf-8")
        return code
