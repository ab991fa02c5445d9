"""``sitepush.toml`` → :class:`Config`: parsed with tomllib, validated once, every problem reported together.

Each option is declared once below with its type, default and documentation; the loader in
``sitepush.config_schema`` derives type checks, unknown-key suggestions and the README's config reference from it.
Errors read ``sitepush.toml:LINE: what is wrong — how to fix it``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitepush.config_schema import SchemaLoader, option
from sitepush.errors import ConfigError
from sitepush.toml_lines import TomlLines

CONFIG_NAME = "sitepush.toml"


def _url_check(value: str) -> str | None:
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
        return "must be an absolute http(s) URL — write e.g. `base_url = \"https://example.com/\"`"
    path = re.sub(r"^https?://[^/]+", "", value)
    if "?" in path or "#" in path:
        return "must not have a query or fragment — write e.g. `base_url = \"https://example.com/docs/\"`"
    # The path is also the bucket prefix the site is deployed under and the folder `serve` answers:
    # plain segments only, so that a URL, an S3 key and a file name all say the same thing.
    if any(not re.fullmatch(r"[A-Za-z0-9._~-]+", segment) or segment in (".", "..")
           for segment in path.strip("/").split("/") if path.strip("/")) or "//" in path:
        return ("has a path that is not plain folder names (letters, digits, `-`, `_`, `.`, `~`) — write e.g. "
                "`base_url = \"https://example.com/docs/\"`")
    return None


def base_path_of(base_url: str) -> str:
    """The path of a base URL as a folder: ``https://example.org/docs`` → ``/docs/``; no path → ``/``."""
    path = re.sub(r"^https?://[^/]+", "", base_url).strip("/")
    return f"/{path}/" if path else "/"


def _logo_check(value: str) -> str | None:
    if value and not (value.startswith("/") or re.match(r"^https?://[^/\s]+/\S*$", value)) or value.strip() != value:
        return ("must be a path in the built site or an absolute URL — write e.g. `logo = \"/images/logo.svg\"` "
                "for static/images/logo.svg")
    return None


def _relative_dir_check(value: str) -> str | None:
    if not value or value.strip() != value:
        return "must be a folder name — write e.g. `\"content\"`"
    return None


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be at least 1 — use e.g. 10"


def _lock_check(value: str) -> str | None:
    return None if value in ("auto", "off") else 'must be "auto" or "off"'


def _timeout_check(value: float) -> str | None:
    return None if 0 < value <= 3600 else "must be between 0 and 3600 seconds — use e.g. 10"


def _non_negative(value: int) -> str | None:
    return None if value >= 0 else "must be 0 or more — use e.g. 0"


def _timezone_check(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f'"{value}" is not a known time zone — use an IANA name such as "UTC" or "Europe/Paris"'
    return None


def _taxonomy_check(value: tuple[str, ...]) -> str | None:
    for name in value:
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            return f'has "{name}", not a usable name — use lower-case words such as "tags"'
    return None


def _redirect_from_check(value: str) -> str | None:
    if not value.startswith("/") or "://" in value:
        return "must be a path on this site starting with `/` — write e.g. `from = \"/old/\"`"
    return None


def _redirect_to_check(value: str) -> str | None:
    if not (value.startswith("/") or re.match(r"^https?://\S+$", value)):
        return "must start with `/` or `http(s)://` — S3 website redirects accept only these"
    return None


def _menu_url_check(value: str) -> str | None:
    if not (value.startswith("/") or re.match(r"^https?://\S+$", value)):
        return "must start with `/` or `http(s)://`"
    return None


def _asset_list_check(value: tuple[str, ...]) -> str | None:
    for item in value:
        if not item.strip() or item.strip() != item or "\\" in item or ".." in item.split("/"):
            return f'has "{item}", not a path in the site or a URL — write e.g. "css/extra.css"'
    return None


def _edit_url_check(value: str) -> str | None:
    if value and not re.match(r"^https?://\S+$", value):
        return "must be an absolute http(s) URL — write e.g. \"https://github.com/o/r/edit/main/docs/\""
    return None


def _nav_url_check(value: str) -> str | None:
    if value and not (value.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value)):
        return "must be a site path starting with `/` or an absolute URL — write e.g. \"https://github.com/o/r\""
    return None


