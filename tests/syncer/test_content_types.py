"""Content-Type comes from sitepush's own table, the same on every machine."""

from __future__ import annotations

import pytest

from sitepush.syncer.content_types import CONTENT_TYPES, UNKNOWN_TYPE, content_type_for

EXPECTED = [
    # text, with charset
    ("index.html", "text/html; charset=utf-8"),
    ("old/page.htm", "text/html; charset=utf-8"),
    ("css/site.css", "text/css; charset=utf-8"),
    ("js/app.js", "text/javascript; charset=utf-8"),
    ("js/module.mjs", "text/javascript; charset=utf-8"),
    ("data.json", "application/json; charset=utf-8"),
    ("js/app.js.map", "application/json; charset=utf-8"),
    ("schema.jsonld", "application/ld+json; charset=utf-8"),
    ("site.webmanifest", "application/manifest+json; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("feed.atom", "application/atom+xml; charset=utf-8"),
    ("feed.rss", "application/rss+xml; charset=utf-8"),
    ("logo.svg", "image/svg+xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("notes.md", "text/plain; charset=utf-8"),
    ("table.csv", "text/csv; charset=utf-8"),
    ("video/captions.vtt", "text/vtt; charset=utf-8"),
    # images
    ("a.png", "image/png"),
    ("a.jpg", "image/jpeg"),
    ("a.jpeg", "image/jpeg"),
    ("a.gif", "image/gif"),
    ("a.webp", "image/webp"),
    ("a.avif", "image/avif"),
    ("favicon.ico", "image/x-icon"),
    ("a.bmp", "image/bmp"),
    ("a.tiff", "image/tiff"),
    ("a.apng", "image/apng"),
    ("a.jxl", "image/jxl"),
    # fonts and code
    ("f.woff2", "font/woff2"),
    ("f.woff", "font/woff"),
    ("f.ttf", "font/ttf"),
    ("f.otf", "font/otf"),
    ("f.eot", "application/vnd.ms-fontobject"),
    ("app.wasm", "application/wasm"),
    # media and streaming
    ("v.mp4", "video/mp4"),
    ("v.webm", "video/webm"),
    ("a.ogg", "audio/ogg"),
    ("a.mp3", "audio/mpeg"),
    ("a.m4a", "audio/mp4"),
    ("a.wav", "audio/wav"),
    ("a.flac", "audio/flac"),
    ("a.opus", "audio/ogg"),
    ("hls/master.m3u8", "application/vnd.apple.mpegurl"),
    ("hls/segment00042.ts", "video/mp2t"),
    ("dash/chunk-1.m4s", "video/iso.segment"),
    ("dash/manifest.mpd", "application/dash+xml"),
    # documents and archives
    ("doc.pdf", "application/pdf"),
    ("bundle.zip", "application/zip"),
    ("backup.tar.gz", "application/gzip"),
    ("src.tar", "application/x-tar"),
    ("book.epub", "application/epub+zip"),
    # names without a usable extension
    (".well-known/security.txt", "text/plain; charset=utf-8"),
    (".well-known/apple-app-site-association", "application/json"),
    ("apple-app-site-association", "application/json"),
    (".well-known/something-else", UNKNOWN_TYPE),
    ("LICENSE", UNKNOWN_TYPE),
    (".htaccess", UNKNOWN_TYPE),
    ("archive.unknownext", UNKNOWN_TYPE),
    ("dir.with.dots/README", UNKNOWN_TYPE),
]


@pytest.mark.parametrize(("key", "expected"), EXPECTED)
def test_content_type_for_each_known_extension(key: str, expected: str) -> None:
    assert content_type_for(key) == expected


@pytest.mark.parametrize(("key", "expected"), [
    ("INDEX.HTML", "text/html; charset=utf-8"),
    ("Photo.JPG", "image/jpeg"),
    ("Font.WOFF2", "font/woff2"),
    ("Stream.M3U8", "application/vnd.apple.mpegurl"),
    ("Apple-App-Site-Association", "application/json"),
])
def test_extensions_match_case_insensitively(key: str, expected: str) -> None:
    assert content_type_for(key) == expected


def test_every_text_type_in_the_table_declares_utf8() -> None:
    textual = ("text/", "+xml", "+json", "application/json", "application/xml", "javascript")
    # A DASH manifest is XML read by video players, which are given the bare registered type.
    media_manifests = {"mpd"}
    missing = sorted(ext for ext, kind in CONTENT_TYPES.items()
                     if any(marker in kind for marker in textual) and not kind.endswith("; charset=utf-8")
                     and ext not in media_manifests)
    assert missing == []


def test_binary_types_carry_no_charset() -> None:
    for ext in ("png", "woff2", "wasm", "mp4", "ts", "pdf", "gz"):
        assert "charset" not in CONTENT_TYPES[ext]


def test_octet_stream_only_for_unknown_names() -> None:
    assert UNKNOWN_TYPE not in CONTENT_TYPES.values()


def test_table_keys_are_lower_case_extensions_without_dots() -> None:
    assert all(ext == ext.lower() and "." not in ext for ext in CONTENT_TYPES)
