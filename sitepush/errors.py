"""The one error hierarchy of sitepush.

Every problem a user can cause is raised as a :class:`SitepushError`; the CLI catches only this class,
prints :meth:`SitepushError.render` (one line per problem) and exits with :attr:`SitepushError.exit_code`.
Any other exception is a bug in sitepush and is allowed to show its traceback.

::

    SitepushError                 exit 1   base: "where: what is wrong — how to fix it"
    ├── UsageError                exit 2   bad command-line arguments
    ├── ConfigError               exit 1   sitepush.toml (may carry several problems at once)
    ├── BuildError                exit 1   content, front matter, templates, links under --strict
    ├── DeployError               exit 1   syncing the built site to a bucket
    │   └── SafetyStop            exit 3   a deploy would delete more than allowed, another deploy
    │                                      holds the lease or wrote meanwhile, an older build
    ├── Interrupted               exit 130 SIGINT / SIGTERM: stopped cleanly, nothing half-recorded
    ├── AwsRefused                exit 4   AWS (or the S3-compatible endpoint) said no
    └── InfraError                exit 1   configuring the bucket, certificate, CDN and DNS

Context (the file and line) is attached where the error is raised, or at the boundary that knows it
(``with source_context(path): ...``), never guessed later from a message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input: where, what, and how to fix it."""

    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    def render(self) -> str:
        """``file:line: message — hint`` with the parts that are known."""
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        # A file name can hold anything: escaped here, none can end the line or drive the terminal.
        return printable(text)


class SitepushError(Exception):
    """Root of every error a user can cause; renders itself as one line per problem."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems: tuple[Problem, ...] = (
            Problem(message, str(file) if file is not None else None, line, hint),
        )
        super().__init__(self.render())

    @classmethod
    def from_problems(cls, problems: Sequence[Problem]) -> SitepushError:
        """One error that reports several problems together (config validation)."""
        if not problems:
            raise ValueError("from_problems needs at least one problem")
        error = cls(problems[0].message, file=problems[0].file, line=problems[0].line,
                    hint=problems[0].hint)
        error.problems = tuple(problems)
        error.args = (error.render(),)
        return error

    @property
    def problem(self) -> Problem:
        """The first (often the only) problem."""
        return self.problems[0]

    def render(self) -> str:
        """The message the CLI prints: one line per problem."""
        return "\n".join(p.render() for p in self.problems)

    def with_file(self, file: str | Path, line: int | None = None) -> SitepushError:
        """Fill in the file (and line) of problems that do not name one yet."""
        self.problems = tuple(
            p if p.file else Problem(p.message, str(file), p.line if p.line else line, p.hint)
            for p in self.problems
        )
        self.args = (self.render(),)
        return self


class UsageError(SitepushError):
    """The command line itself is wrong."""

    exit_code = 2


class ConfigError(SitepushError):
    """``sitepush.toml`` is missing, unreadable or invalid."""


class BuildError(SitepushError):
    """Content, front matter or a template cannot be built."""


class DeployError(SitepushError):
    """The built site cannot be synced to the bucket."""


class SafetyStop(DeployError):
    """A deploy stopped before it could do harm: more deletes than the limit (rerun with ``--yes``),
    another deploy holding the lease or having written the manifest meanwhile, or an older build
    about to replace a newer one (``--allow-older``)."""

    exit_code = 3


class Interrupted(SitepushError):
    """SIGINT or SIGTERM stopped the command; what it wrote is safe, and running it again finishes it."""

    exit_code = 130


class AwsRefused(SitepushError):
    """AWS or the S3-compatible endpoint refused a request (credentials, permissions, limits)."""

    exit_code = 4


class InfraError(SitepushError):
    """The bucket, website hosting, certificate, CDN or DNS cannot be configured as asked."""


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\x1b``, ``\\n``, ``\\u200e``).

    Every file name and key sitepush prints goes through this (errors through :meth:`Problem.render`):
    a name holding ESC would otherwise drive the terminal, one holding a newline fake a line.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                   for char in text)


@contextmanager
def source_context(file: str | Path, line: int | None = None) -> Iterator[None]:
    """Attach ``file`` (and ``line``) to any SitepushError raised inside that does not name a file."""
    try:
        yield
    except SitepushError as error:
        raise error.with_file(file, line) from error.__cause__
