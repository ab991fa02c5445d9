"""The folder a site is built into: sitepush's own, written atomically, swept of what a build no longer makes.

A folder that is not empty and holds no marker was not made by sitepush and is refused rather than
emptied; so is one that overlaps the site's sources.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from sitepush.errors import BuildError

MARKER = ".sitepush-build"
"""File that marks a folder as a sitepush output folder (safe to clean)."""


class OutputFolder:
    """Writes outputs by key (``blog/post/index.html``) under one folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._folders: set[Path] = set()

    def claim(self, site_root: Path, sources: Sequence[tuple[str, Path]]) -> None:
        """Refuse a folder that is the site, overlaps a source folder or was not made by sitepush;
        then create it and mark it as sitepush's."""
        out = self.path
        if out == site_root or site_root.is_relative_to(out):
            raise BuildError(f"output folder {out} contains the site itself", file="sitepush.toml",
                             hint="set [build] output_dir to a folder of its own, such as \"_site\"")
        for name, folder in sources:
            if out == folder or out.is_relative_to(folder) or folder.is_relative_to(out):
                raise BuildError(f"output folder {out} overlaps the {name} folder {folder}",
                                 file="sitepush.toml",
                                 hint="set [build] output_dir (or --output) to a folder of its own")
        if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
            raise BuildError(f"output folder {out} is not empty and was not made by sitepush",
                             hint="choose an empty or new folder with --output, or delete this one")
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).touch()
        self._folders.clear()

    def intact(self, key: str, size: int, mtime_ns: int) -> bool:
        """The file is still the one written (nobody changed or removed it since)."""
        try:
            stat = os.stat(f"{self.path}/{key}")
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns)

    def stat(self, key: str) -> os.stat_result:
        """The file's stat, as written."""
        return os.stat(f"{self.path}/{key}")

    def write_bytes(self, key: str, data: bytes) -> None:
        """Write ``data`` to ``key`` through a temporary file and a rename: readers (the preview
        server) never see half a file."""
        target = self.path / key
        self._ensure_folder(target.parent)
        tmp = target.with_name(f".{target.name}.sitepush-tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    def copy_file(self, key: str, source: Path) -> None:
        """Copy ``source`` to ``key``, atomically like :meth:`write_bytes`."""
        target = self.path / key
        self._ensure_folder(target.parent)
        tmp = target.with_name(f".{target.name}.sitepush-tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)

    def _ensure_folder(self, folder: Path) -> None:
        # One mkdir per folder and build, not per file: on a busy disk each call costs.
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)

    def sweep(self, keep: set[str]) -> int:
        """Delete every file this build did not produce, then the folders left empty; returns the count."""
        removed = 0

        def sweep(folder: str, prefix: str) -> bool:
            nonlocal removed
            empty = True
            with os.scandir(folder) as entries:
                for entry in entries:
                    key = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if sweep(entry.path, key + "/"):
                            os.rmdir(entry.path)
                        else:
                            empty = False
                    elif key == MARKER or key in keep:
                        empty = False
                    else:
                        os.unlink(entry.path)
                        removed += 1
            return empty

        sweep(str(self.path), "")
        return removed
