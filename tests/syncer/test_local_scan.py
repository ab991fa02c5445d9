"""scan_site: which files of the built folder are uploaded under which keys, and what is skipped and why."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from sitepush.errors import DeployError
from sitepush.syncer import hashing
from sitepush.syncer.hashing import HashCache, multipart_etag
from sitepush.syncer.local import (
    CHUNK_SIZE,
    LocalFile,
    SkippedFile,
    glob_regex,
    key_for,
    scan_site,
    summarise_skipped,
)

MiB = 1024 * 1024


def write(root: Path, rel: str, data: bytes = b"x", *, age_s: int = 3600) -> Path:
    """Write a file dated ``age_s`` back, as an earlier build would have left it."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = time.time_ns() - age_s * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))
    return path


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    """A built folder holding one of every kind of entry the scan must judge."""
    site = tmp_path / "site"
    write(site, "index.html", b"<h1>home</h1>")
    write(site, "css/site.css", b"body{}")
    write(site, ".hidden", b"dot")
    write(site, ".well-known/security.txt", b"Contact: mailto:a@example.com\n")
    write(site, ".env", b"SECRET=1")
    write(site, "x.pem", b"-----BEGIN-----")
    write(site, ".git/config", b"[core]")
    write(site, "e\u0301.html", b"accent")
    write(tmp_path / "outside", "secret.txt", b"outside")
    (site / "link").symlink_to(tmp_path / "outside" / "secret.txt")
    (site / "loop1").symlink_to("loop2")
    (site / "loop2").symlink_to("loop1")
    (site / "inside.html").symlink_to("index.html")
    (site / "here").symlink_to(".")
    (site / "broken").symlink_to("nothing-there")
    os.mkfifo(site / "pipe")
    return site


def test_scan_keeps_site_files_and_well_known_with_nfc_keys(built: Path) -> None:
    site = scan_site(built)
    assert [(f.key, f.size, f.content_type) for f in site.files] == [
        (".well-known/security.txt", 30, "text/plain; charset=utf-8"),
        ("css/site.css", 6, "text/css; charset=utf-8"),
        ("index.html", 13, "text/html; charset=utf-8"),
        ("inside.html", 13, "text/html; charset=utf-8"),
        ("\u00e9.html", 6, "text/html; charset=utf-8"),
    ]


def test_scan_records_every_skip_with_its_reason(built: Path) -> None:
    assert scan_site(built).skipped == (
        SkippedFile(".env", "secret-looking"),
        SkippedFile(".git/", "secret-looking"),
        SkippedFile(".hidden", "dotfile"),
        SkippedFile("broken", "broken symlink"),
        SkippedFile("here", "symlink loop"),
        SkippedFile("link", "symlink out of the site"),
        SkippedFile("loop1", "symlink loop"),
        SkippedFile("loop2", "symlink loop"),
        SkippedFile("pipe", "not a regular file"),
        SkippedFile("x.pem", "secret-looking"),
    )


def test_symlink_inside_the_site_is_read_as_the_file_it_points_to(built: Path) -> None:
    files = {f.key: f for f in scan_site(built).files}
    assert files["inside.html"].md5 == hashlib.md5(b"<h1>home</h1>").hexdigest()
    assert files["inside.html"].path == built / "inside.html"


def test_symlinked_folder_inside_the_site_is_walked_under_its_own_name(tmp_path: Path) -> None:
    write(tmp_path, "v2/doc.html", b"v2")
    (tmp_path / "latest").symlink_to("v2")
    assert [f.key for f in scan_site(tmp_path).files] == ["latest/doc.html", "v2/doc.html"]


def test_symlinked_folder_out_of_the_site_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "elsewhere/private.html")
    write(tmp_path, "site/index.html")
    (tmp_path / "site" / "docs").symlink_to(tmp_path / "elsewhere")
    site = scan_site(tmp_path / "site")
    assert [f.key for f in site.files] == ["index.html"]
    assert site.skipped == (SkippedFile("docs", "symlink out of the site"),)


