"""The viewer-request function's code (runtime cloudfront-js-2.0), with the table inline or in a KeyValueStore.

::

    EdgeTable ─► compile_table ─► inline code  ≤ FUNCTION_CODE_LIMIT ─► EdgeCode(code, None)
                                       │ larger
                                       ▼
                                  KVS-reading code + store entries  ─► EdgeCode(code, {key: value})

Both forms run the same steps (:mod:`sitepush.edge.resolve` is their Python twin). The KVS form
finds its store with ``import cf from 'cloudfront'; const kvs = cf.kvs();`` — without an id that is the
one store associated with the function (Developer Guide, "Helper methods for key value stores"; a
function can have one store associated), so the code does not change when the store is replaced. Keys:

* an exact redirect is stored under its decoded path: ``/old/`` → ``301=/new/``;
* a prefix or splat redirect under ``*`` + its decoded prefix: ``*/blog/`` → ``301*/posts/:splat``
  (``+`` marks a prefix, ``*`` a splat, ``=`` an exact target);

and the code carries the distinct prefix lengths (UTF-16 units, longest first), so one request costs
at most ``2 + len(lengths)`` ``kvs.get`` calls: the path, its folder form for ``…/index.html``, and the
path cut at each prefix length — never one per segment of a long path. ``kvs.get`` rejects a missing
key; the code catches that as "no redirect".

Limits (Developer Guide, "Quotas", https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/
cloudfront-limits.html — "Quotas on CloudFront Functions" and "Quotas on key value stores"): function
code at most 10 KB; a key at most 512 bytes, a value at most 1 KB, a store at most 5 MB.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sitepush.edge.resolve import CompiledTable, compile_table
from sitepush.edge.table import EdgeTable
from sitepush.errors import DeployError

FUNCTION_CODE_LIMIT = 10_240
"""Bytes of function code CloudFront accepts ("Quotas on CloudFront Functions": maximum size 10 KB)."""
KVS_KEY_LIMIT = 512
"""Bytes in one KeyValueStore key ("Quotas on key value stores")."""
KVS_VALUE_LIMIT = 1024
"""Bytes in one KeyValueStore value."""
KVS_STORE_LIMIT = 5 * 1024 * 1024
"""Bytes in one KeyValueStore, keys and values together."""
RUNTIME = "cloudfront-js-2.0"

_FORM_MARK = "=+*"  # exact, prefix, splat: the fourth character of a stored value
_STATUS_TEXT = {301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
                308: "Permanent Redirect"}


@dataclass(frozen=True)
class EdgeCode:
    """The function's code, and the store's entries when the table lives in a KeyValueStore (else None)."""

    code: str
    store_entries: Mapping[str, str] | None

    @property
    def size(self) -> int:
        """Bytes of code, as CloudFront counts them against :data:`FUNCTION_CODE_LIMIT`."""
        return len(self.code.encode("utf-8"))


def edge_code(table: EdgeTable) -> EdgeCode:
    """The inline code if it fits in :data:`FUNCTION_CODE_LIMIT`, else the KVS-reading code and its entries.

    Raises DeployError when even the KVS form cannot hold the table (a key, value or store too large).
    """
    compiled = compile_table(table)
    inline = inline_code(compiled)
    if len(inline.encode("utf-8")) <= FUNCTION_CODE_LIMIT:
        return EdgeCode(inline, None)
    entries = store_entries(compiled)
    code = kvs_code(compiled)
    if len(code.encode("utf-8")) > FUNCTION_CODE_LIMIT:
        raise DeployError(f"the edge function needs {len(code.encode())} bytes even with its table in a "
                          f"KeyValueStore; CloudFront takes at most {FUNCTION_CODE_LIMIT}",
                          hint="use fewer prefix lengths in [[redirects]] splats and routing rules")
    return EdgeCode(code, entries)


def store_entries(compiled: CompiledTable) -> dict[str, str]:
    """Key → value of the table in a KeyValueStore (see the module docstring); checked against its limits."""
    entries = {path: f"{status}={target}" for path, (status, target) in compiled.exact.items()}
    for prefix, status, target, splat in compiled.prefixes:
        entries["*" + prefix] = f"{status}{_FORM_MARK[2 if splat else 1]}{target}"
    total = 0
    for key, value in entries.items():
        key_bytes, value_bytes = len(key.encode("utf-8")), len(value.encode("utf-8"))
        if key_bytes > KVS_KEY_LIMIT:
            raise DeployError(f"redirect {key.lstrip('*')}: the path is {key_bytes} bytes, longer than a "
                              f"KeyValueStore key ({KVS_KEY_LIMIT})", hint="shorten the redirect's path")
        if value_bytes > KVS_VALUE_LIMIT:
            raise DeployError(f"redirect {key.lstrip('*')}: the target is {value_bytes} bytes, longer than a "
                              f"KeyValueStore value ({KVS_VALUE_LIMIT})", hint="shorten the target URL")
        total += key_bytes + value_bytes
    if total > KVS_STORE_LIMIT:
        raise DeployError(f"the redirect table is {total} bytes, more than a KeyValueStore holds "
                          f"({KVS_STORE_LIMIT})", hint="remove redirects nobody follows any more")
    return dict(sorted(entries.items()))


def prefix_lengths(compiled: CompiledTable) -> list[int]:
    """Distinct prefix lengths in UTF-16 code units (JavaScript's string length), longest first."""
    return sorted({len(prefix.encode("utf-16-le")) // 2 for prefix, *_ in compiled.prefixes}, reverse=True)


def inline_code(compiled: CompiledTable) -> str:
    """The function with the table written into it."""
    exact = {path: [status, target] for path, (status, target) in compiled.exact.items()}
    prefixes = [[prefix, status, target, 1 if splat else 0] for prefix, status, target, splat in compiled.prefixes]
    header = (f"// sitepush edge function ({RUNTIME}, viewer request): "
              f"{len(exact)} exact and {len(prefixes)} prefix redirects, inline.\n"
              f"var E = {_js(exact)};\nvar P = {_js(prefixes)};\n")
    return header + _common(compiled) + _INLINE_LOOKUP + _handler("function")


def kvs_code(compiled: CompiledTable) -> str:
    """The function that reads the table from its associated KeyValueStore."""
    header = (f"// sitepush edge function ({RUNTIME}, viewer request): "
              f"{len(compiled.exact)} exact and {len(compiled.prefixes)} prefix redirects in the KeyValueStore.\n"
              "import cf from 'cloudfront';\nconst kvs = cf.kvs();\n"
              f"var L = {_js(prefix_lengths(compiled))};\n")
    return header + _common(compiled) + _KVS_LOOKUP + _handler("async function")


def _js(value: object) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _common(compiled: CompiledTable) -> str:
    used = sorted({status for status, _ in compiled.exact.values()} | {301}
                  | {entry[1] for entry in compiled.prefixes})
    texts = {str(status): _STATUS_TEXT.get(status, "Redirect") for status in used}
    return f"var I = {_js(compiled.index_document)};\nvar S = {_js(texts)};\n" + _HELPERS


_HELPERS = r"""
function decodePath(u) { try { return decodeURIComponent(u); } catch (e) { return u; } }
function encodePath(s) { return encodeURI(s).replace(/[?#]/g, encodeURIComponent); }
function hasDot(p) { return p.slice(p.lastIndexOf('/') + 1).indexOf('.') >= 0; }
function rebuildQuery(q) {
  var out = [];
  for (var name in q) {
    var all = q[name].multiValue || [q[name]];
    for (var i = 0; i < all.length; i++) out.push(all[i].value === '' ? name : name + '=' + all[i].value);
  }
  return out.join('&');
}
function withQuery(l, q) {
  if (!q) return l;
  var h = l.indexOf('#'), base = h < 0 ? l : l.slice(0, h), frag = h < 0 ? '' : l.slice(h);
  return base + (base.indexOf('?') < 0 ? '?' : '&') + q + frag;
}
function locationOf(m, q) {
  var t = m[1];
  if (m[3] === 1) t += encodePath(m[2]);
  else if (m[3] === 2) t = t.split(':splat').join(encodePath(m[2]));
  return withQuery(t, q);
}
function redirect(s, l) {
  return { statusCode: s, statusDescription: S[s], headers: { location: { value: l } } };
}
"""

_INLINE_LOOKUP = r"""function lookup(p) {
  var f = E[p];
  if (f === undefined && p.endsWith('/' + I)) f = E[p.slice(0, p.length - I.length)];
  if (f !== undefined) return [f[0], f[1], '', 0];
  for (var i = 0; i < P.length; i++) {
    if (p.startsWith(P[i][0])) return [P[i][1], P[i][2], p.slice(P[i][0].length), P[i][3] ? 2 : 1];
  }
  return null;
}
"""

_KVS_LOOKUP = r"""async function get(k) { try { return await kvs.get(k); } catch (e) { return null; } }
function parse(v, rest) { return [Number(v.slice(0, 3)), v.slice(4), rest, '=+*'.indexOf(v.charAt(3))]; }
async function lookup(p) {
  var v = await get(p);
  if (v === null && p.endsWith('/' + I)) v = await get(p.slice(0, p.length - I.length));
  if (v !== null) return parse(v, '');
  for (var i = 0; i < L.length; i++) {
    if (L[i] > p.length) continue;
    v = await get('*' + p.slice(0, L[i]));
    if (v !== null) return parse(v, p.slice(L[i]));
  }
  return null;
}
"""


def _handler(keyword: str) -> str:
    wait = "await " if keyword.startswith("async") else ""
    return f"""{keyword} handler(event) {{
  var r = event.request, p = decodePath(r.uri);
  var m = {wait}lookup(p);
  if (m) return redirect(m[0], locationOf(m, rebuildQuery(r.querystring)));
  if (p.endsWith('/')) {{ r.uri = r.uri + I; return r; }}
  if (!hasDot(p)) return redirect(301, withQuery(r.uri + '/', rebuildQuery(r.querystring)));
  return r;
}}
"""