def _permalink_check(value: Mapping[str, Any]) -> str | None:
    for section, pattern in value.items():
        if not isinstance(pattern, str) or not pattern.startswith("/"):
            return (f'"{section}" must map to a pattern starting with `/` — write e.g. '
                    '`posts = "/:year/:month/:slug/"`')
        if ".." in pattern.split("/"):
            return f'"{section}" = "{pattern}" leaves the site — write a path from the site\'s root'
    return None


def _exclude_check(value: tuple[str, ...]) -> str | None:
    for pattern in value:
        if not pattern.strip():
            return "has an empty pattern — remove it"
    return None


@dataclass(frozen=True)
class SiteConfig:
    """``[site]``: who the site is, for templates, feeds and the sitemap."""

    title: str = option("My site", doc="Site title shown in the header, feed and page titles.")
    base_url: str = option("http://localhost/", check=_url_check,
                           doc="Absolute URL the site is served from; used for the sitemap, feeds "
                               "and canonical links. A path (`https://example.org/docs/`) puts the site "
                               "under it: every link starts with `/docs/`, the deploy writes under the "
                               "bucket prefix `docs/`, `sitepush serve` answers at `/docs/`.")
    description: str = option("", doc="One-sentence description for the home page and feed.")
    language: str = option("en", doc="BCP 47 language tag for `<html lang>` and the feed.")
    author: str = option("", doc="Default author of pages and the feed.")
    timezone: str = option("UTC", check=_timezone_check,
                           doc="Time zone for dates written without an offset.")
    logo: str = option("", check=_logo_check,
                       doc="Image beside the title in the header, also the favicon: a path in the built "
                           "site such as \"/images/logo.svg\" (from static/images/logo.svg); empty: the "
                           "title alone and the theme's icon.")
    params: Mapping[str, Any] = option(default_factory=dict,
                                       doc="Free-form values passed to templates as `site.params`.")
    extra_css: tuple[str, ...] = option((), check=_asset_list_check,
                                        doc="Stylesheets every page links after the theme's: paths in the "
                                            "site (`css/extra.css`) or absolute URLs (MkDocs' `extra_css`).")
    extra_javascript: tuple[str, ...] = option((), check=_asset_list_check,
                                               doc="Scripts every page loads (deferred): paths in the site or "
                                                   "absolute URLs (MkDocs' `extra_javascript`).")
    edit_url: str = option("", check=_edit_url_check,
                           doc="Where a page's source is edited, joined with its path in the content folder "
                               "(`https://github.com/o/r/edit/main/docs/`); each page links to it. Empty: no "
                               "link.")

    @property
    def base_path(self) -> str:
        """The path of ``base_url`` as a folder, where the site lives on its host: ``/docs/`` for
        ``https://example.org/docs`` or ``…/docs/``, ``/`` for a site at the root of its host."""
        return base_path_of(self.base_url)


@dataclass(frozen=True)
class NavItem:
    """``[[nav]]``: one entry of the docs sidebar, in the shape of mkdocs.yml's ``nav:``."""

    title: str = option("", doc="Text of the entry; empty: the page's own title.")
    page: str = option("", doc="Markdown source it opens, relative to the content folder "
                               "(`advanced/clients.md`); empty for a group.")
    url: str = option("", check=_nav_url_check,
                      doc="An address it opens instead of a page (`https://github.com/o/r`, `/api/`); not "
                          "part of the reading order.")
    children: tuple[NavItem, ...] = option((), doc="Entries under this one (`[[nav.children]]`).")


def _conventions_check(value: str) -> str | None:
    return None if value in ("sitepush", "jekyll") else 'must be "sitepush" or "jekyll"'


def _url_names_check(value: str) -> str | None:
    return None if value in ("slug", "as-written") else 'must be "slug" or "as-written"'


