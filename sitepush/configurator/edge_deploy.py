"""What a private-mode deploy does at the edge: bring the function's code and its KeyValueStore up to the
site's redirect table, with the fewest requests (the configurator made, published and associated both).

::

    EdgeCode (from the build) + remembered digest ─► equal: nothing, no request
          │ differs (or nothing remembered)
          ▼
    GetFunction LIVE (code) [+ DescribeFunction: the store, ListKeys] ─► plan_edge (pure) ─► EdgePlan
          ▼
    store first: UpdateKeys (IfMatch, the fewest puts/deletes) ─► then the code: UpdateFunction + PublishFunction

:class:`EdgeStep` is that step as ``sitepush deploy`` runs it (after the bucket sync), with its digest memo.

The store is filled before new code that reads it goes live, so no request ever meets a half-filled
table; the code is compared with the LIVE stage's, so a function updated but never published is
published now. A table that outgrows the function's 10 KB moves into a store made here (the
configurator makes one only when ``[[redirects]]`` alone need it), and one that shrinks back inline
leaves its store in place, unused. An endpoint without the Functions API (the sandbox) makes the
deploy skip the edge with a note, recognised from its answer as in :mod:`.edge_aws`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TextIO

from sitepush.aws import translated_aws_errors
from sitepush.configurator._aws_calls import call as _call
from sitepush.configurator._aws_calls import code as _code
from sitepush.configurator.desired import edge_name
from sitepush.configurator.edge_aws import (
    fill_store,
    store_keys,
    store_request,
    unserved_reason,
    update_function_request,
)
from sitepush.errors import DeployError

if TYPE_CHECKING:
    from pathlib import Path

    from sitepush.config import Config
    from sitepush.edge import EdgeCode


EdgeStatus = Literal["updated", "unchanged", "unserved", "dry-run", "stopped", "failed"]
"""The ``status`` of the ``edge`` section of ``deploy --json`` (:meth:`EdgeStep.report`)."""


@dataclass(frozen=True)
class EdgePlan:
    """What the edge needs (pure): a new store, key writes, new code."""

    create_store: bool
    puts: int
    deletes: int
    update_function: bool

    @property
    def writes(self) -> bool:
        return self.create_store or bool(self.puts or self.deletes) or self.update_function


@dataclass(frozen=True)
class EdgeOutcome:
    """What the deploy did at the edge, and how many requests that took (reads included)."""

    plan: EdgePlan | None
    requests: int
    digest: str
    note: str | None = None


class EdgeStep:
    """The edge update of one private-mode deploy, after the bucket sync: the table from the build's
    redirects (a bad redirect stops the deploy before any write), the function and store brought to it,
    the digest kept at ``memo_path`` so that a deploy whose table is unchanged sends no edge request."""

    def __init__(self, site: Config, redirects: Mapping[str, str], host: str, memo_path: Path, where: str) -> None:
        from sitepush.edge import edge_code, edge_table
        from sitepush.syncer.distribution import DistributionMemo

        self.host = host
        self.code = edge_code(edge_table(site, redirects))
        self.memo = DistributionMemo(memo_path, where)  # a string kept per place: here the digest

    @property
    def size(self) -> str:
        return f"{self.code.size:,} bytes of code" + (
            f", {len(self.code.store_entries)} keys in its KeyValueStore" if self.code.store_entries is not None
            else ", its table inline")

    def preview(self, out: TextIO) -> None:
        """``--dry-run``: what the function would hold; the edge is neither read nor written."""
        print(f"edge: the function's redirect table is {self.size} (not compared in a dry run)", file=out)

    def sync(self, client: Callable[[str], Any]) -> EdgeOutcome:
        """Sync the edge with the clients ``client(service)`` makes (nothing printed: see :meth:`line`)."""
        done = sync_edge(client("cloudfront"), client("cloudfront-keyvaluestore"), self.host, self.code,
                         remembered=self.memo.load())
        if not done.note:
            self.memo.save(done.digest)
        return done

    def line(self, done: EdgeOutcome) -> str:
        """The human line of what :meth:`sync` did."""
        if done.note:
            return f"edge: {done.note}"
        if done.plan is None or not done.plan.writes:
            return f"edge: the function is up to date ({self.size}; {done.requests} requests)"
        keys = (f", {done.plan.puts} keys put, {done.plan.deletes} deleted"
                if self.code.store_entries is not None else "")
        action = "updated and published" if done.plan.update_function else "unchanged"
        return f"edge: function {action}{keys} ({self.size}; {done.requests} requests)"

    def report(self, done: EdgeOutcome | None, *, status: EdgeStatus | None = None) -> dict[str, Any]:
        """The ``edge`` section of ``deploy --json`` (README, "Machine-readable output").

        ``status``: "updated" (a key or the function written), "unchanged" (nothing to write), "unserved"
        (the endpoint has no Functions API; ``note`` says why) from ``done``; without ``done``, why the
        edge was not synced: "dry-run", "stopped" (a safety stop before any write) or "failed".
        """
        plan = done.plan if done is not None else None
        if done is not None:
            status = "unserved" if done.note else "updated" if plan is not None and plan.writes else "unchanged"
        assert status is not None
        entries = self.code.store_entries
        return {"status": status, "code_bytes": self.code.size, "table": "inline" if entries is None else "store",
                "store_keys": None if entries is None else len(entries),
                "function_published": plan is not None and plan.update_function,
                "store_created": plan is not None and plan.create_store,
                "keys_put": plan.puts if plan is not None else 0,
                "keys_deleted": plan.deletes if plan is not None else 0,
                "requests": done.requests if done is not None else 0,
                "note": done.note if done is not None else None}


def edge_digest(code: EdgeCode) -> str:
    """One hash of the code and the store's entries: equal when the edge needs nothing."""
    entries = sorted((code.store_entries or {}).items())
    return hashlib.sha256(json.dumps([code.code, entries]).encode("utf-8")).hexdigest()


