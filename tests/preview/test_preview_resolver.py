"""The S3 website rules as a pure function: no server, a dictionary of objects."""

from __future__ import annotations

from sitepush.config import RoutingRule, WebsiteConfig
from sitepush.preview.website import Answer, StoredObject, answer, request_key
from sitepush.syncer.model import ObjectHeaders

HTML = ObjectHeaders(content_type="text/html; charset=utf-8", cache_control="public, max-age=0")


def obj(key: str, redirect: str | None = None) -> StoredObject:
    headers = ObjectHeaders(content_type="text/html; charset=utf-8", redirect=redirect) if redirect else HTML
    return StoredObject(key=key, etag="e" * 32, size=0 if redirect else 10, headers=headers,
                        last_modified=1_700_000_000.0)


BUCKET = {o.key: o for o in (obj("index.html"), obj("docs/index.html"), obj("404.html"),
                             obj("old/index.html", redirect="/new/"), obj("docs/a b.html"),
                             obj("café/index.html"))}


def ask(path: str, *rules: RoutingRule, method: str = "GET", bucket: dict[str, StoredObject] = BUCKET,
        headers: dict[str, str] | None = None) -> Answer:
    return answer(method, path, headers or {}, bucket.get, WebsiteConfig(routing_rules=rules),
                  host="site.test")


def test_a_path_ending_in_a_slash_gets_the_folders_index_document() -> None:
    assert (ask("/").key, ask("/docs/").key) == ("index.html", "docs/index.html")


def test_a_folder_without_its_slash_is_sent_to_it_with_302() -> None:
    reply = ask("/docs?x=1")
    assert (reply.status, reply.header("Location"), reply.send_body) == (302, "/docs/", False)


def test_a_redirect_object_answers_301_to_its_location_even_as_an_index_document() -> None:
    assert (ask("/old/").status, ask("/old/").header("Location")) == (301, "/new/")


def test_percent_encoded_paths_name_the_decoded_key() -> None:
    assert ask("/docs/a%20b.html").key == "docs/a b.html"
    assert ask("/caf%C3%A9/").key == "café/index.html"
    assert request_key("/a%2Fb?q#f") == "a/b"


def test_a_missing_key_gets_the_error_document_with_404() -> None:
    reply = ask("/nothing")
    assert (reply.status, reply.key) == (404, "404.html")


def test_without_an_error_document_s3s_own_404_page_names_the_key() -> None:
    reply = ask("/nothing", bucket={"index.html": obj("index.html")})
    assert reply.status == 404 and reply.key is None
    assert b"NoSuchKey" in reply.body and b"nothing" in reply.body


def test_the_first_matching_routing_rule_wins_and_defaults_to_301_on_the_requests_host() -> None:
    rules = (RoutingRule(key_prefix_equals="docs/", replace_key_prefix_with="documents/"),
             RoutingRule(key_prefix_equals="docs/", replace_key_with="never.html"))
    reply = ask("/docs/a b.html", *rules)
    assert (reply.status, reply.header("Location")) == (301, "http://site.test/documents/a%20b.html")


def test_a_rule_conditioned_on_404_leaves_existing_keys_alone_and_redirects_missing_ones() -> None:
    rule = RoutingRule(http_error_code_returned_equals="404", replace_key_with="index.html",
                       host_name="www.site.test", protocol="https", http_redirect_code="307")
    assert ask("/docs/", rule).status == 200
    reply = ask("/missing.html", rule)
    assert (reply.status, reply.header("Location")) == (307, "https://www.site.test/index.html")


def test_a_prefix_rule_without_a_replacement_keeps_the_key_and_changes_host() -> None:
    rule = RoutingRule(key_prefix_equals="blog/", host_name="blog.site.test")
    assert ask("/blog/post/", rule).header("Location") == "http://blog.site.test/blog/post/"


def test_head_answers_the_get_headers_without_a_body() -> None:
    reply = ask("/", method="HEAD")
    assert (reply.status, reply.send_body, reply.header("Content-Length")) == (200, False, "10")


def test_if_none_match_with_the_etag_or_a_star_is_304() -> None:
    assert ask("/", headers={"If-None-Match": f'"{"e" * 32}"'}).status == 304
    assert ask("/", headers={"if-none-match": "*"}).status == 304
    assert ask("/", headers={"If-None-Match": '"other"'}).status == 200


def test_other_methods_get_405_with_allow() -> None:
    reply = ask("/", method="DELETE")
    assert (reply.status, reply.header("Allow")) == (405, "GET, HEAD")
