"""Is the build being deployed newer than the one the bucket holds? Asked of git, never guessed.

A deploy records the commit it was built from in the manifest. The next deploy, from commit B, finds
commit A there: if A is an ancestor of B (or B itself), B is the same line of work moved on; if not,
B is older (a CI run of an earlier push finishing last) or another branch, and replacing A would
silently undo work. ``git merge-base --is-ancestor A B`` answers; no git, no repository, a commit git
does not know (a shallow clone) — no answer, and no check.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from sitepush.errors import SafetyStop


def is_ancestor(folder: Path, older: str, newer: str) -> bool | None:
    """Does ``older`` precede (or equal) ``newer`` in the repository of ``folder``? None: git cannot tell."""
    if older == newer:
        return True
    try:
        done = subprocess.run(["git", "-C", str(folder), "merge-base", "--is-ancestor", older, newer],
                              capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # 0: an ancestor; 1: not one; anything else (128: unknown commit, not a repository): no answer.
    return {0: True, 1: False}.get(done.returncode)


def older_build_stop(live: str | None, ours: str | None, folder: Path | None) -> SafetyStop | None:
    """The SafetyStop for deploying ``ours`` over the newer ``live`` commit, or None when it may go."""
    if not live or not ours or folder is None:
        return None
    if is_ancestor(folder, live, ours) is not False:
        return None
    return SafetyStop(f"the bucket holds {live[:7]}, which is newer than {ours[:7]}",
                      hint="pass --allow-older to deploy it anyway")
