"""Redirects as S3 objects: which zero-byte keys carry ``x-amz-website-redirect-location``.

The S3 website endpoint answers a GET for such an object with a 301 to the stored location. It looks
a request up by key, mapping ``/dir/`` to ``dir/index.html`` (the index document), so one site path
may need two keys::

    /old/       →  old/index.html
    /old.html   →  old.html
    /old        →  old  and  old/index.html   (S3 asks for "old" first; a browser may add the slash)

S3 accepts only a location that starts with ``/``, ``http://`` or ``https://``
(docs: "(Optional) Configuring a webpage redirect"), at most 2 KB long. The location travels as the
HTTP header ``x-amz-website-redirect-location``, and an HTTP header holds ASCII only (RFC 9110,
section 5.5: other bytes are "obs-text", which S3 and proxies may mangle or refuse), so a target
written with non-ASCII text (``/café/``, ``https://bücher.example/``) is sent as its URI form
(RFC 3987, section 3.1): the host IDNA-encoded, every other non-ASCII character UTF-8 percent-encoded.
Escapes already written (``%20``) are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from sitepush.errors import DeployError

MAX_LOCATION_BYTES = 2048
_LOCATION = re.compile(r"^(/|https?://[^/\s]+)\S*$")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def redirect_objects(redirects: Mapping[str, str]) -> dict[str, str]:
    """Site path → location, as S3 key → location for the redirect objects, sorted by key.

    Raises DeployError naming the redirect for a path that is not a clean site path, a location S3
    would refuse, or two redirects that would need the same key with different locations.
    """
    objects: dict[str, str] = {}
    claimed_by: dict[str, str] = {}
    for path, written in redirects.items():
        _check_location(path, written)
        location = website_location(path, written)
        if len(location) > MAX_LOCATION_BYTES:
            raise DeployError(f"redirect {path}: the target is longer than S3's {MAX_LOCATION_BYTES} bytes"
                              " once percent-encoded", hint="shorten the target URL")
        for key in keys_for_path(path, location):
            if key in objects and objects[key] != location:
                raise DeployError(f"redirects {claimed_by[key]} and {path} both need the object {key}, "
                                  f"to {objects[key]} and to {location}",
                                  hint="keep one of them in [[redirects]] or the page aliases")
            objects[key] = location
            claimed_by.setdefault(key, path)
    return dict(sorted(objects.items()))


def keys_for_path(path: str, location: str = "") -> tuple[str, ...]:
    """The S3 keys that must redirect so that a request for the site ``path`` is redirected."""
    shown = f"redirect {path} → {location}" if location else f"redirect {path}"
    if not path.startswith("/") or path.startswith("//"):
        raise DeployError(f"{shown}: the path must start with a single `/`",
                          hint='write the path on this site, e.g. from = "/old/"')
    if any(char in path for char in "?#") or any(ord(char) < 0x20 or char == "\x7f" for char in path):
        raise DeployError(f"{shown}: S3 redirects match a path only, without `?`, `#` or control characters",
                          hint='remove the query or fragment, e.g. from = "/old/"')
    # Browsers send a percent-encoded path; S3 keys hold the decoded, and sitepush's keys NFC, text.
    try:
        decoded = unicodedata.normalize("NFC", unquote(path[1:], errors="strict"))
    except UnicodeDecodeError:
        raise DeployError(f"{shown}: the path's %-escapes are not UTF-8",
                          hint="write the path as plain text, e.g. from = \"/café/\"") from None
    if decoded in ("", "index.html"):
        raise DeployError(f"{shown}: the home page cannot be a redirect object",
                          hint="redirect the whole site with the bucket's website settings instead")
    directory = decoded.endswith("/")
    segments = decoded.rstrip("/").split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise DeployError(f"{shown}: the path has an empty, `.` or `..` segment",
                          hint='write a plain path, e.g. from = "/old/page/"')
    stem = "/".join(segments)
    if directory:
        return (f"{stem}/index.html",)
    if "." in segments[-1]:
        return (stem,)
    return (stem, f"{stem}/index.html")


def website_location(path: str, location: str) -> str:
    """``location`` as S3 must store it: ASCII only, a non-ASCII host in IDNA, other text percent-encoded.

    ``/café/`` → ``/caf%C3%A9/``; ``https://bücher.example/ü`` → ``https://xn--bcher-kva.example/%C3%BC``.
    A location that is ASCII already is returned unchanged. Raises DeployError naming the redirect for a
    host that IDNA cannot encode.
    """
    if location.isascii():
        return location
    text = unicodedata.normalize("NFC", location)
    parts = urlsplit(text) if not text.startswith("/") else None
    if parts is not None and parts.netloc and not parts.netloc.isascii():
        userinfo, _, hostport = parts.netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise DeployError(f"redirect {path} → {location}: the host {host} is not a valid domain name",
                              hint="write the target's host as it is registered, e.g. https://bücher.example/") \
                from None
        netloc = f"{_percent(userinfo)}@" if userinfo else ""
        text = urlunsplit(parts._replace(netloc=f"{netloc}{ascii_host}{colon}{port}"))
    return _percent(text)


def _percent(text: str) -> str:
    return _NON_ASCII.sub(lambda match: quote(match.group(0), safe=""), text)


def _check_location(path: str, location: str) -> None:
    if not _LOCATION.match(location):
        raise DeployError(f"redirect {path} → {location}: the target must start with `/` or `http(s)://` "
                          "and hold no spaces",
                          hint='write a site path or an absolute URL, e.g. to = "/new/"')
    if location.startswith("//"):
        raise DeployError(f"redirect {path} → {location}: `//` would leave the site for another host",
                          hint='write `https://host/...` for another site, or `/path/` for this one')
    if len(location.encode("utf-8")) > MAX_LOCATION_BYTES:
        raise DeployError(f"redirect {path}: the target is longer than S3's {MAX_LOCATION_BYTES} bytes",
                          hint="shorten the target URL")
