"""`sitepush new`: a site a user would keep, that builds cleanly; and a folder that is no site says so."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.scaffold import site_files


@pytest.mark.parametrize("kind", ["blog", "docs"])
def test_a_new_site_builds_strictly_with_its_own_404_page(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "my-site"
    assert main(["new", str(folder), "--kind", kind]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote a new {kind} site to {folder}/") and "--sandbox" in said
    for rel in ("sitepush.toml", "content/_index.md", "content/404.md", "static/favicon.svg", ".gitignore"):
        assert (folder / rel).is_file(), rel
    assert (folder / "sitepush.toml").read_text("utf-8").startswith("# sitepush.toml")
    assert main(["build", str(folder), "--strict"]) == 0
    capsys.readouterr()
    assert "Page not found" in (folder / "_site" / "404.html").read_text("utf-8")
    assert (folder / "_site" / "favicon.svg").is_file()


def test_the_first_post_of_a_blog_is_dated_today() -> None:
    files = site_files("blog", "My Site", date(2026, 12, 2))
    assert "date: 2026-12-02" in files["content/posts/hello-world.md"]
    assert 'title = "My Site"' in files["sitepush.toml"]


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert main(["new", str(tmp_path / "taken")]) == 2
    assert capsys.readouterr().err == (f"error: {tmp_path / 'taken'} is not empty — choose a new folder, "
                                       "e.g. `sitepush new my-site`\n")
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("command", [["build"], ["serve", "--port", "0"], ["deploy", "--sandbox", "--dry-run"]])
def test_in_a_folder_that_is_no_site_every_command_says_run_sitepush_new(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    assert capsys.readouterr().err == ("error: no sitepush.toml or content/ here — run `sitepush new my-site` "
                                       "to start a site\n")
    assert os.listdir(tmp_path) == []
