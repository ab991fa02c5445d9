"""Front matter that is probably a mistake is a warning at its line; broken YAML points at the line to fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sitepush.cli import main

Build = Callable[..., tuple[int, list[str]]]


@pytest.fixture()
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Build:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))

    def run(page: str, *args: str) -> tuple[int, list[str]]:
        (tmp_path / "site" / "content").mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / "content" / "post.md").write_text(page, "utf-8")
        code = main(["build", str(tmp_path / "site"), *args])
        return code, capsys.readouterr().err.splitlines()
    return run


@pytest.mark.parametrize(("page", "warning"), [
    ("---\ntitel: Hello\n---\nText\n",
     "warning: content/post.md:2: unknown front matter key `titel` (did you mean `title`?) — rename it to "
     "`title` (other keys reach templates as page.params)"),
    ("---\ntitle: Hello\ndescripton: One line.\n---\nText\n",
     "warning: content/post.md:3: unknown front matter key `descripton` (did you mean `description`?) — rename "
     "it to `description` (other keys reach templates as page.params)"),
    ("---\ntitle: Hello\ntags: meta, writing\n---\nText\n",
     'warning: content/post.md:3: tags "meta, writing" is one term with commas in it — for several, write a '
     "list: `tags: [meta, writing]`"),
])
def test_a_probable_mistake_is_one_warning_at_its_line_and_the_page_still_builds(
        build: Build, page: str, warning: str) -> None:
    code, err = build(page)
    assert (code, err) == (0, [warning])


def test_keys_of_the_sites_own_are_not_mistakes(build: Build) -> None:
    code, err = build("---\ntitle: Hello\nauthor: Ann\nhero_image: a.png\ntags: [meta, writing]\n---\nText\n")
    assert (code, err) == (0, [])


def test_strict_makes_them_errors(build: Build) -> None:
    code, err = build("---\ntitel: Hello\n---\nText\n", "--strict")
    assert code == 1 and err[0].startswith("error: content/post.md:2: unknown front matter key `titel`")


@pytest.mark.parametrize(("page", "line"), [
    ("---\ntitle: Hi\ntags: [a, b\ndate: 2024-01-01\n---\nBody\n", 3),   # the unclosed [, not the next key
    ('---\ntitle: "unterminated\nx: 1\n---\nbody\n', 2),                # the open quote, not the closing ---
    ("---\ntitle: ok\n  bad: indent\n---\nbody\n", 3),
])
def test_a_yaml_error_names_the_line_where_the_mistake_is(build: Build, page: str, line: int) -> None:
    code, err = build(page)
    assert code == 1 and err[0].startswith(f"error: content/post.md:{line}: invalid front matter: ")
