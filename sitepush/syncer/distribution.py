"""Which CloudFront distribution a deploy invalidates when ``[deploy] cloudfront_distribution_id`` is unset.

``sitepush configure`` with ``[cloudfront] enabled`` creates a distribution whose alias is the site's
canonical host and whose CallerReference starts with ``"sitepush "``, and writes its id nowhere the
deploy reads. The deploy finds it: one ListDistributions pass (paged) for the summaries that carry the
host as an alias, and one GetDistributionConfig per such summary (normally one) to check that sitepush
made it — a distribution someone else made is never invalidated on a guess. The id found is kept in the
user's cache (:class:`DistributionMemo`), so later deploys send no request for it at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sitepush.aws import translated_aws_errors

SITEPUSH_CALLER_REFERENCE = "sitepush "
"""The CallerReference prefix of the distributions ``sitepush configure`` creates
(:data:`sitepush.configurator.aws_state.CALLER_REFERENCE_PREFIX`; a test pins that they agree)."""


def aliased_distributions(summaries: Iterable[Mapping[str, Any]], host: str) -> list[str]:
    """The ids of the distribution summaries whose aliases include ``host``, in listing order."""
    return [str(item["Id"]) for item in summaries
            if host in ((item.get("Aliases") or {}).get("Items") or [])]


def find_distribution(cloudfront: Any, host: str) -> str | None:
    """The id of the distribution sitepush created for ``host``, or None when there is none."""
    summaries: list[dict[str, Any]] = []
    with translated_aws_errors(action="find the CloudFront distribution of", resource=host):
        for page in cloudfront.get_paginator("list_distributions").paginate():
            for item in page.get("DistributionList", {}).get("Items", []) or []:
                if item.get("Aliases") is None:  # a summary without its aliases (moto's): read the config
                    item = {**item, "Aliases": cloudfront.get_distribution_config(
                        Id=item["Id"])["DistributionConfig"].get("Aliases")}
                summaries.append(item)
        for distribution_id in aliased_distributions(summaries, host):
            config = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
            if str(config.get("CallerReference", "")).startswith(SITEPUSH_CALLER_REFERENCE):
                return distribution_id
    return None


class DistributionMemo:
    """The distribution id found for a host, kept in the user's cache beside the deploy's other files.

    Only a distribution found is kept: a site without one yet is looked up again on the next deploy
    (after ``sitepush configure`` has created it). Anything unreadable is ignored.
    """

    def __init__(self, path: Path, where: str) -> None:
        self._path = path
        self._where = where

    def load(self) -> str | None:
        try:
            data = json.loads(self._path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(data, dict) and data.get("where") == self._where and isinstance(data.get("id"), str):
            return str(data["id"]) or None
        return None

    def save(self, distribution_id: str) -> None:
        temporary = self._path.with_name(f"{self._path.name}.{os.getpid()}.tmp")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"where": self._where, "id": distribution_id}), "utf-8")
            os.replace(temporary, self._path)
        except OSError:
            pass  # the next deploy lists the distributions again, nothing worse
