"""`sitepush import jekyll`: _config.yml → a commented sitepush.toml in Jekyll mode, and what it leaves behind."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.config import load_config, parse_config
from sitepush.errors import ConfigError
from sitepush.importer import import_site
from tests.fixtures.paths import corpus_dir

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


BLOG = {
    "_config.yml": "title: Ann's notes\nurl: https://ann.example\nbaseurl: /blog\ndescription: Notes.\n"
                   "author: {name: Ann}\nlang: fr\ntimezone: Europe/Paris\npaginate: 5\ntheme: minima\n"
                   "plugins: [jekyll-feed, jekyll-redirect-from, jekyll-archives]\nexclude: [notes/]\n",
    "_layouts/post.html": "{{ content }}",
    "_sass/main.scss": "",
    "_posts/2024-01-02-hello.md": "---\nredirect_from: [/old-hello/]\n---\nHi.\n",
    "moved.md": "---\nredirect_to: https://example.org/\n---\n",
}


def test_the_config_carries_over_and_what_jekyll_runs_is_residue(tmp_path: Path) -> None:
    source = write(tmp_path / "src", BLOG)
    result = import_site("jekyll", source, source)
    config = parse_config(result.toml_text, root=source)
    assert (config.site.title, config.site.base_url, config.site.description, config.site.author,
            config.site.language, config.site.timezone) == (
        "Ann's notes", "https://ann.example/blog/", "Notes.", "Ann", "fr", "Europe/Paris")
    assert (config.build.conventions, config.build.content_dir, config.build.paginate) == ("jekyll", ".", 5)
    assert "#   /old-hello/ -> _posts/2024-01-02-hello.md" in result.toml_text
    assert "#   moved.md -> https://example.org/" in result.toml_text
    assert "exclude: in _config.yml, applied at build time): notes/" in result.toml_text
    assert result.residue == (
        "Sass (_sass/, .scss with front matter): not compiled; sitepush's theme has its own CSS",
        "_layouts/ (1 files): Jekyll layouts are not used; sitepush's theme renders every page "
        "(override it in templates/)",
        "plugin jekyll-archives: not run (sitepush has no Jekyll plugins)",
        "theme minima: Jekyll themes are not used; sitepush's theme renders the pages",
    )


def test_importing_twice_gives_the_same_bytes_and_another_destination_points_back(tmp_path: Path) -> None:
    source = write(tmp_path / "src", BLOG)
    first = import_site("jekyll", source, tmp_path / "elsewhere")
    assert import_site("jekyll", source, tmp_path / "elsewhere") == first
    assert parse_config(first.toml_text, root=tmp_path / "elsewhere").build.content_dir == "../src"


def test_a_folder_without_config_yml_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        import_site("jekyll", tmp_path, tmp_path)
    assert caught.value.render() == f"no _config.yml in {tmp_path} — pass the folder that holds _config.yml"


@pytest.mark.slow
def test_just_the_docs_imported_builds_as_jekyll_does(tmp_path: Path) -> None:
    source = tmp_path / "just-the-docs"
    shutil.copytree(corpus_dir("just-the-docs"), source)
    result = import_site("jekyll", source, source)
    assert result.residue == (
        "layout: default: Jekyll layouts are not used; sitepush's theme renders every page (override it in templates/)",
        "plugin jekyll-github-metadata: site.github has what `repository:` names (repository_url, owner_name…);"
        " contributors and releases, from GitHub's API, are empty",
    )
    (source / "sitepush.toml").write_text(result.toml_text, "utf-8")
    config = load_config(source)
    assert (config.build.layout, config.site.base_url) == ("docs", "https://just-the-docs.com/")
    built = Builder(config, cache_folder=tmp_path / "cache").build(now=NOW)
    assert built.stats.published == 45
    assert {"index.html", "docs/navigation/main/x/index.html", "404.html"} <= set(built.files)
    assert not [k for k in built.files if k.startswith(("_", "sitepush")) or k in ("README.md", "LICENSE.txt")]


@pytest.mark.slow
def test_sitepush_import_jekyll_then_build_from_the_command_line(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from sitepush.cli import main

    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "just-the-docs"
    shutil.copytree(corpus_dir("just-the-docs"), source)
    assert main(["import", "jekyll", str(source)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [f"wrote {source / 'sitepush.toml'} from the jekyll config in {source}", "not carried over (2):"]
    assert main(["build", str(source)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert (source / "_site" / "docs" / "navigation" / "main" / "x" / "index.html").is_file()
    assert not (source / "_site" / "_config.yml").exists()
