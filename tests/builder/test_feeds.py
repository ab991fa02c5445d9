"""Atom feeds, sitemap and robots.txt: well-formed, absolute URLs, deterministic bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from sitepush.builder.feeds import FeedEntry, SitemapEntry, atom_feed, robots_txt, sitemap

A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TZ = timezone(timedelta(hours=2))


def entry(title: str, day: int, updated: datetime | None = None) -> FeedEntry:
    return FeedEntry(title=title, url=f"/blog/{day}/", date=datetime(2025, 1, day, 9, tzinfo=TZ),
                     updated=updated, summary="plain <b>text</b>",
                     content_html='<p>Hi <img src="a.png"></p>', author="Ann", categories=("s3",))


def test_atom_feed_is_well_formed_with_absolute_links_and_escaped_text() -> None:
    data = atom_feed(title="Notes & <more>", base_url="https://example.com/", feed_url="/feed.xml",
                     page_url="/", language="en", author="Ann",
                     entries=[entry("Second", 2), entry("First", 1)])
    root = ET.fromstring(data)
    assert root.find(f"{A}title").text == "Notes & <more>"  # type: ignore[union-attr]
    assert root.find(f"{A}updated").text == "2025-01-02T09:00:00+02:00"  # type: ignore[union-attr]
    self_link = [l.get("href") for l in root.findall(f"{A}link") if l.get("rel") == "self"]
    assert self_link == ["https://example.com/feed.xml"]
    items = root.findall(f"{A}entry")
    assert [i.find(f"{A}title").text for i in items] == ["Second", "First"]  # type: ignore[union-attr]
    content = items[0].find(f"{A}content")
    assert content is not None and content.get("type") == "html"
    assert content.get("{http://www.w3.org/XML/1998/namespace}base") == "https://example.com/blog/2/"
    assert content.text == '<p>Hi <img src="a.png"></p>'


def test_feed_updated_is_the_newest_entry_not_the_build_time() -> None:
    late = datetime(2025, 3, 1, tzinfo=timezone.utc)
    one = atom_feed(title="t", base_url="https://e.com", feed_url="/feed.xml", page_url="/",
                    language="en", author="", entries=[entry("x", 1, updated=late)])
    two = atom_feed(title="t", base_url="https://e.com", feed_url="/feed.xml", page_url="/",
                    language="en", author="", entries=[entry("x", 1, updated=late)])
    assert one == two
    assert b"<updated>2025-03-01T00:00:00+00:00</updated>" in one


def test_sitemap_lists_absolute_urls_with_lastmod_when_known() -> None:
    root = ET.fromstring(sitemap("https://example.com", [
        SitemapEntry("/", None), SitemapEntry("/blog/x/", datetime(2025, 1, 1, tzinfo=timezone.utc))]))
    urls = [(u.find(f"{S}loc").text, getattr(u.find(f"{S}lastmod"), "text", None))  # type: ignore[union-attr]
            for u in root.findall(f"{S}url")]
    assert urls == [("https://example.com/", None),
                    ("https://example.com/blog/x/", "2025-01-01T00:00:00+00:00")]


def test_robots_points_at_the_sitemap() -> None:
    assert robots_txt("https://example.com/") == (
        b"User-agent: *\nAllow: /\n\nSitemap: https://example.com/sitemap.xml\n")
