"""Where each key of a TOML document stands: ``("deploy", "headers", 1, "glob") -> line 14``.

``tomllib`` parses values but forgets positions; error messages must name ``sitepush.toml:LINE``.
This scanner reads a document that ``tomllib`` has already accepted and records the line of every
table header and every ``key =`` it sees. Keys inside inline tables and multi-line arrays are not
recorded; :meth:`TomlLines.line_of` falls back to the nearest enclosing key that was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

KeyPath = tuple[str | int, ...]

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER_RE = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED_KEY})\s*\]\]?")
_ASSIGN_RE = re.compile(rf"^\s*({_DOTTED_KEY})\s*=\s*(.*)$")
_PART_RE = re.compile(_KEY_PART)


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART_RE.finditer(dotted):
        part = match.group(0)
        if part[0] in "\"'":
            part = part[1:-1]
            if match.group(0)[0] == '"':
                part = part.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        parts.append(part)
    return tuple(parts)


def _value_state(value: str, open_brackets: int, in_string: str | None) -> tuple[int, str | None]:
    """Track bracket depth and open multi-line strings across a value's lines."""
    i = 0
    while i < len(value):
        if in_string:
            end = value.find(in_string, i)
            if end < 0:
                return open_brackets, in_string
            i = end + 3
            in_string = None
            continue
        ch = value[i]
        if value.startswith('"""', i) or value.startswith("'''", i):
            in_string = value[i:i + 3]
            i += 3
            continue
        if ch == '"':
            i += 1
            while i < len(value) and value[i] != '"':
                i += 2 if value[i] == "\\" else 1
        elif ch == "'":
            close = value.find("'", i + 1)
            i = len(value) if close < 0 else close
        elif ch == "#":
            break
        elif ch in "[{":
            open_brackets += 1
        elif ch in "]}":
            open_brackets -= 1
        i += 1
    return open_brackets, in_string


class TomlLines:
    """The line of every table header and ``key =`` assignment in a TOML document."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._scan(text.splitlines())

    def _scan(self, lines: Sequence[str]) -> None:
        table: KeyPath = ()
        array_counts: dict[tuple[str, ...], int] = {}
        depth, in_string = 0, None
        for number, raw in enumerate(lines, start=1):
            if depth > 0 or in_string:
                depth, in_string = _value_state(raw, depth, in_string)
                continue
            header = _HEADER_RE.match(raw)
            if header:
                names = _split_key(header.group(2))
                if header.group(1) == "[[":
                    index = array_counts.get(names, 0)
                    array_counts[names] = index + 1
                    table = (*names, index)
                else:
                    table = names
                self._lines.setdefault(table, number)
                continue
            assign = _ASSIGN_RE.match(raw)
            if assign:
                parts = _split_key(assign.group(1))
                for end in range(1, len(parts) + 1):  # `a.b.c = 1` also defines a and a.b here
                    self._lines.setdefault((*table, *parts[:end]), number)
                depth, in_string = _value_state(assign.group(2), 0, None)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest recorded parent; None for the document itself."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None
