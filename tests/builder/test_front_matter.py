"""Front matter: splitting a source into data and body, the errors a user sees, and what each key means."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitepush.builder.frontmatter import (
    MAX_FRONT_MATTER_BYTES,
    date_from_filename,
    page_meta,
    parse_front_matter,
)
from sitepush.builder.model import FrontMatter, PageKind, PageMeta, SourceFile
from sitepush.errors import BuildError
from tests.fixtures.paths import corpus_dir

PARIS = ZoneInfo("Europe/Paris")
DISPLAY = "content/x.md"


def parsed(text: str | bytes) -> FrontMatter:
    return parse_front_matter(text.encode() if isinstance(text, str) else text, DISPLAY)


def error_of(text: str | bytes) -> str:
    with pytest.raises(BuildError) as caught:
        parsed(text)
    return caught.value.render()


def source(rel: str, kind: PageKind = PageKind.PAGE, lang: str | None = None) -> SourceFile:
    return SourceFile(rel=rel, path=Path("/site/content") / rel, kind=kind, lang=lang)


def meta_of(text: str, rel: str = "blog/x.md", *, tz: ZoneInfo = PARIS, lang: str | None = None) -> PageMeta:
    display = f"content/{rel}"
    front = parse_front_matter(text.encode(), display)
    return page_meta(front, source(rel, lang=lang), tz=tz, display=display)


def meta_error_of(text: str, rel: str = "x.md") -> str:
    with pytest.raises(BuildError) as caught:
        meta_of(text, rel)
    return caught.value.render()


# --- splitting ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "data", "body", "body_line", "fmt"), [
    ("---\ntitle: Hi\n---\nBody\n", {"title": "Hi"}, "Body\n", 4, "yaml"),
    ("---  \ntitle: Hi\n...\nBody", {"title": "Hi"}, "Body", 4, "yaml"),
    ("---\n---\n\nBody\n", {}, "\nBody\n", 3, "yaml"),
    ("---\n# only a comment\n---\n", {}, "", 4, "yaml"),
    ("+++\ntitle = 'Hi'\n+++\nBody\n", {"title": "Hi"}, "Body\n", 4, "toml"),
    ("+++\n+++\n", {}, "", 3, "toml"),
    ('{\n  "title": "Hi",\n  "tags": ["a"]\n}\nBody\n', {"title": "Hi", "tags": ["a"]}, "Body\n", 5, "json"),
    ('{ "title": "Hi"\n}\n', {"title": "Hi"}, "", 3, "json"),
    ("title: Admonition\nAuthors: Ann\n    Bob\n\n# Body\n", {"title": "Admonition", "authors": "Ann\nBob"},
     "# Body\n", 5, "meta"),
    ("title: Only meta", {"title": "Only meta"}, "", 2, "meta"),
    ("# Just Markdown\n", {}, "# Just Markdown\n", 1, None),
    ("{{< note >}}\nHugo shortcode first\n", {}, "{{< note >}}\nHugo shortcode first\n", 1, None),
    ("https://example.com\n\ntext\n", {}, "https://example.com\n\ntext\n", 1, None),
    ("Note: this is prose\nthat goes on\n\n", {}, "Note: this is prose\nthat goes on\n\n", 1, None),
    ("", {}, "", 1, None),
])
def test_each_front_matter_shape_splits_into_data_body_and_body_line(
        text: str, data: dict[str, Any], body: str, body_line: int, fmt: str | None) -> None:
    front = parsed(text)
    assert (dict(front.data), front.body, front.body_line, front.format) == (data, body, body_line, fmt)


@pytest.mark.parametrize("raw", [
    b"---\r\ntitle: Hi\r\n---\r\nBody\r\n",
    b"---\rtitle: Hi\r---\rBody\r",
    b"\xef\xbb\xbf---\ntitle: Hi\n---\nBody\n",
])
def test_crlf_cr_and_byte_order_mark_are_normalised_before_splitting(raw: bytes) -> None:
    front = parsed(raw)
    assert (dict(front.data), front.body, front.body_line) == ({"title": "Hi"}, "Body\n", 4)


def test_yaml_keys_are_kept_as_written_even_when_yaml_would_read_a_boolean_or_number() -> None:
    assert dict(parsed("---\non: a\nyes: b\n2024: c\n---\n").data) == {"on": "a", "yes": "b", "2024": "c"}


def test_yaml_anchors_aliases_and_merge_keys_within_bounds_still_work() -> None:
    front = parsed("---\nbase: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\ncopy: *b\n---\n")
    assert dict(front.data) == {"base": {"x": 1, "y": 2}, "other": {"x": 1, "y": 3}, "copy": {"x": 1, "y": 2}}


@pytest.mark.parametrize(("text", "lines"), [
    ("---\ntitle: T\ntaxonomies:\n  tags: [a]\n---\n", {("title",): 2, ("taxonomies",): 3,
                                                       ("taxonomies", "tags"): 4}),
    ("+++\ntitle = 'T'\n\n[taxonomies]\ntags = ['a']\n+++\n", {("title",): 2, ("taxonomies",): 4,
                                                             ("taxonomies", "tags"): 5}),
    ('{\n"title": "T",\n"taxonomies": {\n  "tags": ["a"]}\n}\n', {("title",): 2, ("taxonomies",): 3,
                                                                ("taxonomies", "tags"): 4}),
    ("title: T\ndate: 2024-01-01\n\n", {("title",): 1, ("date",): 2}),
])
def test_key_lines_are_source_lines_of_the_top_two_levels(text: str, lines: dict[Any, int]) -> None:
    assert dict(parsed(text).key_lines) == lines


# --- errors a user sees ---------------------------------------------------------------------------

YAML_FIX = " — fix the YAML between the --- lines"


@pytest.mark.parametrize(("raw", "message"), [
    ("---\ntitle: x\n",
     "content/x.md:1: front matter opened with --- is never closed — add a closing --- line"),
    ("---",
     "content/x.md:1: front matter opened with --- is never closed — add a closing --- line"),
    ("+++\ntitle = 'x'\n",
     "content/x.md:1: front matter opened with +++ is never closed — add a closing +++ line"),
    ('{\n"title": "x"\n',
     "content/x.md:1: front matter opened with { is never closed — add a closing } line"),
    ("---\ntitle: x\ndescription: a: b\n---\n",
     "content/x.md:3: invalid front matter: mapping values are not allowed in this context" + YAML_FIX),
    ("---\ntitle: x\ntags: [a, b\n---\n",
     "content/x.md:3: invalid front matter: did not find expected ',' or ']' (while parsing a flow sequence)"
     + YAML_FIX),
    ("---\ntitle: x\n\tdraft: true\n---\n",
     "content/x.md:3: invalid front matter: found a tab character that violates indentation" + YAML_FIX),
    ("---\na: !!python/object/apply:os.system ['ls']\n---\n",
     ("content/x.md:2: invalid front matter: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'" + YAML_FIX)),
    ("---\ntitle: x\x07\n---\n",
     ("content/x.md:2: invalid front matter: unacceptable character #x0007: control characters are not "
     "allowed" + YAML_FIX)),
    ("---\ntitle: x\ndate: 2016-02-30\n---\n",
     ('content/x.md:3: invalid front matter: "2016-02-30" is not a real date (day is out of range for '
     "month) — fix the date between the --- lines")),
    ("+++\ntitle = 'x'\ndate = \nweight = 1\n+++\n",
     "content/x.md:3: invalid front matter: Invalid value — fix the TOML between the +++ lines"),
    ('{\n"title": "x",\n}\n',
     ("content/x.md:3: invalid front matter: Expecting property name enclosed in double quotes — fix the "
     "JSON between the { and } lines")),
    ("---\n- a\n- b\n---\n",
     ("content/x.md:2: front matter must be key: value pairs, not a list — write one `key: value` per "
     "line, e.g. `title: My page`")),
    ("---\n\njust text\n---\n",
     ("content/x.md:3: front matter must be key: value pairs, not a single value — write one `key: value` "
     "per line, e.g. `title: My page`")),
    ("---\n? [a, b]\n: c\n---\n",
     "content/x.md:2: front matter keys must be plain names — write `name: value`"),
    (b"---\ntitle: caf\xe9\n---\n", "content/x.md:2: is not valid UTF-8 — save the file as UTF-8"),
    (b"a\r\nb\r\nc\xff", "content/x.md:3: is not valid UTF-8 — save the file as UTF-8"),
    (b"hello\nwor\x00ld", "content/x.md:2: contains a NUL byte — is this a binary file?"),
    ("title".encode("utf-16"), "content/x.md:1: is UTF-16, not UTF-8 — save the file as UTF-8"),
])
def test_bad_front_matter_is_one_line_naming_file_line_and_fix(raw: str | bytes, message: str) -> None:
    assert error_of(raw) == message


def test_front_matter_over_256_kib_is_refused_and_just_under_is_read() -> None:
    value = "x" * (MAX_FRONT_MATTER_BYTES - len("a: ''\n"))
    assert len(parsed(f"---\na: '{value}'\n---\n").data["a"]) == len(value)
    assert error_of(f"---\na: '{value}x'\n---\n") == (
        "content/x.md:1: front matter is larger than 256 KiB — move large data out of the front matter, "
        "e.g. into the page body")


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize(("text", "message"), [
    ("---\n" + BILLION_LAUGHS + "---\n",
     ("content/x.md:7: front matter expands to more than 100000 values — remove the YAML aliases (*name) "
     "that repeat large values")),
    ("---\na: &a [*a]\n---\n", ("content/x.md:2: front matter contains itself (a YAML alias inside its own "
     "anchor) — remove the *alias that points back up")),
    ("---\n" + "".join(f"x{i}: &x{i} [{f'*x{i - 1}' if i else 1}]\n" for i in range(70)) + "---\n",
     "content/x.md:65: front matter nests deeper than 64 levels — flatten the nested lists and tables"),
    ("---\na: " + "[" * 100_000 + "]" * 100_000 + "\n---\n",
     "content/x.md:2: front matter nests deeper than 64 levels — flatten the nested lists and tables"),
    ("---\na:\n" + "- " * 100_000 + "x\n---\n",
     "content/x.md:3: front matter nests deeper than 64 levels — flatten the nested lists and tables"),
    ("+++\na = " + "[" * 5_000 + "]" * 5_000 + "\n+++\n",
     "content/x.md:2: front matter nests deeper than 64 levels — flatten the nested lists and tables"),
    ('{\n"a": ' + "[" * 100_000 + "]" * 100_000 + "\n}\n",
     "content/x.md:1: front matter nests deeper than 64 levels — flatten the nested lists and tables"),
])
def test_hostile_front_matter_is_refused_quickly_without_exhausting_memory_or_stack(
        text: str, message: str) -> None:
    started = time.perf_counter()
    assert error_of(text) == message
    assert time.perf_counter() - started < 1.0


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["---\n", "+++\n", "{\n", "title: x\n", ""]),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
       st.sampled_from(["\n---\n", "\n+++\n", "\n}\n", "\n\n", ""]))
def test_any_text_either_parses_or_raises_a_build_error(opener: str, middle: str, closer: str) -> None:
    raw = (opener + middle + closer + "body").encode()
    try:
        front = parse_front_matter(raw, DISPLAY)
        page_meta(front, source("x.md"), tz=PARIS, display=DISPLAY)
    except BuildError as error:
        assert error.render().startswith("content/x.md:")
        assert "\n" not in error.render()


# --- what keys mean -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("---\ndate: 2016-10-08\n---\n", datetime(2016, 10, 8, tzinfo=PARIS)),
    ("---\ndate: 2016-10-08T10:00:00\n---\n", datetime(2016, 10, 8, 10, tzinfo=PARIS)),
    ("---\ndate: 2016-10-08T10:00:00Z\n---\n", datetime(2016, 10, 8, 10, tzinfo=UTC)),
    ("+++\ndate = 2016-10-08\n+++\n", datetime(2016, 10, 8, tzinfo=PARIS)),
    ("+++\ndate = 2016-10-08T10:00:00\n+++\n", datetime(2016, 10, 8, 10, tzinfo=PARIS)),
    ("+++\ndate = 2016-10-08T10:00:00-05:00\n+++\n",
     datetime(2016, 10, 8, 10, tzinfo=timezone(timedelta(hours=-5)))),
    ('---\ndate: "2016-10-08"\n---\n', datetime(2016, 10, 8, tzinfo=PARIS)),
    ('---\ndate: "2016-10-08T10:00:00Z"\n---\n', datetime(2016, 10, 8, 10, tzinfo=UTC)),
    ('---\ndate: "2016-10-08T10:00:00+02:00"\n---\n',
     datetime(2016, 10, 8, 10, tzinfo=timezone(timedelta(hours=2)))),
    ('---\ndate: "2016-10-08 10:00:00 +0200"\n---\n',
     datetime(2016, 10, 8, 10, tzinfo=timezone(timedelta(hours=2)))),
    ('---\ndate: "2016-10-08 10:00"\n---\n', datetime(2016, 10, 8, 10, tzinfo=PARIS)),
    ('---\ndate: "2016-10-08T10:00:00.250Z"\n---\n', datetime(2016, 10, 8, 10, 0, 0, 250000, tzinfo=UTC)),
    ('{\n"date": "2016-10-08T10:00:00.123456789-01:30"\n}\n',
     datetime(2016, 10, 8, 10, 0, 0, 123456, tzinfo=timezone(-timedelta(hours=1, minutes=30)))),
    ("date: 2016-10-08\n\n", datetime(2016, 10, 8, tzinfo=PARIS)),
    ('---\ndate: ""\n---\n', None),
    ("---\ndate:\n---\n", None),
])
def test_dates_become_aware_datetimes_and_naive_ones_use_the_site_timezone(
        text: str, expected: datetime | None) -> None:
    result = meta_of(text).date
    assert result == expected
    assert result is None or result.tzinfo == expected.tzinfo  # type: ignore[union-attr]


def test_each_date_key_and_its_spellings_fill_their_field() -> None:
    meta = meta_of("---\nlastmod: 2020-01-02\nmodified: 1999-01-01\npublishDate: 2020-01-03\n"
                   "expiry_date: 2020-01-04\n---\n")
    assert (meta.updated, meta.publish_date, meta.expiry_date) == (
        datetime(2020, 1, 2, tzinfo=PARIS), datetime(2020, 1, 3, tzinfo=PARIS),
        datetime(2020, 1, 4, tzinfo=PARIS))
    assert meta_of("+++\nupdated = 2020-01-02\npublish_date = 2020-01-03\nexpirydate = 2020-01-04\n+++\n") \
        .expiry_date == datetime(2020, 1, 4, tzinfo=PARIS)
    assert meta_of("---\nPublishDate: 2020-01-03\n---\n").publish_date == datetime(2020, 1, 3, tzinfo=PARIS)


def test_hugo_date_settings_given_as_lists_are_ignored() -> None:
    assert meta_of("---\npublishDate: [':filename', ':default']\n---\n").publish_date is None


@pytest.mark.parametrize(("rel", "expected"), [
    ("blog/2016-10-08_post.md", datetime(2016, 10, 8, tzinfo=PARIS)),
    ("blog/2016-10-08-post.markdown", datetime(2016, 10, 8, tzinfo=PARIS)),
    ("blog/2016-10-08-bundle/index.md", datetime(2016, 10, 8, tzinfo=PARIS)),
    ("blog/2016-10-08.md", None),
    ("blog/2016-13-08-post.md", None),
    ("blog/post.md", None),
])
def test_missing_date_comes_from_the_file_name_prefix(rel: str, expected: datetime | None) -> None:
    assert meta_of("", rel).date == expected


def test_front_matter_date_wins_over_the_file_name() -> None:
    assert meta_of("---\ndate: 2020-05-05\n---\n", "blog/2016-10-08_post.md").date == \
        datetime(2020, 5, 5, tzinfo=PARIS)


@pytest.mark.parametrize(("stem", "expected"), [
    ("2016-10-08_post", (datetime(2016, 10, 8, tzinfo=UTC), "post")),
    ("2016-10-08-my-post", (datetime(2016, 10, 8, tzinfo=UTC), "my-post")),
    ("post", (None, "post")),
    ("2016-02-30_post", (None, "2016-02-30_post")),
    ("2018", (None, "2018")),
])
def test_date_from_filename_splits_a_real_date_prefix(
        stem: str, expected: tuple[datetime | None, str]) -> None:
    assert date_from_filename(stem, UTC) == expected


@pytest.mark.parametrize(("text", "rel", "title"), [
    ("---\ntitle: '  Spaced  '\n---\n# Heading\n", "x.md", "Spaced"),
    ("---\ntitle: 2024\n---\n", "x.md", "2024"),
    ("---\ntitle: ''\n---\n# From *the* `body`\n", "x.md", "From the body"),
    ("Intro\n\n# [Linked](http://x) **bold** {#custom-id}\n", "x.md", "Linked bold"),
    ("```\n# not a title\n```\n\nSetext title\n============\n", "x.md", "Setext title"),
    ("<!--\n# hidden\n-->\n## Second level\n#Python-Markdown style\n", "x.md", "Python-Markdown style"),
    ("# C#\n", "x.md", "C"),  # Python-Markdown drops every trailing #, and the page's <h1> says "C"
    ("# C# #\n", "x.md", "C#"),
    ("No heading here.\n", "blog/2016-10-08_my-first_post.md", "My first post"),
    ("", "blog/a-bundle/index.md", "A bundle"),
    ("", "docs/getting-started/_index.md", "Getting started"),
    ("", "_index.md", ""),
    ("", "index.md", ""),
    ("", "blog/hello.fr.md", "Hello"),
])
def test_title_comes_from_front_matter_then_first_heading_then_file_name(
        text: str, rel: str, title: str) -> None:
    lang = "fr" if ".fr." in rel else None
    assert meta_of(text, rel, lang=lang).title == title


@pytest.mark.parametrize(("text", "draft"), [
    ("---\ndraft: true\n---\n", True), ("+++\ndraft = false\n+++\n", False), ("draft: true\n\n", True),
    ("---\ndraft: 'False'\n---\n", False), ("", False),
])
def test_draft_accepts_booleans_and_their_text(text: str, draft: bool) -> None:
    assert meta_of(text).draft is draft


@pytest.mark.parametrize(("text", "url"), [
    ("---\nurl: /about/\n---\n", "/about/"), ("---\nurl: about\n---\n", "/about"),
    ("---\npermalink: a/b.html\n---\n", "/a/b.html"), ("", None),
])
def test_url_is_a_site_path_starting_with_a_slash(text: str, url: str | None) -> None:
    assert meta_of(text).url == url


@pytest.mark.parametrize(("rel", "aliases", "expected"), [
    ("blog/x.md", "[old/, /top/, ../up, /a//b/./c.html, old/]",
     ("/blog/old/", "/top/", "/up", "/a/b/c.html")),
    ("blog/x.md", "single-old", ("/blog/single-old",)),
    ("blog/bundle/index.md", "[old/]", ("/blog/old/",)),
    ("blog/_index.md", "[old-blog/]", ("/old-blog/",)),
    ("blog/deep/x.md", "[../../top/]", ("/top/",)),  # climbing out is an error: test_build_stays_inside
])
def test_aliases_are_site_paths_and_relative_ones_sit_beside_the_page(
        rel: str, aliases: str, expected: tuple[str, ...]) -> None:
    assert meta_of(f"---\naliases: {aliases}\n---\n", rel).aliases == expected


def test_taxonomies_collect_tags_categories_and_the_taxonomies_table() -> None:
    meta = meta_of("+++\ntags = ['b', ' a ', 'b', 3, '']\ncategories = []\n\n[taxonomies]\n"
                   "tags = ['c', 'a']\nseries = 'one'\nauthors = []\n+++\n")
    assert meta.taxonomies == {"tags": ("b", "a", "3", "c"), "series": ("one",)}
    assert meta_of("---\ntags: solo\ncategories:\n---\n").taxonomies == {"tags": ("solo",)}


def test_other_scalar_fields_keep_their_meaning() -> None:
    meta = meta_of("---\nslug: something-&-else\nweight: '-3'\ndescription: Short.\nlayout: single\n"
                   "summary: Sum.\n---\n")
    assert (meta.slug, meta.weight, meta.description, meta.template, meta.summary) == (
        "something-&-else", -3, "Short.", "single.html", "Sum.")
    toml = "+++\ntemplate = 'docs.tmpl'\nlayout = 'ignored'\nweight = 7\n+++\n"
    assert meta_of(toml).template == "docs.tmpl"


def test_params_merge_params_over_extra_over_unknown_keys_with_dates_made_aware() -> None:
    meta = meta_of("---\nauthor: Loose\nkeywords: [a]\nextra:\n  author: Extra\n  when: 2020-01-01\n"
                   "params:\n  author: Params\n  nested: {on: [2021-02-03T04:05:06]}\n---\n")
    assert meta.params == {
        "author": "Params", "keywords": ["a"], "when": datetime(2020, 1, 1, tzinfo=PARIS),
        "nested": {True: [datetime(2021, 2, 3, 4, 5, 6, tzinfo=PARIS)]},
    }


def test_page_meta_accepts_a_plain_front_matter_without_key_lines() -> None:
    front = FrontMatter(data={"title": ["a"]}, body="", body_line=1, format="yaml")
    with pytest.raises(BuildError) as caught:
        page_meta(front, source("x.md"), tz=PARIS, display=DISPLAY)
    assert caught.value.render() == (
        'content/x.md:1: title must be text, not a list — write `title: "My page"`')


DATE_FIX = " — write it as 2024-05-01 or 2024-05-01T10:00:00Z"


@pytest.mark.parametrize(("text", "message"), [
    ("---\ntitle: [a, b]\n---\n",
     'content/x.md:2: title must be text, not a list — write `title: "My page"`'),
    ("+++\nweight = 1\ntitle = {a = 1}\n+++\n",
     'content/x.md:3: title must be text, not a table — write `title = "My page"`'),
    ("---\ndescription: ok\ntags: {a: 1}\n---\n",
     ('content/x.md:3: tags must be one value or a list of values, not a table — write '
     '`tags: ["python", "web"]`')),
    ("---\ncategories: [[a]]\n---\n",
     ("content/x.md:2: categories must be one value or a list of values, not a list holding a list — "
     'write `categories: ["python", "web"]`')),
    ("+++\n[taxonomies]\ntags = 'a'\nseries = {x = 1}\n+++\n",
     ("content/x.md:4: series must be one value or a list of values, not a table — write "
     '`series = ["python", "web"]`')),
    ("---\ntaxonomies: [tags]\n---\n",
     ("content/x.md:2: taxonomies must be a table of taxonomy names and terms, not a list — write e.g. "
     '`tags: ["python", "web"]` inside taxonomies')),
    ("+++\nlastmod = 10:00:00\n+++\n",
     "content/x.md:2: lastmod must be a date, not a time of day" + DATE_FIX),
    ("---\ndate: {day: 1}\n---\n", "content/x.md:2: date must be a date, not a table" + DATE_FIX),
    ("---\ndraft: maybe\n---\n",
     'content/x.md:2: draft must be true or false, not "maybe" — write `draft: true`'),
    ('{\n"draft": 1\n}\n', 'content/x.md:2: draft must be true or false, not 1 — write `"draft": true`'),
    ("---\nweight: 1.5\n---\n",
     "content/x.md:2: weight must be a whole number, not 1.5 — write `weight: 10`"),
    ("draft: true\nweight: heavy\n\n",
     'content/x.md:2: weight must be a whole number, not "heavy" — write `weight: 10`'),
    ("---\nurl: https://example.com/a/\n---\n",
     ('content/x.md:2: url must be a path on this site, not "https://example.com/a/" — write '
     '`url: "/blog/my-page/"`')),
    ("---\naliases:\n  - /ok/\n  - //evil.example/\n---\n",
     ('content/x.md:2: aliases must be paths on this site, not "//evil.example/" — write '
     '`aliases: ["/old/path/"]`')),
    ("---\nparams: 3\n---\n",
     ("content/x.md:2: params must be a table of keys, not 3 — nest its keys under it, e.g. "
     "`params: {author: Ann}`")),
])
def test_a_key_with_the_wrong_type_is_one_line_at_its_line(text: str, message: str) -> None:
    assert meta_error_of(text) == message


# --- the corpora ----------------------------------------------------------------------------------

CORPORA = ("hugo-docs", "zola-docs", "python-markdown-docs")


def corpus_source(root: Path, path: Path) -> SourceFile:
    rel = path.relative_to(root).as_posix()
    parts = path.name.split(".")
    kind = PageKind.SECTION if parts[0] == "_index" else PageKind.PAGE
    return SourceFile(rel=rel, path=path, kind=kind, lang=parts[1] if len(parts) == 3 else None)


def corpus_meta(corpus: str, rel: str) -> tuple[FrontMatter, PageMeta]:
    root = corpus_dir(corpus)
    path = root / rel
    front = parse_front_matter(path.read_bytes(), rel)
    return front, page_meta(front, corpus_source(root, path), tz=PARIS, display=rel)


@pytest.mark.slow
@pytest.mark.parametrize("corpus", CORPORA)
def test_every_markdown_file_of_each_corpus_reads_without_error(corpus: str) -> None:
    root = corpus_dir(corpus)
    paths = sorted(root.rglob("*.md"))
    for path in paths:
        rel = path.relative_to(root).as_posix()
        front = parse_front_matter(path.read_bytes(), rel)
        page_meta(front, corpus_source(root, path), tz=PARIS, display=rel)
    assert len(paths) == {"hugo-docs": 993, "zola-docs": 123, "python-markdown-docs": 38}[corpus]


def test_zola_file_with_byte_order_mark_loads_as_empty_toml() -> None:
    front, meta = corpus_meta("zola-docs", "test_site/content/hello.md")
    assert (front.format, dict(front.data), front.body_line, meta.title) == ("toml", {}, 3, "Hello")
    assert front.body.startswith("\nThis file starts with a UTF-8 BOM")


def test_zola_pages_keep_native_dates_taxonomies_drafts_and_slugs() -> None:
    _, dated = corpus_meta("zola-docs", "test_site/content/posts/2016-10-08_a-post-with-dates.md")
    assert (dated.title, dated.date) == ("A post with dates", datetime(2016, 10, 8, tzinfo=PARIS))
    _, first = corpus_meta("zola-docs", "test_site/content/rebuild/first.md")
    assert (first.date, first.weight, first.taxonomies) == (
        datetime(2017, 1, 1, tzinfo=PARIS), 10,
        {"categories": ("a-category",), "podcast_authors": ("Some Person",)})
    assert corpus_meta("zola-docs", "test_site/content/posts/draft.md")[1].draft is True
    slugged = corpus_meta("zola-docs", "test_site/content/posts/fixed-slug.md")[1]
    assert (slugged.slug, slugged.aliases) == ("something-&-else", ("/an-old-url/old-page",
                                                                    "/an-old-url/an-old-alias.html"))


def test_hugo_pages_read_expiry_dates_written_both_ways_and_nested_params() -> None:
    front, sites = corpus_meta("hugo-docs", "content/en/methods/page/Sites.md")
    assert front.data["expiryDate"] == "2028-02-18"
    assert sites.expiry_date == datetime(2028, 2, 18, tzinfo=PARIS)
    assert sites.taxonomies == {}
    assert sites.params == {"keywords": [], "functions_and_methods": {"returnType": "page.Sites",
                                                                      "signatures": ["PAGE.Sites"]}}
    assert corpus_meta("hugo-docs", "content/en/methods/page/Scratch.md")[1].expiry_date == \
        datetime(2026, 11, 18, tzinfo=PARIS)


def test_python_markdown_meta_gives_the_admonition_page_its_title() -> None:
    front, meta = corpus_meta("python-markdown-docs", "docs/extensions/admonition.md")
    assert (front.format, dict(front.data), front.body_line, meta.title) == (
        "meta", {"title": "Admonition Extension"}, 3, "Admonition Extension")
    assert front.body.startswith("Admonition\n==========\n")
    contributing = corpus_meta("python-markdown-docs", "docs/contributing.md")[1]
    assert contributing.title == "Contributing to Python-Markdown"


@pytest.mark.slow
def test_parsing_all_hugo_docs_front_matter_takes_well_under_a_second() -> None:
    root = corpus_dir("hugo-docs") / "content" / "en"
    sources = [(path.relative_to(root).as_posix(), path.read_bytes()) for path in sorted(root.rglob("*.md"))]
    started = time.perf_counter()
    for rel, raw in sources:
        parse_front_matter(raw, rel)
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"parsed {len(sources)} hugo-docs files in {elapsed_ms:.0f} ms")
    assert len(sources) == 992
    assert elapsed_ms < 1000
