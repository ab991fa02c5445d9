"""The builder never writes outside its output folder, whatever a page's fields or names say.

Table-driven: every field that makes a URL (slug, url, permalink, aliases, taxonomy terms, file names)
is given a value that climbs out; the build either refuses it with one line naming the file and line,
or keeps the page inside the site. Either way, nothing outside the output folder changes — checked on
the whole tree around the site, with a canary file where a climbing value would land.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitepush.builder.output_folder import OutputFolder
from sitepush.cli import main
from sitepush.errors import BuildError

CLIMB = "../../../../../../../../x"
PLAIN_NAME = "write a plain name"
ROOT_PATH = 'write a path from the site\'s root, e.g. "/blog/my-page/"'


def tree(root: Path, *skip: Path) -> dict[str, bytes]:
    """Every file under ``root`` except those under ``skip`` (and the build cache), with its bytes."""
    found: dict[str, bytes] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not any(path.is_relative_to(s) for s in (*skip, root / "cache")):
                found[str(path.relative_to(root))] = path.read_bytes()
    return found


REFUSED = [
    ("slug climbing out", "slug: ../../x", "content/x.md:2: slug \"../../x\" leaves the site — " + PLAIN_NAME),
    ("deep slug", f"slug: {CLIMB}", f'content/x.md:2: slug "{CLIMB}" leaves the site — {PLAIN_NAME}'),
    ("slug with a slash", "slug: a/b", f'content/x.md:2: slug "a/b" leaves the site — {PLAIN_NAME}'),
    ("slug with a backslash", "slug: '..\\..\\x'",
     f'content/x.md:2: slug "..\\\\..\\\\x" leaves the site — {PLAIN_NAME}'),
    ("slug of two dots", "slug: '..'", f'content/x.md:2: slug ".." leaves the site — {PLAIN_NAME}'),
    ("slug with NUL", 'slug: "a\\0b"', f'content/x.md:2: slug "a\\u0000b" leaves the site — {PLAIN_NAME}'),
    ("url climbing out", f"url: {CLIMB}/", f'content/x.md:2: url "{CLIMB}/" leaves the site — {ROOT_PATH}'),
    ("rooted url climbing out", "url: /a/../../x.html",
     f'content/x.md:2: url "/a/../../x.html" leaves the site — {ROOT_PATH}'),
    ("permalink climbing out", f"permalink: {CLIMB}.html",
     f'content/x.md:2: permalink "{CLIMB}.html" leaves the site — {ROOT_PATH}'),
    ("url with a backslash", "url: '/a\\..\\..\\x/'",
     f'content/x.md:2: url "/a\\\\..\\\\..\\\\x/" leaves the site — {ROOT_PATH}'),
    ("rooted alias climbing out", f"aliases: ['/{CLIMB}/']",
     f'content/x.md:2: aliases "/{CLIMB}/" leaves the site — {ROOT_PATH}'),
    ("relative alias climbing out", "aliases:\n  - ok/\n  - ../../old/",
     f'content/x.md:2: aliases "../../old/" leaves the site — {ROOT_PATH}'),
]


@pytest.mark.parametrize("pretty", [True, False], ids=["pretty_urls", "plain_urls"])
@pytest.mark.parametrize(("case", "field", "error"), REFUSED, ids=[case[0] for case in REFUSED])
def test_a_field_that_climbs_out_of_the_site_is_one_error_line_and_nothing_is_written_outside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        case: str, field: str, error: str, pretty: bool) -> None:
    site = tmp_path / "a" / "b" / "c" / "d" / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitepush.toml").write_text("" if pretty else "[build]\npretty_urls = false\n")
    (site / "content" / "x.md").write_text(f"---\n{field}\ntitle: X\n---\nBody.\n")
    # Where a climbing value lands today: a canary that must keep its bytes.
    for canary in (tmp_path / "x.html", tmp_path / "a" / "b" / "c" / "x.html", tmp_path / "x" / "index.html"):
        canary.parent.mkdir(parents=True, exist_ok=True)
        canary.write_bytes(b"CANARY")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    before = tree(tmp_path, site / "_site")
    code = main(["build", str(site)])
    captured = capsys.readouterr()
    assert (code, captured.err.splitlines()) == (1, [f"error: {error}"])
    assert tree(tmp_path, site / "_site") == before


KEPT_INSIDE = [
    ("tag climbing out", "tags: ['../../../../x']", "tags/x/index.html"),
    ("category climbing out", "categories: ['..\\..\\x']", "categories/x/index.html"),
    ("taxonomy table term climbing out", "taxonomies:\n  series: ['../../x/../y']", "series/x-..-y/index.html"),
    ("term with a slash", "tags: ['CI/CD']", "tags/ci-cd/index.html"),
    ("url dotted inside", "url: /a/../b/", "b/index.html"),
]


@pytest.mark.parametrize(("case", "field", "written"), KEPT_INSIDE, ids=[case[0] for case in KEPT_INSIDE])
def test_terms_and_paths_that_stay_inside_are_normalised_into_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        case: str, field: str, written: str) -> None:
    site = tmp_path / "a" / "b" / "site"
    (site / "content" / "blog").mkdir(parents=True)
    (site / "sitepush.toml").write_text('[build]\ntaxonomies = ["tags", "categories", "series"]\n')
    (site / "content" / "blog" / "x.md").write_text(f"---\ntitle: X\n{field}\n---\nBody.\n")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    code = main(["build", str(site)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert (site / "_site" / written).is_file()
    assert set(tree(tmp_path, site)) == set()  # nothing outside the site folder at all


def test_file_names_with_dots_and_backslashes_stay_inside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "a" / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitepush.toml").write_text("")
    for name in ("..\\..\\x.md", "...md", ". .md"):
        (site / "content" / name).write_text("---\ntitle: X\n---\nBody.\n")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["build", str(site)]) == 0, capsys.readouterr().err
    assert set(tree(tmp_path, site)) == set()


@pytest.mark.parametrize("key", ["../x.html", "a/../../x.html", "/tmp/x.html", "a\\..\\x.html", "a/\0.html",
                                 "", "a//b.html", "./x.html"])
def test_the_output_writer_refuses_any_key_outside_its_folder(tmp_path: Path, key: str) -> None:
    folder = OutputFolder(tmp_path / "out")
    folder.claim(tmp_path / "site", [])
    with pytest.raises(BuildError, match="outside the output folder"):
        folder.write_bytes(key, b"x")
    with pytest.raises(BuildError, match="outside the output folder"):
        folder.copy_file(key, tmp_path / "out" / ".sitepush-build")
    assert sorted(p.name for p in tmp_path.rglob("*")) == [".sitepush-build", "out"]


def test_the_output_writer_does_not_follow_a_symlink_out_of_its_folder(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path / "out")
    folder.claim(tmp_path / "site", [])
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "blog").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BuildError) as raised:
        folder.write_bytes("blog/post/index.html", b"x")
    assert raised.value.render().startswith("refused to write 'blog/post/index.html': it is outside")
    assert list((tmp_path / "elsewhere").iterdir()) == []
    folder.write_bytes("blog.html", b"inside")  # a plain key still writes
    assert (tmp_path / "out" / "blog.html").read_bytes() == b"inside"
