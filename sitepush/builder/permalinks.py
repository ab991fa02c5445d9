"""``[build.permalinks]``: a page's URL from a pattern of its top-level section, with Hugo's tokens.

Hugo ("URL management: permalinks", "Permalink tokens"): the key is a top-level section (``/`` for the
pages at the content root), the value a pattern; the tokens read here are ``:year`` ``:month`` ``:day``
(zero-padded) ``:monthname`` ``:yearday`` ``:weekday`` ``:weekdayname``, ``:section`` (the top-level
section), ``:sections`` (every section down to the page's), ``:title`` (the title, urlized), ``:slug``
(the slug, else the title), ``:filename`` (the file's name without extension, a bundle's folder name),
``:slugorfilename``, ``:contentbasename``. A page without a date gets Hugo's zero date (0001-01-01).
Section pages, a page's own ``url`` and pages of sections without a pattern keep sitepush's URLs.

Pure: the pattern and the page's fields in, a site path out (normalised: no ``..``, one slash each).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sitepush.builder.model import PageKind, SourceFile
from sitepush.builder.urls import normalise_url, slugify, strip_date_prefix

_TOKEN_RE = re.compile(r":(slugorfilename|contentbasename|weekdayname|monthname|sections|yearday|weekday|"
                       r"filename|section|title|year|month|slug|day)")


def permalink_pattern(permalinks: Mapping[str, Any], source: SourceFile) -> str | None:
    """The pattern that places ``source``, or None (its own URL rules apply)."""
    if not permalinks or source.kind is not PageKind.PAGE:
        return None
    folder = source.rel.rpartition("/")[0]
    if source.bundle:
        folder = folder.rpartition("/")[0]
    section = folder.split("/", 1)[0] if folder else "/"
    pattern = permalinks.get(section)
    return pattern if isinstance(pattern, str) else None


def _filename(source: SourceFile) -> str:
    folder, _, name = source.rel.rpartition("/")
    if source.bundle:
        return folder.rpartition("/")[2]
    stem = name.rsplit(".", 1)[0]
    if source.lang and stem.endswith("." + source.lang):
        stem = stem[:-len(source.lang) - 1]
    return stem


def expand_permalink(pattern: str, source: SourceFile, *, title: str, slug: str | None,
                     date: datetime | None) -> str:
    """The site path ``pattern`` gives the page (see the module's token table)."""
    folder = source.rel.rpartition("/")[0]
    if source.bundle:
        folder = folder.rpartition("/")[0]
    sections = [slugify(part) or part for part in folder.split("/") if part]
    filename = slugify(strip_date_prefix(_filename(source))) or "page"
    urlized_title = slugify(title) or filename
    when = date or datetime(1, 1, 1)
    values = {
        "year": f"{when.year:04d}", "month": f"{when.month:02d}", "day": f"{when.day:02d}",
        "monthname": when.strftime("%B").lower(), "yearday": str(when.timetuple().tm_yday),
        "weekday": str(when.isoweekday() % 7), "weekdayname": when.strftime("%A").lower(),
        "section": sections[0] if sections else "", "sections": "/".join(sections),
        "title": urlized_title, "slug": slugify(slug, lower=False) if slug else urlized_title,
        "filename": filename, "slugorfilename": slugify(slug, lower=False) if slug else filename,
        "contentbasename": filename,
    }
    path = _TOKEN_RE.sub(lambda match: values[match.group(1)], pattern)
    path = posixpath.normpath("/" + path.lstrip("/")) + ("/" if path.endswith("/") else "")
    return normalise_url(path)
