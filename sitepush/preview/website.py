"""How the S3 website endpoint answers a request, as a pure function of the request and a key lookup.

moto serves the REST API, not website hosting, so sitepush decides these rules itself, once, for the
preview server (a built folder) and for browsing a bucket (the sandbox) alike. From the S3 User Guide,
"Hosting a static website using Amazon S3": "Configuring an index document", "Configuring a custom
error document", "(Optional) Configuring a webpage redirect" and "Setting up redirection rules":

* only GET and HEAD are served (anything else: 405);
* ``/`` and every path ending in ``/`` get the index document of that folder; a path without the
  slash whose object is missing but whose ``path/index.html`` exists gets a 302 to ``path/``;
* an object with ``x-amz-website-redirect-location`` answers 301 to that location;
* routing rules are tried in order and the first that matches redirects: ``KeyPrefixEquals`` is
  tested on the requested key before any error, ``HttpErrorCodeReturnedEquals`` on the error the
  request would get; the new key replaces the matched prefix (``ReplaceKeyPrefixWith``) or the whole
  key (``ReplaceKeyWith``); host and protocol default to the request's; the code defaults to 301;
* a missing key gets the error document with status 404 (S3's own error page if that is missing too);
* ``If-None-Match`` / ``If-Modified-Since`` get 304 as S3 answers them.

The key of a request is its path, percent-decoded, without the leading ``/`` (S3 takes keys
literally; what a key may name on disk is the folder source's business, not this module's).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import quote, unquote

from sitepush.config import Config, RoutingRule, WebsiteConfig
from sitepush.syncer.model import ObjectHeaders


@dataclass(frozen=True)
class StoredObject:
    """One object as the website endpoint sees it: its key, ETag, size, headers, modification time."""

    key: str
    etag: str
    """Hex MD5 without quotes (or a multipart ETag)."""
    size: int
    headers: ObjectHeaders
    last_modified: float
    """Seconds since the epoch."""


Lookup = Callable[[str], "StoredObject | None"]
"""Key → the object stored under it, or None."""


@dataclass(frozen=True)
class Answer:
    """What to send: status, headers, and either the body of ``key`` or a generated ``body``."""

    status: int
    headers: tuple[tuple[str, str], ...]
    key: str | None = None
    """The object whose bytes are the body (None: ``body`` or nothing)."""
    body: bytes = b""
    send_body: bool = True
    """False for HEAD and 304: the headers describe a body that is not sent."""

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def served_website(config: Config) -> WebsiteConfig:
    """``[website]`` as the website endpoint answers the site: for a site under a base-URL path, mounted at
    that key prefix, the error document is its own 404 page there (``docs/404.html``), as ``sitepush
    configure`` sets it on the bucket."""
    mount = config.site.base_path.lstrip("/")
    if not mount:
        return config.website
    return replace(config.website, error_document=mount + config.website.error_document)


def request_key(raw_path: str) -> str:
    """The S3 key a request path names: the path without query, percent-decoded, without its ``/``."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    return unquote(path, errors="surrogateescape").removeprefix("/")


def answer(method: str, raw_path: str, request_headers: Mapping[str, str], lookup: Lookup,
           website: WebsiteConfig, *, host: str = "localhost", protocol: str = "http") -> Answer:
    """The S3 website endpoint's answer to one request (see the module docstring for the rules)."""
    if method not in ("GET", "HEAD"):
        return _error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
                      method, extra=(("Allow", "GET, HEAD"),))
    head = method == "HEAD"
    key = request_key(raw_path)
    redirect = _routing_redirect(key, None, website.routing_rules, host, protocol)
    if redirect is not None:
        return redirect
    wanted = key + website.index_document if key == "" or key.endswith("/") else key
    found = lookup(wanted)
    if found is None and wanted == key and lookup(f"{key}/{website.index_document}") is not None:
        # S3 sends a folder without its slash to the folder, then serves the index document there.
        return Answer(302, (("Location", "/" + quote(key) + "/"), ("Content-Length", "0")), send_body=False)
    if found is not None:
        if found.headers.redirect is not None:
            return Answer(301, (("Location", found.headers.redirect), ("Content-Length", "0")),
                          send_body=False)
        return _object_answer(found, 200, request_headers, head)
    redirect = _routing_redirect(key, 404, website.routing_rules, host, protocol)
    if redirect is not None:
        return redirect
    error_page = lookup(website.error_document)
    if error_page is not None and error_page.headers.redirect is None:
        served = _object_answer(error_page, 404, {}, head)
        return served
    return _error(404, "NoSuchKey", "The specified key does not exist.", key, head=head)


