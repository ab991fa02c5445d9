"""Which files are copied into the output as they are, and under which key. Pure over its inputs.

Theme assets first; then files under the content folder (a page bundle's files follow their page's
URL, other files keep their folder, slugified like page URLs); then static files, which override theme
assets and generated files (a site's own ``robots.txt`` wins) but may not replace a built page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sitepush.builder.discover import CopiedFile
from sitepush.builder.site import Site
from sitepush.builder.urls import name_segment
from sitepush.errors import BuildError, Problem


def content_file_key(item: CopiedFile, site: Site, *, as_written: bool = False) -> str | None:
    """The output key of a file of the content folder; None when it is not published (it is inside a
    hidden section, or belongs to a bundle whose page is a draft)."""
    if item.rel.startswith(site.hidden_folders):
        return None
    if item.bundle_of is not None:
        owner = site.by_rel.get(item.bundle_of)
        if owner is None:
            return None
        inside = item.rel[len(item.bundle_of.rpartition("/")[0]) + 1:]
        page_folder = owner.url if owner.url.endswith("/") else owner.url.rpartition("/")[0] + "/"
        return page_folder.lstrip("/") + inside
    folder, _, name = item.rel.rpartition("/")
    return "".join((name_segment(p, as_written=as_written) or p) + "/" for p in folder.split("/") if p) + name


def plan_copies(theme: Sequence[tuple[str, Path]], content_files: Sequence[CopiedFile],
                static: Sequence[CopiedFile], site: Site, produced: set[str], *, shown_prefix: str,
                static_dir: str, as_written: bool = False) -> dict[str, Path]:
    """Output key → source file; raises BuildError listing every clash with a built page."""
    copies: dict[str, Path] = {}
    origin: dict[str, str] = {}
    for rel, path in theme:
        copies[rel] = path
        origin[rel] = "theme"
    problems: list[Problem] = []
    for item in content_files:
        key = content_file_key(item, site, as_written=as_written)
        if key is None:
            continue
        if key in produced:
            problems.append(Problem(f"would overwrite the built page {key}",
                                    f"{shown_prefix}{item.rel}", None, "rename or move the file"))
            continue
        copies[key] = item.path
        origin[key] = f"{shown_prefix}{item.rel}"
    rendered_pages = {k for k in produced if k.endswith(".html") and k != "404.html"}
    for item in static:
        if item.rel in rendered_pages:
            problems.append(Problem(f"would overwrite the page built at {item.rel}",
                                    f"{static_dir}/{item.rel}", None,
                                    "remove the static file or give the page another URL"))
            continue
        if item.rel in copies and origin[item.rel] != "theme":
            problems.append(Problem(f"clashes with {origin[item.rel]} (same output path)",
                                    f"{static_dir}/{item.rel}", None, "remove one of them"))
            continue
        copies[item.rel] = item.path
        origin[item.rel] = f"{static_dir}/{item.rel}"
    if problems:
        raise BuildError.from_problems(problems)
    return copies
