"""Jekyll's Liquid filters that a docs or blog site uses, as plain functions for python-liquid.

``relative_url``/``absolute_url`` (``baseurl`` and ``url`` from ``_config.yml``), ``jsonify``, ``slugify``
(Jekyll's modes), ``markdownify``, ``date_to_string`` and its kin, ``where``, ``group_by``, ``xml_escape``,
``cgi_escape``, ``uri_escape``, ``normalize_whitespace``, ``array_to_sentence_string``, ``push``/``pop``…
(jekyllrb.com, "Liquid Filters"). Liquid's own filters (``date``, ``sort``, ``map``…) are python-liquid's.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from sitepush.builder.jekyll.config import JekyllSite
from sitepush.builder.jekyll.permalinks import jekyll_slugify


def jekyll_filters(site: JekyllSite) -> dict[str, Any]:
    """Name → function of each filter, bound to the site's ``baseurl`` and ``url``."""
    baseurl = site.baseurl
    absolute = site.url + baseurl

    def relative_url(value: Any) -> str:
        path = "" if value is None else str(value)
        if re.match(r"[a-z][a-z0-9+.-]*:", path):
            return path
        return (baseurl + "/" + path.lstrip("/")) if path else (baseurl or "/")

    def absolute_url(value: Any) -> str:
        path = "" if value is None else str(value)
        if re.match(r"[a-z][a-z0-9+.-]*:", path):
            return path
        return absolute + "/" + path.lstrip("/")

    return {
        "relative_url": relative_url,
        "absolute_url": absolute_url,
        "jsonify": lambda value: json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":")),
        "inspect": lambda value: json.dumps(_plain(value), ensure_ascii=False),
        "slugify": lambda value, mode="default": jekyll_slugify(str(value or ""), str(mode)),
        "markdownify": _markdownify,
        "smartify": lambda value: "" if value is None else str(value),
        "xml_escape": lambda value: "" if value is None else html.escape(str(value), quote=True),
        "cgi_escape": lambda value: quote(str(value or ""), safe="").replace("%20", "+"),
        "uri_escape": lambda value: quote(str(value or ""), safe="/:?#[]@!$&'()*+,;=%"),
        "normalize_whitespace": lambda value: re.sub(r"\s+", " ", str(value or "")),
        "number_of_words": lambda value: len(str(value or "").split()),
        "array_to_sentence_string": _sentence,
        "date_to_string": lambda value, *a: _date(value, "%d %b %Y"),
        "date_to_long_string": lambda value, *a: _date(value, "%d %B %Y"),
        "date_to_xmlschema": lambda value: _date(value, "%Y-%m-%dT%H:%M:%S%z", colon=True),
        "date_to_rfc822": lambda value: _date(value, "%a, %d %b %Y %H:%M:%S %z"),
        "where": _where,
        "group_by": _group_by,
        "sort_natural": lambda value, key=None: sorted(value or [], key=lambda v: str(
            v.get(key) if key and isinstance(v, Mapping) else v).lower()),
        "push": lambda value, item: [*(value or []), item],
        "pop": lambda value, n=1: list(value or [])[:-int(n)],
        "shift": lambda value, n=1: list(value or [])[int(n):],
        "unshift": lambda value, item: [item, *(value or [])],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _markdownify(value: Any) -> str:
    import markdown

    return markdown.markdown("" if value is None else str(value), extensions=["tables", "attr_list"])


def _sentence(value: Any, connector: str = "and") -> str:
    items = [str(v) for v in (value or [])]
    if len(items) < 2:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {connector} {items[1]}"
    return ", ".join(items[:-1]) + f", {connector} {items[-1]}"


def _date(value: Any, layout: str, *, colon: bool = False) -> str:
    if isinstance(value, str):
        from sitepush.builder.frontmatter import parse_date_string

        parsed = parse_date_string(value, datetime.now().astimezone().tzinfo)  # type: ignore[arg-type]
        value = parsed if parsed is not None else value
    if not isinstance(value, (date, datetime)):
        return "" if value is None else str(value)
    text = value.strftime(layout)
    if colon and re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    return text


def _where(value: Any, key: str, expected: Any = None) -> list[Any]:
    found = []
    for item in value or []:
        got = item.get(key) if isinstance(item, Mapping) else None
        if isinstance(got, list):
            if expected in got or str(expected) in [str(g) for g in got]:
                found.append(item)
        elif got == expected or (got is not None and str(got) == str(expected)):
            found.append(item)
    return found


def _group_by(value: Any, key: str) -> list[dict[str, Any]]:
    groups: dict[str, list[Any]] = {}
    for item in value or []:
        got = item.get(key) if isinstance(item, Mapping) else None
        groups.setdefault("" if got is None else str(got), []).append(item)
    return [{"name": name, "items": items, "size": len(items)} for name, items in groups.items()]
