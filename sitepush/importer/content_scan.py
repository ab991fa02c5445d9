"""What the source's pages hold that sitepush leaves as text: the builder's residue scan over a folder.

The import reports it beside the theme and plugins, so a user sees before the first build what to port;
the build says the same of the pages it publishes (``sitepush.builder.residue``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sitepush.builder.build_options import OptionSource, build_options
from sitepush.builder.discover import MARKDOWN_SUFFIXES
from sitepush.builder.excludes import is_excluded
from sitepush.builder.frontmatter import parse_front_matter
from sitepush.builder.residue import residue_warnings, scan_residue
from sitepush.errors import SitepushError


def content_residue(folder: Path, *, display: str, exclude: Sequence[str] = (), liquid: bool = True
                    ) -> tuple[str, ...]:
    """One line per kind of construct left as text in the Markdown under ``folder`` (hidden names and
    ``exclude`` patterns skipped; a file the builder cannot read is the build's to report)."""
    if not folder.is_dir():
        return ()
    scanned: list[tuple[str, str, dict[str, object], tuple[tuple[str, int, str], ...]]] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.name.endswith(MARKDOWN_SUFFIXES) or any(part.startswith(".") for part in rel.split("/")):
            continue
        if exclude and is_excluded(rel, exclude):
            continue
        shown = f"{display}/{rel}"
        try:
            front = parse_front_matter(path.read_bytes(), shown)
        except (OSError, SitepushError):
            continue
        scanned.append((rel, shown, dict(front.data),
                        scan_residue(front.body, first_line=front.body_line, liquid=liquid)))
    # Pages Hugo would not render (cascade, build, headless) are not the reader's to see.
    options = build_options(OptionSource(rel, data, rel.rpartition("/")[2].startswith("_index."))
                            for rel, _, data, _ in scanned)
    found = [(shown, hits) for rel, shown, _, hits in scanned if rel not in options or options[rel].render]
    return tuple(problem.render() for problem in residue_warnings(found))
