"""The configurator's data: desired resources, the changes a plan makes, and how a plan reads.

A resource is what sitepush manages, named by ``(kind, name)``, with the fields it sets as a plain
JSON-like mapping. A plan compares each desired resource with what AWS has, field by field, only on
the fields sitepush sets (whatever else a resource holds is left alone).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["create", "update", "unchanged", "delete", "unserved"]

PENDING = "(known once created)"
"""A desired value that depends on a resource the plan has not created yet (a new certificate's ARN)."""
UNREPORTED = "(not reported by the service)"
"""An actual value the service's answer did not hold at all (an emulator that drops a field AWS always
returns): not compared, so the plan neither claims a difference nor hides one AWS would show."""
UNSERVED = "(unserved)"
"""The key of the actual state of a resource whose API the endpoint does not answer; its value says why."""


@dataclass(frozen=True)
class Resource:
    """One thing sitepush manages and the fields it wants it to have."""

    kind: str
    name: str
    value: Mapping[str, Any]

    @property
    def ref(self) -> tuple[str, str]:
        """``(kind, name)``: how actual state is looked up."""
        return self.kind, self.name


@dataclass(frozen=True)
class InfraChange:
    """What the plan does to one resource, with the fields that change (old → new)."""

    kind: str
    name: str
    action: Action
    desired: Mapping[str, Any]
    diff: tuple[tuple[str, Any, Any], ...] = ()
    reason: str = ""
    """Why an ``unserved`` resource is not made here."""

    def render(self) -> str:
        """One line, ``+``/``~``/``=``/``!`` first, then the changed fields indented below."""
        mark = {"create": "+", "update": "~", "unchanged": "=", "delete": "-", "unserved": "!"}[self.action]
        head = f"{mark} {self.action} {self.kind} {self.name}"
        if self.action == "unserved":
            return f"{head}: {self.reason}"
        if self.action == "create":
            return "\n".join([head, *(f"    {field}: {shown}" for field, shown in _headlines(self))])
        if self.action != "update":
            return head
        lines = [head] + [f"    {field}: {_shown(old)} → {_shown(new)}" for field, old, new in self.diff]
        return "\n".join(lines)


@dataclass(frozen=True)
class InfraPlan:
    """Every managed resource in dependency order, each created, updated or left unchanged; then what
    sitepush made that is no longer wanted, deleted; and notes on what it keeps that is no longer used."""

    changes: tuple[InfraChange, ...]
    notes: tuple[str, ...] = ()

    @property
    def pending(self) -> tuple[InfraChange, ...]:
        """The changes that write."""
        return tuple(c for c in self.changes if c.action not in ("unchanged", "unserved"))

    def render(self) -> str:
        """The plan as ``sitepush configure --plan`` prints it."""
        notes = [f"note: {note}" for note in self.notes]
        unserved = sum(c.action == "unserved" for c in self.changes)
        if not self.pending:
            head = f"no changes: all {len(self.changes)} resources are as configured"
            if unserved:
                head = (f"no changes: {len(self.changes) - unserved} resources are as configured, {unserved} "
                        "not served by this endpoint:")
                return "\n".join([head, *(c.render() for c in self.changes if c.action == "unserved"), *notes])
            return "\n".join([head, *notes])
        counts = {a: sum(c.action == a for c in self.changes)
                  for a in ("create", "update", "unchanged", "delete")}
        lines = [change.render() for change in self.changes]
        deleted = f", {counts['delete']} to delete" if counts["delete"] else ""
        not_here = f", {unserved} not served by this endpoint" if unserved else ""
        lines.append(f"{counts['create']} to create, {counts['update']} to update{deleted}, "
                     f"{counts['unchanged']} unchanged{not_here}")
        return "\n".join([*lines, *notes])

    def as_json(self) -> list[dict[str, Any]]:
        """For ``--json``."""
        return [{"kind": c.kind, "name": c.name, "action": c.action,
                 "diff": [{"field": f, "old": o, "new": n} for f, o, n in c.diff],
                 "desired": dict(c.desired)} for c in self.changes]


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


_HEADLINE_FIELDS = {
    "public-access-block": ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
    "distribution": ("origin", "origin_access_control", "function", "response_headers_policy"),
    "origin-access-control": ("SigningProtocol", "SigningBehavior", "OriginAccessControlOriginType"),
    "function": ("runtime",),
}
"""What a created resource shows in the plan (its other fields are in ``--json``): what it lets in."""


def _headlines(change: InfraChange) -> list[tuple[str, str]]:
    if change.kind == "policy" and isinstance(change.desired.get("policy"), Mapping):
        return [("allows", _statement(s)) for s in change.desired["policy"].get("Statement", [])]
    return [(f, _shown(change.desired[f])) for f in _HEADLINE_FIELDS.get(change.kind, ())
            if change.desired.get(f) is not None]


def _statement(statement: Mapping[str, Any]) -> str:
    principal = statement.get("Principal")
    who = "everyone" if principal == "*" else _shown(principal)
    where = (f"all but {_shown(statement['NotResource'])}" if "NotResource" in statement
             else _shown(statement.get("Resource")))
    condition = f" if {_shown(statement['Condition'])}" if statement.get("Condition") else ""
    return f"{statement.get('Effect')} {_shown(statement.get('Action'))} to {who} on {where}{condition}"
