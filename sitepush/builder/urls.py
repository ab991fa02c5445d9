"""Where each page lands: its site URL and the output file behind it. Pure functions.

- A page's URL is its folder's URL plus its slug: ``blog/2016-10-08-post.md`` → ``/blog/post/``
  (``/blog/post.html`` with ``pretty_urls = false``). Front matter ``slug`` replaces the last part,
  ``url`` replaces the whole URL. A bundle's URL is its folder's.
- Derived URL parts are lower-cased and made safe for S3 keys and URLs (``slugify``); an explicit ``slug`` keeps
  its case. With ``[build] url_names = "as-written"`` (MkDocs' and Jekyll's way) they keep the file and folder
  names as written, case and spaces included (``name_segment``). Translations live under ``/LANG/``.
- A URL is held unescaped (it is also the S3 key); where it is written into a page, a feed or the sitemap,
  ``href_escaped`` percent-encodes what no URL may hold as it is (a space → ``%20``).
- ``output_key`` maps a URL to the file that serves it the way S3 website hosting looks it up:
  ``/blog/post/`` → ``blog/post/index.html``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from posixpath import normpath

from sitepush.builder.model import PageKind, SourceFile

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}[-_]")
_UNSAFE = re.compile(r"[\s?#%&\"'<>\\/^`{}|\[\]+=:;,!*@$()~]+")
_DASHES = re.compile(r"-{2,}")


def _printable(text: str) -> str:
    """``text`` in NFC, stripped, each control or format character (category C) a dash."""
    text = unicodedata.normalize("NFC", text).strip()
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "-" for ch in text)


@lru_cache(maxsize=65536)
def slugify(text: str, *, lower: bool = True) -> str:
    """A URL- and S3-safe path segment: ``"Hello & Goodbye!"`` → ``hello-goodbye``.

    Letters of every script are kept (URLs carry UTF-8); characters that need escaping in a URL or an S3
    key, path separators and white space become single dashes, and leading or trailing dots go: the
    result is always one segment inside its folder (``"../../x"`` → ``x``), never ``.`` or ``..``.
    """
    text = _UNSAFE.sub("-", _printable(text))
    text = _DASHES.sub("-", text).strip("-.")
    return text.lower() if lower else text


_NOT_IN_A_NAME = re.compile(r"[/\\?#%]+")


@lru_cache(maxsize=65536)
def name_segment(text: str, *, as_written: bool) -> str:
    """A file or folder name as a URL segment: ``slugify``'s, or with ``as_written`` the name itself (NFC,
    case and spaces kept) with only what cannot stand in one path segment of a URL made a dash: path
    separators, ``?``, ``#``, ``%`` and control characters; never ``.`` or ``..``."""
    if not as_written:
        return slugify(text)
    return _NOT_IN_A_NAME.sub("-", _printable(text)).strip(".")


_NOT_IN_A_URL = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]')


def href_escaped(url: str) -> str:
    """``url`` with the characters no URL holds as they are percent-encoded in its path (a space →
    ``%20``); its query and fragment are left as written. Letters of every script stay (an IRI, as
    HTML, Atom and sitemaps accept), and ``%`` is never touched, so an escaped URL escapes to itself."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path = url[:cut]
    if not _NOT_IN_A_URL.search(path):
        return url
    return _NOT_IN_A_URL.sub(lambda m: f"%{ord(m.group()):02X}", path) + url[cut:]


def strip_date_prefix(stem: str) -> str:
    """``2016-10-08_post`` → ``post`` (the date itself is read by the front matter code)."""
    stripped = _DATE_PREFIX.sub("", stem)
    return stripped or stem


def _folder_url(folder: str, as_written: bool = False) -> str:
    parts = [name_segment(part, as_written=as_written) or part for part in folder.split("/") if part]
    return "/" + "".join(part + "/" for part in parts)


def _stem(name: str, lang: str | None) -> str:
    stem = name.rsplit(".", 1)[0]
    if lang and stem.endswith("." + lang):
        stem = stem[: -len(lang) - 1]
    return stem


def _name_of(stem: str, as_written: bool) -> str:
    """A page's last URL segment from its file (or bundle folder) name: a slug without the date prefix
    (``2016-10-08-post`` → ``post``), or the name as written, date and all, as MkDocs keeps it."""
    return name_segment(stem, as_written=True) if as_written else slugify(strip_date_prefix(stem))


@lru_cache(maxsize=65536)
def page_url(source: SourceFile, *, slug: str | None, url: str | None, pretty: bool,
             default_lang: str, as_written: bool = False) -> str:
    """The site URL of a source, from its place in the content tree and its front matter; ``as_written``:
    file and folder names are kept as written (``[build] url_names = "as-written"``)."""
    lang_prefix = f"/{source.lang}" if source.lang and source.lang != default_lang else ""
    if url:
        return lang_prefix + normalise_url(url)
    folder, _, name = source.rel.rpartition("/")
    if source.kind in (PageKind.HOME, PageKind.SECTION):
        return lang_prefix + _folder_url(folder, as_written)
    if source.bundle:
        parent, _, own = folder.rpartition("/")
        last = slugify(slug, lower=False) if slug else _name_of(own, as_written)
        return lang_prefix + _folder_url(parent, as_written) + (last or own) + "/"
    stem = _stem(name, source.lang)
    last = slugify(slug, lower=False) if slug else _name_of(stem, as_written)
    last = last or slugify(stem) or "page"
    if pretty:
        return lang_prefix + _folder_url(folder, as_written) + last + "/"
    return lang_prefix + _folder_url(folder, as_written) + last + ".html"


def normalise_url(url: str) -> str:
    """An explicit ``url``/alias as a clean site path: leading slash, no ``..``, no doubled slashes.

    A path without a file extension gets a trailing slash, as it will be served as a folder.
    """
    trailing = url.endswith("/")
    clean = normpath("/" + url.strip().lstrip("/"))
    if clean in ("/", "//"):
        return "/"
    clean = "/" + clean.lstrip("/")
    last = clean.rsplit("/", 1)[-1]
    if trailing or "." not in last:
        clean += "/"
    return clean


def output_key(url: str) -> str:
    """The output file that serves ``url``: ``/`` → ``index.html``, ``/a/`` → ``a/index.html``."""
    path = url.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html"
    return path


def paginated_url(base: str, number: int) -> str:
    """Listing page ``number`` (1-based) of the listing at ``base``: ``/blog/`` → ``/blog/page/2/``."""
    if number == 1:
        return base
    return f"{base.rstrip('/')}/page/{number}/" if base.endswith("/") else f"{base}/page/{number}/"


def join_url(base_url: str, path: str) -> str:
    """An absolute URL from the site's base URL and a site path, with exactly one slash between (the
    path escaped as :func:`href_escaped` escapes it)."""
    return base_url.rstrip("/") + "/" + href_escaped(path.lstrip("/"))


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def site_href(path: str, base_path: str) -> str:
    """A site path as a link on the host, for a site that lives under ``base_path`` (``/docs/``):
    ``/guide/`` → ``/docs/guide/``, ``/`` → ``/docs/`` (Jekyll's ``relative_url``). A URL with a scheme
    (``https:``, ``mailto:``), a host-relative ``//host/…``, a fragment or a query are returned as they
    are; a path without a leading slash is taken from the site's root too (``img/x.png`` →
    ``/docs/img/x.png``)."""
    if not path or path.startswith(("//", "#", "?")) or _SCHEME.match(path):
        return path
    return href_escaped(base_path + path.lstrip("/"))
