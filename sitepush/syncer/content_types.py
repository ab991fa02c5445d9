"""The Content-Type of every object sitepush uploads, from one built-in table.

Never from :mod:`mimetypes`: it reads ``/etc/mime.types`` and the Windows registry, so the same
site would deploy with different types on different machines (``.js`` as ``application/x-javascript``,
``.ts`` as ``text/x-typescript``). Text types, JavaScript, JSON, XML, SVG and the web manifest carry
``charset=utf-8`` because S3 serves exactly the stored header and browsers otherwise guess.

The types follow the IANA registry and the WHATWG MIME Sniffing standard; where they disagree, what
browsers accept wins (``text/javascript`` per RFC 9239, ``image/x-icon`` for ``.ico``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

UNKNOWN_TYPE = "application/octet-stream"

_UTF8 = "; charset=utf-8"

_TEXT: dict[str, str] = {
    "html": "text/html", "htm": "text/html", "xhtml": "application/xhtml+xml",
    "css": "text/css",
    "js": "text/javascript", "mjs": "text/javascript", "cjs": "text/javascript",
    "json": "application/json", "map": "application/json",
    "jsonld": "application/ld+json", "geojson": "application/geo+json",
    "webmanifest": "application/manifest+json",
    "xml": "application/xml", "xsl": "application/xslt+xml", "xslt": "application/xslt+xml",
    "atom": "application/atom+xml", "rss": "application/rss+xml",
    "svg": "image/svg+xml",
    "txt": "text/plain", "text": "text/plain", "md": "text/plain", "markdown": "text/plain",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "vtt": "text/vtt", "ics": "text/calendar", "vcf": "text/vcard",
    "yaml": "application/yaml", "yml": "application/yaml", "toml": "application/toml",
}

_BINARY: dict[str, str] = {
    # images
    "png": "image/png", "apng": "image/apng",
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "jpe": "image/jpeg", "jfif": "image/jpeg",
    "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "jxl": "image/jxl",
    "ico": "image/x-icon", "cur": "image/x-icon", "bmp": "image/bmp",
    "tif": "image/tiff", "tiff": "image/tiff", "heic": "image/heic", "heif": "image/heif",
    # fonts
    "woff2": "font/woff2", "woff": "font/woff", "ttf": "font/ttf", "otf": "font/otf",
    "ttc": "font/collection", "eot": "application/vnd.ms-fontobject",
    # code
    "wasm": "application/wasm",
    # video and audio
    "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg",
    "mov": "video/quicktime", "mkv": "video/x-matroska",
    "ogg": "audio/ogg", "oga": "audio/ogg", "opus": "audio/ogg",
    "mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac",
    "wav": "audio/wav", "flac": "audio/flac", "mid": "audio/midi", "midi": "audio/midi",
    # streaming: HLS (RFC 8216 §4) and DASH (ISO/IEC 23009-1)
    "m3u8": "application/vnd.apple.mpegurl", "ts": "video/mp2t",
    "m4s": "video/iso.segment", "mpd": "application/dash+xml",
    # documents and archives
    "pdf": "application/pdf", "epub": "application/epub+zip", "rtf": "application/rtf",
    "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip",
    "tar": "application/x-tar", "bz2": "application/x-bzip2", "xz": "application/x-xz",
    "zst": "application/zstd", "7z": "application/x-7z-compressed",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "apk": "application/vnd.android.package-archive", "dmg": "application/x-apple-diskimage",
}

CONTENT_TYPES: Mapping[str, str] = MappingProxyType(
    {**{ext: kind + _UTF8 for ext, kind in _TEXT.items()}, **_BINARY}
)
"""Lower-case extension (no dot) → Content-Type, exactly as uploaded."""

# Files that are conventionally served without an extension, by their last path segment.
# apple-app-site-association: Apple's universal links require application/json, at the root or
# under .well-known/ (developer.apple.com/documentation/xcode/supporting-associated-domains).
_BY_NAME: Mapping[str, str] = MappingProxyType({
    "apple-app-site-association": "application/json",
})


def content_type_for(key: str) -> str:
    """The Content-Type for an object key such as ``blog/post/index.html`` or ``.well-known/x``.

    Extensions are matched case-insensitively; a name with no known extension gets
    ``application/octet-stream`` so that browsers download it rather than guess.
    """
    name = key.rsplit("/", 1)[-1].lower()
    if name in _BY_NAME:
        return _BY_NAME[name]
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip("."):
        # "README" has no extension, and neither has a bare dotfile such as ".htaccess".
        return UNKNOWN_TYPE
    return CONTENT_TYPES.get(extension, UNKNOWN_TYPE)
