"""Where a page's title is shown, so that it is shown once. Pure over the body's HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEADING_H1_RE = re.compile(r"\s*<h1(?P<attrs>[^<>]*)>(?P<inner>.*?)</h1>\s*", re.DOTALL)
_ID_ATTR_RE = re.compile(r'\bid="([^"]*)"')
_ANY_H1_RE = re.compile(r"<h1[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class PageHeading:
    """The page's one visible title: the ``<h1>`` the theme prints, and the body without a repeat."""

    inner_html: str
    """The body's leading h1, for the theme's ``<h1>``; empty when the theme prints the title."""
    id: str
    """The id the heading had in the body (its permalink and the toc point at it), or empty."""
    content: str
    """The body HTML, without the leading h1 the theme now prints."""
    in_body: bool = False
    """The body shows the title as its own h1 further down: the theme prints none."""


def page_heading(content: str, *, title_from_body: bool) -> PageHeading:
    """Decide where a page's title is shown so that it is shown once.

    A body that starts with an ``<h1>`` gives the theme that heading (its markup, id and permalink)
    and loses it; a body with an h1 further down keeps it, and when the title is that h1's (no
    front-matter title: ``title_from_body``) the theme prints none; otherwise the theme prints the
    title.
    """
    leading = _LEADING_H1_RE.match(content)
    if leading is not None:
        found = _ID_ATTR_RE.search(leading["attrs"])
        return PageHeading(leading["inner"], found[1] if found else "", content[leading.end():])
    if title_from_body and _ANY_H1_RE.search(content):
        return PageHeading("", "", content, in_body=True)
    return PageHeading("", "", content)
