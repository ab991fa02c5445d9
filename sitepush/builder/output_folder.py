"""The folder a site is built into: sitepush's own, written atomically, swept of what a build no longer makes.

A folder that is not empty and holds no marker was not made by sitepush and is refused rather than
emptied; so is one that overlaps the site's sources.

Every write goes through one guard (:meth:`OutputFolder._target`): the key must be a plain relative
path, and the folder it lands in, resolved (symlinks followed), must be inside the output folder. The
page fields are checked long before (a slug or url that climbs out is an error naming its line); this
guard is the defence in depth that no later code path can get around.
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
        self._real: str | None = None

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
        self._real = None

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
        server) never see half a file. Raises BuildError for a key outside the folder."""
        target = self._target(key)
        tmp = target.with_name(f".{target.name}.sitepush-tmp")
        tmp.unlink(missing_ok=True)  # a link left there must not be written through
        tmp.write_bytes(data)
        os.replace(tmp, target)

    def create_bytes(self, key: str, data: bytes) -> None:
        """Write ``data`` to ``key`` like :meth:`write_bytes`, without its temporary file and rename
        when no file of that name exists: for files no reader asks for before they are whole (the
        search index's content-named files, written before the entry file that names them). The
        rename is most of the cost of writing a small file."""
        target = self._target(key)
        try:
            with open(target, "xb") as out:  # O_EXCL: never through a link left at that name
                out.write(data)
        except FileExistsError:
            self.write_bytes(key, data)

    def copy_file(self, key: str, source: Path) -> None:
        """Copy ``source`` to ``key``, atomically like :meth:`write_bytes`."""
        target = self._target(key)
        tmp = target.with_name(f".{target.name}.sitepush-tmp")
        tmp.unlink(missing_ok=True)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)

    def _target(self, key: str) -> Path:
        """The path to write ``key`` to, once it is certain to be inside the folder."""
        parts = key.split("/")
        if (not key or key.startswith("/") or "\\" in key or "\0" in key
                or any(part in ("", ".", "..") for part in parts)):
            raise self._outside(key)
        target = self.path / key
        folder = target.parent
        # One mkdir and one realpath per folder and build, not per file: on a busy disk each call costs.
        if folder not in self._folders:
            if self._real is None:
                self._real = os.path.realpath(self.path)
            # Resolved before it is made: a symlinked folder must not get even an empty folder outside.
            real = os.path.realpath(folder)
            if real != self._real and not real.startswith(self._real.rstrip(os.sep) + os.sep):
                raise self._outside(key)
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return target

    def _outside(self, key: str) -> BuildError:
        return BuildError(f"refused to write {key!r}: it is outside the output folder {self.path}",
                          hint="remove any symlink inside the output folder; if there is none, "
                               "report this as a sitepush bug")

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