def _layout_check(value: str) -> str | None:
    return None if value in ("blog", "docs") else 'must be "blog" or "docs"'


@dataclass(frozen=True)
class MenuItem:
    """``[[menu]]``: one link in the site's main navigation."""

    title: str = option(doc="Link text.")
    url: str = option(check=_menu_url_check, doc="Link target: a site path or an absolute URL.")
    weight: int = option(0, doc="Order in the menu, lowest first.")


@dataclass(frozen=True)
class BuildConfig:
    """``[build]``: where the sources are and how pages are rendered."""

    content_dir: str = option("content", check=_relative_dir_check,
                              doc="Folder of Markdown pages, relative to the site folder.")
    static_dir: str = option("static", check=_relative_dir_check,
                             doc="Folder copied as-is into the output.")
    templates_dir: str = option("templates", check=_relative_dir_check,
                                doc="Folder whose templates override the default theme's.")
    output_dir: str = option("_site", check=_relative_dir_check,
                             doc="Folder the built site is written to.")
    pretty_urls: bool = option(True, doc="`post/index.html` served as `/post/` (else `post.html`).")
    paginate: int = option(10, check=_positive, doc="Pages per list page in sections and tags.")
    summary_words: int = option(60, check=_positive,
                                doc="Words in an automatic summary when a page has no description.")
    taxonomies: tuple[str, ...] = option(("tags", "categories"), check=_taxonomy_check,
                                         doc="Front-matter lists that get term pages.")
    drafts: bool = option(False, doc="Build pages marked `draft: true` (also `--drafts`).")
    future: bool = option(False, doc="Build pages dated in the future.")
    highlight_style: str = option("friendly", doc="Pygments style for code in light mode.")
    highlight_style_dark: str = option("monokai", doc="Pygments style for code in dark mode.")
    feed_items: int = option(20, check=_positive, doc="Entries in each Atom feed.")
    search: bool = option(False, doc="Build a Pagefind search index with the site and show the search box "
                                     "(needs the `pagefind[bin]` package).")
    layout: str = option("blog", check=_layout_check,
                         doc='"docs": a sidebar, prev/next in nav order; "blog": dated listings '
                             "(a section's `_index.md` may say `layout: docs`).")
    conventions: str = option("sitepush", check=_conventions_check,
                              doc='"jekyll": the content folder is a Jekyll site, built as Jekyll would '
                                  "(its `_config.yml`: permalinks, collections, defaults, Liquid; "
                                  "nothing starting with `_` published). `sitepush import jekyll` sets it.")
    url_names: str = option("slug", check=_url_names_check,
                            doc='How file and folder names become URLs: "slug" lower-cases them and makes unsafe '
                                'characters dashes (`My Page.md` → `/my-page/`, as Hugo does); "as-written" keeps '
                                "them, case and spaces included (`/My%20Page/`, as MkDocs and Jekyll do; "
                                "`sitepush import mkdocs` sets it, Jekyll conventions imply it).")
    workers: int = option(0, check=_non_negative,
                          doc="Rendering processes; 0 means one per CPU core once a build step has "
                              "300 pages or more (a smaller site builds in one process, where it is quicker).")
    max_page_mb: int = option(10, check=_positive,
                              doc="Largest Markdown file built, in MB; a larger one is an error naming it.")
    exclude: tuple[str, ...] = option((), check=_exclude_check,
                                      doc="Files of the content folder neither built nor copied: gitignore-style "
                                          "patterns (`drafts/`, `*.py`, `!keep.md`), as MkDocs' `exclude_docs`.")
    permalinks: Mapping[str, Any] = option(default_factory=dict, check=_permalink_check,
                                           doc="URL pattern of the pages of a top-level section, as Hugo's "
                                               "`[permalinks]`: `posts = \"/:year/:month/:slug/\"` (tokens :year "
                                               ":month :day :section :sections :slug :title :filename; `/` for "
                                               "pages at the root). A page's own `url` wins.")

    @property
    def shown_prefix(self) -> str:
        """What a content file's path is shown behind in messages: ``content/``, or nothing when the content
        folder is the site folder itself (``content_dir = "."``: ``index.md``, not ``./index.md``)."""
        folder = self.content_dir.rstrip("/")
        return "" if folder in (".", "") else folder + "/"

    @property
    def names_as_written(self) -> bool:
        """Whether URLs keep file and folder names as written: ``url_names = "as-written"``, or Jekyll
        conventions (Jekyll keeps a page's and a static file's path as it is)."""
        return self.url_names == "as-written" or self.conventions == "jekyll"


