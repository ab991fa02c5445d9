"""Dates as authors write them in front matter and file names, turned into timezone-aware datetimes.

YAML and TOML already hand over ``date``/``datetime`` values; strings come from quoted YAML, JSON and
MultiMarkdown meta, and file names carry Jekyll/Zola-style prefixes (``2016-10-08_post.md``). Every
result is timezone-aware: a value without an offset is read in the site's time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

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

    None when the text is not one of those shapes or names an impossible date (``2016-02-30``).
    """
    match = _DATE_STRING_RE.fullmatch(text.strip())
    if match is None:
        return None
    parts = match.groupdict()
    try:
        if parts["hour"] is None:
            return datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]), tzinfo=tz)
        fraction = (parts["fraction"] or "")[:6].ljust(6, "0")
        zone = tz if parts["offset"] is None else _offset(parts["offset"])
        return datetime(int(parts["year"]), int(parts["month"]), int(parts["day"]),
                        int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0),
                        int(fraction), tzinfo=zone)
    except ValueError:
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