def test_symlink_inside_the_site_to_a_secret_or_dotfile_is_skipped_like_its_target(tmp_path: Path) -> None:
    write(tmp_path, ".git/config")
    write(tmp_path, ".env")
    write(tmp_path, ".drafts/post.html")
    (tmp_path / "docs").symlink_to(".git")
    (tmp_path / "settings.txt").symlink_to(".env")
    (tmp_path / "drafts").symlink_to(".drafts")
    site = scan_site(tmp_path)
    assert site.files == ()
    assert [(s.rel, s.reason) for s in site.skipped] == [
        (".drafts/", "dotfile"), (".env", "secret-looking"), (".git/", "secret-looking"),
        ("docs", "secret-looking"), ("drafts", "dotfile"), ("settings.txt", "secret-looking")]


def test_symlink_to_an_ancestor_folder_is_a_loop(tmp_path: Path) -> None:
    write(tmp_path, "a/b/page.html")
    (tmp_path / "a" / "b" / "up").symlink_to("..")
    site = scan_site(tmp_path)
    assert [f.key for f in site.files] == ["a/b/page.html"]
    assert site.skipped == (SkippedFile("a/b/up", "symlink loop"),)


def test_files_are_sorted_by_key_in_code_point_order(tmp_path: Path) -> None:
    for rel in ("\u00e9.html", "a.html", "B.html", "a/z.html", "a-b.html"):
        write(tmp_path, rel)
    assert [f.key for f in scan_site(tmp_path).files] == [
        "B.html", "a-b.html", "a.html", "a/z.html", "\u00e9.html"]


