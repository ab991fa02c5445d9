"""A commented TOML document written line by line, the same bytes for the same calls.

Importers describe the sitepush.toml they mean (tables, keys, the comment saying where each value came
from); this module only spells TOML: quoting, escapes, inline tables, key quoting.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

TomlValue = str | bool | int | float | Sequence[Any] | Mapping[str, Any]


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, quoted otherwise."""
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string; JSON's escapes are TOML's (``\\uXXXX`` included)."""
    return json.dumps(text, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """One value in TOML syntax: strings, booleans, numbers, arrays and (inline) tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    # Dates and anything else a YAML loader hands over are written as the text the user wrote.
    return toml_string(str(value))


class TomlDocument:
    """Lines of a commented TOML document; :meth:`text` joins them."""

    def __init__(self, *header: str) -> None:
        self._lines: list[str] = []
        for line in header:
            self.comment(line)

    def comment(self, text: str, *, width: int = 108) -> None:
        """``# text``, wrapped; an empty text is an empty comment line."""
        if not text:
            self._lines.append("#")
            return
        for line in textwrap.wrap(text, width - 2, break_long_words=False, break_on_hyphens=False):
            self._lines.append(f"# {line}")

    def blank(self) -> None:
        """An empty line (never two in a row, never first)."""
        if self._lines and self._lines[-1] != "":
            self._lines.append("")

    def table(self, name: str, *, comment: str = "") -> None:
        """``[name]``, after a blank line and its comment."""
        self.blank()
        if comment:
            self.comment(comment)
        self._lines.append(f"[{name}]")

    def array_table(self, name: str, *, comment: str = "") -> None:
        """``[[name]]``: one more element of an array of tables."""
        if comment:
            self.blank()
            self.comment(comment)
        self._lines.append(f"[[{name}]]")

    def key(self, key: str, value: Any, *, comment: str = "") -> None:
        """``key = value``, its comment on the line above."""
        if comment:
            self.comment(comment)
        self._lines.append(f"{toml_key(key)} = {toml_value(value)}")

    def commented_key(self, key: str, value: Any, *, comment: str = "") -> None:
        """``# key = value``: a setting shown for the user to turn on."""
        if comment:
            self.comment(comment)
        self._lines.append(f"# {toml_key(key)} = {toml_value(value)}")

    def text(self) -> str:
        """The document, ending with one newline."""
        lines = list(self._lines)
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n"


def tomlable(value: Any) -> Any:
    """A YAML value TOML can hold: None is dropped from tables and lists, dates written out."""
    if isinstance(value, dict):
        return {str(k): tomlable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [tomlable(v) for v in value if v is not None]
    if value is None:
        return ""
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)
