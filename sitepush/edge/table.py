"""The site's redirect table for the edge: ``[[redirects]]``, page aliases and routing rules, in one form.

::

    [[redirects]] from/to ──────────────┐
    page aliases (the build's map) ─────┼──► EdgeTable(redirects=(EdgeRedirect(source, target, status, kind), …))
    [[website.routing_rules]] ──────────┘

Three kinds of :class:`EdgeRedirect`:

* ``exact``  — ``/old/`` → ``/new/``: that path (``/old`` without a dot in its last segment also covers
  ``/old/``, as S3's two redirect objects do; ``/old/`` also covers ``/old/index.html``);
* ``prefix`` — every path starting with ``source`` goes to ``target`` + the rest (S3's
  ``KeyPrefixEquals`` + ``ReplaceKeyPrefixWith``; a plain string prefix, not only whole segments);
* ``splat``  — ``/blog/*`` → ``/posts/:splat``: every path under ``/blog/``, the rest put where
  ``:splat`` is (Netlify's notation; a target without ``:splat`` sends them all to one place). A
  ``[[redirects]]`` entry whose ``from`` ends in ``*`` is a splat.

Routing rules become prefix or splat redirects with S3's semantics ("Setting up redirection rules"):
the prefix is tried on the key, ``ReplaceKeyPrefixWith`` keeps the rest, ``ReplaceKeyWith`` replaces
it all, ``HostName``/``Protocol`` make the target absolute (the protocol defaults to https: CloudFront
serves the site on https) and ``HttpRedirectCode`` is the status. S3 tries rules in order and stops at
the first; the edge tries the longest prefix first, so a later rule whose prefix starts with an earlier
rule's prefix (S3 never reaches it) is left out, and the rest then decide the same way. Two kinds of
rule cannot run at the edge and are left out too (:func:`untranslated_rules` names them): a rule on
``HttpErrorCodeReturnedEquals`` (the function runs before S3 is asked, so it cannot know the key is
missing), and one that only changes the protocol (the distribution's viewer protocol policy does that).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from sitepush.config import Config, RoutingRule
from sitepush.edge._paths import decode_path, encode_path
from sitepush.errors import DeployError
from sitepush.syncer.redirects import website_location

RedirectKind = Literal["exact", "prefix", "splat"]
SPLAT = ":splat"


@dataclass(frozen=True)
class EdgeRedirect:
    """One redirect the edge answers: ``source`` (a path, a prefix, or ``/prefix/*``) → ``target``."""

    source: str
    """As written: ``/old/``; a prefix ``/docs``; a splat ``/blog/*`` (its prefix is :attr:`prefix`)."""
    target: str
    """A site path or an absolute URL, ASCII only (non-ASCII text percent-encoded); may hold ``:splat``."""
    status: int
    kind: RedirectKind

    @property
    def prefix(self) -> str:
        """The decoded text a request path must start with (exact: must equal), without a splat's ``*``."""
        source = self.source[:-1] if self.kind == "splat" else self.source
        return unicodedata.normalize("NFC", decode_path(source))


@dataclass(frozen=True)
class EdgeTable:
    """Every redirect of the site, and the index and error documents, as the edge function answers them."""

    redirects: tuple[EdgeRedirect, ...]
    index_document: str = "index.html"
    error_document: str = "404.html"


def edge_table(config: Config, page_redirects: Mapping[str, str] = {}) -> EdgeTable:
    """The edge table of a site: ``[[redirects]]``, then the build's redirect map, then the routing rules.

    ``page_redirects`` is the build's map (``BuildResult.redirects``: page aliases and ``[[redirects]]``,
    path → target), as the syncer gets it; an entry ``[[redirects]]`` already gave is not repeated.
    Raises DeployError naming the redirect for a source that is not a site path, or one source with
    two different targets.
    """
    written: dict[str, str] = {r.from_: r.to for r in config.redirects}
    for path, target in page_redirects.items():
        written.setdefault(path, target)
    redirects = [_from_written(path, target) for path, target in written.items()]
    redirects += [redirect for rule in _reachable(config.website.routing_rules)
                  if (redirect := _from_rule(rule)) is not None]
    _check_unique(redirects)
    return EdgeTable(tuple(redirects), config.website.index_document, config.website.error_document)


def untranslated_rules(config: Config) -> tuple[tuple[RoutingRule, str], ...]:
    """The routing rules the edge table leaves out, each with the reason (see the module docstring)."""
    left: list[tuple[RoutingRule, str]] = []
    reachable = _reachable(config.website.routing_rules)
    for rule in config.website.routing_rules:
        if rule.http_error_code_returned_equals is not None:
            left.append((rule, "it depends on S3's error, which the edge function cannot know"))
        elif rule not in reachable:
            left.append((rule, "an earlier rule's prefix already covers its prefix, so S3 never applies it"))
        elif _from_rule(rule) is None:
            left.append((rule, "it only changes the protocol, which CloudFront's viewer protocol policy does"))
    return tuple(left)


def _from_written(path: str, target: str) -> EdgeRedirect:
    shown = f"redirect {path} → {target}"
    if not path.startswith("/") or path.startswith("//") or any(c in path for c in "?#"):
        raise DeployError(f"{shown}: the path must start with a single `/` and hold no `?` or `#`",
                          hint='write the path on this site, e.g. from = "/old/"')
    kind: RedirectKind = "splat" if path.endswith("*") else "exact"
    if kind == "exact" and SPLAT in target:
        raise DeployError(f"{shown}: `{SPLAT}` needs a `from` ending in `*`",
                          hint='write e.g. from = "/blog/*", to = "/posts/:splat"')
    return EdgeRedirect(path, website_location(path, target), 301, kind)


def _reachable(rules: tuple[RoutingRule, ...]) -> tuple[RoutingRule, ...]:
    """The rules without an error condition that S3 can reach (no earlier rule's prefix covers theirs)."""
    kept: list[RoutingRule] = []
    for rule in rules:
        if rule.http_error_code_returned_equals is not None:
            continue
        prefix = rule.key_prefix_equals or ""
        if not any(prefix.startswith(earlier.key_prefix_equals or "") for earlier in kept):
            kept.append(rule)
    return tuple(kept)


def _from_rule(rule: RoutingRule) -> EdgeRedirect | None:
    prefix = rule.key_prefix_equals or ""
    base = f"{rule.protocol or 'https'}://{rule.host_name}" if rule.host_name else ""
    source = "/" + quote(prefix, safe="/")
    status = int(rule.http_redirect_code)
    if rule.replace_key_with is not None:
        target = base + "/" + encode_path(rule.replace_key_with.removeprefix("/"))
        return EdgeRedirect(source + "*", website_location(source, target), status, "splat")
    replacement = rule.replace_key_prefix_with if rule.replace_key_prefix_with is not None else prefix
    if not base and replacement == prefix:
        return None
    target = base + "/" + encode_path(replacement.removeprefix("/"))
    return EdgeRedirect(source, website_location(source, target), status, "prefix")


def _check_unique(redirects: list[EdgeRedirect]) -> None:
    seen: dict[tuple[str, str], EdgeRedirect] = {}
    for redirect in redirects:
        form = (redirect.prefix, "exact" if redirect.kind == "exact" else "prefix")
        other = seen.get(form)
        if other is not None and (other.target, other.status, other.kind) != \
                (redirect.target, redirect.status, redirect.kind):
            raise DeployError(f"redirects {other.source} and {redirect.source} both claim {redirect.prefix}, "
                              f"to {other.target} and to {redirect.target}",
                              hint="keep one of them in [[redirects]], the page aliases or the routing rules")
        seen.setdefault(form, redirect)
