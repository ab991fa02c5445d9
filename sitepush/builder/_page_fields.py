"""Page fields: give each front-matter key the builder's meaning (:class:`FrontMatter` → :class:`PageMeta`).

Keys are matched case-insensitively, as Hugo does; each has one accepted shape (a date, text, true or
false, a whole number, a list of words) and a value of another shape is a one-line :class:`BuildError`
at the key's line, taken from :attr:`FrontMatter.key_lines`. A page without a title takes its first
level-1 heading, else its file name; a page without a date takes its file name's date prefix.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import replace
from datetime import date, datetime, time, tzinfo
from typing import Any

from sitepush.builder._dates import aware_datetime, date_from_filename, parse_date_string
from sitepush.builder.model import FrontMatter, PageMeta, SourceFile
from sitepush.errors import BuildError, Problem

__all__ = ["page_meta"]

KeyPath = tuple[str, ...]

_DATE_HINT = "write it as 2024-05-01 or 2024-05-01T10:00:00Z"
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")
_INTEGER_RE = re.compile(r"[+-]?\d+")
_INDEX_STEMS = ("index", "_index")


class _FieldReader:
    """Takes the builder's keys out of front matter (case-insensitively, as Hugo does) and names
    their lines; what is never taken ends up in ``params``."""

    def __init__(self, front: FrontMatter, display: str) -> None:
        self._data = front.data
        self._lines = front.key_lines
        self._format = front.format
        self._display = display
        self._by_lower: dict[str, str] = {}
        for key in front.data:
            self._by_lower.setdefault(str(key).lower(), key)
        self._taken: set[str] = set()
        self.warnings: list[Problem] = []

    def take(self, *names: str) -> tuple[str, Any] | None:
        """(key as written, value) of the first of ``names`` with a value; all of them are used up."""
        found = None
        for name in names:
            key = self._by_lower.get(name)
            if key is None:
                continue
            self._taken.add(key)
            value = self._data[key]
            if found is None and value is not None and not (isinstance(value, str) and not value.strip()):
                found = (key, value)
        return found

    def rest(self) -> dict[str, Any]:
        return {key: value for key, value in self._data.items() if key not in self._taken}

    def example(self, key: str, literal: str) -> str:
        if self._format == "toml":
            return f"`{key} = {literal}`"
        if self._format == "json":
            return f'`"{key}": {literal}`'
        return f"`{key}: {literal}`"

    def fail(self, path: KeyPath, message: str, hint: str) -> BuildError:
        problem = self.problem(path, message, hint)
        return BuildError(problem.message, file=problem.file, line=problem.line, hint=problem.hint)

    def problem(self, path: KeyPath, message: str, hint: str) -> Problem:
        message = message.replace("\r", "\\r").replace("\n", "\\n")  # one line, whatever the key
        line = next((self._lines[path[:end]] for end in range(len(path), 0, -1)
                     if path[:end] in self._lines), 1)
        return Problem(message, self._display, line, hint)

    def text(self, found: tuple[str, Any] | None, literal: str) -> str | None:
        """A text value; numbers, dates and booleans are written out, lists and tables refused."""
        if found is None:
            return None
        key, value = found
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, date)):
            return str(value)
        raise self.fail((key,), f"{key} must be text, not {_kind(value)}",
                        f"write {self.example(key, literal)}")

    def words(self, path: KeyPath, value: Any, literal: str) -> list[str]:
        """One text value or a list of them (numbers and dates written out), stripped, empty ones dropped."""
        items = value if isinstance(value, list) else [value]
        words = []
        for item in items:
            if item is None:
                continue
            if isinstance(item, bool) or not isinstance(item, (str, int, float, date)):
                shape = _kind(item) if item is value else f"a list holding {_kind(item)}"
                raise self.fail(path, f"{path[-1]} must be one value or a list of values, not {shape}",
                                f"write {self.example(path[-1], literal)}")
            words.append(str(item).strip())
        return [word for word in words if word]


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time of day"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, str):
        return _quoted(value)
    return type(value).__name__


def _quoted(text: str) -> str:
    """A user's value inside a one-line message: quoted, escaped, and cut short."""
    return json.dumps(text if len(text) <= 60 else text[:57] + "...", ensure_ascii=False)


