"""The edge: the site's redirects and index documents answered by a CloudFront Function (private mode).

::

    Config + the build's redirect map → edge_table → EdgeTable (exact, prefix, splat redirects)
    EdgeTable → edge_code → EdgeCode(code, store_entries)        inline, or table in a KeyValueStore
    store now + EdgeCode.store_entries → store_writes → StoreWrites(puts, deletes)    the fewest writes
    EdgeTable + request → resolve → RedirectDecision | RewriteDecision       the function's Python twin

Everything here is pure: no boto3, no I/O. The configurator creates, publishes and associates the
function and its store from :func:`edge_code`; deploy updates them with :func:`store_writes`;
``sitepush serve`` answers with :func:`resolve` in private mode.
"""

from sitepush.edge.code import (
    FUNCTION_CODE_LIMIT,
    KVS_KEY_LIMIT,
    KVS_STORE_LIMIT,
    KVS_VALUE_LIMIT,
    RUNTIME,
    EdgeCode,
    edge_code,
)
from sitepush.edge.resolve import EdgeDecision, RedirectDecision, RewriteDecision, resolve, viewer_request
from sitepush.edge.store import StoreWrites, store_writes
from sitepush.edge.table import EdgeRedirect, EdgeTable, edge_table, untranslated_rules

__all__ = [
    "FUNCTION_CODE_LIMIT",
    "KVS_KEY_LIMIT",
    "KVS_STORE_LIMIT",
    "KVS_VALUE_LIMIT",
    "RUNTIME",
    "EdgeCode",
    "EdgeDecision",
    "EdgeRedirect",
    "EdgeTable",
    "RedirectDecision",
    "RewriteDecision",
    "StoreWrites",
    "edge_code",
    "edge_table",
    "resolve",
    "store_writes",
    "untranslated_rules",
    "viewer_request",
]
