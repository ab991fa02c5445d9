"""sitepush.toml: every problem reported at once, each as `sitepush.toml:LINE: what — fix`."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.config import Config, load_config, parse_config
from sitepush.errors import ConfigError


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, root=Path("/site"))
    assert caught.value.exit_code == 1
    return caught.value.render().splitlines()


def test_a_site_without_sitepush_toml_gets_every_default(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path.resolve())
    assert config.build.output_dir == "_site"
    assert config.build.taxonomies == ("tags", "categories")
    assert config.deploy.max_deletes is None  # 10 % of the bucket, at least 25


def test_valid_config_is_loaded_into_frozen_dataclasses() -> None:
    config = parse_config(
        '[site]\ntitle = "Notes"\nbase_url = "https://example.com/"\n[site.params]\ncolor = "teal"\n'
        '[build]\npaginate = 5\n[[menu]]\ntitle = "Blog"\nurl = "/blog/"\n'
        '[[redirects]]\nfrom = "/old/"\nto = "/new/"\n', root=Path("/site"))
    assert config.site.title == "Notes"
    assert config.site.params == {"color": "teal"}
    assert config.build.paginate == 5
    assert config.menu[0].url == "/blog/"
    assert config.redirects[0].from_ == "/old/"
    with pytest.raises(AttributeError):
        config.site.title = "x"  # type: ignore[misc]


@pytest.mark.parametrize(("text", "expected"), [
    ('[site]\ntitel = "x"\n',
     'sitepush.toml:2: unknown key `site.titel` — did you mean `title`?'),
    ('[bulid]\n',
     'sitepush.toml:1: unknown key `bulid` — did you mean `build`?'),
    ('[site]\ntitle = 3\n',
     'sitepush.toml:2: `site.title` must be a string, not 3 (a number) — write e.g. `title = "..."`'),
    ('[build]\npaginate = "ten"\n',
     'sitepush.toml:2: `build.paginate` must be a whole number, not "ten" (a string) — '
     'write e.g. `paginate = 10`'),
    ('[build]\npretty_urls = "yes"\n',
     'sitepush.toml:2: `build.pretty_urls` must be true or false, not "yes" (a string) — '
     'write e.g. `pretty_urls = true`'),
    ('[build]\npaginate = 0\n',
     'sitepush.toml:2: `build.paginate` must be at least 1 — use e.g. 10'),
    ('[site]\nbase_url = "example.com"\n',
     'sitepush.toml:2: `site.base_url` must be an absolute http(s) URL — '
     'write e.g. `base_url = "https://example.com/"`'),
    ('[site]\ntimezone = "Mars/Olympus"\n',
     'sitepush.toml:2: `site.timezone` "Mars/Olympus" is not a known time zone — '
     'use an IANA name such as "UTC" or "Europe/Paris"'),
    ('[build]\ntaxonomies = ["Tags"]\n',
     'sitepush.toml:2: `build.taxonomies` has "Tags", not a usable name — '
     'use lower-case words such as "tags"'),
    ('[[redirects]]\nfrom = "/a/"\nto = "ftp://x"\n',
     'sitepush.toml:3: `redirects[0].to` must start with `/` or `http(s)://` — '
     'S3 website redirects accept only these'),
    ('[[redirects]]\nfrom = "/a/"\nto = "/b/"\n[[redirects]]\nfrom = "old"\nto = "/c/"\n',
     'sitepush.toml:5: `redirects[1].from` must be a path on this site starting with `/` — '
     'write e.g. `from = "/old/"`'),
    ('[[menu]]\ntitle = "Blog"\n',
     'sitepush.toml:1: `menu[0].url` is required — add `url = ...` to [menu[0]]'),
    ('[site\ntitle = "x"\n',
     "sitepush.toml:1: invalid TOML: Expected ']' at the end of a table declaration — "
     "fix the syntax (strings need quotes, tables are [name])"),
    ('[deploy]\nmax_deletes = -1\n',
     'sitepush.toml:2: `deploy.max_deletes` must be 0 or more — use e.g. 0'),
    ('[deploy]\nmultipart_threshold_mb = 4\n',
     'sitepush.toml:2: `deploy.multipart_threshold_mb` must be from 5 to 5120 '
     '(S3 parts are at least 5 MiB, one PUT at most 5 GiB) — use e.g. 64'),
    ('[deploy]\nmultipart_threshold_mb = 6000\n',
     'sitepush.toml:2: `deploy.multipart_threshold_mb` must be from 5 to 5120 '
     '(S3 parts are at least 5 MiB, one PUT at most 5 GiB) — use e.g. 64'),
    ('[[deploy.headers]]\nglob = "**"\nstorage_class = "EXPRESS_ONEZONE"\n',
     'sitepush.toml:3: `deploy.headers[0].storage_class` "EXPRESS_ONEZONE" is the storage class of S3 directory '
     'buckets, which cannot host a website — use one of: STANDARD, STANDARD_IA, ONEZONE_IA, '
     'INTELLIGENT_TIERING, REDUCED_REDUNDANCY, GLACIER_IR'),
])
def test_each_bad_value_is_one_line_with_its_line_and_fix(text: str, expected: str) -> None:
    assert problems_of(text) == [expected]


@pytest.mark.parametrize("megabytes", [5, 64, 5120])
def test_a_multipart_threshold_from_s3s_smallest_part_to_its_largest_put_is_accepted(megabytes: int) -> None:
    config = parse_config(f"[deploy]\nmultipart_threshold_mb = {megabytes}\n", root=Path("/site"))
    assert config.deploy.multipart_threshold_mb == megabytes


def test_every_problem_is_reported_together_in_line_order() -> None:
    lines = problems_of('[site]\ntitle = 1\nlanguage = 2\n[build]\npaginate = -3\nfoo = 1\n')
    assert [line.split(":")[1] for line in lines] == ["2", "3", "5", "6"]


def test_an_unknown_dotted_key_points_at_its_own_line() -> None:
    lines = problems_of('[site]\ntitle = "ok"\n\nbuild.paginate = 0\n')
    assert lines == ['sitepush.toml:4: unknown key `site.build` — '
                     'known keys here: author, base_url, description, edit_url, extra_css, extra_javascript, language, '
                     'params, timezone, title']


def test_a_config_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "sitepush.toml").write_bytes(b'[site]\ntitle = "caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.render() == "sitepush.toml:2: is not valid UTF-8 — save the file as UTF-8"


def test_a_missing_site_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope")
    assert "does not exist" in caught.value.render()
    assert "sitepush build example-site" in caught.value.render()
