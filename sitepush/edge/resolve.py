"""The Python twin of the generated function, and the origin step after it: what a request gets at the edge.

::

    uri, querystring ──► viewer_request(table, …)   the function: redirect, or the URI sent to S3
                               │ RewriteDecision(uri)
                               ▼
                         exists(key)?  yes → 200 that key
                                       no  → S3's 403, which CloudFront answers with the error document, 404

The function decides in this order, the same for every form of the code:

1. an exact redirect for the decoded path (or, for ``/x/index.html``, for ``/x/``);
2. the longest prefix or splat redirect the decoded path starts with;
3. a path ending in ``/`` is rewritten to ``path + index.html`` (the index document);
4. a path whose last segment has no ``.`` is a folder: 301 to ``path/`` (the function cannot ask S3
   whether a key exists — CloudFront Functions have no network access —, so ``/v1.2`` is a file
   and ``/docs`` a folder, whatever the bucket holds);
5. anything else goes to S3 unchanged.

Redirects keep the query string (rebuilt from CloudFront's query-string object, see
:func:`~sitepush.edge._paths.rebuild_query`); rewrites leave it on the request for the cache policy.
Paths are matched decoded (``%20`` is a space, ``%2F`` a ``/``, as S3 decodes keys); the rest a prefix
redirect carries over is written back with ``encodeURI`` and ``?``/``#`` escaped; the ``/`` of step 4
and the index document of step 3 are added to the URI as the viewer sent it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sitepush.edge._paths import decode_path, encode_path, last_segment_has_dot, rebuild_query, with_query
from sitepush.edge.table import SPLAT, EdgeTable


@dataclass(frozen=True)
class RedirectDecision:
    """Answer at the edge with ``status`` and ``Location: location``; S3 is not asked."""

    status: int
    location: str


@dataclass(frozen=True)
class RewriteDecision:
    """Ask S3 for ``uri`` (as sent: percent-encoded); ``status`` is what the viewer gets (404: error page)."""

    uri: str
    status: int = 200


EdgeDecision = RedirectDecision | RewriteDecision


@dataclass(frozen=True)
class CompiledTable:
    """The table as the function looks it up: exact keys, and prefixes longest first."""

    exact: dict[str, tuple[int, str]]
    """Decoded path → (status, target)."""
    prefixes: tuple[tuple[str, int, str, bool], ...]
    """(decoded prefix, status, target, is_splat), longest prefix first."""
    index_document: str


def compile_table(table: EdgeTable) -> CompiledTable:
    """The lookup structure every form of the function (and :func:`viewer_request`) uses."""
    exact: dict[str, tuple[int, str]] = {}
    implied: dict[str, tuple[int, str]] = {}
    prefixes: dict[str, tuple[str, int, str, bool]] = {}
    for redirect in table.redirects:
        key = redirect.prefix
        if redirect.kind == "exact":
            exact.setdefault(key, (redirect.status, redirect.target))
            if not key.endswith("/") and not last_segment_has_dot(key):
                implied.setdefault(key + "/", (redirect.status, redirect.target))  # S3 makes key/index.html too
        else:
            prefixes.setdefault(key, (key, redirect.status, redirect.target, redirect.kind == "splat"))
    for key, value in implied.items():
        exact.setdefault(key, value)
    ordered = sorted(prefixes.values(), key=lambda entry: (-len(entry[0]), entry[0]))
    return CompiledTable(dict(sorted(exact.items())), tuple(ordered), table.index_document)


def lookup(compiled: CompiledTable, path: str) -> tuple[int, str, str, int] | None:
    """(status, target, rest, form) of the redirect for a decoded path; form 0 exact, 1 prefix, 2 splat."""
    found = compiled.exact.get(path)
    folder_form = "/" + compiled.index_document
    if found is None and path.endswith(folder_form):
        found = compiled.exact.get(path[:len(path) - len(compiled.index_document)])
    if found is not None:
        return found[0], found[1], "", 0
    for prefix, status, target, splat in compiled.prefixes:
        if path.startswith(prefix):
            return status, target, path[len(prefix):], 2 if splat else 1
    return None


def location_of(target: str, rest: str, form: int, query: str) -> str:
    """The Location header: the target, with the rest of the path for prefix and splat forms, and the query."""
    if form == 1:
        target += encode_path(rest)
    elif form == 2:
        target = target.replace(SPLAT, encode_path(rest))
    return with_query(target, query)


def viewer_request(table: EdgeTable | CompiledTable, uri: str, querystring: str = "") -> EdgeDecision:
    """What the generated viewer-request function does with ``uri`` (as sent) and the raw query string."""
    compiled = table if isinstance(table, CompiledTable) else compile_table(table)
    path = decode_path(uri)
    found = lookup(compiled, path)
    if found is not None:
        status, target, rest, form = found
        return RedirectDecision(status, location_of(target, rest, form, rebuild_query(querystring)))
    if path.endswith("/"):
        return RewriteDecision(uri + compiled.index_document)
    if not last_segment_has_dot(path):
        return RedirectDecision(301, with_query(uri + "/", rebuild_query(querystring)))
    return RewriteDecision(uri)


def resolve(table: EdgeTable, uri: str, querystring: str, exists: Callable[[str], bool]) -> EdgeDecision:
    """The viewer's answer: the function's decision, then S3 and CloudFront's error response.

    ``exists`` says whether the bucket holds a key (decoded, without the leading ``/``). A rewrite to a
    missing key becomes the error document with status 404: the private bucket answers 403 for it
    (the OAC may not list the bucket), which the distribution's custom error response maps to
    ``/404.html`` with 404.
    """
    decision = viewer_request(table, uri, querystring)
    if isinstance(decision, RewriteDecision) and not exists(key_of(decision.uri)):
        return RewriteDecision("/" + table.error_document, 404)
    return decision


def key_of(uri: str) -> str:
    """The S3 key a request URI names at a REST origin: decoded, without the leading ``/``."""
    return decode_path(uri).removeprefix("/")
