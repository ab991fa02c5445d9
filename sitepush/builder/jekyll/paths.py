"""Which files of a Jekyll folder are pages, posts, collection documents, copies, or not published.

Jekyll's ``EntryFilter``, folder by folder (a folder left out takes everything in it):

- a name starting with ``.``, ``_``, ``#`` or ``~``, or ending with ``~``, is not published — unless
  ``include:`` names it; ``exclude:`` (globs, or prefixes of the path from the source folder) leaves
  out what ``include:`` does not name again;
- ``_posts/`` in any published folder holds posts (``YYYY-MM-DD-title.md``; the folders above it are
  the posts' categories), ``_drafts/`` posts without a date, built only with ``--drafts``; ``_label/`` of a collection with ``output: true`` holds its documents;
- a Markdown or HTML file that starts with front matter is a page; any other file, Markdown without
  front matter included (Jekyll copies it as it is), is copied to the same path.

Every source's kind is ``page`` except the home page (the root ``index.md``/``index.html``); Jekyll has
no folder listings, so no folder becomes a section (see ``site.assemble_site``).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from sitepush.builder.discover import ContentTree, CopiedFile
from sitepush.builder.jekyll.config import JekyllSite
from sitepush.builder.model import PageKind, SourceFile

PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
POST_NAME_RE = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")
"""Jekyll's ``Document::DATE_FILENAME_MATCHER``."""
_SPECIAL_RE = re.compile(r"^[._#~]")


def _matches(patterns: tuple[str, ...], rel: str) -> bool:
    """Jekyll's ``EntryFilter#glob_include?``: a glob over the whole path (``*`` crosses ``/``), or a prefix."""
    prefixes, match = _globs(patterns)
    return bool(prefixes) and (rel.startswith(prefixes) or match(rel) is not None)


@lru_cache(maxsize=64)
def _globs(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], Callable[[str], object]]:
    """The patterns made clean, and one regex matching where any of them would (``fnmatchcase`` is
    ``re.match`` of ``fnmatch.translate``): a walk asks about every entry, ~30 patterns each."""
    clean = tuple(c for pattern in patterns if (c := pattern.strip().lstrip("/")))
    return clean, re.compile("|".join(fnmatch.translate(c) for c in clean) or "(?!)").match


def is_left_out(rel: str, site: JekyllSite) -> bool:
    """Whether the entry at ``rel`` (a file or a folder, from the source folder) is not read at all."""
    name = rel.rpartition("/")[2]
    if name.endswith("."):
        return True
    included = _matches(site.include, rel) or _matches(site.include, name)
    if _matches(site.exclude, rel) and not included:
        return True
    if included:
        return False
    return bool(_SPECIAL_RE.match(name)) or name.endswith("~")


def has_front_matter(path: Path) -> bool:
    """Jekyll's ``Utils.has_yaml_header?``: the file starts with ``---`` and a line break."""
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError:
        return False
    return head.startswith(b"---\n") or head.startswith(b"---\r\n") or head.startswith(b"--- \n")


def discover_jekyll(source: Path, site: JekyllSite) -> ContentTree:
    """The pages (posts and collection documents included) and copied files of a Jekyll folder."""
    sources: list[SourceFile] = []
    files: list[CopiedFile] = []
    outputs = {c.folder: c for c in site.collections if c.output}
    real_root = os.path.realpath(source)

    def walk(folder: Path, prefix: str, collection: str | None) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_symlink():
                    continue  # Jekyll's EntryFilter#symlink?: left out (safe mode's rule)
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if collection is None and rel in outputs:
                    walk(Path(entry.path), rel + "/", rel)
                elif collection is None and entry.name in ("_posts", "_drafts"):
                    walk(Path(entry.path), rel + "/", entry.name)
                elif collection is not None or not is_left_out(rel, site):
                    walk(Path(entry.path), rel + "/", collection)
                continue
            if collection is not None and is_left_out(rel, site) and not entry.name.startswith("_"):
                continue  # inside a collection, Jekyll reads `_` names but not dot files or excludes
            if collection is None and is_left_out(rel, site):
                continue
            path = Path(entry.path)
            if entry.name.lower().endswith(PAGE_SUFFIXES) and (collection is not None or has_front_matter(path)):
                if collection == "_posts" and not POST_NAME_RE.match(entry.name):
                    continue  # Jekyll reads only dated names as posts
                kind = PageKind.HOME if rel in ("index.md", "index.markdown", "index.html") else PageKind.PAGE
                sources.append(SourceFile(rel, path, kind))
            elif collection is None or collection in outputs:
                files.append(CopiedFile(rel, path))

    if os.path.isdir(real_root):
        walk(source, "", None)
    sources.sort(key=lambda s: s.rel)
    files.sort(key=lambda f: f.rel)
    return ContentTree(tuple(sources), tuple(files))


def document_collection(rel: str, site: JekyllSite) -> str | None:
    """``posts`` for a post (``news/_posts/x.md``), a collection's label for its document, else None."""
    parts = rel.split("/")
    if "_posts" in parts[:-1] or "_drafts" in parts[:-1]:
        return "posts"
    for collection in site.collections:
        if collection.label != "posts" and rel.startswith(collection.folder + "/"):
            return collection.label
    return None


def path_categories(rel: str) -> tuple[str, ...]:
    """The folders above a post's ``_posts`` folder: ``news/_posts/x.md`` → ``("news",)``."""
    parts = rel.split("/")
    special = next((name for name in ("_posts", "_drafts") if name in parts[:-1]), None)
    if special is None:
        return ()
    return tuple(p for p in parts[:parts.index(special)] if p)


def is_draft(rel: str) -> bool:
    """A file under ``_drafts/``: a post shown only with ``--drafts`` (Jekyll's ``--drafts``)."""
    return "_drafts" in rel.split("/")[:-1]
