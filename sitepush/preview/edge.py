"""How the site answers in private mode (``[cloudfront] origin = "private"``): the edge function, then S3.

::

    request ─► sitepush.edge.resolve(table, uri, query, exists)  the function's Python twin
                 ├─ RedirectDecision  → status + Location, as the function answers at the edge
                 ├─ RewriteDecision 200 → the object, with the headers S3 stores (ETag, 304s as S3)
                 └─ RewriteDecision 404 → the error document with 404, as CloudFront's error response

Behind the function the bucket is read through its REST API, not the website endpoint: there are no
redirect objects (redirects live in the function), no routing rules, no index documents of S3's own.
Only GET and HEAD are served (a private-mode distribution allows no other method: 403 from CloudFront,
405 here like the website preview, so a test of either mode sees the method refused).
"""

from __future__ import annotations

from collections.abc import Mapping

from sitepush.edge import EdgeTable, RedirectDecision, resolve
from sitepush.edge.resolve import key_of
from sitepush.preview.website import Answer, Lookup, _error, _object_answer


def edge_answer(method: str, raw_path: str, request_headers: Mapping[str, str], lookup: Lookup,
                table: EdgeTable) -> Answer:
    """What a viewer gets from the private-mode distribution for one request (see the module docstring)."""
    if method not in ("GET", "HEAD"):
        return _error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
                      method, extra=(("Allow", "GET, HEAD"),))
    head = method == "HEAD"
    uri, _, query = raw_path.split("#", 1)[0].partition("?")
    decision = resolve(table, uri or "/", query, lambda key: lookup(key) is not None)
    if isinstance(decision, RedirectDecision):
        return Answer(decision.status, (("Location", decision.location), ("Content-Length", "0")),
                      send_body=False)
    stored = lookup(key_of(decision.uri))
    if stored is None:
        return _error(404, "NoSuchKey", "The specified key does not exist.", key_of(decision.uri), head=head)
    if decision.status == 200:
        return _object_answer(stored, 200, request_headers, head)
    return _object_answer(stored, decision.status, {}, head)
