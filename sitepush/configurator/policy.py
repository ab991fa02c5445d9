"""The public-read bucket policy of a website bucket, and a small evaluator that proves what it allows.

The policy grants anonymous ``s3:GetObject`` on the site's objects only — never ``s3:ListBucket``,
never writes — and never on sitepush's own state (``.sitepush/``: the deploy manifest, history, private
previews). For a site at the root of its bucket it says so with one Allow whose ``NotResource`` is the
state: nothing is denied, so the owner's own reads of the manifest are untouched (an explicit Deny to
``Principal: *`` would refuse the owner too — AWS IAM User Guide, "Policy evaluation logic"). A site
under a prefix cannot be told apart from the rest of the bucket that way: its Allow covers the prefix
and a Deny on the state applies only to requests from outside the bucket owner's account
(``aws:PrincipalAccount``), which anonymous requests are.

Why ``NotResource`` and not the Deny on ``aws:PrincipalAccount`` for a root site: bucket policies are
written in the IAM policy language (S3 User Guide, "Bucket policies for Amazon S3": "Bucket policies use
JSON-based AWS Identity and Access Management (IAM) policy language"), whose ``NotResource`` element
"explicitly matches every resource except those specified" (IAM User Guide, "IAM JSON policy elements:
NotResource"); it needs no account id, and nothing can deny the owner. The Deny pattern also stops the
owner in moto, which evaluates a bucket policy's conditions without the request's context (no
``aws:PrincipalAccount`` even for the owner), so the sandbox could not read its own manifest.

S3 does not evaluate policies in moto the way AWS does, so :func:`allows_anonymous_get` decides here, in a
pure function that the tests run against the policy itself. S3 also hands a policy back in its own form (a
one-element list as a string, statements reordered, an empty ``Sid``): :func:`normal_policy` is the form
two policies are compared in, so configure does not put an equal policy again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

POLICY_VERSION = "2012-10-17"


def website_bucket_policy(bucket: str, *, prefix: str = "", state_prefix: str = ".sitepush/",
                          account: str | None = None) -> dict[str, Any]:
    """The bucket policy of a public website under ``prefix``, keeping ``prefix + state_prefix`` private.

    ``account`` (the bucket owner's account id) is needed only for a site under a prefix.
    """
    state = f"arn:aws:s3:::{bucket}/{prefix}{state_prefix}*"
    if not prefix:
        return {"Version": POLICY_VERSION, "Statement": [
            {"Sid": "PublicReadOfTheSiteButNotSitepushState", "Effect": "Allow", "Principal": "*",
             "Action": "s3:GetObject", "NotResource": [state]}]}
    if not account:
        raise ValueError("a site under a prefix needs the owner's account id for its policy")
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "PublicReadOfTheSite", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"},
        {"Sid": "SitepushStateStaysPrivate", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": state, "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account}}},
    ]}


def edge_bucket_policy(bucket: str, *, distribution_arns: tuple[str, ...], public: bool,
                       state_prefix: str = ".sitepush/") -> dict[str, Any]:
    """The policy of a bucket that CloudFront reads through Origin Access Control (``[cloudfront] origin =
    "private"``): ``s3:GetObject`` for the service principal ``cloudfront.amazonaws.com`` only when the
    request comes from one of ``distribution_arns`` (``AWS:SourceArn``), never on the state prefix.

    ``public``: keep the public-read statement of :func:`website_bucket_policy` beside it, for the
    steps of a switch between the modes while the distribution still reads the other origin
    (:mod:`sitepush.configurator.desired`). CloudFront Developer Guide, "Restrict access to an Amazon S3
    origin": the OAC policy names the service principal and the distribution's ARN in ``AWS:SourceArn``.
    """
    state = f"arn:aws:s3:::{bucket}/{state_prefix}*"
    statements: list[dict[str, Any]] = []
    if public:
        statements += website_bucket_policy(bucket, state_prefix=state_prefix)["Statement"]
    if distribution_arns:
        source: str | list[str] = distribution_arns[0] if len(distribution_arns) == 1 else list(distribution_arns)
        statements.append({"Sid": "CloudFrontReadsTheSiteButNotSitepushState", "Effect": "Allow",
                           "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                           "NotResource": [state], "Condition": {"StringEquals": {"AWS:SourceArn": source}}})
    return {"Version": POLICY_VERSION, "Statement": statements}


def normal_policy(policy: Mapping[str, Any]) -> Any:
    """``policy`` in one form whatever way S3 wrote it back: statements as a sorted list, every
    one-or-more-valued element as a sorted list, ``Principal: *`` as ``{"AWS": ["*"]}``, no empty ``Sid``."""
    def values(value: Any) -> Any:
        if isinstance(value, (list, str)):
            return sorted({json.dumps(v, sort_keys=True) if not isinstance(v, str) else v
                           for v in _listed(value)})
        if isinstance(value, Mapping):
            return {k: values(v) for k, v in value.items()}
        return value

    statements = []
    for statement in _listed(policy.get("Statement", [])):
        normal: dict[str, Any] = {}
        for key, value in statement.items():
            if key == "Sid" and not value:
                continue
            if key == "Principal" and value == "*":
                value = {"AWS": "*"}
            normal[key] = value if key in ("Sid", "Effect") else values(value)
        statements.append(normal)
    return {"Version": policy.get("Version"),
            "Statement": sorted(statements, key=lambda s: json.dumps(s, sort_keys=True))}


def policy_json(policy: Mapping[str, Any]) -> str:
    """The policy as PutBucketPolicy takes it: compact, keys in a stable order."""
    return json.dumps(policy, separators=(",", ":"), sort_keys=True)


@lru_cache(maxsize=256)
def _arn_pattern(resource: str) -> re.Pattern[str]:
    # IAM resource wildcards: * any run of characters (slashes included), ? one character.
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
                              for ch in resource) + r"\Z")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _applies(statement: Mapping[str, Any], action: str, arn: str) -> bool:
    principal = statement.get("Principal")
    anonymous = principal == "*" or (isinstance(principal, Mapping)
                                     and "*" in _listed(principal.get("AWS", [])))
    actions = [str(a) for a in _listed(statement.get("Action", []))]
    action_matches = any(_arn_pattern(a.lower()).match(action.lower()) for a in actions)
    if "NotResource" in statement:
        excluded = [str(r) for r in _listed(statement["NotResource"])]
        # A bucket policy speaks only for its own bucket: the one its ARNs name.
        buckets = {r.split(":::", 1)[-1].split("/", 1)[0] for r in excluded}
        in_bucket = arn.split(":::", 1)[-1].split("/", 1)[0] in buckets
        return anonymous and action_matches and in_bucket and not any(_arn_pattern(r).match(arn) for r in excluded)
    resources = [str(r) for r in _listed(statement.get("Resource", []))]
    return anonymous and action_matches and any(_arn_pattern(r).match(arn) for r in resources)


def _condition_holds_for_anonymous(condition: Mapping[str, Any]) -> bool | None:
    """True/False where the evaluator knows how a condition reads for an anonymous request, else None.

    An anonymous request carries no ``aws:PrincipalAccount``; a negated string operator on a missing
    key holds (IAM User Guide, "Condition operators": ...IfExists and negated operators).
    """
    if set(condition) <= {"StringNotEquals", "StringNotLike"} and all(
            set(keys) == {"aws:PrincipalAccount"} for keys in condition.values()):
        return True
    return None


def allows_anonymous_get(policy: Mapping[str, Any], bucket: str, key: str) -> bool:
    """Whether an anonymous GetObject of ``key`` is allowed: some Allow applies and no Deny does.

    Conditions the evaluator cannot read are treated as not holding (a conservative reading for Allow).
    """
    arn = f"arn:aws:s3:::{bucket}/{key}"
    allowed = False
    for statement in _listed(policy.get("Statement", [])):
        if not _applies(statement, "s3:GetObject", arn):
            continue
        if "Condition" in statement and not _condition_holds_for_anonymous(statement["Condition"]):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed
