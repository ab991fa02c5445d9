"""``[build] exclude``: gitignore-style patterns over the content folder, as MkDocs reads ``exclude_docs``.

MkDocs matches ``exclude_docs`` with pathspec's ``GitIgnoreSpec`` on each file's path relative to
``docs_dir``; the rules copied here are git's (gitignore(5)):

- blank lines and ``#`` comments are skipped; ``\\#`` and ``\\!`` start a pattern with that character;
- ``!pattern`` includes again what an earlier pattern excluded: the last matching pattern decides;
- a pattern with a ``/`` at its start or in its middle is anchored at the content folder, one without
  matches a name at any depth; a trailing ``/`` matches folders only (and so everything under them);
- ``*`` and ``?`` stop at ``/``, ``**`` crosses folders, ``[a-z]``/``[!a-z]`` are character classes.

Pure: patterns and paths in, a decision out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    folders_only: bool


def _class_end(body: str, start: int) -> int | None:
    """Index of the ``]`` closing the class opened at ``start``; a ``]`` first in the class is literal."""
    first = start + 1 + (body[start + 1:start + 2] == "!")
    end = body.find("]", first + 1)
    return end if end != -1 else None


def _translate(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if body.startswith("**/", i) and (i == 0 or body[i - 1] == "/"):
            out.append("(?:[^/]*/)*")
            i += 3
        elif body.startswith("**", i) and i + 2 == len(body) and (i == 0 or body[i - 1] == "/"):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := _class_end(body, i)) is not None:
            inner = body[i + 1:end]
            if inner.startswith("!"):
                inner = "^" + inner[1:]
            out.append("[" + inner.replace("\\", "\\\\") + "]")
            i = end + 1
        elif char == "\\" and i + 1 < len(body):
            out.append(re.escape(body[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def _rule(line: str) -> _Rule | None:
    text = line.rstrip("\n")
    stripped = text.rstrip(" ")
    if stripped.endswith("\\") and len(text) > len(stripped):
        stripped += " "  # an escaped trailing space stays
    if not stripped or stripped.startswith("#"):
        return None
    negate = stripped.startswith("!")
    if negate:
        stripped = stripped[1:]
    elif stripped.startswith(("\\!", "\\#")):
        stripped = stripped[1:]
    folders_only = stripped.endswith("/")
    body = stripped.rstrip("/")
    if not body:
        return None
    anchored = "/" in body
    body = body.lstrip("/")
    prefix = "" if anchored else "(?:[^/]*/)*"
    return _Rule(re.compile(prefix + _translate(body) + r"\Z"), negate, folders_only)


@lru_cache(maxsize=64)
def compile_excludes(patterns: tuple[str, ...]) -> tuple[_Rule, ...]:
    """The rules of a pattern list (each entry may hold several lines, as a YAML block does)."""
    rules = []
    for entry in patterns:
        for line in entry.splitlines():
            rule = _rule(line)
            if rule is not None:
                rules.append(rule)
    return tuple(rules)


def is_excluded(rel: str, patterns: Sequence[str]) -> bool:
    """Whether the content file ``rel`` (``/``-separated) is excluded: the last pattern matching it or a
    folder above it decides."""
    rules = compile_excludes(tuple(patterns))
    if not rules:
        return False
    parts = rel.split("/")
    folders = ["/".join(parts[:end]) for end in range(1, len(parts))]
    excluded = False
    for rule in rules:
        hit = any(rule.regex.match(folder) for folder in folders) or (
            not rule.folders_only and rule.regex.match(rel) is not None)
        if hit:
            excluded = not rule.negate
    return excluded
