"""Templates are compiled once per machine, not once per command: Jinja2's bytecode cache in the user cache.

A one-page CLI build used to spend most of a second compiling the theme's templates again; now a command
loads them compiled, and an edited template is compiled afresh (Jinja2 checks each entry against the source).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from sitepush.builder.theme import make_environment


@pytest.fixture()
def compiles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The names of the templates Jinja2 compiled from source, in this test (cache in tmp_path)."""
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    compiled: list[str] = []
    original = jinja2.Environment._compile

    def counting(self: jinja2.Environment, source: str, filename: str) -> Any:
        compiled.append(Path(filename).name)
        return original(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counting)
    return compiled


def render(templates: Path, name: str) -> str:
    env = make_environment(templates, site_root=templates.parent, base_url="https://example.org/")
    return env.get_template(name).render(x=1)


def test_a_second_command_loads_the_template_compiled_and_an_edit_compiles_it_again(
        compiles: list[str], tmp_path: Path) -> None:
    templates = tmp_path / "site" / "templates"
    templates.mkdir(parents=True)
    (templates / "note.html").write_text("A {{ x }}", "utf-8")
    assert render(templates, "note.html") == "A 1"
    assert compiles == ["note.html"]
    assert render(templates, "note.html") == "A 1"  # a new environment, as the next command makes
    assert compiles == ["note.html"]
    (templates / "note.html").write_text("B {{ x }}", "utf-8")
    assert render(templates, "note.html") == "B 1"
    assert compiles == ["note.html", "note.html"]


def test_an_unwritable_cache_only_costs_the_compile(compiles: list[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go", "utf-8")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(blocked))
    templates = tmp_path / "site" / "templates"
    templates.mkdir(parents=True)
    (templates / "note.html").write_text("A {{ x }}", "utf-8")
    assert render(templates, "note.html") == "A 1"
    assert render(templates, "note.html") == "A 1"
    assert compiles == ["note.html", "note.html"]
