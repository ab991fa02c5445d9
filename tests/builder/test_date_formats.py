"""Dates as the tool a site came from reads them: every format → the instant Jekyll or Hugo gives it.

The Ruby rows were made with Debian's ruby 3 (``TZ=America/Los_Angeles ruby -e 'require "time";
p Time.parse(s)'``): ``Time.parse`` reads the leading date and time, takes a zone only when it is
written right after the time, and ignores the rest. The Hugo rows are spf13/cast's ``StringToDate``
layouts (RFC 1123/822, ANSIC, UnixDate, RubyDate, ``02 Jan 2006``), checked with Debian's hugo 0.111
(``timeZone = "America/Los_Angeles"``, ``{{ .Date }}``) — Ruby reads every one of them the same way. Where
the two differ, a zone name other than the site's own (``GMT``, ``MST``: Hugo keeps the wall clock in the
site's zone, Ruby applies the name's offset), sitepush follows Ruby. The MkDocs date plugins write ISO.
A date that none of them reads is a warning with its line, never a stopped build (``--strict`` fails).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitepush.builder.frontmatter import page_meta, parse_date_string, parse_front_matter
from sitepush.builder.model import PageKind, PageMeta, SourceFile

LA = ZoneInfo("America/Los_Angeles")


def at(text: str) -> datetime:
    """``2016-04-19 22:30:22 -0700`` → that aware datetime (how Ruby prints a Time)."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")


DATES = [
    # Ruby Time.parse (Jekyll), with TZ=America/Los_Angeles
    ("2023-01-29 18:30:22 2023 -0800", at("2023-01-29 18:30:22 -0800")),   # the issue's date
    ("2016-04-19 22:30:22 2016 -0800", at("2016-04-19 22:30:22 -0700")),   # the zone is not next to the time
    ("2016-04-19 22:30:22 -0800", at("2016-04-19 22:30:22 -0800")),
    ("2016-04-19 22:30:22 foo -0800", at("2016-04-19 22:30:22 -0700")),    # unknown zone word: local
    ("2016-04-19 22:30:22 +0530 extra", at("2016-04-19 22:30:22 +0530")),
    ("2023-01-29 18:30:22 PST", at("2023-01-29 18:30:22 -0800")),
    ("2016-04-19 10:00:00 UTC", at("2016-04-19 10:00:00 +0000")),
    ("2023-01-29T18:30:22Z", at("2023-01-29 18:30:22 +0000")),
    ("2023-01-29 18:30:22.123 -08:00", at("2023-01-29 18:30:22 -0800").replace(microsecond=123000)),
    ("2023/01/29", at("2023-01-29 00:00:00 -0800")),
    ("2023-01-29 18:30", at("2023-01-29 18:30:00 -0800")),
    ("2016-10-08 written on a train", at("2016-10-08 00:00:00 -0700")),
    # Hugo (spf13/cast) layouts
    ("2006-01-02T15:04:05-07:00", at("2006-01-02 15:04:05 -0700")),
    ("2006-01-02T15:04:05-0700", at("2006-01-02 15:04:05 -0700")),
    ("2006-01-02T15:04:05", at("2006-01-02 15:04:05 -0800")),
    ("2006-01-02 15:04:05 -07:00", at("2006-01-02 15:04:05 -0700")),
    ("Mon, 02 Jan 2006 15:04:05 PST", at("2006-01-02 15:04:05 -0800")),
    ("Mon, 02 Jan 2006 15:04:05 -0700", at("2006-01-02 15:04:05 -0700")),
    ("02 Jan 06 15:04 -0700", at("2006-01-02 15:04:00 -0700")),
    ("Mon Jan  2 15:04:05 2006", at("2006-01-02 15:04:05 -0800")),
    ("Mon Jan  2 15:04:05 PST 2006", at("2006-01-02 15:04:05 -0800")),
    ("Mon Jan 02 15:04:05 -0700 2006", at("2006-01-02 15:04:05 -0700")),
    ("02 Jan 2006", at("2006-01-02 00:00:00 -0800")),
    ("January 2, 2006", at("2006-01-02 00:00:00 -0800")),  # Ruby's; Hugo 0.111 reads no date here
    # MkDocs date plugins (ISO)
    ("2024-03-01", at("2024-03-01 00:00:00 -0800")),
    ("2024-03-01 10:30:00", at("2024-03-01 10:30:00 -0800")),
]


@pytest.mark.parametrize(("text", "expected"), DATES, ids=[row[0] for row in DATES])
def test_every_format_the_original_tool_reads_gives_its_instant(text: str, expected: datetime) -> None:
    parsed = parse_date_string(text, LA)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["next tuesday", "2016-02-30", "20160101", "tomorrow 10:00", "1/2/2006"])
def test_what_no_tool_reads_is_not_a_date(text: str) -> None:
    assert parse_date_string(text, LA) is None


def meta(text: str, rel: str) -> PageMeta:
    front = parse_front_matter(text.encode(), f"content/{rel}")
    return page_meta(front, SourceFile(rel, Path("/s/content") / rel, PageKind.PAGE), tz=LA,
                     display=f"content/{rel}")


def test_an_unreadable_date_is_a_warning_at_its_line_and_the_file_name_date_is_used() -> None:
    result = meta("---\ntitle: x\ndate: next tuesday\n---\n", "2016-10-08-x.md")
    assert result.date == datetime(2016, 10, 8, tzinfo=LA)
    assert [w.render() for w in result.warnings] == [
        'content/2016-10-08-x.md:3: date "next tuesday" is not a date, so the page takes its file name\'s date'
        " — write it as 2024-05-01 or 2024-05-01T10:00:00Z"]


def test_an_unreadable_date_without_a_file_name_date_leaves_the_page_undated() -> None:
    result = meta("---\ndate: soon\nexpiryDate: '2024-13-01'\n---\n", "x.md")
    assert (result.date, result.expiry_date) == (None, None)
    assert [w.render().split(" — ")[0] for w in result.warnings] == [
        'content/x.md:2: date "soon" is not a date, so the page has no date',
        'content/x.md:3: expiryDate "2024-13-01" is not a date']


def test_the_issues_ruby_date_builds_in_its_own_zone() -> None:
    result = meta("---\ndate: 2023-01-29 18:30:22 2023 -0800\n---\n", "x.md")
    assert result.date == datetime(2023, 1, 29, 18, 30, 22, tzinfo=timezone(timedelta(hours=-8)))
    assert result.warnings == ()