def page_meta(front: FrontMatter, source: SourceFile, *, tz: tzinfo, display: str) -> PageMeta:
    """Give each front-matter key the builder's meaning (see DESIGN: title, dates, draft, slug, url,
    aliases, taxonomies, weight, description, template, summary); every other key lands in ``params``.

    Naive dates are read in ``tz``; every date in the result is timezone-aware. A value of the wrong
    type is a one-line :class:`BuildError` at the key's line.
    """
    reader = _FieldReader(front, display)
    title = reader.text(reader.take("title"), '"My page"') or _first_heading(front.body) \
        or _title_from_name(source, tz)
    page_date = _date_field(reader, ("date",), tz)
    if page_date is None:
        page_date = date_from_filename(_source_name(source), tz)[0]
        if reader.warnings and reader.warnings[-1].message.startswith("date "):
            fallback = "takes its file name's date" if page_date else "has no date"
            reader.warnings[-1] = replace(reader.warnings[-1],
                                          message=f"{reader.warnings[-1].message}, so the page {fallback}")
    template = reader.text(reader.take("template", "layout"), '"page.html"') or None
    if template is not None and not posixpath.splitext(template)[1]:
        template += ".html"
    return PageMeta(
        title=title,
        date=page_date,
        updated=_date_field(reader, ("lastmod", "updated", "modified"), tz),
        publish_date=_date_field(reader, ("publishdate", "publish_date"), tz),
        expiry_date=_date_field(reader, ("expirydate", "expiry_date"), tz),
        draft=_draft(reader),
        slug=_slug(reader),
        url=_url(reader),
        aliases=_aliases(reader, source),
        taxonomies=_taxonomies(reader),
        weight=_weight(reader),
        description=reader.text(reader.take("description"), '"One sentence."') or "",
        template=template,
        summary=reader.text(reader.take("summary"), '"One sentence."') or None,
        params=_params(reader, tz),
        warnings=tuple(reader.warnings),
    )


def _date_field(reader: _FieldReader, names: tuple[str, ...], tz: tzinfo) -> datetime | None:
    found = reader.take(*names)
    if found is None:
        return None
    key, value = found
    if isinstance(value, date):
        return aware_datetime(value, tz)
    if isinstance(value, list):
        return None  # Hugo's own config, e.g. publishDate = [":filename", ":default"]
    if isinstance(value, str):
        parsed = parse_date_string(value, tz)
        if parsed is None:
            # What no generator reads is said and left out: the page builds (``--strict`` fails).
            reader.warnings.append(reader.problem((key,), f"{key} {_quoted(value)} is not a date", _DATE_HINT))
        return parsed
    raise reader.fail((key,), f"{key} must be a date, not {_kind(value)}", _DATE_HINT)


def _draft(reader: _FieldReader) -> bool:
    found = reader.take("draft")
    if found is None:
        return False
    key, value = found
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise reader.fail((key,), f"{key} must be true or false, not {_kind(value)}",
                      f"write {reader.example(key, 'true')}")


def _weight(reader: _FieldReader) -> int:
    found = reader.take("weight")
    if found is None:
        return 0
    key, value = found
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER_RE.fullmatch(value.strip()):
        return int(value)
    raise reader.fail((key,), f"{key} must be a whole number, not {_kind(value)}",
                      f"write {reader.example(key, '10')}")


def _url(reader: _FieldReader) -> str | None:
    found = reader.take("url", "permalink")
    example = '"/blog/my-page/"'
    url = reader.text(found, example)
    if not url or found is None:
        return None
    if _SCHEME_RE.match(url):
        raise reader.fail((found[0],), f"{found[0]} must be a path on this site, not {_quoted(url)}",
                          f"write {reader.example(found[0], example)}")
    _check_inside(reader, found[0], url, "/" + url)
    return url if url.startswith("/") else "/" + url


def _slug(reader: _FieldReader) -> str | None:
    found = reader.take("slug")
    slug = reader.text(found, '"my-page"')
    if not slug or found is None:
        return None
    if slug in (".", "..") or any(char in slug for char in "/\\\0"):
        # A slug names the page's last path segment: with a separator or a dot-dot it would climb.
        raise reader.fail((found[0],), f"{found[0]} {_quoted(slug)} leaves the site", "write a plain name")
    return slug


def _check_inside(reader: _FieldReader, key: str, written: str, path: str) -> None:
    """Refuse a site path (``/``-rooted) that climbs above the site's root or holds ``\\`` or NUL."""
    depth = 0
    for segment in path.split("/"):
        if segment == "..":
            depth -= 1
        elif segment not in ("", "."):
            depth += 1
        if depth < 0 or "\\" in segment or "\0" in segment:
            raise reader.fail((key,), f"{key} {_quoted(written)} leaves the site",
                              'write a path from the site\'s root, e.g. "/blog/my-page/"')


def _stem(source: SourceFile) -> str:
    """The file name without extension and language suffix: ``blog/_index.fr.md`` → ``_index``."""
    stem = posixpath.splitext(source.rel.rpartition("/")[2])[0]
    if source.lang and stem.endswith("." + source.lang):
        stem = stem[:-len(source.lang) - 1]
    return stem


def _source_name(source: SourceFile) -> str:
    """The name a page is known by: its file stem, or its folder's name for ``index``/``_index``."""
    stem = _stem(source)
    return source.rel.rpartition("/")[0].rpartition("/")[2] if stem in _INDEX_STEMS else stem


