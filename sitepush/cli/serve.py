"""``sitepush serve``: build, serve like the S3 website endpoint, watch, rebuild, reload the browser."""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from sitepush.cli.arguments import add_site_argument
from sitepush.errors import UsageError


def add_commands(commands: Any) -> None:
    """Add ``serve`` to the command line."""
    serve = commands.add_parser(
        "serve", help="preview the site with live reload, served as the S3 website endpoint would",
        description="Build the site, serve it on 127.0.0.1 the way the S3 website endpoint serves the "
                    "deployed bucket (index documents, redirects, error document, routing rules, the "
                    "same headers) — or, with [cloudfront] origin = \"private\", the way the edge function "
                    "and the private bucket answer — rebuild what changed on save and reload the open pages. "
                    "With --bucket, serve a bucket instead of the site folder.")
    add_site_argument(serve)
    serve.add_argument("--port", type=int, default=8000, metavar="N", help="port (default 8000; 0: any free)")
    serve.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--poll", action="store_true",
                       help="poll for changes (Docker volumes, network filesystems) instead of OS events")
    serve.add_argument("--drafts", action="store_true", help="also build pages marked draft")
    serve.add_argument("--no-reload", action="store_true",
                       help="serve exactly what S3 would send: no live-reload script, no watching")
    serve.add_argument("--bucket", metavar="NAME", help="serve this bucket instead of the site folder")
    serve.add_argument("--prefix", default="", metavar="P", help="with --bucket: key prefix of the site")
    serve.add_argument("--endpoint-url", metavar="URL", help="with --bucket: S3-compatible endpoint")
    serve.add_argument("--region", metavar="R", help="with --bucket: AWS region of the bucket")
    serve.add_argument("--profile", metavar="P", help="with --bucket: AWS profile")
    serve.add_argument("--sandbox", action="store_true",
                       help="serve the site's bucket (or --bucket) from the local sandbox, as S3 would")
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the preview until Ctrl-C."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port", hint="use a number from 1024 to 65535, or 0")
    if args.bucket is None and not args.sandbox and (args.endpoint_url or args.region or args.profile or args.prefix):
        raise UsageError("--endpoint-url, --region, --profile and --prefix go with --bucket",
                         hint="add --bucket NAME, or drop them to serve the site folder")
    if args.sandbox and (args.endpoint_url or args.profile):
        raise UsageError("--sandbox runs its own S3; it cannot be combined with --endpoint-url or --profile")
    if args.bucket is not None or args.sandbox:
        return _serve_bucket(args)
    return _serve_site(args)


def _serve_site(args: argparse.Namespace) -> int:
    from sitepush.cli.build import load
    from sitepush.preview.live import LiveHub
    from sitepush.preview.watch import SiteRebuilder
    from sitepush.user_cache import cache_dir_for

    config = load(args.site)  # a bad sitepush.toml, or no site at all, is one line and exit 1 before serving
    cache = cache_dir_for(config.root) / ("preview-drafts" if args.drafts else "preview")
    hub = None if args.no_reload else LiveHub()
    rebuilder = SiteRebuilder(config.root, hub, drafts=args.drafts, output_dir=cache / "site",
                              cache_folder=cache, on_build=lambda line: print(line, flush=True))
    rebuilder.build()
    server = _bind(lambda port: _server(rebuilder, hub, args.bind, port), args.port, args.bind)
    private = config.cloudfront.origin == "private"
    served_as = ("CloudFront with its edge function would (private origin)" if private
                 else "the S3 website endpoint would")
    print(f"Serving {config.root.name} as {served_as} at {server.url}{config.site.base_path.lstrip('/')}"
          + ("" if hub is None else " — pages reload on save") + " (Ctrl-C stops)", flush=True)
    if hub is not None:
        rebuilder.start(poll=args.poll)
    return _run_until_interrupted(server, stop=rebuilder.stop if hub is not None else None)


def _server(rebuilder: Any, hub: Any, bind: str, port: int) -> Any:
    from sitepush.preview.server import PreviewServer

    # The rebuilder replaces its source and settings when sitepush.toml changes: look them up per request.
    return PreviewServer(_Following(rebuilder), lambda: rebuilder.website, hub=hub, bind=bind, port=port,
                         edge=lambda: rebuilder.edge)


class _Following:
    """The rebuilder's current folder source and website settings, looked up at each request."""

    def __init__(self, rebuilder: Any) -> None:
        self._rebuilder = rebuilder

    def lookup(self, key: str) -> Any:
        return self._rebuilder.source.lookup(key)

    def open(self, key: str) -> Any:
        return self._rebuilder.source.open(key)


def _serve_bucket(args: argparse.Namespace) -> int:
    from sitepush.aws import make_client
    from sitepush.config import WebsiteConfig, load_config
    from sitepush.preview.server import PreviewServer
    from sitepush.preview.sources import BucketSource
    from sitepush.preview.website import served_website
    from sitepush.syncer.specs import key_prefix

    config = load_config(args.site) if (args.site / "sitepush.toml").exists() else None
    website = config.website if config is not None else WebsiteConfig()
    bucket, prefix = args.bucket, args.prefix
    if args.sandbox:
        from sitepush.deploy import DeployTarget
        from sitepush.sandbox import shared_sandbox

        target = DeployTarget.from_options(config.deploy if config else None, sandbox=True, bucket=args.bucket,
                                           prefix=args.prefix or None, endpoint_url=None, region=args.region,
                                           profile=None, workers=None, site=config)
        bucket, prefix = target.bucket, target.prefix
        client = shared_sandbox(sys.stdout).client("s3", max_pool=16)
    else:
        client = make_client("s3", region=args.region, endpoint_url=args.endpoint_url, profile=args.profile,
                             max_pool=16)
    if not args.sandbox and not prefix and config is not None and config.deploy.prefix is None:
        prefix = config.deploy_prefix  # the base URL's path, where the deploy put the site
    # A site under a base-URL path is answered under it, as the website endpoint answers its prefix.
    mount = config.site.base_path.lstrip("/") if config is not None else ""
    if mount and key_prefix(prefix) != mount:
        mount = ""  # deployed elsewhere than its path (a CloudFront origin path): seen at the root
    if mount and config is not None:
        website = served_website(config)
    source = BucketSource(client, bucket, key_prefix(prefix),
                          state_prefix=config.deploy.state_prefix if config is not None else ".sitepush/",
                          mount=mount)
    server = _bind(lambda port: PreviewServer(source, lambda: website, bind=args.bind, port=port), args.port,
                   args.bind)
    print(f"Serving s3://{bucket}/{source.prefix} as the S3 website endpoint would at {server.url}{mount} "
          "(Ctrl-C stops)", flush=True)
    return _run_until_interrupted(server, stop=None)


def _bind(make: Any, port: int, bind: str = "127.0.0.1") -> Any:
    import errno

    try:
        return make(port)
    except OSError as error:
        if error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(error, socket.gaierror):
            raise UsageError(f"--bind {bind} is not an address of this machine",
                             hint="use 127.0.0.1 (this machine only), 0.0.0.0 (every interface), or an "
                                  "address `ip addr` lists") from None
        raise UsageError(f"cannot listen on port {port}: {error.strerror}",
                         hint="pick another with --port N (or --port 0 for any free port)") from None


def _run_until_interrupted(server: Any, *, stop: Any) -> int:
    try:
        # Inside the try: a Ctrl-C while the server thread starts is a stop like any other (exit 0).
        thread = server.start()
        while thread.is_alive():
            thread.join(timeout=0.5)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        if stop is not None:
            stop()
        server.stop()
    return 0

