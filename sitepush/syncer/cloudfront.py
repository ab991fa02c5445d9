"""CloudFront invalidation after a deploy: submit the batches, back off while CloudFront is busy, wait.

Which paths, and how they are cut into batches, is decided by the pure
:mod:`sitepush.syncer.invalidation`; this module only talks to CloudFront. The sleep and the clock
are passed in, so the backoff and the bounded wait are tested without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sitepush.aws import translated_aws_errors
from sitepush.syncer.invalidation import invalidation_batches

# CloudFront refuses a new invalidation while too many paths are in flight (docs: CloudFront quotas,
# "concurrent invalidation requests": 3,000 paths, 15 wildcard paths). Waiting doubles from 2 s, six
# tries in all (about a minute); the poll for completion gives up after ten minutes and reports it.
INVALIDATION_BACKOFF = (2.0, 4.0, 8.0, 16.0, 32.0)
INVALIDATION_POLL_SECONDS = 5.0
INVALIDATION_WAIT_SECONDS = 600.0
_DONE_STATUSES = {"Completed", "COMPLETED"}  # AWS spells it "Completed", moto "COMPLETED"


def invalidate(cloudfront: Any, distribution_id: str, paths: Sequence[str], say: Callable[[str], None], *,
               sleep: Callable[[float], None], clock: Callable[[], float]) -> tuple[tuple[str, ...], str]:
    """Invalidate ``paths`` batch by batch; returns the invalidation ids and ``Completed`` or the last status.

    Each batch is waited for before the next is sent, so the batches together stay within
    CloudFront's in-flight limits. ``say`` receives progress lines. Raises AwsRefused when CloudFront
    stays busy through every retry, or refuses.
    """
    ids: list[str] = []
    status = "Completed"
    resource = f"CloudFront distribution {distribution_id}"
    reference = f"sitepush-{time.time_ns()}"
    for number, batch in enumerate(invalidation_batches(paths)):
        say(f"invalidating {len(batch)} paths on CloudFront")
        created = _create_invalidation(cloudfront, distribution_id, batch, f"{reference}-{number}",
                                       resource, sleep)
        ids.append(created["Id"])
        status = _wait_for(cloudfront, distribution_id, created, resource, sleep=sleep, clock=clock)
        if status not in _DONE_STATUSES:
            break
    return tuple(ids), "Completed" if status in _DONE_STATUSES else status


def _create_invalidation(cloudfront: Any, distribution_id: str, batch: Sequence[str], reference: str,
                         resource: str, sleep: Callable[[float], None]) -> dict[str, Any]:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    request = {"Paths": {"Quantity": len(batch), "Items": list(batch)}, "CallerReference": reference}
    with translated_aws_errors(action="invalidate paths on", resource=resource):
        for delay in (*INVALIDATION_BACKOFF, None):
            try:
                response = cloudfront.create_invalidation(DistributionId=distribution_id,
                                                          InvalidationBatch=request)
                return dict(response["Invalidation"])
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code != "TooManyInvalidationsInProgress" or delay is None:
                    raise
                sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _wait_for(cloudfront: Any, distribution_id: str, invalidation: Mapping[str, Any], resource: str, *,
              sleep: Callable[[float], None], clock: Callable[[], float]) -> str:
    status = str(invalidation.get("Status", ""))
    deadline = clock() + INVALIDATION_WAIT_SECONDS
    polls = int(INVALIDATION_WAIT_SECONDS / INVALIDATION_POLL_SECONDS) + 1
    for _ in range(polls):
        if status in _DONE_STATUSES or clock() >= deadline:
            break
        sleep(INVALIDATION_POLL_SECONDS)
        with translated_aws_errors(action="check the invalidation on", resource=resource):
            response = cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation["Id"])
        status = str(response["Invalidation"]["Status"])
    return status
