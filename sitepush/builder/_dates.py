"""Dates as authors write them in front matter and file names, turned into timezone-aware datetimes.

YAML and TOML already hand over ``date``/``datetime`` values; strings come from quoted YAML, JSON and
MultiMarkdown meta, and file names carry Jekyll/Zola-style prefixes (``2016-10-08_post.md``). Every
result is timezone-aware: a value without an offset is read in the site's time zone.

A string date is read the way the tool the site came from reads it (pinned by
tests/builder/test_date_formats.py, whose table was made with Ruby's ``Time.parse`` and Hugo's list):

- ISO 8601 / RFC 3339 and the space-separated forms (``2016-10-08 10:00:00 +0200``), as before;
- Ruby's ``Time.parse`` (Jekyll): the leading date and time, the zone written right after the time
  (``-0800``, ``Z``, ``UTC``, ``PST``…), and whatever follows ignored — ``2023-01-29 18:30:22 2023
  -0800`` is 18:30:22 in the site's zone, as Ruby reads it (the ``-0800`` is not next to the time);
- Hugo's (spf13/cast) layouts: RFC 1123/822/850, ANSIC, Unix and Ruby dates, ``02 Jan 2006`` (and
  Ruby's ``January 2, 2006``); a zone name is read as Ruby reads it (``GMT`` is +0000, where Hugo keeps
  the wall clock in the site's zone); the MkDocs date plugins' ISO forms are the first case.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

_DATE_STRING_RE = re.compile(
    r"""
    (?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})
    (?:
        (?:[Tt]|[ \t]+)
        (?P<hour>\d{1,2}):(?P<minute>\d{2})
        (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?
        [ \t]*
        (?P<offset>[Zz]|UTC|[+-]\d{2}(?::?\d{2})?)?
    )?
    """,
    re.VERBOSE,
)

# The separator after the date is required so that a folder named "2018" or a page named
# "2016-10-08" keeps its whole name.
_FILENAME_DATE_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[_-](?P<rest>.+)")


def aware_datetime(value: date | datetime, tz: tzinfo) -> datetime:
    """A date becomes midnight in ``tz``; a naive datetime is read in ``tz``; an aware one is kept."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return datetime(value.year, value.month, value.day, tzinfo=tz)


def _offset(text: str) -> tzinfo | None:
    if text in ("Z", "z", "UTC"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date_string(text: str, tz: tzinfo) -> datetime | None:
    """``2016-10-08``, ``2016-10-08T10:00:00Z``, ``2016-10-08 10:00:00 +0200``… → aware datetime.

    Also Ruby's leading date-time and Hugo's layouts (see the module's docstring). None when the text
    is none of those shapes or names an impossible date (``2016-02-30``).
    """
    text = text.strip()
    match = _DATE_STRING_RE.fullmatch(text)
    if match is None:
        return _ruby_leading(text, tz) or _hugo_layout(text, tz)
    return _from_parts(match.groupdict(), tz)


def _from_parts(parts: dict[str, str | None], tz: tzinfo) -> datetime | None:
    assert parts["year"] and parts["month"] and parts["day"]
    try:
        if parts["hour"] is None:
            return datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]), tzinfo=tz)
        fraction = (parts["fraction"] or "")[:6].ljust(6, "0")
        zone = tz if parts["offset"] is None else _offset(parts["offset"])
        return datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]),
                        int(parts["hour"]), int(parts["minute"] or 0), int(parts["second"] or 0),
                        int(fraction), tzinfo=zone)
    except ValueError:
        return None


# Ruby's Date._parse: a date (ISO or slashes), an optional time, and a zone only when it follows the time.
_RUBY_LEADING_RE = re.compile(
    r"""
    (?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})
    (?:
        (?:[Tt]|[ \t]+)
        (?P<hour>\d{1,2}):(?P<minute>\d{2})
        (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?
        (?:[ \t]*(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?(?![\d:])|[A-Za-z]{1,5}\b))?
    )?
    (?![\d:])
    """,
    re.VERBOSE,
)
# Zone names Ruby's Time.parse knows (Date::Format::ZONES, the North American and universal ones).
_NAMED_ZONES = {
    "utc": 0, "ut": 0, "gmt": 0, "z": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5,
    "cet": 1, "cest": 2, "eet": 2, "eest": 3, "wet": 0, "west": 1, "bst": 1, "ist": 5.5, "jst": 9,
}


def _ruby_leading(text: str, tz: tzinfo) -> datetime | None:
    match = _RUBY_LEADING_RE.match(text)
    if match is None:
        return None
    parts = match.groupdict()
    offset = parts["offset"]
    if offset and offset[0] not in "+-" and offset not in ("Z", "z"):
        hours = _NAMED_ZONES.get(offset.lower())
        # An unknown word after the time is a zone Ruby cannot place: it reads the time as local.
        parts["offset"] = None
        result = _from_parts(parts, tz)
        if result is None or hours is None:
            return result
        return result.replace(tzinfo=timezone(timedelta(hours=hours)))
    return _from_parts(parts, tz)


# Hugo's date layouts (spf13/cast StringToDate) beyond ISO, as strptime formats; %z takes -0700.
_HUGO_LAYOUTS = (
    "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%a %b %d %H:%M:%S %Y",           # ANSIC
    "%a %b %d %H:%M:%S %z %Y",        # RubyDate
    "%Y-%m-%d %H:%M:%S.%f %z",
)


def _hugo_layout(text: str, tz: tzinfo) -> datetime | None:
    single = re.sub(r"\s+", " ", text)
    for layout in _HUGO_LAYOUTS:
        try:
            parsed = datetime.strptime(single, layout)
        except ValueError:
            continue
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    # UnixDate "Mon Jan _2 15:04:05 MST 2006": the zone name sits before the year.
    unix = re.fullmatch(r"(\w{3} \w{3} +\d{1,2} \d{2}:\d{2}:\d{2}) (\w{1,5}) (\d{4})", single)
    if unix is not None:
        hours = _NAMED_ZONES.get(unix.group(2).lower())
        try:
            parsed = datetime.strptime(f"{unix.group(1)} {unix.group(3)}", "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return None
        return parsed.replace(tzinfo=tz if hours is None else timezone(timedelta(hours=hours)))
    if re.match(r"(?:\w{3}, )?\d{1,2} \w{3} \d{2,4} \d{2}:\d{2}", single):  # RFC 1123 / 822 / 850
        try:
            parsed = parsedate_to_datetime(single)
        except (TypeError, ValueError, IndexError):
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    return None


def date_from_filename(stem: str, tz: tzinfo) -> tuple[datetime | None, str]:
    """Split a date prefix off a file (or bundle folder) name.

    ``"2016-10-08_post"`` → (2016-10-08 00:00 in ``tz``, ``"post"``); ``"post"`` → (None, ``"post"``).
    A prefix that is not a real date (``2016-13-40_x``) is left as part of the name.
    """
    match = _FILENAME_DATE_RE.fullmatch(stem)
    if match is None:
        return None, stem
    try:
        day = datetime(int(match["year"]), int(match["month"]), int(match["day"]), tzinfo=tz)
    except ValueError:
        return None, stem
    return day, match["rest"]
