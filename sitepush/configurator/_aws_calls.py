"""One AWS call with its error translated to sitepush's one line, and "not there" answered as None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitepush.aws import translated_aws_errors


def code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


def call(action: str, resource: str, request: Callable[[], Any], *, missing: tuple[str, ...] = ()) -> Any:
    """``request()``; None when AWS answers one of the ``missing`` codes; other errors as one line."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    with translated_aws_errors(action=action, resource=resource):
        try:
            return request()
        except ClientError as error:
            if code(error) in missing:
                return None
            raise
