"""`[build] exclude` reads gitignore patterns as git (and MkDocs' `exclude_docs`) does."""

from __future__ import annotations

import pytest

from sitepush.builder.excludes import is_excluded

CASES = [
    # (patterns, path, excluded)
    (["drafts/"], "drafts/a.md", True),
    (["drafts/"], "guide/drafts/a.md", True),        # no inner slash: any depth
    (["drafts/"], "drafts", False),                 # a trailing slash matches folders only
    (["/drafts/"], "guide/drafts/a.md", False),     # a leading slash anchors
    (["guide/drafts"], "other/guide/drafts/a.md", False),  # so does a slash in the middle
    (["*.py"], "a/b/c.py", True),
    (["/*.py"], "a/c.py", False),
    (["/*.py"], "c.py", True),
    (["*.py", "!keep.py"], "keep.py", False),       # the last matching pattern decides
    (["!keep.py", "*.py"], "keep.py", True),
    (["a/**/z.md"], "a/z.md", True),                # ** matches no folder too
    (["a/**/z.md"], "a/x/y/z.md", True),
    (["**/z.md"], "deep/er/z.md", True),
    (["a/**"], "a/q/r.md", True),
    (["a/*.md"], "a/c/b.md", False),                # * stops at /
    (["f?.md"], "f1.md", True),
    (["f[0-9].md"], "fa.md", False),
    (["f[!0-9].md"], "fa.md", True),
    (["# a comment\n\n*.tmp"], "x.tmp", True),      # a YAML block of several lines
    (["\\#hash.md"], "#hash.md", True),
    (["README.md"], "READMExmd", False),           # a dot is a dot
    ([], "anything.md", False),
]


@pytest.mark.parametrize(("patterns", "path", "excluded"), CASES)
def test_gitignore_patterns_decide_as_git_does(patterns: list[str], path: str, excluded: bool) -> None:
    assert is_excluded(path, patterns) is excluded
