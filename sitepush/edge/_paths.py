"""The path and query-string steps the generated function and :func:`~sitepush.edge.resolve` share.

Each function here has a JavaScript twin of the same name in :mod:`sitepush.edge.code`'s template; the
decision table in ``tests/edge/`` runs both and pins that they agree.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")

# encodeURI leaves A-Z a-z 0-9 ; , / ? : @ & = + $ - _ . ! ~ * ' ( ) # as they are (ECMA-262, "encodeURI");
# the function then escapes ? and #, so that a decoded %3F or %23 cannot start a query or a fragment.
_KEPT = ";,/:@&=+$!*'()"


def decode_path(uri: str) -> str:
    """``decodeURIComponent(uri)``, or ``uri`` itself when that throws (a stray ``%``, escapes not UTF-8).

    ``%2F`` becomes ``/`` like every other escape: S3 decodes the whole path into the key, so
    ``/a%2Fb`` names the key ``a/b`` (and matches redirects under ``/a/``).
    """
    if _BAD_ESCAPE.search(uri):
        return uri
    try:
        return _ESCAPE_RUN.sub(lambda run: bytes.fromhex(run.group(0).replace("%", "")).decode("utf-8"), uri)
    except UnicodeDecodeError:
        return uri


def encode_path(text: str) -> str:
    """``encodeURI(text)`` with ``?`` and ``#`` escaped too: a decoded path as it goes into a Location."""
    return quote(text, safe=_KEPT)


def last_segment_has_dot(path: str) -> bool:
    """Whether the last segment of a decoded path holds a ``.``: a file (``/a/b.css``), not a folder (``/a/b``).

    The function cannot ask S3 whether a key exists (CloudFront Functions have no network access), so
    this is the only test: ``/docs`` is a folder and answers 301 ``/docs/``; ``/v1.2`` is taken for a file.
    """
    return "." in path[path.rfind("/") + 1:]


def rebuild_query(querystring: str) -> str:
    """The query string as the function rebuilds it from CloudFront's ``event.request.querystring`` object.

    CloudFront hands the function an object, name → ``{value, multiValue}``, not the raw string
    (Developer Guide, "CloudFront Functions event structure"), so a redirect can only write back
    what the object holds: each name once, in the order first seen, with all its values in order;
    ``name=value`` joined by ``&``, a bare ``name`` where the value is empty. Values stay as the
    viewer sent them (CloudFront does not decode them). ``?a=1&b=2&a=3`` comes back as ``a=1&a=3&b=2``.
    """
    groups: dict[str, list[str]] = {}
    for part in querystring.split("&"):
        if part == "":
            continue
        name, _, value = part.partition("=")
        groups.setdefault(name, []).append(value)
    return "&".join(name if value == "" else f"{name}={value}"
                    for name in _js_key_order(groups) for value in groups[name])


def _js_key_order(groups: dict[str, list[str]]) -> list[str]:
    """The order a JavaScript object lists its keys in: array-index names ascending, then the rest as added."""
    indices = sorted((name for name in groups if _is_array_index(name)), key=int)
    return [*indices, *(name for name in groups if not _is_array_index(name))]


def _is_array_index(name: str) -> bool:
    return (name.isascii() and name.isdigit() and (name == "0" or not name.startswith("0"))
            and int(name) < 2**32 - 1)


def with_query(location: str, query: str) -> str:
    """``location`` with ``query`` added (after ``&`` when it has one already), before any ``#fragment``."""
    if not query:
        return location
    base, hash_mark, fragment = location.partition("#")
    return f"{base}{'&' if '?' in base else '?'}{query}{hash_mark}{fragment}"