def _aliases(reader: _FieldReader, source: SourceFile) -> tuple[str, ...]:
    found = reader.take("aliases")
    if found is None:
        return ()
    key, value = found
    # A relative alias sits beside the page, as in Hugo: blog/x.md + "old/" → /blog/old/; a bundle
    # (blog/x/index.md) or section (blog/_index.md) sits where its folder is.
    folder = source.rel.split("/")[:-1]
    if _stem(source) in _INDEX_STEMS:
        folder = folder[:-1]
    base = "/" + "".join(part + "/" for part in folder)
    aliases = []
    example = '["/old/path/"]'
    for alias in reader.words((key,), value, example):
        if _SCHEME_RE.match(alias):
            raise reader.fail((key,), f"{key} must be paths on this site, not {_quoted(alias)}",
                              f"write {reader.example(key, example)}")
        absolute = alias if alias.startswith("/") else base + alias
        _check_inside(reader, key, alias, absolute)
        clean = "/" + posixpath.normpath(absolute).lstrip("/")
        aliases.append(clean + "/" if alias.endswith("/") and clean != "/" else clean)
    return tuple(dict.fromkeys(aliases))


def _taxonomies(reader: _FieldReader) -> dict[str, tuple[str, ...]]:
    terms: dict[str, list[str]] = {}
    for name in ("tags", "categories"):
        found = reader.take(name)
        if found is not None:
            terms.setdefault(name, []).extend(reader.words((found[0],), found[1], '["python", "web"]'))
    table = reader.take("taxonomies")
    if table is not None:
        key, value = table
        if not isinstance(value, dict):
            example = reader.example("tags", '["python", "web"]')
            raise reader.fail((key,), f"{key} must be a table of taxonomy names and terms, "
                              f"not {_kind(value)}", f"write e.g. {example} inside {key}")
        for name, listed in value.items():
            words = reader.words((key, str(name)), listed, '["python", "web"]')
            terms.setdefault(str(name), []).extend(words)
    return {name: tuple(dict.fromkeys(words)) for name, words in terms.items() if words}


def _params(reader: _FieldReader, tz: tzinfo) -> dict[str, Any]:
    # Precedence: an explicit params table over extra (Zola) over loose top-level keys.
    tables = [reader.take("extra"), reader.take("params")]
    merged = reader.rest()
    for found in tables:
        if found is None:
            continue
        if not isinstance(found[1], dict):
            raise reader.fail((found[0],), f"{found[0]} must be a table of keys, not {_kind(found[1])}",
                              f"nest its keys under it, e.g. {reader.example(found[0], '{author: Ann}')}")
        merged.update(found[1])
    return {key: _plain(value, tz) for key, value in merged.items()}


def _plain(value: Any, tz: tzinfo) -> Any:
    """Dates made aware, containers copied (so YAML aliases no longer share objects)."""
    if isinstance(value, date):
        return aware_datetime(value, tz)
    if isinstance(value, dict):
        return {key: _plain(item, tz) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, tz) for item in value]
    return value


# --- titles from the body or the file name ---------------------------------------------------------

_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
# Python-Markdown's own rules, so the title matches the page's rendered <h1>: "#Title" needs no
# space, and trailing #s are dropped; a setext heading is the first line of a block.
_ATX_H1_RE = re.compile(r"#(?!#)(.*)")
_SETEXT_H1_RE = re.compile(r"=+[ \t]*")
_INLINE_RULES = (
    (re.compile(r"\s*\{[:#.][^}]*\}\s*$"), ""),              # attr_list: {#id .class}
    (re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])"), r"\1"),  # links and images
    (re.compile(r"(`+)(.+?)\1"), r"\2"),                       # code spans
    (re.compile(r"<[^>]+>"), ""),                              # inline HTML
    (re.compile(r"(\*\*|__|~~)(.+?)\1"), r"\2"),
    (re.compile(r"\*(.+?)\*"), r"\1"),
    (re.compile(r"(?<!\w)_(.+?)_(?!\w)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!])"), r"\1"),
    (re.compile(r"\s+"), " "),
)


def _plain_heading(text: str) -> str:
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return text.strip()


def _first_heading(body: str) -> str | None:
    """Text of the first level-1 heading outside fenced code and HTML comments, inline markup removed."""
    fence: str | None = None
    in_comment = False
    block_start = True
    setext_candidate: str | None = None
    for line in body.split("\n"):
        stripped = line.strip()
        if fence is not None:
            if stripped and stripped == fence[0] * len(stripped) and len(stripped) >= len(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        opening = _FENCE_RE.match(line)
        if opening is not None or (stripped.startswith("<!--") and "-->" not in stripped):
            fence = opening.group(1) if opening is not None else None
            in_comment = opening is None
            block_start, setext_candidate = True, None
            continue
        if not stripped:
            block_start, setext_candidate = True, None
            continue
        atx = _ATX_H1_RE.match(line)
        if atx is not None:
            heading = _plain_heading(atx.group(1).strip().rstrip("#"))
            if heading:
                return heading
        elif setext_candidate is not None and _SETEXT_H1_RE.fullmatch(line):
            heading = _plain_heading(setext_candidate)
            if heading:
                return heading
        setext_candidate = line if block_start and not line.startswith(("    ", "\t")) else None
        block_start = False
    return None


def _title_from_name(source: SourceFile, tz: tzinfo) -> str:
    """``2016-10-08_my-first_post.md`` → "My first post"; the home page has no title of its own."""
    words = re.sub(r"[-_\s]+", " ", date_from_filename(_source_name(source), tz)[1]).strip()
    return words[:1].upper() + words[1:]
