"""The public-read bucket policy of a website bucket, and a small evaluator that proves what it allows.

The policy grants anonymous ``s3:GetObject`` on the site's objects only — never ``s3:ListBucket``,
never writes — and explicitly denies reading sitepush's own state (``.sitepush/``: the deploy
manifest, history, private previews). An explicit Deny wins over any Allow in S3's policy evaluation
(AWS IAM User Guide, "Policy evaluation logic"), so the state stays private even though the Allow's
resource ``bucket/prefix*`` also matches it: an S3 resource ARN cannot say "everything except".

S3 does not evaluate policies in moto, so :func:`allows_anonymous_get` decides here, in a pure function
that the tests run against the policy itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

POLICY_VERSION = "2012-10-17"


def website_bucket_policy(bucket: str, *, prefix: str = "", state_prefix: str = ".sitepush/"
                          ) -> dict[str, Any]:
    """The bucket policy of a public website under ``prefix``, keeping ``prefix + state_prefix`` private."""
    site = f"arn:aws:s3:::{bucket}/{prefix}*"
    state = f"arn:aws:s3:::{bucket}/{prefix}{state_prefix}*"
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Sid": "PublicReadOfTheSite", "Effect": "Allow", "Principal": "*",
             "Action": "s3:GetObject", "Resource": site},
            {"Sid": "SitepushStateStaysPrivate", "Effect": "Deny", "Principal": "*",
             "Action": "s3:GetObject", "Resource": state},
        ],
    }


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
    resources = [str(r) for r in _listed(statement.get("Resource", []))]
    return anonymous and action_matches and any(_arn_pattern(r).match(arn) for r in resources)


def allows_anonymous_get(policy: Mapping[str, Any], bucket: str, key: str) -> bool:
    """Whether an anonymous GetObject of ``key`` is allowed: some Allow applies and no Deny does.

    Statements with a ``Condition`` are treated as not applying (a conservative reading for Allow).
    """
    arn = f"arn:aws:s3:::{bucket}/{key}"
    allowed = False
    for statement in _listed(policy.get("Statement", [])):
        if "Condition" in statement or not _applies(statement, "s3:GetObject", arn):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed
