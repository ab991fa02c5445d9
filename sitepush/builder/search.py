"""The site's search index: Pagefind (PyPI ``pagefind[bin]``) fed with the built pages.

No server and no request to anyone: Pagefind writes a static, chunked index and its UI script under
``pagefind/`` in the output folder, which the preview server and S3 serve like every other file; a
query loads only the index chunks and page fragments it needs.

Where the time goes (hugo-docs, 786 pages, CPU seconds on a 2-core machine at load 2-6, so
+-20 %): Pagefind's CLI over the output folder 1.6-2.0 s, up to a third of it in the kernel creating
its 817 files. Sent to ``pagefind --service`` instead: the whole pages 1.4-1.9 s; only each page's
``data-pagefind-body`` element (:func:`search_document`, which indexes byte-for-byte as the whole
page does) 1.1-1.5 s; plain-text records (``add_custom_record``) 1.0-1.4 s, but records lose the
heading weights and anchors that rank a page whose heading matches first, so they are not used.
Taking the index's files over the pipe (GetFiles) and writing only those that changed takes the
kernel's share of a re-index from 0.4-1.3 s to 0.15 s (ext4 creates files slowly where many were
just deleted, which rewriting every file of an index comes to), and stops the files of old indexes
from staying (Pagefind deletes nothing). What is left is Pagefind's own work,
about 1.1 s (parsing 0.2, indexing 0.4, building and compressing the chunks and one fragment per
page the rest), and 0.2-0.4 s here (sending the pages, creating the files). One Pagefind worker
thread (``TOKIO_WORKER_THREADS=1``) costs the same CPU; running it beside the render would save
wall time only, and the render already uses every core.

The pipe protocol is the one Pagefind's own Python and Node APIs speak; the Python API is not used
because it waits 0.1 s for each answer (80 s for this site).

Pagefind cannot update an index, only build one: a changed page means indexing every page again.
:class:`SiteSearch` keeps the index while the pages it indexed keep their bytes, and for the preview
server runs the re-index in a thread after the build, so the rebuilt pages are served at once and
the index a second later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from sitepush.builder._pagefind import (ENTRY, EXCLUDE_SELECTORS, FOLDER, IndexFile, SearchIndexJob,
                                        build_search_index, page_url, search_document)
from sitepush.errors import BuildError

if TYPE_CHECKING:
    from sitepush.builder.cache import BuildCache
    from sitepush.builder.output_folder import OutputFolder

__all__ = ["ENTRY", "FOLDER", "IndexFile", "SearchIndexJob", "SiteSearch", "build_search_index",
           "index_digest", "page_url", "search_document"]

Outputs = MutableMapping[str, tuple[str, str, int, int]]
"""The build cache's table of output files: key → (render key, md5, size, mtime_ns)."""


def index_digest(pages: Iterable[tuple[str, str]]) -> str:
    """What an index depends on: each indexed page (key, md5), the options and Pagefind's version.

    Equal digests make equal indexes, so a build whose pages kept their bytes keeps the index.
    """
    digest = hashlib.md5(usedforsecurity=False)
    digest.update(f"{_pagefind_version()}|{EXCLUDE_SELECTORS}\n".encode())
    for key, md5 in sorted(pages):
        digest.update(f"{key}|{md5}\n".encode())
    return "search|" + digest.hexdigest()


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "none"


class SiteSearch:
    """The search index of one builder's output folder, from build to build.

    Its files are recorded in the build cache like every output, each with the :func:`index_digest`
    of the pages it indexed as its render key. With ``background`` (the preview server) a build that
    changed pages keeps the last index published and :meth:`start_deferred` re-indexes in a thread;
    the next build :meth:`finish`-es it first.
    """

    def __init__(self, output_dir: Path, *, background: bool = False) -> None:
        self.output_dir = output_dir
        self.background = background
        self._job: tuple[SearchIndexJob, str, str] | None = None
        """The index being built in the background, the digest of its pages, and the fingerprint of
        the build that left it (the cache's once the index is in place)."""
        self._deferred: tuple[list[str], str] | None = None
        """The pages (and their digest) this build leaves to index after it."""
        self._failed = False
        """The last background index failed: the next build indexes in the build, and says why."""

    @property
    def deferred(self) -> bool:
        """This build left the index behind its pages (the cache must not call them complete)."""
        return self._deferred is not None

    def update(self, pages: dict[str, str], outputs: Outputs, folder: OutputFolder
               ) -> tuple[list[tuple[str, str, int]], int]:
        """Bring the index up to the built ``pages`` (key → md5 of each HTML file): keep it when
        they are as it indexed them; else index them again, now, or after the build (``background``,
        with the last index whole in the folder). Records the index's files in ``outputs``.

        Returns the index's files to publish as (key, md5, size), and how many were written.
        """
        digest = index_digest(pages.items())
        known = {key: entry for key, entry in outputs.items() if key.startswith(FOLDER + "/")}
        entry = known.get(f"{FOLDER}/{ENTRY}")
        if entry is not None and all(folder.intact(k, v[2], v[3]) for k, v in known.items()) and \
                (entry[0] == digest or (self.background and not self._failed)):
            if entry[0] != digest:
                self._deferred = (list(pages), digest)
            return [(key, md5, size) for key, (_, md5, size, _) in known.items()], 0
        self._failed = False
        index = build_search_index(self.output_dir, list(pages), _known(outputs))
        _record(outputs, index, digest)
        return [(item.key, item.md5, item.size) for item in index], sum(item.written for item in index)

    def start_deferred(self, outputs: Outputs, fingerprint: str) -> None:
        """Start the re-index :meth:`update` left for after the build (``fingerprint``: the build's)."""
        if self._deferred is not None:
            pages, digest = self._deferred
            self._deferred = None
            self._job = (SearchIndexJob(self.output_dir, pages, _known(outputs)).start(), digest, fingerprint)

    def finish(self, cache: BuildCache | None, *, cancel: bool = False) -> None:
        """Wait for the index a build left running and record its files in ``cache`` (with
        ``cancel``, stop it: the last index stays, recorded as behind the pages). A build calls it
        first, so that it starts from the index in place.

        A failure is not raised here (the pages were built): the next build indexes in the build and
        reports it."""
        pending, self._job, self._deferred = self._job, None, None
        if pending is None or cache is None:
            return
        job, digest, fingerprint = pending
        if cancel:
            job.cancel()
            return
        try:
            index = job.wait()
        except BuildError:
            self._failed = True
            return
        _record(cache.outputs, index, digest)
        cache.fingerprint = fingerprint

    @property
    def running(self) -> bool:
        """An index is being built in the background."""
        return self._job is not None


def _known(outputs: Outputs) -> dict[str, tuple[str, int, int]]:
    return {key: entry[1:] for key, entry in outputs.items() if key.startswith(FOLDER + "/")}


def _record(outputs: Outputs, index: Iterable[IndexFile], digest: str) -> None:
    """The index's files replace the last index's in the cache's table."""
    for key in [key for key in outputs if key.startswith(FOLDER + "/")]:
        del outputs[key]
    for item in index:
        outputs[item.key] = (digest, item.md5, item.size, item.mtime_ns)
