"""Find the inputs of a build: Markdown sources, files that travel with them, and static files.

Rules (pinned by tests/builder/test_discover.py):

- ``.md`` and ``.markdown`` files under the content folder are pages; hidden names (``.x``) are never read
  nor copied, at any depth.
- ``_index.md`` is a section's own page; at the root it is the home page (a root ``index.md`` is the home page
  too when there is no ``_index.md``, as MkDocs sites have it).
- ``folder/index.md`` is a *page bundle* when the folder holds no other Markdown: its other files are copied
  beside the page wherever the page's URL puts it. A folder whose ``index.md`` sits beside other pages is a
  section and ``index.md`` is its own page (MkDocs' layout, as in the Python-Markdown docs).
- ``folder/README.md`` is the folder's index page, like ``index.md``, when the folder has neither
  ``index.md`` nor ``_index.md`` (MkDocs' rule: GitHub shows a folder's README).
- A language suffix (``post.fr.md``, ``_index.fr.md``) marks a translation.
- Any other file under the content folder is copied to the same relative path.
- Under the static folder every file is copied; hidden names are skipped except ``.well-known/``.
- Symbolic links are followed only when they resolve inside the folder being walked.
- ``[build] exclude`` patterns (gitignore-style, :mod:`sitepush.builder.excludes`) drop files before all of this.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitepush.builder.excludes import is_excluded
from sitepush.builder.model import PageKind, SourceFile

MARKDOWN_SUFFIXES = (".md", ".markdown")
_LANG_RE = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2})(?:-[A-Za-z]{2,4})?$")
# ISO 639-1 codes: only these mark a translation, so `notes.js.md` stays one page named notes.js.
_ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el
en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu
ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na
nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so
sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())


@dataclass(frozen=True)
class CopiedFile:
    """A file copied into the output as-is."""

    rel: str
    """Path relative to the folder it was found in, '/'-separated."""
    path: Path
    bundle_of: str | None = None
    """For a page bundle's file: the ``rel`` of the bundle's ``index.md`` (the file follows the page)."""


@dataclass(frozen=True)
class ContentTree:
    """Everything found under the content folder."""

    sources: tuple[SourceFile, ...]
    files: tuple[CopiedFile, ...]


def _walk(root: Path, *, keep_hidden: tuple[str, ...] = ()) -> list[tuple[str, Path]]:
    """(rel, path) of every regular file under root, sorted, hidden names skipped, links kept inside."""
    found: list[tuple[str, Path]] = []
    if not root.is_dir():
        return found
    real_root = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[str, str]] = [(str(root), "")]  # (absolute folder, rel prefix)
    while stack:
        folder, prefix = stack.pop()
        try:
            stat = os.stat(folder)
            entries = list(os.scandir(folder))
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen_dirs:
            continue  # a symlink loop
        seen_dirs.add((stat.st_dev, stat.st_ino))
        for entry in entries:
            rel = prefix + entry.name
            if entry.name.startswith(".") and rel + "/" not in keep_hidden:
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path, strict=True)
                    if os.path.commonpath([target, real_root]) != real_root:
                        continue
                if entry.is_dir():
                    stack.append((entry.path, rel + "/"))
                elif entry.is_file():
                    found.append((rel, Path(entry.path)))
            except (OSError, ValueError):
                continue  # broken link, unreadable entry
    found.sort()
    return found


def discover_content(content_dir: Path, exclude: Sequence[str] = ()) -> ContentTree:
    """Classify every file under the content folder into pages and copied files; files matching the
    gitignore-style ``exclude`` patterns (``[build] exclude``) are neither."""
    walked = _walk(content_dir)
    if exclude:
        walked = [(rel, path) for rel, path in walked if not is_excluded(rel, exclude)]
    markdown_by_folder: dict[str, list[str]] = {}
    for rel, _ in walked:
        if rel.endswith(MARKDOWN_SUFFIXES):
            folder = rel.rpartition("/")[0]
            markdown_by_folder.setdefault(folder, []).append(rel.rpartition("/")[2])
    has_root_section = any(name.startswith("_index.") for name in markdown_by_folder.get("", []))

    # MkDocs' rule: a folder's README.md is its index page when it has no index.md (nor _index.md).
    readme_index = {folder for folder, names in markdown_by_folder.items()
                    if any(_base_name(n).lower() == "readme" for n in names)
                    and not any(_base_name(n) in ("index", "_index") for n in names)}
    bundles: dict[str, str] = {}  # folder -> rel of its index.md
    for folder, names in markdown_by_folder.items():
        index_names = [n for n in names if _index_base(n, folder in readme_index) == "index"]
        if folder and index_names and len(names) == len(index_names) and not _has_subfolder_pages(
                folder, markdown_by_folder):
            bundles[folder] = f"{folder}/{index_names[0]}"

    sources: list[SourceFile] = []
    files: list[CopiedFile] = []
    for rel, path in walked:
        folder, _, name = rel.rpartition("/")
        if rel.endswith(MARKDOWN_SUFFIXES):
            base, lang = _split_lang(name)
            base = _index_base(name, folder in readme_index) if base.lower() == "readme" else base
            if base == "_index" or (base == "index" and folder not in bundles
                                    and not (folder == "" and has_root_section)):
                kind = PageKind.HOME if folder == "" else PageKind.SECTION
                sources.append(SourceFile(rel, path, kind, bundle=False, lang=lang))
            else:
                sources.append(SourceFile(rel, path, PageKind.PAGE, bundle=folder in bundles, lang=lang))
            continue
        owner = _bundle_owner(folder, bundles)
        files.append(CopiedFile(rel, path, bundle_of=owner))
    return ContentTree(tuple(sources), tuple(files))


def discover_static(static_dir: Path) -> tuple[CopiedFile, ...]:
    """Every file under the static folder; hidden names skipped except ``.well-known/``."""
    return tuple(CopiedFile(rel, path) for rel, path in _walk(static_dir, keep_hidden=(".well-known/",)))


def _base_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return _split_lang_stem(stem)[0]


def _index_base(name: str, readme_is_index: bool) -> str:
    """The base name, with README read as ``index`` in a folder whose index page it is."""
    base = _base_name(name)
    return "index" if readme_is_index and base.lower() == "readme" else base


def _split_lang(name: str) -> tuple[str, str | None]:
    return _split_lang_stem(name.rsplit(".", 1)[0])


def _split_lang_stem(stem: str) -> tuple[str, str | None]:
    match = _LANG_RE.match(stem)
    if match and match.group("lang") in _ISO_639_1:
        return match.group("stem"), stem[len(match.group("stem")) + 1:]
    return stem, None


def _has_subfolder_pages(folder: str, markdown_by_folder: dict[str, list[str]]) -> bool:
    prefix = folder + "/"
    return any(other.startswith(prefix) for other in markdown_by_folder)


def _bundle_owner(folder: str, bundles: dict[str, str]) -> str | None:
    while folder:
        if folder in bundles:
            return bundles[folder]
        folder = folder.rpartition("/")[0]
    return None
