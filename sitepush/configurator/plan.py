"""``plan_infra(desired, actual) -> InfraPlan``: what must be created or updated, field by field (pure).

``actual`` maps ``(kind, name)`` to the resource's current fields as :mod:`sitepush.configurator.aws_state`
reads them, or None when it does not exist. Only the fields sitepush sets are compared; a field whose
desired value is still :data:`~sitepush.configurator.model.PENDING` always counts as a change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sitepush.configurator.model import PENDING, UNREPORTED, UNSERVED, InfraChange, InfraPlan, Resource
from sitepush.configurator.policy import allows_anonymous_get, normal_policy
from sitepush.errors import InfraError


def plan_infra(desired: Sequence[Resource], actual: Mapping[tuple[str, str], Mapping[str, Any] | None],
               *, leftovers: Sequence[Resource] = (), notes: Sequence[str] = ()) -> InfraPlan:
    """One change per desired resource, in the order given (the dependency order), then one delete per
    leftover (a resource sitepush made that is no longer desired, with its current fields)."""
    changes = []
    for resource in desired:
        current = actual.get(resource.ref)
        if current is None:
            changes.append(InfraChange(resource.kind, resource.name, "create", resource.value))
            continue
        if UNSERVED in current:
            changes.append(InfraChange(resource.kind, resource.name, "unserved", resource.value,
                                       reason=str(current[UNSERVED])))
            continue
        diff = tuple((name, current.get(name), wanted) for name, wanted in resource.value.items()
                     if current.get(name) != UNREPORTED and not _same(current.get(name), wanted))
        changes.append(InfraChange(resource.kind, resource.name, "update" if diff else "unchanged",
                                   resource.value, diff))
    wanted = {resource.ref for resource in desired}
    changes += [InfraChange(r.kind, r.name, "delete", r.value) for r in leftovers if r.ref not in wanted]
    return InfraPlan(tuple(changes), tuple(notes))


def _same(current: Any, wanted: Any) -> bool:
    """Equal as AWS means it: lists compared as sets when they hold only strings (aliases, names),
    policies in the one form of :func:`~sitepush.configurator.policy.normal_policy`."""
    if wanted == PENDING or (isinstance(wanted, Mapping) and PENDING in json.dumps(wanted, default=str)):
        return False
    if isinstance(current, Mapping) and isinstance(wanted, Mapping) and "Statement" in wanted:
        return bool(normal_policy(current) == normal_policy(wanted))
    if isinstance(current, list) and isinstance(wanted, list) and all(isinstance(x, str) for x in wanted):
        return sorted(current) == sorted(wanted)
    return bool(current == wanted)


def public_access_lifted_before_policy(plan: InfraPlan) -> bool:
    """Does every bucket's public-access-block change come before its policy change?

    S3 refuses a public policy while BlockPublicPolicy is on (the default for new buckets since
    April 2023), so a plan that put the policy first would fail half-applied.
    """
    seen_block: set[str] = set()
    for change in plan.pending:
        if change.kind == "public-access-block":
            seen_block.add(change.name)
        if change.kind == "policy" and change.name not in seen_block and any(
                c.kind == "public-access-block" and c.name == change.name for c in plan.pending):
            return False
    return True


def refusal_of(change: InfraChange, *, create_zone: bool) -> InfraError | None:
    """Why ``change`` cannot be made, known from what was read (None: it can be): checked for the whole
    plan before its first write, so a run never stops half-applied for a reason it could have seen."""
    if change.kind == "bucket" and change.action == "update" and any(f == "region" for f, _, _ in change.diff):
        actual = next(old for field, old, _ in change.diff if field == "region")
        return InfraError(f"the bucket {change.name} is in {actual}, but sitepush.toml says "
                          f"{change.desired['region']}", file="sitepush.toml",
                          hint=f'set [deploy] region = "{actual}" (a bucket cannot move)')
    if change.kind == "hosted-zone" and change.action == "create" and not create_zone:
        return InfraError(f"no public Route 53 hosted zone for {change.name}",
                          hint="create it in Route 53, or set [domain] create_hosted_zone = true")
    return None


def check_applicable(plan: InfraPlan, *, create_zone: bool) -> None:
    """Raise the first refusal of any change of ``plan`` (:func:`refusal_of`), before anything is written."""
    for change in plan.pending:
        refusal = refusal_of(change, create_zone=create_zone)
        if refusal is not None:
            raise refusal


def distribution_to_wait_for(change: InfraChange) -> str | None:
    """The id of the distribution that must be Deployed before ``change`` takes a reader away from the
    bucket (None: it takes none away). Last step of website → private: public read goes, so the
    distribution's move to the REST origin must have reached every edge; of private → website: the
    SourceArn statement goes, so its move back to the website endpoint must have."""
    if change.kind != "policy" or change.action != "update":
        return None
    old = next((before for field, before, _ in change.diff if field == "policy"), None)
    new = change.desired.get("policy")
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return None
    old_sources, new_sources = _source_arns(old), _source_arns(new)
    if allows_anonymous_get(old, change.name, "index.html") and not allows_anonymous_get(new, change.name,
                                                                                           "index.html"):
        arn = next(iter(new_sources), None)
    else:
        arn = next(iter(sorted(old_sources - new_sources)), None)
    return arn.rsplit("/", 1)[1] if arn and "/" in arn else None


def _source_arns(policy: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    statements = policy.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        value = (statement.get("Condition") or {}).get("StringEquals", {}).get("AWS:SourceArn")
        found.update([value] if isinstance(value, str) else value or [])
    return found
