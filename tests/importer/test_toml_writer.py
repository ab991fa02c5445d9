"""The importer's TOML writer spells what tomllib reads back, the same bytes for the same calls."""

from __future__ import annotations

import tomllib

import pytest

from sitepush.importer import TomlDocument, importer_for
from sitepush.errors import UsageError


def written() -> str:
    doc = TomlDocument("sitepush.toml imported from mkdocs.yml", "")
    doc.table("site", comment="from site_name")
    doc.key("title", 'HTTPX "docs" \\ ünïcode\t', comment="site_name")
    doc.key("base_url", "https://www.python-httpx.org/")
    doc.table("build")
    doc.key("pretty_urls", False)
    doc.key("taxonomies", ["tags", "categories"])
    doc.key("paginate", 7)
    doc.commented_key("search", True, comment="turn on to index the site")
    doc.table("site.params")
    doc.key("odd key.with dot", {"a": 1, "b c": [1.5, "x"]})
    doc.array_table("nav", comment="the sidebar")
    doc.key("title", "Home")
    doc.array_table("nav.children")
    doc.key("title", "Child")
    return doc.text()


def test_the_written_document_reads_back_as_the_values_given() -> None:
    data = tomllib.loads(written())
    assert data["site"]["title"] == 'HTTPX "docs" \\ ünïcode\t'
    assert data["build"] == {"pretty_urls": False, "taxonomies": ["tags", "categories"], "paginate": 7}
    assert data["site"]["params"] == {"odd key.with dot": {"a": 1, "b c": [1.5, "x"]}}
    assert data["nav"] == [{"title": "Home", "children": [{"title": "Child"}]}]


def test_the_same_calls_give_the_same_bytes_with_comments_and_one_final_newline() -> None:
    assert written() == written()
    text = written()
    assert text.startswith("# sitepush.toml imported from mkdocs.yml\n#\n")
    assert "# search = true\n" in text and text.endswith("\n") and not text.endswith("\n\n")
    assert "\n\n\n" not in text


def test_an_unknown_kind_is_a_usage_error_naming_the_kinds() -> None:
    with pytest.raises(UsageError) as raised:
        importer_for("gatsby")
    assert raised.value.render() == 'cannot import "gatsby" sites — use one of: mkdocs, jekyll, hugo'
