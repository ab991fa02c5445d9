"""Object headers: the default Cache-Control per kind of file, then [[deploy.headers]] in file order."""

from __future__ import annotations

from typing import Any

import pytest

from sitepush.config import HeaderRule
from sitepush.errors import ConfigError
from sitepush.syncer.content_types import content_type_for
from sitepush.syncer.headers import (
    DEFAULT_RULES,
    FIVE_MINUTES,
    IMMUTABLE,
    ONE_DAY,
    ONE_HOUR,
    PLAYLIST,
    REVALIDATE,
    headers_for,
    is_fingerprinted,
    redirect_headers,
    unmatched_rules,
)
from sitepush.syncer.model import ObjectHeaders


def rule(glob: str, **fields: Any) -> HeaderRule:
    return HeaderRule(glob=glob, **fields)


def cache_control(key: str) -> str | None:
    return headers_for(key, content_type_for(key), ()).cache_control


@pytest.mark.parametrize(("key", "expected"), [
    ("index.html", "public, max-age=0, must-revalidate"),
    ("blog/post/index.html", "public, max-age=0, must-revalidate"),
    ("page.xhtml", "public, max-age=0, must-revalidate"),
    ("404.html", "public, max-age=0, must-revalidate"),
    ("assets/app.3f9a2b1c.js", "public, max-age=31536000, immutable"),
    ("assets/style-5d41402abc4b2a76.css", "public, max-age=31536000, immutable"),
    ("img/hero_0a1b2c3d4e.webp", "public, max-age=31536000, immutable"),
    ("fonts/inter.9f86d081.woff2", "public, max-age=31536000, immutable"),
    ("main.3f9a2b1c.chunk.js", "public, max-age=31536000, immutable"),
    ("assets/style.css", "public, max-age=0, must-revalidate"),
    ("assets/theme.js", "public, max-age=0, must-revalidate"),
    ("search/index.json", "public, max-age=0, must-revalidate"),
    ("app.wasm", "public, max-age=0, must-revalidate"),
    ("site.webmanifest", "public, max-age=0, must-revalidate"),
    ("img/photo.jpg", "public, max-age=3600"),
    ("img/IMG_20240115_123456.jpg", "public, max-age=3600"),
    ("fonts/inter.woff2", "public, max-age=3600"),
    ("docs/manual.pdf", "public, max-age=3600"),
    ("favicon.ico", "public, max-age=3600"),
    (".well-known/security.txt", "public, max-age=3600"),
    ("LICENSE", "public, max-age=3600"),
    ("video/master.m3u8", "public, max-age=2"),
    ("video/720p/index.m3u8", "public, max-age=2"),
    ("video/manifest.mpd", "public, max-age=2"),
    ("video/720p/seg00001.ts", "public, max-age=86400"),
    ("video/720p/chunk-3.m4s", "public, max-age=86400"),
    ("feed.xml", "public, max-age=300"),
    ("blog/feed.xml", "public, max-age=300"),
    ("index.rss", "public, max-age=300"),
    ("atom.atom", "public, max-age=300"),
    ("sitemap.xml", "public, max-age=300"),
    ("robots.txt", "public, max-age=300"),
    ("feed.json", "public, max-age=300"),
])
def test_default_cache_control_by_kind_of_file(key: str, expected: str) -> None:
    assert cache_control(key) == expected


@pytest.mark.parametrize(("name", "fingerprinted"), [
    ("app.3f9a2b1c.js", True),
    ("style-5d41402abc4b2a76.css", True),
    ("1a2b3c4d.png", True),
    ("chunk_abcdef0123456789abcdef0123456789.js", True),
    ("app.3f9a2b1.js", False),             # 7 characters
    ("IMG_20240115.jpg", False),           # digits only: a date
    ("photo-12345678.jpg", False),         # digits only: a camera number
    ("deadbeef.js", False),                # letters only: a word
    ("app.3F9A2B1C.js", False),            # bundlers write lower-case hex
    ("app3f9a2b1c.js", False),             # not set apart by . - or _
    ("app.3f9a2b1c", False),               # the hash is the extension
    ("app.3f9a2b1cz.js", False),           # not hex all through
])
def test_a_fingerprint_is_8_or_more_hex_characters_with_a_digit_and_a_letter_before_the_extension(
        name: str, fingerprinted: bool) -> None:
    assert is_fingerprinted(name) is fingerprinted