def _glob_check(value: str) -> str | None:
    if not value or value.startswith("/") or "\\" in value:
        return 'must be a glob on keys such as "*.html" or "assets/**" — no leading slash'
    if value.count("[") != value.count("]"):
        return f'"{value}" has an unclosed [ — close it or escape it'
    return None


def _sse_check(value: str) -> str | None:
    return None if value in ("AES256", "aws:kms") else 'must be "AES256" or "aws:kms"'


def _storage_class_check(value: str) -> str | None:
    known = ("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "REDUCED_REDUNDANCY",
             "GLACIER_IR")
    if value == "EXPRESS_ONEZONE":
        # S3 API Reference, PutObject `x-amz-storage-class`: S3 Express One Zone is the storage class of
        # directory buckets only; a general purpose bucket (the only kind with website hosting) refuses it.
        return ('"EXPRESS_ONEZONE" is the storage class of S3 directory buckets, which cannot host a website '
                f'— use one of: {", ".join(known)}')
    if value not in known:
        return f'"{value}" is not a storage class a website can serve — use one of: {", ".join(known)}'
    return None


@dataclass(frozen=True)
class HeaderRule:
    """``[[deploy.headers]]``: headers for the objects whose key matches ``glob``.

    Every rule whose glob matches a key applies, in file order, after sitepush's defaults; where two
    rules set the same header the later one wins (so put general rules first, exceptions after).
    """

    glob: str = option(check=_glob_check,
                       doc="Keys it applies to, relative to the prefix: without `/` any file of that name "
                           "at any depth (`*.html`), `*` within a folder, `**` across, `/` first anchors.")
    cache_control: str | None = option(None, doc="Cache-Control, e.g. \"public, max-age=300\".")
    content_type: str | None = option(None, doc="Content-Type, replacing the built-in table's.")
    content_encoding: str | None = option(None, doc="Content-Encoding, e.g. \"gzip\" for pre-compressed files.")
    content_disposition: str | None = option(None, doc="Content-Disposition, e.g. \"attachment\".")
    content_language: str | None = option(None, doc="Content-Language, e.g. \"en\".")
    metadata: Mapping[str, Any] = option(default_factory=dict, doc="User metadata (x-amz-meta-*).")
    storage_class: str | None = option(None, check=_storage_class_check, doc="S3 storage class.")
    sse: str | None = option(None, check=_sse_check, doc="Server-side encryption: AES256 or aws:kms.")
    sse_kms_key_id: str | None = option(None, doc="KMS key id or ARN, with sse = \"aws:kms\".")


def _multipart_threshold_check(value: int) -> str | None:
    # S3: every part but the last is at least 5 MiB, one PutObject carries at most 5 GiB (User Guide:
    # "Amazon S3 multipart upload limits" and "Uploading objects").
    if not 5 <= value <= 5120:
        return "must be from 5 to 5120 (S3 parts are at least 5 MiB, one PUT at most 5 GiB) — use e.g. 64"
    return None