def _object_answer(found: StoredObject, status: int, request_headers: Mapping[str, str],
                   head: bool) -> Answer:
    headers = _object_headers(found)
    if status == 200 and _not_modified(found, request_headers):
        kept = tuple((k, v) for k, v in headers if k in ("ETag", "Last-Modified", "Cache-Control"))
        return Answer(304, kept, send_body=False)
    return Answer(status, (*headers, ("Content-Length", str(found.size))), key=found.key,
                  send_body=not head)


def _object_headers(found: StoredObject) -> tuple[tuple[str, str], ...]:
    stored = found.headers
    headers = [("Content-Type", stored.content_type), ("ETag", f'"{found.etag}"'),
               ("Last-Modified", formatdate(found.last_modified, usegmt=True))]
    for name, value in (("Cache-Control", stored.cache_control), ("Content-Encoding", stored.content_encoding),
                        ("Content-Disposition", stored.content_disposition),
                        ("Content-Language", stored.content_language)):
        if value is not None:
            headers.append((name, value))
    headers += [(f"x-amz-meta-{name}", value) for name, value in stored.metadata]
    return tuple(headers)


def _not_modified(found: StoredObject, request_headers: Mapping[str, str]) -> bool:
    lowered = {name.lower(): value for name, value in request_headers.items()}
    if "if-none-match" in lowered:
        tags = {tag.strip().removeprefix("W/") for tag in lowered["if-none-match"].split(",")}
        return "*" in tags or f'"{found.etag}"' in tags
    since = lowered.get("if-modified-since")
    if since:
        try:
            return int(found.last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _routing_redirect(key: str, error: int | None, rules: Sequence[RoutingRule], host: str,
                      protocol: str) -> Answer | None:
    """The first rule whose condition holds for ``key`` (and, if it names one, for ``error``)."""
    for rule in rules:
        wanted_error = rule.http_error_code_returned_equals
        if (wanted_error is None) != (error is None):
            continue  # error rules are tried only once the error is known, the others only before
        if wanted_error is not None and str(error) != wanted_error:
            continue
        prefix = rule.key_prefix_equals or ""
        if not key.startswith(prefix):
            continue
        if rule.replace_key_with is not None:
            new_key = rule.replace_key_with
        elif rule.replace_key_prefix_with is not None:
            new_key = rule.replace_key_prefix_with + key[len(prefix):]
        else:
            new_key = key
        location = f"{rule.protocol or protocol}://{rule.host_name or host}/{quote(new_key.removeprefix('/'))}"
        return Answer(int(rule.http_redirect_code), (("Location", location), ("Content-Length", "0")),
                      send_body=False)
    return None


def _error(status: int, code: str, message: str, key: str, *, head: bool = False,
           extra: tuple[tuple[str, str], ...] = ()) -> Answer:
    """S3's own HTML error page (what the endpoint sends when there is no error document)."""
    reason = {404: "Not Found", 405: "Method Not Allowed"}.get(status, "Error")
    body = (f"<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<h1>{status} {reason}</h1>\n"
            f"<ul>\n<li>Code: {code}</li>\n<li>Message: {html.escape(message)}</li>\n"
            f"<li>Key: {html.escape(key)}</li>\n</ul>\n<hr/>\n</body>\n</html>\n").encode()
    headers = (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))), *extra)
    return Answer(status, headers, body=body, send_body=not head)
