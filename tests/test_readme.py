"""The README's promises hold: its test command is what CI runs, its config reference is the code's."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from sitepush._schema import iter_options
from sitepush.config import Config

REPO = Path(__file__).resolve().parent.parent
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
    assert blocks[1] == "pip install -e '.[test]' && python3 -m pytest"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text()
    extracted = subprocess.run(
        ["bash", "-c", re.search(r"^cmd=\$\((.*)\)$", script, re.M).group(1)],  # type: ignore[union-attr]
        cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    assert extracted == "pip install -e '.[test]' && python3 -m pytest"


def test_config_reference_lists_every_option_with_its_real_default_and_doc() -> None:
    section = README.split("<!-- config-reference -->")[1].split("<!-- /config-reference -->")[0]
    for key, default, doc in iter_options(Config):
        if key in ("menu", "redirects", "deploy.headers"):
            continue
        shown = "unset" if default is None else f"`{_toml(default)}`"
        row = f"| `{key}` | {shown} | {doc} |"
        assert row in section, f"README config reference is out of date for {key}: expected {row}"
    assert "`[[menu]]`" in section and "`[[redirects]]`" in section
    from sitepush.config import HeaderRule
    for key, default, doc in iter_options(HeaderRule):
        shown = "required" if key == "glob" else ("unset" if default is None else f"`{_toml(default)}`")
        row = f"| `{key}` | {shown} | {doc} |"
        assert row in section, f"README [[deploy.headers]] reference is out of date: expected {row}"
