"""How every command prints problems and paths."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from sitepush.errors import Problem

annotated_site: Path | None = None
"""The SITE argument of the running command: annotations name files relative to the workspace."""


def print_problems(problems: Sequence[Problem], prefix: str, stream: TextIO) -> None:
    """One line per problem; in a GitHub workflow each is also an annotation on the file and line it names."""
    for problem in problems:
        print(f"{prefix}{problem.render()}", file=stream)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from sitepush.ci_output import annotation

        level = "warning" if prefix.startswith("warning") else "error"
        for problem in problems:
            print(annotation(problem, level=level, site=annotated_site), flush=True)


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


SCHEMA_VERSION = 1


def schema(command: str) -> str:
    """The ``"schema"`` every JSON document of ``command`` carries: ``sitepush.<command>/<version>``."""
    return f"sitepush.{command}/{SCHEMA_VERSION}"


@contextlib.contextmanager
def json_destination(path: Path | None) -> Iterator[Path | None]:
    """Where a command writes its ``--json`` document. ``--json -`` means standard output: the command's
    human lines then go to standard error, and only the JSON document reaches standard output."""
    if path is None or str(path) != "-":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="sitepush-json-") as folder:
        document = Path(folder) / "document.json"
        real_stdout = sys.stdout
        try:
            with contextlib.redirect_stdout(sys.stderr):
                yield document
        finally:
            if document.exists():
                real_stdout.write(document.read_text("utf-8"))
                real_stdout.flush()
