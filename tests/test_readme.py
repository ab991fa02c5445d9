"""The README's promises hold: its test command is what CI runs, its config reference is the code's."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import typing

from sitepush.config import Config
from sitepush.config_schema import iter_options, toml_key
from tests.fixtures.paths import REPO

README = (REPO / "README.md").read_text("utf-8")


def _toml(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return json.dumps(list(value)).replace('", "', '", "')
    if isinstance(value, dict):
        return "{}"
    return json.dumps(value)


def test_readme_starts_with_the_sandbox_command_then_the_test_command() -> None:
    blocks = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert blocks[0] == "pip install -e '.[sandbox]' && sitepush deploy example-site --sandbox"
    assert blocks[1] == ".ci/system-deps && pip install -e '.[test]' && python3 -m pytest && .ci/lowest-versions"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text()
    extracted = subprocess.run(
        ["bash", "-c", re.search(r"^cmd=\$\((.*)\)$", script, re.M).group(1)],  # type: ignore[union-attr]
        cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    assert extracted == ".ci/system-deps && pip install -e '.[test]' && python3 -m pytest && .ci/lowest-versions"


def _list_tables(cls: type, prefix: str = "") -> list[tuple[str, type]]:
    """(dotted key, element class) of every array of tables, e.g. ("deploy.headers", HeaderRule)."""
    found: list[tuple[str, type]] = []
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.metadata.get("internal"):
            continue
        key = f"{prefix}{toml_key(field)}"
        annotation = hints[field.name]
        if dataclasses.is_dataclass(annotation):
            found += _list_tables(annotation, f"{key}.")  # type: ignore[arg-type]
        elif typing.get_origin(annotation) is tuple and dataclasses.is_dataclass(typing.get_args(annotation)[0]):
            found.append((key, typing.get_args(annotation)[0]))
    return found


def test_config_reference_lists_every_option_with_its_real_default_and_doc() -> None:
    section = README.split("<!-- config-reference -->")[1].split("<!-- /config-reference -->")[0]
    tables = dict(_list_tables(Config))
    for key, default, doc in iter_options(Config):
        if key in tables:
            continue
        shown = "unset" if default is None else f"`{_toml(default)}`"
        row = f"| `{key}` | {shown} | {doc} |"
        assert row in section, f"README config reference is out of date for {key}: expected {row}"
    assert "`[[menu]]`" in section and "`[[redirects]]`" in section


def test_config_reference_documents_every_array_of_tables_in_its_own_table() -> None:
    section = README.split("<!-- config-reference -->")[1].split("<!-- /config-reference -->")[0]
    tables = _list_tables(Config)
    assert {key for key, _ in tables} >= {"deploy.headers", "website.routing_rules"}
    for table, cls in tables:
        if table in ("menu", "redirects"):  # small enough for one row of the main table
            continue
        part = section.split(f"`[[{table}]]`", 1)
        assert len(part) == 2, f"README config reference has no paragraph for [[{table}]]"
        for field in dataclasses.fields(cls):
            key = toml_key(field)
            default = field.default if field.default is not dataclasses.MISSING else (
                field.default_factory() if field.default_factory is not dataclasses.MISSING else "required")
            shown = "required" if default == "required" else ("unset" if default is None else f"`{_toml(default)}`")
            row = f"| `{key}` | {shown} | {field.metadata['doc']} |"
            assert row in part[1], f"README [[{table}]] reference is out of date: expected {row}"


def test_readme_says_what_a_template_can_reach_in_the_sandbox() -> None:
    from sitepush.builder.theme import ThemeEnvironment

    assert "SandboxedEnvironment" in README and "cannot import, read files, run commands" in README
    env_globals = set(ThemeEnvironment().globals)
    named = set(re.findall(r"`(\w+)`", README.split("Templates render in Jinja2's sandbox", 1)[1].split("\n\n")[0]))
    assert env_globals <= named, env_globals - named  # every global a template gets is named
