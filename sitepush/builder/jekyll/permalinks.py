"""Where Jekyll puts a page, a post or a collection document: its permalink rules, as pure functions.

From Jekyll 4.3's ``Utils.add_permalink_suffix``, ``Configuration.style_to_permalink``,
``Page#template`` and ``Drops::UrlDrop`` (jekyllrb.com, "Permalinks"):

- built-in styles: ``date`` (the default) ``/:categories/:year/:month/:day/:title:output_ext``,
  ``pretty`` ``/:categories/:year/:month/:day/:title/``, ``ordinal`` ``/:categories/:year/:y_day/:title:output_ext``,
  ``weekdate`` ``/:categories/:year/W:week/:short_day/:title:output_ext``, ``none`` ``/:categories/:title:output_ext``;
- a page is at ``/:path/:basename`` + the style's suffix (``/`` for pretty and templates ending in ``/``,
  ``.html`` otherwise); an ``index`` page is at its folder; a front-matter ``permalink`` wins;
- a collection document is at the collection's ``permalink`` or ``/:collection/:path`` + the suffix;
- ``:title`` is the slug as written (case kept), ``:slug`` and ``:name`` are slugified, ``:categories``
  are lower-cased and joined with ``/``; empty parts and doubled slashes collapse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

_PLACEHOLDER_RE = re.compile(r":([a-z_]+)")
_SLUG_DEFAULT_RE = re.compile(r"[\W_]+", re.UNICODE)          # Utils.slugify mode "default": [^\p{L}\p{M}\p{Nd}]+
_SLUG_PRETTY_RE = re.compile(r"[^\w._~!$&'()+,;=@]+", re.UNICODE)  # mode "pretty"


def style_template(permalink: str | None) -> str:
    """A ``permalink:`` setting as a template: a style name gives its template, a template is kept."""
    value = (permalink or "date").strip()
    return STYLES.get(value, value)


def suffix_of(permalink: str | None) -> str:
    """What a page's or collection's ``/:path/:basename`` gets from the site style: ``/``, ``.html`` or nothing."""
    value = (permalink or "date").strip()
    if value == "pretty":
        return "/"
    if value in ("date", "ordinal", "none", "weekdate"):
        return ":output_ext"
    if value.endswith("/"):
        return "/"
    if value.endswith(":output_ext"):
        return ":output_ext"
    return ""


def jekyll_slugify(text: str, mode: str = "default", *, cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify``: runs of other characters become one ``-``, ends trimmed."""
    text = unicodedata.normalize("NFC", text)
    if mode == "raw":
        slug = re.sub(r"\s+", "-", text)
    elif mode == "pretty":
        slug = _SLUG_PRETTY_RE.sub("-", text)
    else:
        slug = _SLUG_DEFAULT_RE.sub("-", text)
    slug = slug.strip("-")
    return slug if cased else slug.lower()


@dataclass(frozen=True)
class UrlParts:
    """The values a permalink template's placeholders take for one document."""

    path: str
    """The source's folder and name without extension, relative to its collection (``/docs/x``)."""
    basename: str
    collection: str = ""
    slug: str | None = None
    """Front-matter ``slug`` (posts: the file name's slug unless front matter gives one)."""
    categories: tuple[str, ...] = ()
    date: datetime | None = None
    """In the site's time zone already."""
    output_ext: str = ".html"


def expand(template: str, parts: UrlParts) -> str:
    """A permalink template filled in with ``parts``; what Jekyll's ``URL#to_s`` makes of it."""
    values = _values(parts)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        # The longest placeholder name that is known: ":title:output_ext" and ":titlefoo" differ.
        for end in range(len(name), 0, -1):
            if name[:end] in values:
                return values[name[:end]] + name[end:]
        return match.group(0)

    url = _PLACEHOLDER_RE.sub(fill, template)
    url = re.sub(r"/{2,}", "/", url)  # Jekyll's URL#sanitize_url: no doubled slashes, one leading slash
    url = url.replace("/./", "/")
    return url if url.startswith("/") else "/" + url


def _values(parts: UrlParts) -> dict[str, str]:
    title = jekyll_slugify(parts.slug or parts.basename, "pretty", cased=True)
    values = {
        "path": parts.path,
        "basename": parts.basename,
        "collection": parts.collection,
        "output_ext": parts.output_ext,
        "title": title,
        "slug": jekyll_slugify(parts.slug or parts.basename),
        "name": jekyll_slugify(parts.basename),
        "categories": "/".join(dict.fromkeys(c.lower() for c in parts.categories)),
    }
    if parts.date is not None:
        stamp = parts.date
        iso_year, iso_week, iso_day = stamp.isocalendar()
        values.update({
            "year": f"{stamp.year:04d}", "month": f"{stamp.month:02d}", "day": f"{stamp.day:02d}",
            "i_month": str(stamp.month), "i_day": str(stamp.day), "short_year": f"{stamp.year % 100:02d}",
            "y_day": f"{stamp.timetuple().tm_yday:03d}", "hour": f"{stamp.hour:02d}",
            "minute": f"{stamp.minute:02d}", "second": f"{stamp.second:02d}",
            "short_month": stamp.strftime("%b"), "long_month": stamp.strftime("%B"),
            "short_day": stamp.strftime("%a"), "long_day": stamp.strftime("%A"),
            "w_year": str(iso_year), "week": f"{iso_week:02d}", "w_day": str(iso_day),
        })
    return values


def page_template(rel: str, *, site_permalink: str | None, html: bool = True) -> str:
    """The template of a plain page (not in a collection), before a front-matter ``permalink``."""
    name = rel.rpartition("/")[2]
    if not html:
        return "/:path/:basename:output_ext"
    if name.rsplit(".", 1)[0] == "index":
        return "/:path/"
    return "/:path/:basename" + suffix_of(site_permalink)


def collection_template(permalink: str | None, *, site_permalink: str | None) -> str:
    """A collection's documents' template: its own ``permalink`` or ``/:collection/:path`` + the suffix."""
    return style_template(permalink) if permalink else "/:collection/:path" + suffix_of(site_permalink)


def site_url(jekyll_url: str) -> str:
    """Jekyll's URL as a sitepush site path: ``/a.html`` and ``/a/`` stay; ``/a`` (served as ``a.html``
    by Jekyll) becomes ``/a/``, except ``/404``, the error document ``404.html``."""
    last = jekyll_url.rsplit("/", 1)[-1]
    if jekyll_url == "/404":
        return "/404.html"
    if last and "." not in last:
        return jekyll_url + "/"
    return jekyll_url