@dataclass(frozen=True)
class DeployConfig:
    """``[deploy]``: the bucket the built site is synced to."""

    bucket: str = option("", doc="Bucket name; required for `sitepush deploy` (not for `--sandbox`).")
    prefix: str | None = option(None, doc="Key prefix inside the bucket (no leading slash); unset: the path of "
                                          "[site] base_url (`docs/` for `https://example.org/docs/`), "
                                          "empty for a site at the root of its host.")
    region: str = option("us-east-1", doc="AWS region of the bucket.")
    endpoint_url: str = option("", doc="S3-compatible endpoint (MinIO, R2); empty for AWS.")
    profile: str = option("", doc="AWS profile name from ~/.aws/config; empty for the default chain.")
    max_deletes: int | None = option(None, check=_non_negative,
                                     doc="A deploy deleting more objects than this stops unless `--yes`; "
                                         "unset: 10 % of the bucket's objects, at least 25.")
    workers: int = option(32, check=_positive, doc="Parallel upload threads.")
    state_prefix: str = option(".sitepush/", doc="Key prefix of sitepush's private deploy state.")
    cloudfront_distribution_id: str = option("", doc="CloudFront distribution to invalidate after a "
                                                     "deploy; empty for none.")
    allow: tuple[str, ...] = option((), doc="Globs of secret-looking files to upload anyway "
                                            "(e.g. \"keys/*.pem\"); dotfiles and .env stay out otherwise.")
    multipart_threshold_mb: int = option(64, check=_multipart_threshold_check,
                                         doc="Files of this many MiB or more are uploaded in parts (8 MiB "
                                             "each, more for huge files); smaller ones in one PUT.")
    headers: tuple[HeaderRule, ...] = option((), doc="Header rules (see [[deploy.headers]]).")
    versioning: bool = option(True, doc="`sitepush configure` turns on bucket versioning (needed by "
                                        "`sitepush rollback`).")
    noncurrent_version_days: int = option(30, check=_positive,
                                          doc="Days an overwritten or deleted object's old version is "
                                              "kept before S3 expires it.")
    lock: str = option("auto", check=_lock_check,
                       doc="\"auto\": a deploy holds a lease in the bucket (.sitepush/lease.json, written with "
                           "If-None-Match) and writes the manifest with If-Match, so two deploys never mix; "
                           "best-effort where the store refuses those headers. \"off\": neither.")
    connect_timeout: float = option(10.0, check=_timeout_check,
                                    doc="Seconds to wait for a connection to S3 (each attempt of 5).")
    read_timeout: float = option(10.0, check=_timeout_check,
                                 doc="Seconds to wait for S3 to answer a request (each attempt of 5), so a "
                                     "stalled endpoint fails within about a minute.")


@dataclass(frozen=True)
class Redirect:
    """``[[redirects]]``: an old path that answers with a 301 to a new location."""

    from_: str = option(key="from", check=_redirect_from_check, doc="Path that redirects.")
    to: str = option(check=_redirect_to_check, doc="Target: a site path or an absolute URL.")


def _document_check(value: str) -> str | None:
    if not value or value.startswith("/") or value.endswith("/") or value.strip() != value:
        return 'must be a file name such as "index.html" — no leading slash'
    return None


def _error_code_check(value: str) -> str | None:
    return None if re.fullmatch(r"[45]\d\d", value) else 'must be an HTTP error code such as "404"'


def _redirect_code_check(value: str) -> str | None:
    return None if value in ("301", "302", "303", "307", "308") else \
        'must be "301", "302", "303", "307" or "308"'


def _protocol_check(value: str) -> str | None:
    return None if value in ("http", "https") else 'must be "http" or "https"'


def _host_check(value: str) -> str | None:
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?",
                        value):
        return f'"{value}" is not a host name — write e.g. "example.com" (lower case, no scheme, no path)'
    return None


MAX_ROUTING_RULES = 50
"""S3 website configuration accepts at most 50 routing rules (S3 API Reference, PutBucketWebsite: "Amazon
S3 has a limitation of 50 routing rules per website configuration"). In private mode
(``[cloudfront] origin = "private"``) the rules are answered by the CloudFront Function and this limit
does not apply; the edge table's own limits do (:mod:`sitepush.edge`)."""


