"""Machine-read outputs: the Atom feeds, ``sitemap.xml`` and ``robots.txt``. Pure functions → bytes.

They are written with ElementTree (never templates) so they are well-formed whatever a title contains, and
they are deterministic: a feed's ``<updated>`` is its newest entry's date, never the build time, so an
unchanged site rebuilds to the same bytes and uploads nothing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sitepush.builder.urls import join_url

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FeedEntry:
    """One page as a feed shows it."""

    title: str
    url: str
    date: datetime
    updated: datetime | None
    summary: str
    """Plain text."""
    content_html: str
    author: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class SitemapEntry:
    """One URL of the sitemap."""

    url: str
    lastmod: datetime | None


def _rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def atom_feed(*, title: str, base_url: str, feed_url: str, page_url: str, language: str,
              author: str, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of ``entries``, newest first; URLs are site paths."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": language})
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = join_url(base_url, page_url)
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"href": join_url(base_url, page_url)})
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": "self", "href": join_url(base_url, feed_url)})
    newest = max((e.updated or e.date for e in entries), default=EPOCH)
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = _rfc3339(newest)
    if author:
        ET.SubElement(ET.SubElement(feed, f"{{{ATOM_NS}}}author"), f"{{{ATOM_NS}}}name").text = author
    ET.SubElement(feed, f"{{{ATOM_NS}}}generator").text = "sitepush"
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        link = join_url(base_url, entry.url)
        ET.SubElement(item, f"{{{ATOM_NS}}}title").text = entry.title
        ET.SubElement(item, f"{{{ATOM_NS}}}link", {"href": link, "rel": "alternate"})
        ET.SubElement(item, f"{{{ATOM_NS}}}id").text = link
        ET.SubElement(item, f"{{{ATOM_NS}}}published").text = _rfc3339(entry.date)
        ET.SubElement(item, f"{{{ATOM_NS}}}updated").text = _rfc3339(entry.updated or entry.date)
        if entry.author and entry.author != author:
            ET.SubElement(ET.SubElement(item, f"{{{ATOM_NS}}}author"),
                          f"{{{ATOM_NS}}}name").text = entry.author
        for category in entry.categories:
            ET.SubElement(item, f"{{{ATOM_NS}}}category", {"term": category})
        if entry.summary:
            ET.SubElement(item, f"{{{ATOM_NS}}}summary").text = entry.summary
        # xml:base makes the page's relative links and images resolve inside feed readers.
        ET.SubElement(item, f"{{{ATOM_NS}}}content", {"type": "html", "xml:base": link}
                      ).text = entry.content_html
    return _serialise(feed)


def sitemap(base_url: str, entries: Sequence[SitemapEntry]) -> bytes:
    """``sitemap.xml`` (sitemaps.org 0.9) listing ``entries`` in the order given."""
    ET.register_namespace("", SITEMAP_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        node = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(node, f"{{{SITEMAP_NS}}}loc").text = join_url(base_url, entry.url)
        if entry.lastmod is not None:
            ET.SubElement(node, f"{{{SITEMAP_NS}}}lastmod").text = _rfc3339(entry.lastmod)
    return _serialise(urlset)


def robots_txt(base_url: str) -> bytes:
    """Allow everything and point crawlers at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {join_url(base_url, '/sitemap.xml')}\n".encode()


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
