"""Load a parsed TOML table into a frozen dataclass, collecting every problem instead of stopping at one.

A config dataclass declares each option once: its type (from the annotation), its default, its
documentation and an optional check, all in ``option(...)``. The loader derives the accepted keys,
type checks, "did you mean" suggestions and the README's reference from that one declaration.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sitepush.errors import Problem
from sitepush.toml_lines import KeyPath, TomlLines

T = TypeVar("T")
Check = Callable[[Any], "str | None"]
"""Returns None when the value is fine, else ``"what is wrong — how to fix it"``."""

_TYPE_WORDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def option(default: Any = dataclasses.MISSING, *, doc: str, key: str | None = None,
           check: Check | None = None, default_factory: Any = dataclasses.MISSING) -> Any:
    """Declare one config option (a dataclass field with its documentation and check)."""
    metadata = {"doc": doc, "key": key, "check": check}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def toml_key(field: dataclasses.Field[Any]) -> str:
    """The key a field is written as in TOML (``from`` for the field ``from_``)."""
    return field.metadata.get("key") or field.name


class SchemaLoader:
    """Loads nested tables of one document, recording problems with their lines."""

    def __init__(self, file: str, lines: TomlLines) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: KeyPath, message: str, hint: str | None = None) -> None:
        """Record one problem at the line of ``path``."""
        self.problems.append(Problem(message, self.file, self.lines.line_of(path), hint))

    def load(self, cls: type[T], data: Any, path: KeyPath) -> T:
        """Build ``cls`` from ``data``; bad values are recorded and replaced by their defaults."""
        where = _dotted(path) or "the top level"
        if not isinstance(data, Mapping):
            self.problem(path, f"`{where}` must be a table", f"write it as [{_dotted(path)}]")
            data = {}
        fields = {toml_key(f): f for f in dataclasses.fields(cls)  # type: ignore[arg-type]
                  if f.init and not f.metadata.get("internal")}
        hints = typing.get_type_hints(cls)
        for key in data:
            if key not in fields:
                close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
                hint = f"did you mean `{close[0]}`?" if close else \
                    f"known keys here: {', '.join(sorted(fields))}"
                self.problem((*path, key), f"unknown key `{_dotted((*path, key))}`", hint)
        values: dict[str, Any] = {}
        for key, field in fields.items():
            if key not in data:
                continue
            value = self._convert(hints[field.name], data[key], (*path, key))
            if value is _INVALID:
                continue
            check = field.metadata.get("check")
            message = check(value) if check else None
            if message:
                what, _, hint = message.partition(" — ")
                self.problem((*path, key), f"`{_dotted((*path, key))}` {what}", hint or None)
                continue
            values[field.name] = value
        missing = [toml_key(f) for f in dataclasses.fields(cls)  # type: ignore[arg-type]
                   if f.init and not f.metadata.get("internal") and f.name not in values
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        for key in missing:
            if key in data:
                continue  # already reported as invalid
            self.problem(path, f"`{_dotted((*path, key))}` is required",
                         f"add `{key} = ...` to [{_dotted(path)}]" if path else f"add `{key} = ...`")
        if any(f.name not in values for f in dataclasses.fields(cls)  # type: ignore[arg-type]
               if f.init and not f.metadata.get("internal") and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING):
            return _placeholder(cls)
        return cls(**values)

    def _convert(self, annotation: Any, value: Any, path: KeyPath) -> Any:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin in (typing.Union, types.UnionType):
            non_none = [a for a in args if a is not type(None)]
            if value is None:
                return None
            return self._convert(non_none[0], value, path)
        if dataclasses.is_dataclass(annotation):
            return self.load(annotation, value, path)  # type: ignore[arg-type]
        if origin is tuple:
            item_type = args[0]
            if not isinstance(value, list):
                self._wrong_type(path, value, f"a list of {_describe(item_type)}")
                return _INVALID
            items = [self._convert(item_type, item, (*path, i)) for i, item in enumerate(value)]
            if any(item is _INVALID for item in items):
                return _INVALID
            return tuple(items)
        if origin in (dict, Mapping) or annotation is dict:
            if not isinstance(value, dict):
                self._wrong_type(path, value, "a table")
                return _INVALID
            return dict(value)
        if annotation is Any:
            return value
        if annotation is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if annotation in _TYPE_WORDS:
            if isinstance(value, annotation) and not (annotation is int and isinstance(value, bool)):
                return value
            self._wrong_type(path, value, _TYPE_WORDS[annotation])
            return _INVALID
        raise TypeError(f"config schema cannot load {annotation!r}")  # a bug in the schema

    def _wrong_type(self, path: KeyPath, value: Any, expected: str) -> None:
        self.problem(path, f"`{_dotted(path)}` must be {expected}, not {_describe_value(value)}",
                     f"write e.g. `{path[-1]} = {_example(expected)}`")


class _Invalid:
    pass


_INVALID = _Invalid()


def _placeholder(cls: type[T]) -> T:
    """An instance that is never used: loading failed and problems are already recorded."""
    instance = object.__new__(cls)
    return instance


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _describe(annotation: Any) -> str:
    if dataclasses.is_dataclass(annotation):
        return "tables"
    return {str: "strings", int: "whole numbers", float: "numbers", bool: "booleans"}.get(
        annotation, "values")


def _describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f'"{value}" (a string)' if len(value) < 40 else "a string"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _example(expected: str) -> str:
    if expected.startswith("a list"):
        return '["..."]'
    return {"a string": '"..."', "a whole number": "10", "a number": "1.5",
            "true or false": "true", "a table": "{ ... }"}.get(expected, "...")


def iter_options(cls: type[Any], prefix: str = "") -> typing.Iterator[tuple[str, Any, str]]:
    """(dotted key, default, doc) for every option of ``cls`` and its nested tables, for docs."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if not field.init or field.metadata.get("internal"):
            continue
        key = f"{prefix}{toml_key(field)}"
        annotation = hints[field.name]
        if dataclasses.is_dataclass(annotation):
            yield from iter_options(annotation, f"{key}.")  # type: ignore[arg-type]
            continue
        default = field.default if field.default is not dataclasses.MISSING else (
            field.default_factory() if field.default_factory is not dataclasses.MISSING else None)
        yield key, default, field.metadata.get("doc", "")
