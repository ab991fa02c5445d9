"""Arguments several commands share, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_site_argument(parser: argparse.ArgumentParser) -> None:
    """The optional SITE argument every command takes."""
    parser.add_argument("site", nargs="?", default=".", type=Path,
                        help="site folder holding sitepush.toml (default: the current folder)")


def add_bucket_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the bucket is, overriding ``[deploy]``: for deploy and every command that reads the bucket."""
    parser.add_argument("--bucket", metavar="NAME", help="bucket (default: [deploy] bucket)")
    parser.add_argument("--prefix", metavar="P", help="key prefix in the bucket")
    parser.add_argument("--endpoint-url", metavar="URL", help="S3-compatible endpoint (MinIO, R2)")
    parser.add_argument("--region", metavar="R", help="AWS region of the bucket")
    parser.add_argument("--profile", metavar="P", help="AWS profile from ~/.aws/config")


def add_sandbox_argument(parser: argparse.ArgumentParser) -> None:
    """``--sandbox``: talk to the embedded AWS every ``--sandbox`` command shares instead of AWS."""
    parser.add_argument("--sandbox", action="store_true",
                        help="use the local sandbox (embedded AWS on 127.0.0.1, shared by every --sandbox "
                             "command; `sitepush sandbox status`) instead of AWS")