def test_the_constants_are_the_documented_values() -> None:
    assert (REVALIDATE, IMMUTABLE, ONE_HOUR, ONE_DAY, FIVE_MINUTES, PLAYLIST) == (
        "public, max-age=0, must-revalidate", "public, max-age=31536000, immutable",
        "public, max-age=3600", "public, max-age=86400", "public, max-age=300", "public, max-age=2")
    assert DEFAULT_RULES[0].name == "HTML page"
    assert DEFAULT_RULES[-1].matches("anything.unknown", "application/octet-stream")


def test_without_rules_only_type_and_cache_control_are_set() -> None:
    assert headers_for("index.html", "text/html; charset=utf-8", ()) == ObjectHeaders(
        content_type="text/html; charset=utf-8", cache_control="public, max-age=0, must-revalidate")


def test_every_matching_rule_applies_in_file_order_and_a_later_one_wins_per_field() -> None:
    rules = (
        rule("**", cache_control="public, max-age=600", content_language="en"),
        rule("docs/**", cache_control="public, max-age=60", content_disposition="inline"),
        rule("/*.html", cache_control="no-store"),
        rule("docs/*.pdf", content_disposition="attachment"),
    )
    assert headers_for("docs/manual.pdf", "application/pdf", rules) == ObjectHeaders(
        content_type="application/pdf", cache_control="public, max-age=60", content_language="en",
        content_disposition="attachment")
    assert headers_for("docs/a/b.html", "text/html; charset=utf-8", rules) == ObjectHeaders(
        content_type="text/html; charset=utf-8", cache_control="public, max-age=60", content_language="en",
        content_disposition="inline")
    assert headers_for("index.html", "text/html; charset=utf-8", rules).cache_control == "no-store"


def test_a_rule_overrides_the_type_encoding_storage_and_encryption() -> None:
    rules = (rule("data/*.json.gz", content_type="application/json", content_encoding="gzip",
                  storage_class="STANDARD_IA", sse="aws:kms", sse_kms_key_id="alias/site"),)
    assert headers_for("data/big.json.gz", "application/gzip", rules) == ObjectHeaders(
        content_type="application/json", cache_control="public, max-age=3600", content_encoding="gzip",
        storage_class="STANDARD_IA", sse="aws:kms", sse_kms_key_id="alias/site")


def test_an_empty_value_removes_a_header_and_an_empty_type_restores_the_built_in_one() -> None:
    rules = (rule("**", content_language="en", content_type="text/plain"),
             rule("raw/**", cache_control="", content_language="", content_type=""))
    assert headers_for("raw/a.css", "text/css; charset=utf-8", rules) == ObjectHeaders(
        content_type="text/css; charset=utf-8")


def test_metadata_merges_by_name_lower_cased_with_a_later_rule_winning() -> None:
    rules = (rule("**", metadata={"Team": "web", "reviewed": True}),
             rule("docs/**", metadata={"team": "docs", "Version": 3}))
    assert headers_for("docs/a.html", "text/html", rules).metadata == (
        ("reviewed", "true"), ("team", "docs"), ("version", "3"))


def test_a_rule_whose_glob_does_not_match_changes_nothing() -> None:
    rules = (rule("/*.css", cache_control="no-store"), rule("blog/*.html", cache_control="no-store"))
    assert headers_for("blog/2024/post.html", "text/html", rules).cache_control == REVALIDATE
    assert headers_for("assets/style.css", "text/css", rules).cache_control == REVALIDATE