@dataclass(frozen=True)
class RoutingRule:
    """``[[website.routing_rules]]``: one S3 website routing rule (a condition and a redirect).

    The fields are S3's own (``RoutingRule`` in the PutBucketWebsite API), in snake case. A rule
    applies when every condition given holds; at least one redirect field must be set.
    """

    key_prefix_equals: str | None = option(None, doc="Condition: the requested key starts with this.")
    http_error_code_returned_equals: str | None = option(
        None, check=_error_code_check, doc="Condition: S3 would answer with this error code, e.g. \"404\".")
    replace_key_prefix_with: str | None = option(
        None, doc="Redirect: replace the matched prefix with this.")
    replace_key_with: str | None = option(None, doc="Redirect: replace the whole key with this.")
    host_name: str | None = option(None, check=_host_check, doc="Redirect: to this host.")
    protocol: str | None = option(None, check=_protocol_check, doc="Redirect: \"http\" or \"https\".")
    http_redirect_code: str = option("301", check=_redirect_code_check, doc="Redirect status code.")

    def problem(self) -> str | None:
        """What S3 would refuse in this rule (cross-field), or None."""
        if self.replace_key_prefix_with is not None and self.replace_key_with is not None:
            return ("sets both replace_key_prefix_with and replace_key_with — S3 allows one of them; "
                    "keep one")
        if all(v is None for v in (self.replace_key_prefix_with, self.replace_key_with, self.host_name,
                                   self.protocol)):
            return ("redirects nowhere — set replace_key_prefix_with, replace_key_with, host_name or "
                    "protocol")
        return None


@dataclass(frozen=True)
class WebsiteConfig:
    """``[website]``: how the S3 website endpoint (and `sitepush serve`) answers requests."""

    index_document: str = option("index.html", check=_document_check,
                                 doc="File served for a request ending in `/`.")
    error_document: str = option("404.html", check=_document_check,
                                 doc="Key served, with status 404, for a missing key.")
    routing_rules: tuple[RoutingRule, ...] = option(
        (), doc=f"Routing rules (see [[website.routing_rules]]), at most {MAX_ROUTING_RULES} (S3's limit) "
               "unless [cloudfront] origin = \"private\" answers them at the edge.")


def _domain_check(value: str) -> str | None:
    if value == "":
        return None
    if value != value.lower() or value.endswith(".") or value.startswith("www."):
        return (f'"{value}" should be the lower-case apex domain without a trailing dot or "www." '
                '— write e.g. "example.com"')
    if _host_check(value) is not None or "." not in value:
        return f'"{value}" is not a domain name — write e.g. "example.com"'
    return None


def _canonical_check(value: str) -> str | None:
    return None if value in ("www", "apex") else 'must be "www" or "apex"'


def _price_class_check(value: str) -> str | None:
    known = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
    return None if value in known else f'must be one of: {", ".join(known)}'


@dataclass(frozen=True)
class DomainConfig:
    """``[domain]``: the site's own domain; apex and www, one of them canonical, the other redirecting."""

    name: str = option("", check=_domain_check,
                       doc="Apex domain, e.g. \"example.com\"; empty: no domain, no certificate, no DNS.")
    canonical: str = option("www", check=_canonical_check,
                            doc="Host the site is served on: \"www\" or \"apex\"; the other one redirects.")
    hosted_zone_id: str = option("", doc="Route 53 hosted zone to use; empty: the one public zone of the "
                                         "domain's name (set it when there are two).")
    create_hosted_zone: bool = option(False, doc="Create the hosted zone when none exists "
                                                 "(then set its name servers at the registrar).")


def _origin_check(value: str) -> str | None:
    return None if value in ("website", "private") else 'must be "website" or "private"'


_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
"""An HTTP field name (RFC 9110, section 5.1: a token)."""


def _headers_check(value: Mapping[str, Any]) -> str | None:
    for name, text in value.items():
        if not _HEADER_NAME.fullmatch(name):
            return f'has "{name}", not an HTTP header name — write e.g. "Content-Security-Policy"'
        if not isinstance(text, str) or not text or any(ord(c) < 0x20 or ord(c) > 0x7e for c in text):
            return (f'"{name}" must be a non-empty string of printable ASCII — write e.g. '
                    '"Content-Security-Policy" = "default-src \'self\'"')
    return None


