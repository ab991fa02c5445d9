"""One Jekyll source made ready for the builder: its front matter as Jekyll completes it, its body rendered.

::

    FrontMatter ── defaults (by scope path/type) ── categories/tags ── date (site zone) ── permalink
                ── Liquid (page.*, site.*) ── kramdown attribute lists ──► FrontMatter for page_meta

Jekyll's rules (``Document#populate_categories``, ``Utils.pluralized_array_from_hash``,
``FrontmatterDefaults``, ``Psych``'s time parsing):

- ``category`` (one, as written) else ``categories`` (a list, or a string split at spaces), after the
  folders above ``_posts/``; ``tag``/``tags`` likewise;
- a post's date is front matter ``date`` else its file name's; a YAML date-time without an offset is
  UTC (Psych reads it so) and every date is shown in the site's ``timezone``, which is what puts a
  post on its day in ``/:year/:month/:day/``;
- ``defaults`` apply by scope: the sets whose ``path`` holds the source and whose ``type`` (``pages``,
  ``posts``, a collection's label) fits, the more specific over the less, front matter over all;
- ``permalink`` in front matter wins over the style; ``redirect_from`` becomes the page's aliases;
  ``published: false`` is a draft; ``layout`` names a Jekyll layout, which sitepush's theme replaces,
  so it is dropped.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from sitepush.builder.frontmatter import date_from_filename, parse_date_string
from sitepush.builder.jekyll.config import JekyllSite
from sitepush.builder.jekyll.kramdown import convert_attribute_lists
from sitepush.builder.jekyll.paths import POST_NAME_RE, document_collection, is_draft, path_categories
from sitepush.builder.jekyll.permalinks import UrlParts, expand, page_template, site_url
from sitepush.builder.discover import CopiedFile
from sitepush.builder.model import FrontMatter, SourceFile
from sitepush.errors import Problem, SitepushError

_renderers: dict[str, Any] = {}
"""One LiquidRenderer per site digest and process (python-liquid is imported by the first page with Liquid)."""


@dataclass(frozen=True)
class RenderedPart:
    """``post.excerpt`` or ``post.content`` of a document, rendered only when a page's Liquid prints it
    (Jekyll renders every excerpt; most sites print none). Jekyll's excerpt is the raw content up to
    ``excerpt_separator`` (front matter, else ``_config.yml``, else a blank line), rendered as the post
    is; ``stamp`` (mtime, size) makes an edited file render again in a long-lived builder. Liquid inside
    an excerpt is not rendered (left alone: it would need the page's own ``page.*``)."""

    path: str
    stamp: tuple[int, int]
    separator: str | None
    """None: the whole content (``post.content``)."""

    def __str__(self) -> str:
        return _rendered_part(self)

    def __html__(self) -> str:
        return str(self)


@lru_cache(maxsize=4096)
def _rendered_part(part: RenderedPart) -> str:
    from sitepush.builder.frontmatter import parse_front_matter

    try:
        body = parse_front_matter(Path(part.path).read_bytes(), part.path).body
    except (OSError, SitepushError):
        return ""
    if part.separator is not None:
        body = body.split(part.separator, 1)[0]
    if not part.path.lower().endswith((".md", ".markdown")):
        return body
    html: str = _excerpt_renderer().render(convert_attribute_lists(body)).html
    return html + "\n"


@lru_cache(maxsize=1)
def _excerpt_renderer() -> Any:
    from sitepush.builder.markdown_render import MarkdownRenderer

    return MarkdownRenderer()


_PRINTS_CONTENT = re.compile(rb"\{\{[^}]*\.(?:excerpt|content)\b|\{%[^%]*\.(?:excerpt|content)\b")
"""Liquid that reads another document's ``excerpt`` or ``content`` (``{{ post.excerpt }}``, a ``for``
over ``site.posts`` assigning ``post.content``)."""


def complete_front_matter(data: Mapping[str, Any], rel: str, site: JekyllSite, tz: tzinfo
                          ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(front matter as the builder reads it, ``page.*`` for Liquid) of the source at ``rel``."""
    collection = document_collection(rel, site)
    data = apply_defaults(dict(data), rel, collection or "pages", site)
    data.pop("layout", None)
    name = rel.rpartition("/")[2]
    stem = name.rsplit(".", 1)[0]
    post = POST_NAME_RE.match(name) if collection == "posts" else None
    draft = is_draft(rel)
    if post is not None or draft:
        slug = post.group(2) if post is not None else stem
        data.setdefault("slug", slug)
        data.setdefault("title", " ".join(w.capitalize() for w in slug.split("-")))
    categories = [*path_categories(rel), *terms(data, "category", "categories")]
    tags = terms(data, "tag", "tags")
    for key in ("category", "tag"):
        data.pop(key, None)
    data["categories"] = list(dict.fromkeys(str(c) for c in categories))
    data["tags"] = list(dict.fromkeys(str(t) for t in tags))
    when = document_date(data.get("date"), tz)
    if when is None and post is not None:
        when = date_from_filename(stem, tz)[0]
    if draft:
        data["draft"] = True
        if when is None:  # Jekyll dates a draft by its file's modification time
            try:
                when = datetime.fromtimestamp((site.source / rel).stat().st_mtime, tz)
            except OSError:
                when = None
    if when is not None:
        data["date"] = when
    if data.get("published") is False:
        data["draft"] = True
    data.pop("published", None)
    url = document_url(rel, data, collection, site, when)
    data.pop("permalink", None)
    data["url"] = site_url(url)
    redirects = data.pop("redirect_from", None)
    if redirects:
        data["aliases"] = [str(r) for r in (redirects if isinstance(redirects, list) else [redirects])]
    page = {**data, "url": url, "path": rel, "collection": collection, "id": url,
            "name": name, "dir": url.rsplit("/", 1)[0] + "/"}
    return data, page


def prepare_document(front: FrontMatter, source: SourceFile, site: JekyllSite, *, tz: tzinfo,
                     display: str) -> tuple[FrontMatter, tuple[Problem, ...]]:
    """The front matter and body the builder reads for this source in Jekyll mode, and the warnings
    of its Liquid (a missing include, an unknown filter)."""
    data, page = complete_front_matter(front.data, source.rel, site, tz)
    name = source.rel.rpartition("/")[2]
    body = front.body
    warnings: tuple[Problem, ...] = ()
    if "{{" in body or "{%" in body:
        renderer = _renderers.get(site.digest)
        if renderer is None:
            from sitepush.builder.jekyll.liquid import LiquidRenderer

            _renderers.clear()
            renderer = _renderers[site.digest] = LiquidRenderer(site)
        body, warnings = renderer.render(front.body, page, display=display, first_line=front.body_line)
    if name.lower().endswith((".md", ".markdown")):
        body = convert_attribute_lists(body)
    lines = dict(front.key_lines)
    if ("permalink",) in lines:
        lines[("url",)] = lines[("permalink",)]
    return replace(front, data=data, body=body, key_lines=lines), warnings


_fronts: dict[str, tuple[tuple[int, int], Mapping[str, Any], bool]] = {}
"""Front matter of each source by path, with the (mtime, size) it was read at and whether its Liquid prints
another document's excerpt or content."""


def site_documents(site: JekyllSite, sources: Sequence[SourceFile], tz: tzinfo) -> JekyllSite:
    """``site`` with what Liquid reads about every page: ``site.posts`` (newest first), ``site.pages``,
    ``site.categories``/``site.tags`` (name → posts), ``site.documents`` and ``site.LABEL`` of each
    collection — from front matter only (a page's content is not in them), so editing a body
    re-renders that page alone."""
    from sitepush.builder.frontmatter import parse_front_matter

    posts: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    collections: dict[str, list[dict[str, Any]]] = {}
    printed = False
    for source in sources:
        try:
            stat = source.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            known = _fronts.get(str(source.path))
            if known is not None and known[0] == stamp:
                front_data, prints = known[1], known[2]
            else:  # read again only when the file changed: a long-lived preview builds often
                raw = source.path.read_bytes()
                front_data = parse_front_matter(raw, source.rel).data
                prints = _PRINTS_CONTENT.search(raw) is not None
                _fronts[str(source.path)] = (stamp, front_data, prints)
        except (OSError, SitepushError):
            continue  # the page's own parse says what is wrong with it
        data, page = complete_front_matter(front_data, source.rel, site, tz)
        if data.get("draft"):
            continue
        printed = printed or prints
        separator = str(data.get("excerpt_separator") or site.site.get("excerpt_separator") or "\n\n")
        if "excerpt" not in page:
            page["excerpt"] = RenderedPart(str(source.path), stamp, separator)
        page["content"] = RenderedPart(str(source.path), stamp, None)
        if page["collection"] == "posts":
            posts.append(page)
        elif page["collection"]:
            collections.setdefault(str(page["collection"]), []).append(page)
        else:
            pages.append(page)
    posts.sort(key=lambda p: (p.get("date") or datetime.min.replace(tzinfo=UTC), p["path"]), reverse=True)
    by_category: dict[str, list[dict[str, Any]]] = {}
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for post in posts:
        for name in post["categories"]:
            by_category.setdefault(name, []).append(post)
        for name in post["tags"]:
            by_tag.setdefault(name, []).append(post)
    html_pages = [p for p in pages if str(p["url"]).endswith(("/", ".html"))]
    extra: dict[str, Any] = {"posts": posts, "pages": pages, "html_pages": html_pages, "categories": by_category, "tags": by_tag,
                             "documents": [d for docs in collections.values() for d in docs] + posts,
                             **collections}
    # A page that prints other documents' excerpts or content re-renders when one of them changes; without
    # such a page, a body edit re-renders that page alone.
    summary = json.dumps([(p["path"], p["url"], str(p.get("title")), str(p.get("date")), p["categories"],
                           p["tags"], p["content"].stamp if printed else None)
                          for p in [*posts, *pages, *extra["documents"]]], default=str)
    digest = hashlib.md5((site.digest + summary).encode(), usedforsecurity=False).hexdigest()
    return replace(site, digest=digest, site={**site.site, **extra})


def terms(data: Mapping[str, Any], singular: str, plural: str) -> list[str]:
    """Jekyll's ``pluralized_array_from_hash``: the singular key as one value, else the plural one
    (a string split at white space)."""
    value = data.get(singular)
    if value is not None:
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v is not None]
    value = data.get(plural)
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    return []


def document_date(value: Any, tz: tzinfo) -> datetime | None:
    """A front-matter ``date`` as Jekyll has it, in the site's zone."""
    if isinstance(value, datetime):
        # Psych reads a date-time without an offset as UTC; Jekyll then shows it in the site's zone.
        return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, str):
        parsed = parse_date_string(value, tz)
        return parsed.astimezone(tz) if parsed is not None else None
    return None


