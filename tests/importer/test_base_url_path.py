"""The three importers agree on a site under a path: Hugo's ``baseURL``, MkDocs' ``site_url`` and
Jekyll's ``url`` + ``baseurl`` all become ``[site] base_url`` with the path, which the build, the deploy
prefix and ``serve`` then follow; nothing about it is left as residue."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.config import parse_config
from sitepush.importer import import_site

SOURCES = {
    "hugo": {"hugo.toml": 'baseURL = "https://example.org/project/"\ntitle = "P"\n', "content/_index.md": "Hi.\n"},
    "mkdocs": {"mkdocs.yml": "site_name: P\nsite_url: https://example.org/project\n", "docs/index.md": "Hi.\n"},
    "jekyll": {"_config.yml": "title: P\nurl: https://example.org\nbaseurl: /project\n", "index.md": "Hi.\n"},
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_a_project_site_imports_with_its_path_in_base_url(tmp_path: Path, kind: str) -> None:
    for rel, text in SOURCES[kind].items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, "utf-8")
    result = import_site(kind, tmp_path, tmp_path)
    config = parse_config(result.toml_text, root=tmp_path)
    assert config.site.base_url == "https://example.org/project/"
    assert (config.site.base_path, config.deploy_prefix) == ("/project/", "project/")
    assert not [line for line in result.residue if "project" in line or "base" in line.lower()]