def plan_edge(live_code: str, store_arn: str | None, current: Mapping[str, str], code: EdgeCode) -> EdgePlan:
    """What turns the function with ``live_code`` (associated with ``store_arn``, holding ``current``)
    into ``code``: pure, so a no-change deploy is proven to write nothing."""
    from sitepush.edge import store_writes

    wanted_store = code.store_entries is not None
    writes = store_writes(current, code.store_entries or {}) if wanted_store else None
    return EdgePlan(create_store=wanted_store and store_arn is None,
                    puts=len(writes.puts) if writes else 0, deletes=len(writes.deletes) if writes else 0,
                    update_function=live_code != code.code or (wanted_store and store_arn is None))


def sync_edge(cloudfront: Any, keyvaluestore: Any, host: str, code: EdgeCode, *, remembered: str | None,
              sleep: Callable[[float], None] = time.sleep) -> EdgeOutcome:
    """Bring the site's function (and store) to ``code``; nothing at all when ``remembered`` is its digest."""
    from sitepush.syncer.apply import RequestCounter

    digest = edge_digest(code)
    if remembered == digest:
        return EdgeOutcome(None, 0, digest)
    name = edge_name(host)
    with RequestCounter().watching(cloudfront, keyvaluestore) as counter:
        live, why = _live_code(cloudfront, name)
        if why is not None:
            return EdgeOutcome(None, counter.total, digest,
                               note=f"{why}: the redirect table stays undeployed here (on AWS the function "
                                    "answers it)")
        if live is None:
            raise DeployError(f"the CloudFront Function {name} does not exist or was never published",
                              hint="run `sitepush configure` (it creates and publishes it)")
        store_arn = current_store = None
        current: dict[str, str] = {}
        if code.store_entries is not None:
            described = _call("describe the function", name, lambda: cloudfront.describe_function(Name=name))
            items = ((described["FunctionSummary"].get("FunctionConfig") or {}).get(
                "KeyValueStoreAssociations") or {}).get("Items") or []
            store_arn = current_store = items[0]["KeyValueStoreARN"] if items else None
            if store_arn is not None:
                current = store_keys(keyvaluestore, store_arn)
        plan = plan_edge(live, current_store, current, code)
        if plan.create_store:
            store_arn = _create_store(cloudfront, name, sleep)
        if store_arn is not None and code.store_entries is not None:
            fill_store(keyvaluestore, store_arn, current, code.store_entries)
        if plan.update_function:
            etag = _call("describe the function", name, lambda: cloudfront.describe_function(Name=name))["ETag"]
            request = update_function_request(name, etag, code.code,
                                              store_arn if code.store_entries is not None else None)
            etag = _call("update the function", name, lambda: cloudfront.update_function(**request))["ETag"]
            _call("publish the function", name, lambda: cloudfront.publish_function(Name=name, IfMatch=etag))
        return EdgeOutcome(plan, counter.total, digest)


def _live_code(cloudfront: Any, name: str) -> tuple[str | None, str | None]:
    """The LIVE stage's code (None: no such function or stage), or why the endpoint cannot say."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    with translated_aws_errors(action="read the function", resource=name):
        try:
            found = cloudfront.get_function(Name=name, Stage="LIVE")
        except ClientError as error:
            if _code(error) == "NoSuchFunctionExists":
                return None, None
            why = unserved_reason(error, "GetFunction")
            if why is None:
                raise
            return None, why
    return found["FunctionCode"].read().decode("utf-8"), None


def _create_store(cloudfront: Any, name: str, sleep: Callable[[float], None]) -> str:
    created = _call("create the key value store", name,
                    lambda: cloudfront.create_key_value_store(**store_request(name)))
    for _ in range(120):
        status = _call("describe the key value store", name, lambda: cloudfront.describe_key_value_store(
            Name=name))["KeyValueStore"].get("Status")
        if status == "READY":
            return str(created["KeyValueStore"]["ARN"])
        sleep(1.0)
    raise DeployError(f"the key value store {name} is not READY after two minutes",
                      hint="run the deploy again in a minute")
