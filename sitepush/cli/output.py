"""How every command prints problems and paths."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from sitepush.errors import Problem
from sitepush.wording import counted as counted  # re-exported: the commands say counts through output

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


class DroppedWhenClosed:
    """A text stream whose writes are dropped, silently, once its reader has gone (EPIPE).

    ``sitepush deploy … | true`` or ``history --json | head -2``: the command still does all its
    work (the deploy record is written) and exits with its own code. At the first BrokenPipeError the
    descriptor is pointed at /dev/null, so that the interpreter's last flush at exit cannot fail either.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def isatty(self) -> bool:
        return not self._gone and self._stream.isatty()

    def _drop(self) -> None:
        self._gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self._stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass  # not a real descriptor (a test's capture): the writes are dropped here anyway

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def dropped_when_closed(stream: TextIO) -> TextIO:
    """``stream`` wrapped in :class:`DroppedWhenClosed` (once)."""
    if isinstance(stream, DroppedWhenClosed):
        return stream
    return cast(TextIO, DroppedWhenClosed(stream))
