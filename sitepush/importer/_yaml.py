"""YAML as the generators read it, tolerant of their tags: mkdocs.yml holds ``!!python/name:`` and ``!ENV``.

A SafeLoader subclass: the tags MkDocs defines get its meaning, without reading anything outside the
file (``!ENV [NAME, default]`` takes its default, so the import is the same on every machine); any other
tag is read as the plain value under it. Nothing is ever constructed from a tag (no object, no import).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sitepush.errors import ConfigError


class TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads every unknown tag as the value under it."""


def _env(loader: TolerantLoader, node: yaml.Node) -> Any:
    # mkdocs.yml: `!ENV NAME` or `!ENV [NAME, OTHER, default]`; the last item of a list is the default.
    if isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        return items[-1] if len(items) > 1 else None
    return None


def _untagged(loader: TolerantLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _python_name(loader: TolerantLoader, suffix: str, node: yaml.Node) -> Any:
    # `!!python/name:pymdownx.superfences.fence_code_format`: kept as the text written, for the report.
    return f"!!python/{suffix}"


TolerantLoader.add_constructor("!ENV", _env)
TolerantLoader.add_multi_constructor("!", _untagged)
TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python_name)


def read_yaml(path: Path, display: str) -> Any:
    """The document in ``path``; a syntax error is a ConfigError at its line."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not valid UTF-8", file=display, hint="save the file as UTF-8") from None
    try:
        return yaml.load(text, Loader=TolerantLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"invalid YAML: {error.problem}", file=display, line=line,
                          hint="fix the syntax; the import reads the file as the generator does") from None