def test_md5_and_size_cover_a_file_larger_than_one_chunk(tmp_path: Path) -> None:
    data = bytes(range(256)) * (CHUNK_SIZE * 5 // 2 // 256 + 3)
    path = write(tmp_path, "big.bin", data)
    assert scan_site(tmp_path).files == (
        LocalFile(key="big.bin", path=path, size=len(data), md5=hashlib.md5(data).hexdigest(),
                  etag=hashlib.md5(data).hexdigest(), content_type="application/octet-stream"),
    )


def test_well_known_is_kept_only_at_the_top(tmp_path: Path) -> None:
    write(tmp_path, "blog/.well-known/x.txt")
    write(tmp_path, ".well-known/.draft-note")
    site = scan_site(tmp_path)
    assert site.files == ()
    assert site.skipped == (SkippedFile(".well-known/.draft-note", "dotfile"),
                            SkippedFile("blog/.well-known/", "dotfile"))


def test_secret_names_inside_well_known_are_still_skipped(tmp_path: Path) -> None:
    write(tmp_path, ".well-known/security.txt")
    write(tmp_path, ".well-known/server.key")
    write(tmp_path, ".well-known/.env.production")
    site = scan_site(tmp_path)
    assert [f.key for f in site.files] == [".well-known/security.txt"]
    assert site.skipped == (SkippedFile(".well-known/.env.production", "secret-looking"),
                            SkippedFile(".well-known/server.key", "secret-looking"))


@pytest.mark.parametrize(("allow", "kept"), [
    ((), []),
    ((".nojekyll",), [".nojekyll"]),
    ((".config/**",), [".config/app.json"]),
    (("**",), [".config/app.json", ".nojekyll"]),
    ((".config/.env.public",), [".config/.env.public"]),
    (("**/*.pem",), ["keys/site.pem"]),
    (("keys/*",), []),
    ((".git/config",), [".git/config"]),
])
def test_allow_globs_keep_dotfiles_but_secrets_only_when_named_explicitly(
        tmp_path: Path, allow: tuple[str, ...], kept: list[str]) -> None:
    for rel in (".nojekyll", ".config/app.json", ".config/.env.public", "keys/site.pem",
                ".git/config", ".git/HEAD"):
        write(tmp_path, rel)
    assert [f.key for f in scan_site(tmp_path, allow=allow).files] == kept


def test_allowing_one_file_in_a_dot_folder_skips_its_siblings(tmp_path: Path) -> None:
    write(tmp_path, ".hidden/a.html")
    write(tmp_path, ".hidden/b.html")
    site = scan_site(tmp_path, allow=[".hidden/a.html"])
    assert [f.key for f in site.files] == [".hidden/a.html"]
    assert site.skipped == (SkippedFile(".hidden/b.html", "dotfile"),)


def test_two_names_that_normalise_to_one_key_stop_the_scan(tmp_path: Path) -> None:
    write(tmp_path, "e\u0301.html")
    write(tmp_path, "\u00e9.html")
    with pytest.raises(DeployError) as raised:
        scan_site(tmp_path)
    assert raised.value.render() == (
        "two files are both uploaded as the key \u00e9.html: 'e\\u0301.html' and '\\xe9.html'"
        " — rename one of them: their names differ only in Unicode form")


def test_a_file_name_that_is_not_utf8_stops_the_scan(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9.html")).write_bytes(b"latin-1 name")
    with pytest.raises(DeployError) as raised:
        scan_site(tmp_path)
    assert raised.value.render() == (
        "the file name caf\\udce9.html is not valid UTF-8"
        " — rename it with UTF-8 characters; S3 keys are UTF-8")


def test_a_missing_site_folder_says_to_build_first(tmp_path: Path) -> None:
    with pytest.raises(DeployError) as raised:
        scan_site(tmp_path / "_site")
    assert raised.value.render() == (
        f"the built site {tmp_path / '_site'} does not exist"
        " — run `sitepush build` first, or pass the folder it wrote")


@pytest.mark.parametrize(("rel", "key"), [
    ("index.html", "index.html"),
    ("blog/e\u0301t\u00e9/index.html", "blog/\u00e9t\u00e9/index.html"),
    ("with space/file name.html", "with space/file name.html"),
])
def test_key_for_normalises_to_nfc(rel: str, key: str) -> None:
    assert key_for(rel) == key


@pytest.mark.parametrize("rel", ["../etc/passwd", "a/../b", "a//b", "./a", "a/", ""])
def test_key_for_refuses_dot_dot_and_empty_segments(rel: str) -> None:
    with pytest.raises(DeployError, match="has an empty, '.' or '..' segment"):
        key_for(rel)


def test_key_for_refuses_keys_longer_than_s3_allows() -> None:
    assert key_for("a" * 1024) == "a" * 1024
    with pytest.raises(DeployError, match="1024-byte key limit"):
        key_for("\u00e9" * 513)


def test_summary_names_each_skip_with_its_reason_and_the_allow_that_would_upload_it() -> None:
    skipped = (SkippedFile(".env", "secret-looking"), SkippedFile("link", "symlink out of the site"),
               SkippedFile("notes.txt", "holds a private key"), SkippedFile(".git/", "secret-looking"))
    assert summarise_skipped(skipped) == (
        "skipped 4 files: .env (secret-looking), notes.txt (holds a private key), .git/ (secret-looking), "
        "link (symlink out of the site)\n"
        '  to upload them anyway (only if public by design): [deploy] allow = [".env", "notes.txt"]')
    assert summarise_skipped(()) == ""
    many = tuple(SkippedFile(f"f{i}.link", "symlink loop") for i in range(7))
    assert summarise_skipped(many, limit=2) == \
        "skipped 7 files: f0.link (symlink loop), f1.link (symlink loop), and 5 more"


def test_summary_never_cuts_a_secret_and_escapes_every_name() -> None:
    secrets = tuple(SkippedFile(f"k{i}.pem", "secret-looking") for i in range(7))
    text = summarise_skipped((*secrets, SkippedFile("a\x1b[2Jb", "control character in the name")), limit=2)
    assert all(f"k{i}.pem (secret-looking)" in text for i in range(7))
    assert text.startswith("skipped 8 files:") and "and 1 more" in text
    assert "\x1b" not in summarise_skipped((SkippedFile("a\x1b[2Jb", "control character in the name"),))
    assert "a\\x1b[2Jb" in summarise_skipped((SkippedFile("a\x1b[2Jb", "control character in the name"),))


def test_a_file_above_the_caches_multipart_threshold_carries_the_multipart_etag(tmp_path: Path) -> None:
    data = b"".join(bytes([index]) * MiB for index in range(9))
    path = write(tmp_path, "video.mp4", data)
    (file,) = scan_site(tmp_path, hashes=HashCache(threshold=5 * MiB)).files
    assert (file.md5, file.etag) == (hashlib.md5(data).hexdigest(), multipart_etag(path, 8 * MiB))
    assert file.etag.endswith("-2")


def test_without_a_cache_the_scan_uses_the_default_64_mib_threshold(tmp_path: Path) -> None:
    data = b"".join(bytes([index]) * MiB for index in range(9))
    write(tmp_path, "video.mp4", data)
    (file,) = scan_site(tmp_path).files
    assert file.etag == file.md5 == hashlib.md5(data).hexdigest()


def many_files(root: Path, count: int = 40) -> list[Path]:
    return [write(root, f"d{index % 4}/p{index}.html", f"page {index}".encode()) for index in range(count)]


def test_a_scan_of_an_unchanged_folder_reads_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many_files(tmp_path)
    cache = HashCache()
    first = scan_site(tmp_path, hashes=cache)
    assert cache.reads == 40

    def no_reading(path: str, part_size: int | None, **kept: bool) -> tuple[str, str, int, bytes]:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(hashing, "_digest", no_reading)
    assert scan_site(tmp_path, hashes=cache) == first


def test_a_rebuild_with_the_same_bytes_reads_each_file_once_and_finds_the_same_hashes(tmp_path: Path) -> None:
    paths = many_files(tmp_path)
    cache = HashCache()
    first = scan_site(tmp_path, hashes=cache)
    for path in paths:
        write(tmp_path, path.relative_to(tmp_path).as_posix(), path.read_bytes(), age_s=1800)
    assert scan_site(tmp_path, hashes=cache) == first
    assert scan_site(tmp_path, hashes=cache) == first
    assert cache.reads == 80


def test_a_same_size_change_is_found_by_a_cached_scan(tmp_path: Path) -> None:
    many_files(tmp_path)
    cache = HashCache()
    scan_site(tmp_path, hashes=cache)
    write(tmp_path, "d1/p5.html", b"PAGE 5", age_s=1800)
    files = {f.key: f for f in scan_site(tmp_path, hashes=cache).files}
    assert files["d1/p5.html"].md5 == hashlib.md5(b"PAGE 5").hexdigest()
    assert cache.reads == 41


def test_an_unreadable_file_stops_the_scan_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many_files(tmp_path)
    real_digest = hashing._digest

    def denied(path: str, part_size: int | None, **kept: bool) -> tuple[str, str, int, bytes]:
        if Path(path).name == "p7.html":
            raise PermissionError(13, "Permission denied")
        return real_digest(path, part_size, **kept)

    monkeypatch.setattr(hashing, "_digest", denied)
    with pytest.raises(DeployError) as raised:
        scan_site(tmp_path)
    assert raised.value.render() == (
        "cannot read d3/p7.html: Permission denied — check its permissions, then rerun")


def test_a_file_still_being_written_stops_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "index.html", b"<h1>home</h1>")
    real_digest = hashing._digest

    def growing(path: str, part_size: int | None, **kept: bool) -> tuple[str, str, int, bytes]:
        Path(path).write_bytes(b"<h1>home</h1> and more")
        return real_digest(path, part_size, **kept)

    monkeypatch.setattr(hashing, "_digest", growing)
    with pytest.raises(DeployError) as raised:
        scan_site(tmp_path)
    assert raised.value.render() == (
        "index.html changed while it was being read — let the build finish, then rerun the deploy")


@pytest.mark.parametrize(("glob", "key", "matches"), [
    ("*.html", "index.html", True),
    ("*.html", "blog/index.html", False),
    ("**/*.html", "index.html", True),
    ("**/*.html", "blog/2024/post/index.html", True),
    ("blog/**", "blog/a/b.css", True),
    ("blog/**", "blogs/a.css", False),
    ("?.txt", "a.txt", True),
    ("?.txt", "ab.txt", False),
    ("img/*.[jp][pn]g", "img/a.png", True),
    ("img/*.[jp][pn]g", "img/a.gif", False),
    ("[!_]*.html", "_draft.html", False),
    ("[!_]*.html", "post.html", True),
    ("[[]slug].html", "[slug].html", True),
    ("[slug.html", "[slug.html", True),
    ("assets/*-[0-9a-f][0-9a-f]*.js", "assets/app-3f.js", True),
    ("a&&b", "a&&b", True),
])
def test_globs_match_whole_keys_with_star_within_a_folder_and_double_star_across(
        glob: str, key: str, matches: bool) -> None:
    assert (glob_regex(glob).fullmatch(key) is not None) is matches


def test_a_glob_range_written_high_to_low_is_a_one_line_error() -> None:
    with pytest.raises(DeployError) as raised:
        glob_regex("[z-a].css")
    assert raised.value.render() == (
        'the glob "[z-a].css" has a [range] written high to low — write ranges low to high, e.g. [0-9a-f]')
