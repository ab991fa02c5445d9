"""Redirects as S3 objects: which zero-byte keys carry ``x-amz-website-redirect-location``.

The S3 website endpoint answers a GET for such an object with a 301 to the stored location. It looks
a request up by key, mapping ``/dir/`` to ``dir/index.html`` (the index document), so one site path
may need two keys::

    /old/       →  old/index.html
    /old.html   →  old.html
    /old        →  old  and  old/index.html   (S3 asks for "old" first; a browser may add the slash)

S3 accepts only a location that starts with ``/``, ``http://`` or ``https://``
(docs: "(Optional) Configuring a webpage redirect"), at most 2 KB long.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import unquote

from sitepush.errors import DeployError

MAX_LOCATION_BYTES = 2048
_LOCATION = re.compile(r"^(/|https?://[^/\s]+)\S*$")


def redirect_objects(redirects: Mapping[str, str]) -> dict[str, str]:
    """Site path → location, as S3 key → location for the redirect objects, sorted by key.

    Raises DeployError naming the redirect for a path that is not a clean site path, a location S3
    would refuse, or two redirects that would need the same key with different locations.
    """
    objects: dict[str, str] = {}
    claimed_by: dict[str, str] = {}
    for path, location in redirects.items():
        _check_location(path, location)
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
