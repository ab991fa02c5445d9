"""Which files are pages, which travel with them, which are never read."""

from __future__ import annotations

import os
from pathlib import Path

from sitepush.builder.discover import discover_content, discover_static
from sitepush.builder.model import PageKind


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")


def test_pages_sections_home_and_bundles_are_told_apart(tmp_path: Path) -> None:
    make(tmp_path, "_index.md", "about.md", "blog/_index.md", "blog/2020-01-01-a.md",
         "blog/trip/index.md", "blog/trip/photo.jpg", "blog/trip/raw/big.png", "notes.markdown",
         "img/logo.png")
    tree = discover_content(tmp_path)
    kinds = {s.rel: (s.kind, s.bundle) for s in tree.sources}
    assert kinds == {
        "_index.md": (PageKind.HOME, False), "about.md": (PageKind.PAGE, False),
        "blog/_index.md": (PageKind.SECTION, False), "blog/2020-01-01-a.md": (PageKind.PAGE, False),
        "blog/trip/index.md": (PageKind.PAGE, True), "notes.markdown": (PageKind.PAGE, False)}
    files = {f.rel: f.bundle_of for f in tree.files}
    assert files == {"blog/trip/photo.jpg": "blog/trip/index.md",
                     "blog/trip/raw/big.png": "blog/trip/index.md", "img/logo.png": None}


def test_an_index_md_beside_other_pages_is_the_folder_s_own_page(tmp_path: Path) -> None:
    make(tmp_path, "index.md", "extensions/index.md", "extensions/tables.md")
    kinds = {s.rel: s.kind for s in discover_content(tmp_path).sources}
    assert kinds == {"index.md": PageKind.HOME, "extensions/index.md": PageKind.SECTION,
                     "extensions/tables.md": PageKind.PAGE}


def test_hidden_files_and_folders_are_never_read(tmp_path: Path) -> None:
    make(tmp_path, ".should-not-be-picked-up.md", ".drafts/x.md", "ok.md", ".env")
    tree = discover_content(tmp_path)
    assert [s.rel for s in tree.sources] == ["ok.md"]
    assert tree.files == ()


def test_language_suffixes_mark_translations_but_not_other_dots(tmp_path: Path) -> None:
    make(tmp_path, "_index.fr.md", "base.fr.md", "notes.js.md", "release-2.5.md")
    langs = {s.rel: s.lang for s in discover_content(tmp_path).sources}
    assert langs == {"_index.fr.md": "fr", "base.fr.md": "fr", "notes.js.md": None,
                     "release-2.5.md": None}


def test_static_keeps_well_known_and_skips_other_dotfiles(tmp_path: Path) -> None:
    make(tmp_path, ".well-known/security.txt", ".well-known/.hidden", ".htaccess", "css/site.css",
         ".git/config")
    assert [f.rel for f in discover_static(tmp_path)] == [".well-known/security.txt", "css/site.css"]


def test_symlinks_are_followed_only_inside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make(outside, "secret.md")
    content = tmp_path / "content"
    make(content, "real.md")
    os.symlink(outside / "secret.md", content / "leak.md")
    os.symlink(content / "real.md", content / "alias.md")
    os.symlink(content, content / "loop")
    rels = sorted(s.rel for s in discover_content(content).sources)
    assert rels == ["alias.md", "real.md"]
