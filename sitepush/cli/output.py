"""How every command prints problems and paths."""

from __future__ import annotations

import os
from collections.abc import Sequence
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