def document_url(rel: str, data: Mapping[str, Any], collection: str | None, site: JekyllSite,
                 when: datetime | None) -> str:
    """The URL Jekyll gives the source at ``rel`` (``/2016/04/19/slug/``, ``/docs/x.html``…)."""
    folder, _, name = rel.rpartition("/")
    basename = name.rsplit(".", 1)[0]
    html = name.lower().endswith((".md", ".markdown", ".html", ".htm"))
    permalink = data.get("permalink")
    categories = tuple(str(c) for c in data.get("categories") or ())
    if collection is not None:
        own = site.collection(collection)
        base = own.folder if own is not None else "_" + collection
        inner = rel[len(base) + 1:] if collection != "posts" else re.split(r"_posts/|_drafts/", rel, maxsplit=1)[1]
        template = str(permalink) if permalink else (own.permalink if own is not None else "/:path/")
        parts = UrlParts(path="/" + inner.rsplit(".", 1)[0], basename=basename, collection=collection,
                         slug=str(data["slug"]) if data.get("slug") else None, categories=categories,
                         date=when)
        if collection == "posts" and POST_NAME_RE.match(name):
            parts = replace(parts, basename=POST_NAME_RE.match(name).group(2))  # type: ignore[union-attr]
        return expand(template, parts)
    template = str(permalink) if permalink else page_template(rel, site_permalink=site.permalink, html=html)
    return expand(template, UrlParts(path="/" + folder if folder else "", basename=basename,
                                     categories=categories, date=when))


