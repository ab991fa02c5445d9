"""sitepush.toml checks that depend on `[cloudfront] origin`: what S3's website endpoint cannot do is refused
in website mode, at its line, with the fix; private mode answers it at the edge."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.config import MAX_ROUTING_RULES, parse_config
from sitepush.errors import ConfigError

PRIVATE = '[domain]\nname = "example.com"\n[cloudfront]\nenabled = true\norigin = "private"\n'


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, root=Path("/site"))
    assert caught.value.exit_code == 1
    return caught.value.render().splitlines()


def routing_rules(count: int) -> str:
    return "".join(f'[[website.routing_rules]]\nkey_prefix_equals = "old{i}/"\nreplace_key_prefix_with = "new{i}/"\n'
                   for i in range(count))


def test_more_routing_rules_than_s3_accepts_are_refused_in_website_mode_at_the_first_one_too_many() -> None:
    assert problems_of(routing_rules(MAX_ROUTING_RULES + 1)) == [
        f"sitepush.toml:{3 * MAX_ROUTING_RULES + 1}: 51 routing rules; S3 accepts at most 50 — merge rules with a "
        'common prefix, use [[redirects]] objects instead, or answer them at the edge with '
        '[cloudfront] origin = "private"']
    assert len(parse_config(routing_rules(MAX_ROUTING_RULES), root=Path("/site")).website.routing_rules) == 50


def test_in_private_mode_routing_rules_are_edge_redirects_and_s3s_limit_does_not_apply() -> None:
    config = parse_config(PRIVATE + routing_rules(120), root=Path("/site"))
    assert len(config.website.routing_rules) == 120


def test_a_splat_redirect_in_website_mode_is_refused_at_its_line_naming_private_mode() -> None:
    text = '[[redirects]]\nfrom = "/old/"\nto = "/new/"\n[[redirects]]\nfrom = "/blog/*"\nto = "/posts/:splat"\n'
    assert problems_of(text) == [
        'sitepush.toml:5: `redirects[1].from` "/blog/*" is a splat, which only the CloudFront Function answers — '
        'set [cloudfront] enabled = true and origin = "private", or list each path as its own redirect']
    # origin = "private" without CloudFront is still the website mode: the deploy would make the object
    assert len(problems_of('[cloudfront]\norigin = "private"\n' + text)) == 1


def test_a_splat_redirect_in_private_mode_is_an_edge_redirect() -> None:
    from sitepush.edge import edge_table

    config = parse_config(PRIVATE + '[[redirects]]\nfrom = "/blog/*"\nto = "/posts/:splat"\n', root=Path("/site"))
    assert [(r.source, r.kind) for r in edge_table(config).redirects] == [("/blog/*", "splat")]


@pytest.mark.parametrize(("table", "line"), [
    ('[cloudfront.headers]\n"X-Extra" = "1"\n"Strict-Transport-Security" = "includeSubDomains; preload"\n', 5),
    ('headers = { "Strict-Transport-Security" = "max-age=soon" }\n', 3),
])
def test_strict_transport_security_without_a_max_age_is_refused_at_its_line(table: str, line: int) -> None:
    value = "includeSubDomains; preload" if "preload" in table else "max-age=soon"
    assert problems_of('[cloudfront]\nenabled = true\n' + table) == [
        f'sitepush.toml:{line}: `cloudfront.headers` "Strict-Transport-Security" = "{value}" has no max-age — '
        'write e.g. "max-age=63072000; includeSubDomains"']


def test_strict_transport_security_with_a_max_age_in_any_case_is_accepted() -> None:
    from sitepush.config import hsts_max_age

    config = parse_config('[cloudfront.headers]\n"strict-transport-security" = "Max-Age=600; preload"\n',
                          root=Path("/site"))
    assert hsts_max_age(config.cloudfront.headers["strict-transport-security"]) == 600