def hsts_max_age(value: str) -> int | None:
    """The ``max-age`` of a Strict-Transport-Security value in seconds (RFC 6797, section 6.1: the one
    required directive), or None when it has none or it is not a number."""
    parts = [p.strip().lower() for p in value.split(";")]
    age = next((p.partition("=")[2].strip().strip('"') for p in parts if p.partition("=")[0].strip() == "max-age"),
               "")
    return int(age) if age.isdigit() else None


@dataclass(frozen=True)
class CloudFrontConfig:
    """``[cloudfront]``: the CDN in front of the bucket (https on the site's domain)."""

    enabled: bool = option(False, doc="Serve the site through a CloudFront distribution "
                                      "(needs [domain] name for its certificate and aliases).")
    price_class: str = option("PriceClass_100", check=_price_class_check,
                              doc="Edge locations used: PriceClass_100, PriceClass_200 or PriceClass_All.")
    origin: str = option("website", check=_origin_check,
                         doc="\"website\": a public S3 website endpoint behind CloudFront. \"private\": a "
                             "private bucket only CloudFront reads (Origin Access Control), index documents "
                             "and redirects answered by a CloudFront Function.")
    security_headers: bool = option(False, doc="Attach AWS's managed SecurityHeadersPolicy (HSTS, nosniff, "
                                               "frame options, referrer policy) to the distribution.")
    headers: Mapping[str, str] = option(default_factory=dict, check=_headers_check,
                                        doc="Response headers CloudFront adds to every answer (a custom "
                                            "response headers policy), e.g. \"Content-Security-Policy\".")


@dataclass(frozen=True)
class Config:
    """The whole validated ``sitepush.toml`` plus where it was found."""

    site: SiteConfig = option(default_factory=SiteConfig, doc="")
    build: BuildConfig = option(default_factory=BuildConfig, doc="")
    deploy: DeployConfig = option(default_factory=DeployConfig, doc="")
    menu: tuple[MenuItem, ...] = option((), doc="Main navigation; default: the top-level sections.")
    nav: tuple[NavItem, ...] = option((), doc="Docs sidebar order; default: weight, then title.")
    redirects: tuple[Redirect, ...] = option((), doc="Redirects served by S3.")
    website: WebsiteConfig = option(default_factory=WebsiteConfig, doc="")
    domain: DomainConfig = option(default_factory=DomainConfig, doc="")
    cloudfront: CloudFrontConfig = option(default_factory=CloudFrontConfig, doc="")
    root: Path = field(default=Path("."), metadata={"internal": True, "doc": "Site folder."})

    @property
    def deploy_prefix(self) -> str:
        """The bucket key prefix the site is deployed under: ``[deploy] prefix`` when set, else the base
        URL's path without its leading slash (``docs/``), so that a key's place in the bucket is its URL."""
        if self.deploy.prefix is not None:
            return self.deploy.prefix
        return self.site.base_path.lstrip("/")

    @property
    def content_path(self) -> Path:
        """Absolute folder of the Markdown sources."""
        return (self.root / self.build.content_dir).resolve()

    @property
    def static_path(self) -> Path:
        """Absolute folder of the static files."""
        return (self.root / self.build.static_dir).resolve()

    @property
    def templates_path(self) -> Path:
        """Absolute folder of the site's template overrides."""
        return (self.root / self.build.templates_dir).resolve()

    @property
    def output_path(self) -> Path:
        """Absolute folder the site is built into."""
        return (self.root / self.build.output_dir).resolve()