def apply_defaults(data: dict[str, Any], rel: str, kind: str, site: JekyllSite) -> dict[str, Any]:
    """``data`` with the ``defaults`` whose scope fits under it (front matter wins)."""
    fitting = []
    for order, rule in enumerate(site.defaults):
        if rule.type is not None and rule.type != kind:
            continue
        path = rule.path.strip("/")
        if path and "*" in path:
            if not fnmatch.fnmatchcase(rel, path) and not fnmatch.fnmatchcase(rel, path + "/*"):
                continue
        elif path and not (rel == path or rel.startswith(path + "/")):
            continue
        fitting.append((len(path), rule.type is not None, order, rule.values))
    merged: dict[str, Any] = {}
    for *_, values in sorted(fitting, key=lambda item: item[:3]):
        merged = _deep_merge(merged, dict(values))
    return _deep_merge(merged, data)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


SASS_SUFFIXES = (".scss", ".sass")


def render_liquid_files(files: Sequence[CopiedFile], site: JekyllSite, folder: Path, tz: tzinfo
                        ) -> tuple[CopiedFile, ...]:
    """The files to copy, those with front matter (a feed, a search index) rendered as Liquid first
    into ``folder``, as Jekyll does; Sass with front matter is left out (sitepush compiles no Sass).
    A file whose rendering is unchanged is not written again."""
    from sitepush.builder.jekyll.paths import has_front_matter
    from sitepush.builder.frontmatter import parse_front_matter

    kept: list[CopiedFile] = []
    for item in files:
        if item.bundle_of is not None or not has_front_matter(item.path):
            kept.append(item)
            continue
        if item.rel.lower().endswith(SASS_SUFFIXES):
            continue
        try:
            front = parse_front_matter(item.path.read_bytes(), item.rel)
        except (OSError, SitepushError):
            kept.append(item)
            continue
        _, page = complete_front_matter(front.data, item.rel, site, tz)
        text = front.body
        if "{{" in text or "{%" in text:
            renderer = _renderers.get(site.digest)
            if renderer is None:
                from sitepush.builder.jekyll.liquid import LiquidRenderer

                _renderers.clear()
                renderer = _renderers[site.digest] = LiquidRenderer(site)
            text, _ = renderer.render(text, page, display=item.rel, first_line=front.body_line)
        target = folder / item.rel
        data = text.encode("utf-8")
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        kept.append(CopiedFile(item.rel, target))
    return tuple(kept)
