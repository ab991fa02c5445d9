"""Front matter: split a source into its metadata and its Markdown body, guarding against hostile input.

Four shapes are read, decided by the first line of the file::

    ---            YAML (Hugo, Jekyll), closed by --- or ...
    +++            TOML (Zola, Hugo), closed by +++
    {              JSON (Hugo), closed by a line that is just }
    title: Text    MultiMarkdown / MkDocs meta (Python-Markdown's docs), ended by a blank line

Anything else has no front matter. Every problem is a one-line :class:`BuildError` naming the source
line (``content/x.md:7: … — …``). Front matter is untrusted input: it is capped at 256 KiB, nesting
is capped before libyaml (whose composer recurses on the C stack) sees it, and YAML aliases may not
expand into more than :data:`MAX_VALUES` values, so no later walk over the data can blow up.

The result records the line of each key (:attr:`FrontMatter.key_lines`); giving the keys their
meaning is :func:`page_meta`, which lives in :mod:`sitepush.builder._page_fields` and is re-exported
here with :func:`date_from_filename`, so callers need only this module.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sitepush.builder._dates import date_from_filename, parse_date_string
from sitepush.builder._page_fields import page_meta
from sitepush.builder.model import FrontMatter
from sitepush.errors import BuildError
from sitepush.toml_lines import TomlLines

__all__ = [
    "MAX_DEPTH",
    "MAX_FRONT_MATTER_BYTES",
    "MAX_VALUES",
    "date_from_filename",
    "page_meta",
    "parse_date_string",
    "parse_front_matter",
]

MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_DEPTH = 64
"""Deepest nesting of lists/tables accepted; real front matter stays under 6."""
MAX_VALUES = 100_000
"""Most values (after YAML aliases are expanded) accepted; 256 KiB of YAML without aliases holds
at most about 131,000 values only as a list of one-digit numbers, so only alias tricks reach this."""

KeyPath = tuple[str, ...]

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_INDENT_RE = re.compile(r"^ +", re.MULTILINE)

_YAML_OPEN_RE = re.compile(r"---[ \t]*(?:\n|\Z)")
_YAML_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_TOML_OPEN_RE = re.compile(r"\+\+\+[ \t]*(?:\n|\Z)")
_TOML_CLOSE_RE = re.compile(r"^\+\+\+[ \t]*$", re.MULTILINE)
# `{` alone or followed by a key: a body that opens with a Hugo shortcode `{{<` is not JSON.
_JSON_OPEN_RE = re.compile(r"\{[ \t]*(?:\n|\Z|\")")
_JSON_CLOSE_RE = re.compile(r"^\}[ \t]*$", re.MULTILINE)
# Python-Markdown's meta extension, except that the colon must be followed by a space or the end of
# the line, so that a first line such as "https://example.com" is not read as a key.
_META_KEY_RE = re.compile(r" {0,3}([A-Za-z0-9_-]+):(?=[ \t]|$)(.*)")
_META_MORE_RE = re.compile(r" {4,}(.*)")
_TOML_POSITION_RE = re.compile(r" \((?:at line (\d+), column \d+|at end of document)\)$")


def parse_front_matter(raw: bytes, display: str) -> FrontMatter:
    """Split ``raw`` (a source file's bytes) into parsed front matter and the Markdown body.

    ``display`` is the path as the user knows it (``content/blog/x.md``) and starts every error.
    The result's ``key_lines`` give the source line of the top two levels of keys.
    """
    text = _decode(raw, display)
    if _YAML_OPEN_RE.match(text):
        inner, body, body_line = _split(text, display, "---", _YAML_CLOSE_RE, keep_delimiters=False)
        data, lines = _parse_yaml(inner, display, first_line=2)
        return FrontMatter(data, body, body_line, "yaml", lines)
    if _TOML_OPEN_RE.match(text):
        inner, body, body_line = _split(text, display, "+++", _TOML_CLOSE_RE, keep_delimiters=False)
        data, lines = _parse_toml(inner, display, first_line=2)
        return FrontMatter(data, body, body_line, "toml", lines)
    if _JSON_OPEN_RE.match(text):
        inner, body, body_line = _split(text, display, "{", _JSON_CLOSE_RE, keep_delimiters=True)
        data, lines = _parse_json(inner, display)
        return FrontMatter(data, body, body_line, "json", lines)
    meta = _parse_meta(text, display)
    if meta is not None:
        return meta
    return FrontMatter({}, text, 1, None)


def _line_of_byte(raw: bytes, offset: int) -> int:
    prefix = raw[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return prefix.count(b"\n") + 1


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BuildError("is UTF-16, not UTF-8", file=display, line=1, hint="save the file as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise BuildError("contains a NUL byte", file=display, line=_line_of_byte(raw, nul),
                         hint="is this a binary file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BuildError("is not valid UTF-8", file=display, line=_line_of_byte(raw, error.start),
                         hint="save the file as UTF-8") from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _split(text: str, display: str, opener: str, closer: re.Pattern[str], *,
           keep_delimiters: bool) -> tuple[str, str, int]:
    """(front matter text, body, body's first line) for a front matter closed by ``closer``."""
    first_end = text.find("\n")
    match = closer.search(text, first_end + 1) if first_end >= 0 else None
    if match is None:
        close = "}" if opener == "{" else opener
        raise BuildError(f"front matter opened with {opener} is never closed", file=display, line=1,
                         hint=f"add a closing {close} line")
    inner = text[:match.end()] if keep_delimiters else text[first_end + 1:match.start()]
    _check_size(inner, display)
    body_line = text.count("\n", 0, match.start()) + 2
    return inner, text[match.end() + 1:], body_line


def _check_size(inner: str, display: str) -> None:
    # A character is at most 4 bytes: only encode when the count alone cannot decide.
    if len(inner) * 4 > MAX_FRONT_MATTER_BYTES and len(inner.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise BuildError("front matter is larger than 256 KiB", file=display, line=1,
                         hint="move large data out of the front matter, e.g. into the page body")


def _too_deep(display: str, line: int) -> BuildError:
    return BuildError(f"front matter nests deeper than {MAX_DEPTH} levels", file=display, line=line,
                      hint="flatten the nested lists and tables")


# --- YAML -----------------------------------------------------------------------------------------

def _parse_yaml(text: str, display: str, first_line: int) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    try:
        # libyaml's composer recurses in C once per nesting level and overflows an 8 MiB stack
        # somewhere past 20,000 levels, so deep text is refused from the event stream first.
        if _yaml_depth_bound(text) > MAX_DEPTH:
            _check_yaml_nesting(text, display, first_line)
        loader = _YAML_LOADER(text)
        try:
            root = loader.get_single_node()
            if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL_TAG):
                return {}, {}
            if "&" in text:  # without anchors there are no aliases: the nodes form a bounded tree
                _check_yaml_graph(root, display, first_line)
            if not isinstance(root, MappingNode):
                shape = "a list" if isinstance(root, SequenceNode) else "a single value"
                raise BuildError(f"front matter must be key: value pairs, not {shape}", file=display,
                                 line=_node_line(root, first_line),
                                 hint="write one `key: value` per line, e.g. `title: My page`")
            lines = _yaml_key_lines(root, display, first_line)
            try:
                data = loader.construct_document(root)
            except (ValueError, OverflowError) as error:
                # PyYAML lets an impossible timestamp (2016-02-30) escape as a bare ValueError.
                node = _bad_timestamp(loader, root)
                where = _node_line(node, first_line) if node is not None else first_line
                value = f'"{node.value}" ' if node is not None else ""
                raise BuildError(f"invalid front matter: {value}is not a real date ({error})", file=display,
                                 line=where, hint="fix the date between the --- lines") from None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is noticed lines later (at the next key, or the closing ---):
        # then the line to fix is where the construct began ("while parsing a flow sequence" at the `[`).
        # Otherwise YAML noticed the problem where it is.
        problem = error.problem or error.context or "cannot be read"
        mark = error.problem_mark or error.context_mark
        if error.context_mark is not None and error.problem and (
                "flow" in (error.context or "") or "quoted" in (error.context or "")
                or "end of stream" in error.problem):
            mark = error.context_mark
            problem = f"{problem} ({error.context})"
        raise BuildError(f"invalid front matter: {problem}", file=display,
                         line=first_line + (mark.line if mark is not None else 0),
                         hint="fix the YAML between the --- lines") from None
    except yaml.YAMLError as error:
        position = getattr(error, "position", 0)
        raise BuildError(f"invalid front matter: {str(error).splitlines()[0]}", file=display,
                         line=first_line + text.count("\n", 0, position),
                         hint="fix the YAML between the --- lines") from None
    return data, lines


def _yaml_depth_bound(text: str) -> int:
    """A cheap upper bound of the nesting depth: every level needs a bracket, a ``-`` or ``?``
    indicator (which may also open one implicit mapping), or a deeper indentation."""
    indent = max((len(spaces) for spaces in _INDENT_RE.findall(text)), default=0)
    return (2 * (text.count("[") + text.count("-") + text.count("?")) + text.count("{")
            + indent + 1)


def _check_yaml_nesting(text: str, display: str, first_line: int) -> None:
    """Reject deep nesting from the event stream, before the recursive composer runs."""
    loader = _YAML_LOADER(text)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(display, _node_line(event, first_line))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        # Newer libyaml refuses deep flow collections while scanning ahead, before the events that
        # would have told us: the same problem, said the same way.
        if "nesting" not in str(error.problem or ""):
            raise
        mark = error.problem_mark or error.context_mark
        raise _too_deep(display, first_line + (mark.line if mark is not None else 0)) from None
    finally:
        loader.dispose()


def _node_line(node: Any, first_line: int) -> int:
    """The source line of a YAML node or event (``first_line`` is where the YAML text starts)."""
    mark = node.start_mark
    return first_line + (mark.line if mark is not None else 0)


def _yaml_children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_yaml_graph(root: Node, display: str, first_line: int) -> None:
    """Bound the data YAML aliases can expand to (size and depth) and reject self-references.

    Aliases make the node graph a DAG (or a cycle); each distinct node is measured once, so this
    takes time linear in the text even for a "billion laughs" document.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded values, depth below it)
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        ident = id(node)
        line = _node_line(node, first_line)
        if children_done:
            open_nodes.discard(ident)
            children = [measured[id(child)] for child in _yaml_children(node)]
            size = 1 + sum(child[0] for child in children)
            depth = 1 + max((child[1] for child in children), default=0)
            if size > MAX_VALUES:
                raise BuildError(f"front matter expands to more than {MAX_VALUES} values", file=display,
                                 line=line, hint="remove the YAML aliases (*name) that repeat large values")
            if depth > MAX_DEPTH:
                raise _too_deep(display, line)
            measured[ident] = (size, depth)
        elif ident in open_nodes:
            raise BuildError("front matter contains itself (a YAML alias inside its own anchor)",
                             file=display, line=line, hint="remove the *alias that points back up")
        elif ident not in measured:
            open_nodes.add(ident)
            stack.append((node, True))
            stack.extend((child, False) for child in _yaml_children(node) if id(child) not in measured)


def _yaml_key_lines(root: MappingNode, display: str, first_line: int) -> dict[KeyPath, int]:
    """Lines of the top two levels of keys; top-level keys are also made plain strings.

    YAML 1.1 reads ``on:``/``yes:`` as True and ``2024:`` as a number; a front matter key is a
    name, so the text as written is kept.
    """
    lines: dict[KeyPath, int] = {}
    for key, value in root.value:
        if not isinstance(key, ScalarNode):
            raise BuildError("front matter keys must be plain names", file=display,
                             line=_node_line(key, first_line), hint="write `name: value`")
        if key.tag != _MERGE_TAG:
            key.tag = _STR_TAG
        lines[(key.value,)] = _node_line(key, first_line)
        if isinstance(value, MappingNode):
            for sub_key, _ in value.value:
                if isinstance(sub_key, ScalarNode):
                    lines[(key.value, sub_key.value)] = _node_line(sub_key, first_line)
    return lines


def _bad_timestamp(loader: Any, root: Node) -> ScalarNode | None:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode) and node.tag == _TIMESTAMP_TAG:
            try:
                loader.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return node
        stack.extend(reversed(_yaml_children(node)))
    return None


# --- TOML, JSON, meta -----------------------------------------------------------------------------

def _check_depth(data: Any, display: str, line: int) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(display, line)
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def _parse_toml(text: str, display: str, first_line: int) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION_RE.search(message)
        line = first_line + max(text.count("\n") - 1, 0)
        if position is not None:
            message = message[:position.start()]
            if position.group(1):
                line = first_line + int(position.group(1)) - 1
        raise BuildError(f"invalid front matter: {message}", file=display, line=line,
                         hint="fix the TOML between the +++ lines") from None
    except RecursionError:
        raise _too_deep(display, first_line) from None
    _check_depth(data, display, first_line)
    located = TomlLines(text)
    lines: dict[KeyPath, int] = {}
    for key, value in data.items():
        paths: list[KeyPath] = [(key,)]
        if isinstance(value, dict):
            paths += [(key, sub_key) for sub_key in value]
        for path in paths:
            found = located.line_of(path)
            if found is not None:
                lines[path] = first_line + found - 1
    return data, lines


def _json_key_line(lines: list[str], key: str, start: int) -> int | None:
    needle = re.compile(r"(?:^|[{,])\s*" + re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
    for index in range(start, len(lines)):
        if needle.search(lines[index]):
            return index + 1
    return None


def _parse_json(text: str, display: str) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BuildError(f"invalid front matter: {error.msg}", file=display, line=error.lineno,
                         hint="fix the JSON between the { and } lines") from None
    except RecursionError:
        raise _too_deep(display, 1) from None
    if not isinstance(data, dict):  # pragma: no cover - text starts with "{"; kept for mypy
        raise BuildError("front matter must be key: value pairs", file=display, line=1)
    _check_depth(data, display, 1)
    text_lines = text.split("\n")
    lines: dict[KeyPath, int] = {}
    for key, value in data.items():
        found = _json_key_line(text_lines, key, 0)
        if found is None:
            continue
        lines[(key,)] = found
        if isinstance(value, dict):
            for sub_key in value:
                sub_found = _json_key_line(text_lines, sub_key, found - 1)
                if sub_found is not None:
                    lines[(key, sub_key)] = sub_found
    return data, lines


def _parse_meta(text: str, display: str) -> FrontMatter | None:
    """MultiMarkdown meta from line 1 to the first blank line, or None when the file has none."""
    if _META_KEY_RE.match(text.partition("\n")[0]) is None:
        return None
    values: dict[str, list[str]] = {}
    lines: dict[KeyPath, int] = {}
    key: str | None = None
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if not line.strip():
            break
        keyed = _META_KEY_RE.match(line)
        more = _META_MORE_RE.match(line)
        if keyed is not None:
            key = keyed.group(1).lower()
            values.setdefault(key, []).append(keyed.group(2).strip())
            lines.setdefault((key,), number)
        elif key is not None and more is not None:
            values[key].append(more.group(1).strip())
        else:
            return None
        if end < 0:
            break
        start, number = end + 1, number + 1
    _check_size(text[:start], display)
    body = "" if end < 0 else text[end + 1:]
    data = {name: "\n".join(parts).strip() for name, parts in values.items()}
    return FrontMatter(data, body, number + 1, "meta", lines)
