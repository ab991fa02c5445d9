"""When each source last changed, from git: ONE ``git log`` over the content folder, not one per file.

The dates fill a page's ``updated`` (its ``lastmod``) when front matter gives none. A shallow clone
(CI checkouts are depth 1 by default) only knows its last commits, so every file would seem changed in
the newest one: that is detected and said, with the fix, and the dates are still used.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sitepush.errors import Problem

SHALLOW_HINT = ("fetch the whole history (actions/checkout: fetch-depth: 0; "
                "git fetch --unshallow) or set lastmod in front matter")
_RECORD = "\x1e"


@dataclass(frozen=True)
class GitDates:
    """Source path (relative to the content folder) → time of the newest commit that touched it."""

    dates: dict[str, datetime] = field(default_factory=dict)
    shallow: bool = False


def parse_git_log(output: str) -> dict[str, datetime]:
    """``git log --format=%x1e%ct --name-only`` output → newest commit time per path. Pure."""
    dates: dict[str, datetime] = {}
    for record in output.split(_RECORD):
        lines = record.strip("\n").split("\n")
        if not lines or not lines[0].strip().isdigit():
            continue
        when = datetime.fromtimestamp(int(lines[0].strip()), timezone.utc)
        for name in lines[1:]:
            if name and name not in dates:  # log is newest first: the first mention wins
                dates[name] = when
    return dates


def read_git_dates(content: Path) -> GitDates:
    """The dates of the files under ``content`` when it is inside a git work tree; else none."""
    try:
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-C", str(content), "log", f"--format={_RECORD}%ct",
             "--name-only", "--no-renames", "--relative", "--", "."],
            capture_output=True, text=True, timeout=60, check=False)
        if log.returncode != 0:
            return GitDates()
        shallow = subprocess.run(["git", "-C", str(content), "rev-parse", "--is-shallow-repository"],
                                 capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return GitDates()
    return GitDates(parse_git_log(log.stdout), shallow.stdout.strip() == "true")


def head_state(content: Path) -> str:
    """A cheap key that changes when a commit is made (``.git/HEAD`` and the ref it names), read
    without running git, so that a rebuild runs ``git log`` again only after a commit."""
    for folder in (content, *content.parents):
        git = folder / ".git"
        if git.is_dir():
            try:
                head = (git / "HEAD").read_text("utf-8").strip()
                ref = head.removeprefix("ref: ")
                target = (git / ref).read_text("utf-8").strip() if ref != head and (git / ref).is_file() else ""
                packed = (git / "packed-refs").stat().st_mtime_ns if (git / "packed-refs").exists() else 0
                return f"{folder}|{head}|{target}|{packed}"
            except OSError:
                return ""
        if git.is_file():  # a worktree or submodule: let git answer every time
            return f"{folder}|file"
    return ""


def shallow_warning() -> Problem:
    """The one line said when the dates come from a shallow clone."""
    return Problem("lastmod dates come from a shallow git clone: files look changed in its newest commit",
                   None, None, SHALLOW_HINT)