@pytest.mark.parametrize(("glob", "key", "covered"), [
    ("*.html", "index.html", True), ("*.html", "blog/2024/post/index.html", True),  # as .gitignore reads it
    ("/*.html", "index.html", True), ("/*.html", "blog/index.html", False),        # a leading / anchors
    ("assets/*", "assets/app.css", True), ("assets/*", "blog/assets/app.css", False),
    ("**/*.png", "a/b/c.png", True), ("robots.txt", "robots.txt", True), ("robots.txt", "x/robots.txt", True),
])
def test_a_glob_without_a_slash_matches_the_file_name_at_any_depth(glob: str, key: str, covered: bool) -> None:
    rules = (rule(glob, cache_control="no-store"),)
    assert (headers_for(key, "text/html", rules).cache_control == "no-store") is covered


def test_rules_that_cover_no_key_are_found_by_their_index() -> None:
    rules = (rule("*.html", cache_control="no-store"), rule("*.htm", cache_control="no-store"),
             rule("assets/**", cache_control="no-store"), rule("/docs/*", cache_control="no-store"))
    assert unmatched_rules(rules, ["index.html", "assets/app.css", "blog/docs/x.html"]) == [1, 3]


def test_redirect_objects_keep_their_type_and_five_minute_cache_but_take_storage_and_encryption() -> None:
    rules = (rule("**", cache_control="public, max-age=31536000, immutable", content_type="text/plain",
                  content_encoding="gzip", content_language="fr", storage_class="STANDARD_IA",
                  sse="AES256", metadata={"team": "web"}),)
    assert redirect_headers("old/index.html", "/new/", rules) == ObjectHeaders(
        content_type="text/html; charset=utf-8", cache_control="max-age=300", storage_class="STANDARD_IA",
        sse="AES256", metadata=(("team", "web"),), redirect="/new/")


@pytest.mark.parametrize(("rules", "message"), [
    ((rule("**", sse_kms_key_id="alias/site"),),
     ("sitepush.toml: [[deploy.headers]] give a.css an sse_kms_key_id but sse is unset"
      ' — add sse = "aws:kms" to the rule that names the key')),
    ((rule("**", sse="aws:kms", sse_kms_key_id="alias/site"), rule("*.css", sse="AES256")),
     ("sitepush.toml: [[deploy.headers]] give a.css an sse_kms_key_id but sse is AES256"
      ' — add sse = "aws:kms" to the rule that names the key')),
    ((rule("*.css", metadata={"bad name": "x"}),),
     ('sitepush.toml: [[deploy.headers]] glob = "*.css": metadata "bad name" is not a header name'
      " — use letters, digits and `-`, e.g. author-id")),
    ((rule("*.css", metadata={"author": "Zoë"}),),
     ('sitepush.toml: [[deploy.headers]] glob = "*.css": metadata "author" must be printable ASCII text'
      " — S3 sends metadata as HTTP headers; write a plain string")),
    ((rule("*.css", metadata={"tags": ["a", "b"]}),),
     ('sitepush.toml: [[deploy.headers]] glob = "*.css": metadata "tags" must be printable ASCII text'
      " — S3 sends metadata as HTTP headers; write a plain string")),
    ((rule("*.css", metadata={"note": "two\nlines"}),),
     ('sitepush.toml: [[deploy.headers]] glob = "*.css": metadata "note" must be printable ASCII text'
      " — S3 sends metadata as HTTP headers; write a plain string")),
])
def test_headers_s3_would_refuse_are_a_one_line_config_error(
        rules: tuple[HeaderRule, ...], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        headers_for("a.css", "text/css; charset=utf-8", rules)
    assert raised.value.render() == message


def test_rules_parsed_from_sitepush_toml_apply(tmp_path: Any) -> None:
    from sitepush.config import parse_config

    config = parse_config('[[deploy.headers]]\nglob = "assets/**"\ncache_control = "public, max-age=60"\n'
                          '[deploy.headers.metadata]\nowner = "web"\n', root=tmp_path)
    headers = headers_for("assets/app.js", "text/javascript; charset=utf-8", config.deploy.headers)
    assert (headers.cache_control, headers.metadata) == ("public, max-age=60", (("owner", "web"),))
