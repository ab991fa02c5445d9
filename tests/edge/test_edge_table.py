"""The edge table: [[redirects]], page aliases and routing rules in one form, with S3's semantics kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.config import Config, Redirect, RoutingRule, WebsiteConfig, load_config
from sitepush.edge import EdgeRedirect, RedirectDecision, edge_table, untranslated_rules, viewer_request
from sitepush.errors import DeployError
from tests.fixtures.paths import REPO


def site(redirects: tuple[Redirect, ...] = (), rules: tuple[RoutingRule, ...] = ()) -> Config:
    return Config(redirects=redirects, website=WebsiteConfig(routing_rules=rules))


def test_redirects_and_aliases_become_exact_redirects_and_a_trailing_star_a_splat() -> None:
    config = site((Redirect(from_="/old/", to="/new/"), Redirect(from_="/blog/*", to="/posts/:splat")))
    table = edge_table(config, {"/old/": "/new/", "/alias/": "/page/"})
    assert table.redirects == (EdgeRedirect("/old/", "/new/", 301, "exact"),
                               EdgeRedirect("/blog/*", "/posts/:splat", 301, "splat"),
                               EdgeRedirect("/alias/", "/page/", 301, "exact"))


def test_redirects_win_over_the_same_path_in_the_build_map_as_the_builder_decides() -> None:
    table = edge_table(site((Redirect(from_="/a/", to="/b/"),)), {"/a/": "/elsewhere/"})
    assert [(r.source, r.target) for r in table.redirects] == [("/a/", "/b/")]


def test_a_non_ascii_target_is_percent_encoded_as_in_website_mode() -> None:
    table = edge_table(site((Redirect(from_="/cafe/", to="/café/"),)))
    assert table.redirects[0].target == "/caf%C3%A9/"


def test_routing_rules_translate_with_s3s_semantics() -> None:
    rules = (RoutingRule(key_prefix_equals="docs/", replace_key_prefix_with="manual/"),
             RoutingRule(key_prefix_equals="old/", replace_key_with="gone.html", http_redirect_code="302"),
             RoutingRule(key_prefix_equals="ext/", host_name="other.example", protocol="http"))
    table = edge_table(site(rules=rules))
    assert table.redirects == (EdgeRedirect("/docs/", "/manual/", 301, "prefix"),
                               EdgeRedirect("/old/*", "/gone.html", 302, "splat"),
                               EdgeRedirect("/ext/", "http://other.example/ext/", 301, "prefix"))


def test_a_rule_s3_never_reaches_and_rules_the_edge_cannot_run_are_left_out_and_named() -> None:
    first = RoutingRule(key_prefix_equals="docs/", replace_key_prefix_with="manual/")
    shadowed = RoutingRule(key_prefix_equals="docs/old/", replace_key_prefix_with="archive/")
    on_error = RoutingRule(http_error_code_returned_equals="404", host_name="old.example")
    protocol_only = RoutingRule(key_prefix_equals="x/", protocol="https")
    config = site(rules=(first, shadowed, on_error, protocol_only))
    assert [r.source for r in edge_table(config).redirects] == ["/docs/"]
    assert [rule for rule, _ in untranslated_rules(config)] == [shadowed, on_error, protocol_only]
    # S3 applies the first rule to /docs/old/x; so does the edge table (the later rule is gone).
    assert viewer_request(edge_table(config), "/docs/old/x.html") == RedirectDecision(301, "/manual/old/x.html")


def test_one_path_with_two_targets_is_one_error_naming_both() -> None:
    rules = (RoutingRule(key_prefix_equals="blog/", replace_key_prefix_with="posts/"),)
    with pytest.raises(DeployError, match=r"/blog/\* and /blog/ both claim /blog/"):
        edge_table(site((Redirect(from_="/blog/*", to="/p/:splat"),), rules))


def test_splat_in_an_exact_redirect_is_an_error_with_the_fix() -> None:
    with pytest.raises(DeployError, match="needs a `from` ending in `\\*`"):
        edge_table(site((Redirect(from_="/blog/", to="/posts/:splat"),)))


def test_example_sites_table_holds_its_redirect() -> None:
    config = load_config(Path(REPO / "example-site"))
    table = edge_table(config)
    assert EdgeRedirect("/getting-started/", "/docs/quick-start/", 301, "exact") in table.redirects
    assert (table.index_document, table.error_document) == ("index.html", "404.html")