def load_config(site_dir: Path) -> Config:
    """Read and validate ``SITE/sitepush.toml``; a site without one gets every default."""
    path = site_dir / CONFIG_NAME
    if not site_dir.is_dir():
        raise ConfigError(f"site folder {site_dir} does not exist",
                          hint="pass the folder that holds sitepush.toml, e.g. `sitepush build example-site`")
    if not path.exists():
        return Config(root=site_dir.resolve())
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[:error.start].count(b"\n") + 1
        raise ConfigError("is not valid UTF-8", file=CONFIG_NAME, line=line,
                          hint="save the file as UTF-8") from None
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror}", file=CONFIG_NAME,
                          hint="check the file's permissions") from None
    return parse_config(text, root=site_dir.resolve())


def parse_config(text: str, *, root: Path, file: str = CONFIG_NAME) -> Config:
    """Validate a sitepush.toml document; raises one ConfigError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        what = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", message)
        raise ConfigError(f"invalid TOML: {what}", file=file, line=line,
                          hint="fix the syntax (strings need quotes, tables are [name])") from None
    loader = SchemaLoader(file, TomlLines(text))
    config = loader.load(Config, data, ())
    _check_routing_rules(loader, config.website.routing_rules, at_edge=config.cloudfront.origin == "private")
    if not (config.cloudfront.enabled and config.cloudfront.origin == "private"):
        _check_no_splats(loader, config.redirects)
    _check_hsts(loader, config.cloudfront.headers)
    if config.cloudfront.origin == "private" and isinstance(config.site.base_url, str) \
            and base_path_of(config.site.base_url) != "/":
        # The edge function answers paths of a site at the root of its host (its redirect table, index
        # documents and error page): a site under a path is served by the website endpoint.
        loader.problem(("site", "base_url"), f"base_url {config.site.base_url} has a path, which "
                       '[cloudfront] origin = "private" does not serve',
                       'set [cloudfront] origin = "website", or serve the site at the root of its host')
    if loader.problems:
        raise ConfigError.from_problems(sorted(loader.problems, key=lambda p: p.line or 0))
    return replace(config, root=root)


def _check_hsts(loader: SchemaLoader, headers: Mapping[str, str]) -> None:
    # CloudFront's StrictTransportSecurity slot needs AccessControlMaxAgeSec (CloudFront API Reference,
    # ResponseHeadersPolicyStrictTransportSecurity): a value without max-age has nothing to send.
    for name, value in headers.items():
        if name.lower() == "strict-transport-security" and isinstance(value, str) and hsts_max_age(value) is None:
            loader.problem(("cloudfront", "headers", name),
                           f'`cloudfront.headers` "{name}" = "{value}" has no max-age',
                           'write e.g. "max-age=63072000; includeSubDomains"')


def _check_no_splats(loader: SchemaLoader, redirects: tuple[Redirect, ...]) -> None:
    # A website-mode redirect is an S3 object whose key is the path: `/blog/*` would be a literal key
    # `blog/*` that no request for a page under /blog/ reaches. Only the edge reads a splat.
    for index, redirect in enumerate(redirects):
        path = getattr(redirect, "from_", None)  # absent when `from` itself was a problem
        if isinstance(path, str) and path.endswith("*"):
            loader.problem(("redirects", index, "from"),
                           f'`redirects[{index}].from` "{path}" is a splat, which only the CloudFront '
                           "Function answers",
                           'set [cloudfront] enabled = true and origin = "private", or list each path as its '
                           "own redirect")


def _check_routing_rules(loader: SchemaLoader, rules: tuple[RoutingRule, ...], *, at_edge: bool) -> None:
    # The whole config is needed here: the limit is S3's, and only the website mode sends rules to S3.
    if len(rules) > MAX_ROUTING_RULES and not at_edge:
        loader.problem(("website", "routing_rules", MAX_ROUTING_RULES),
                       f"{len(rules)} routing rules; S3 accepts at most {MAX_ROUTING_RULES}",
                       "merge rules with a common prefix, use [[redirects]] objects instead, or answer them "
                       'at the edge with [cloudfront] origin = "private"')
    for index, rule in enumerate(rules):
        message = rule.problem()
        if message:
            what, _, hint = message.partition(" — ")
            loader.problem(("website", "routing_rules", index), f"routing rule {index + 1} {what}", hint)
