"""local_specs: the scanned files and the redirects become the objects the bucket should hold."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sitepush.config import HeaderRule
from sitepush.errors import ConfigError, DeployError
from sitepush.syncer.local import scan_site
from sitepush.syncer.model import EMPTY_MD5, ObjectHeaders, ObjectSpec
from sitepush.syncer.specs import local_specs


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    site = tmp_path / "_site"
    for rel, data in {"index.html": b"<h1>home</h1>", "blog/post/index.html": b"<p>post</p>",
                      "assets/app.3f9a2b1c.js": b"js()", "img/a b.png": b"png"}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    return site


def test_every_file_becomes_a_spec_under_the_prefix_with_its_hashes_and_headers(built: Path) -> None:
    specs = local_specs(scan_site(built), {}, (), prefix="site/")
    assert list(specs) == ["site/assets/app.3f9a2b1c.js", "site/blog/post/index.html", "site/img/a b.png",
                           "site/index.html"]
    assert specs["site/index.html"] == ObjectSpec(
        key="site/index.html", path=built / "index.html", size=13, md5=md5(b"<h1>home</h1>"),
        etag=md5(b"<h1>home</h1>"),
        headers=ObjectHeaders(content_type="text/html; charset=utf-8",
                              cache_control="public, max-age=0, must-revalidate"))
    assert specs["site/assets/app.3f9a2b1c.js"].headers == ObjectHeaders(
        content_type="text/javascript; charset=utf-8", cache_control="public, max-age=31536000, immutable")
    assert specs["site/img/a b.png"].path == built / "img" / "a b.png"


def test_redirects_become_zero_byte_html_objects_with_the_location(built: Path) -> None:
    specs = local_specs(scan_site(built), {"/old/": "/blog/post/", "/feed": "https://example.com/feed"}, ())
    redirect_specs = {key: spec for key, spec in specs.items() if spec.is_redirect}
    assert redirect_specs == {
        "feed": ObjectSpec(key="feed", path=None, size=0, md5=EMPTY_MD5, etag=EMPTY_MD5,
                           headers=ObjectHeaders(content_type="text/html; charset=utf-8",
                                                 cache_control="max-age=300",
                                                 redirect="https://example.com/feed")),
        "feed/index.html": ObjectSpec(key="feed/index.html", path=None, size=0, md5=EMPTY_MD5, etag=EMPTY_MD5,
                                      headers=ObjectHeaders(content_type="text/html; charset=utf-8",
                                                            cache_control="max-age=300",
                                                            redirect="https://example.com/feed")),
        "old/index.html": ObjectSpec(key="old/index.html", path=None, size=0, md5=EMPTY_MD5, etag=EMPTY_MD5,
                                     headers=ObjectHeaders(content_type="text/html; charset=utf-8",
                                                           cache_control="max-age=300",
                                                           redirect="/blog/post/")),
    }
    assert not specs["old/index.html"].is_html
    assert specs["index.html"].is_html


def test_keys_are_sorted_with_files_and_redirects_together(built: Path) -> None:
    specs = local_specs(scan_site(built), {"/blog/old.html": "/blog/post/"}, (), prefix="p")
    assert list(specs) == sorted(specs)
    assert "p/blog/old.html" in specs


def test_header_rules_match_the_key_without_the_prefix(built: Path) -> None:
    rules = (HeaderRule(glob="blog/**", cache_control="no-cache"),
             HeaderRule(glob="site/**", cache_control="never-applied"))
    specs = local_specs(scan_site(built), {}, rules, prefix="/site/")
    assert specs["site/blog/post/index.html"].headers.cache_control == "no-cache"
    assert specs["site/index.html"].headers.cache_control == "public, max-age=0, must-revalidate"


def test_a_rule_that_makes_a_file_html_makes_it_a_page(built: Path) -> None:
    (built / "legacy.php").write_bytes(b"<p>legacy</p>")
    rules = (HeaderRule(glob="*.php", content_type="text/html; charset=utf-8"),)
    assert local_specs(scan_site(built), {}, rules)["legacy.php"].is_html


def test_a_redirect_that_would_replace_a_file_stops_before_anything_is_planned(built: Path) -> None:
    with pytest.raises(DeployError) as raised:
        local_specs(scan_site(built), {"/blog/post/": "/"}, (), prefix="site/")
    assert raised.value.render() == (
        "the redirect object blog/post/index.html → / would replace the file blog/post/index.html"
        " — remove the redirect or the page it points away from")


def test_a_bad_redirect_target_is_refused(built: Path) -> None:
    with pytest.raises(DeployError, match="the target must start with `/` or `http\\(s\\)://`"):
        local_specs(scan_site(built), {"/old/": "ftp://example.com/"}, ())


@pytest.mark.parametrize(("prefix", "first_key"), [
    ("", "assets/app.3f9a2b1c.js"), ("/", "assets/app.3f9a2b1c.js"), ("blog", "blog/assets/app.3f9a2b1c.js"),
    ("/a/b/", "a/b/assets/app.3f9a2b1c.js"),
])
def test_the_prefix_is_normalised_to_end_with_one_slash(built: Path, prefix: str, first_key: str) -> None:
    assert next(iter(local_specs(scan_site(built), {}, (), prefix=prefix))) == first_key


@pytest.mark.parametrize("prefix", ["a/../b", "a//b", "./a"])
def test_a_prefix_with_dot_dot_or_empty_segments_is_refused(built: Path, prefix: str) -> None:
    with pytest.raises(DeployError, match="has an empty, `.` or `..` segment"):
        local_specs(scan_site(built), {}, (), prefix=prefix)


def test_a_bad_rule_is_reported_even_when_it_matches_no_file(built: Path) -> None:
    rules = (HeaderRule(glob="nothing/**", metadata={"bad name": "x"}),)
    with pytest.raises(ConfigError, match='metadata "bad name" is not a header name'):
        local_specs(scan_site(built), {}, rules)
