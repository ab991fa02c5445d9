"""Pagefind's service over its pipe: the pages in, the index's files out (see ``search.py`` for why).

Requests and answers are base64 JSON, each ended by a comma, numbered by ``message_id``: the protocol
of Pagefind's own Python and Node APIs (``pagefind/service/__init__.py`` of the ``pagefind`` wheel).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitepush.builder.output_folder import OutputFolder
from sitepush.errors import BuildError

FOLDER = "pagefind"
"""Output folder of the index and of Pagefind's UI (``/pagefind/pagefind-ui.js``)."""
ENTRY = "pagefind-entry.json"
"""The file the UI reads first; it names the index of each language, so it is put in place last."""
EXCLUDE_SELECTORS = ("a.anchor",)
"""Heading permalinks ("#") are not words of the page."""

_BODY_ATTR = "data-pagefind-body"
_READ_ANYWHERE = ("data-pagefind-meta", "data-pagefind-default-meta", "data-pagefind-filter",
                  "data-pagefind-sort")
"""Attributes Pagefind reads wherever they are on the page, not only inside the body element."""
_TAG_NAME_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_HTML_TAG_RE = re.compile(r"<html\b[^>]*>", re.IGNORECASE)


def search_document(html: str) -> str:
    """The part of a page Pagefind reads, as a document Pagefind indexes exactly like the page.

    With one ``data-pagefind-body`` element Pagefind reads only that element (plus the ``lang`` of
    ``<html>``), so sending just it spares Pagefind parsing the sidebar and the head of every page.
    Anything else (no such element, several, or ``data-pagefind-meta``/``-filter``/``-sort`` outside
    it, which Pagefind reads wherever they are) sends the whole page.
    """
    # str.find, not a regex over every tag: this runs over every byte of the site.
    at = html.find(_BODY_ATTR)
    if at < 0 or html.find(_BODY_ATTR, at + 1) >= 0:
        return html
    start = html.rfind("<", 0, at)
    name = _TAG_NAME_RE.match(html, start) if start >= 0 else None
    if name is None or html.find(">", start, at) >= 0:
        return html
    end = _element_end(html, name.group(1), at)
    if end < 0 or any(html.find(attr, 0, start) >= 0 or html.find(attr, end) >= 0
                      for attr in _READ_ANYWHERE):
        return html
    opening = _HTML_TAG_RE.search(html, 0, start)
    return f"{opening.group(0) if opening else '<html>'}<body>{html[start:end]}</body></html>"


def _element_end(html: str, name: str, start: int) -> int:
    """Index just past the close tag of the element ``name`` opened before ``start``; -1 if none.

    Nested elements of the same name are counted (an ``<article>`` in the page's ``<article>``).
    """
    depth, at = 1, start
    opener, closer = f"<{name}", f"</{name}"
    while True:
        close = html.find(closer, at)
        if close < 0:
            return -1
        opened = html.find(opener, at, close)
        while opened >= 0:
            following = html[opened + len(opener):opened + len(opener) + 1]
            if following in (" ", ">", "\n", "\t", "/"):
                depth += 1
            opened = html.find(opener, opened + 1, close)
        depth -= 1
        at = html.find(">", close)
        if at < 0:
            return -1
        at += 1
        if depth == 0:
            return at


def page_url(key: str) -> str:
    """The URL Pagefind's CLI gives the output file ``key`` (``a/index.html`` → ``/a/``)."""
    return "/" + (key[:-len("index.html")] if key == "index.html" or key.endswith("/index.html") else key)


def _not_installed() -> BuildError:
    return BuildError("search is on but Pagefind is not installed", file="sitepush.toml",
                      hint="pip install 'pagefind[bin]', or set [build] search = false")


def _executable() -> str:
    """Pagefind's binary, found as ``python -m pagefind`` finds it (PAGEFIND_BINARY_PATH, the
    ``pagefind_bin`` wheels, then PATH)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise _not_installed() from None
    binary = get_executable()
    if binary is None or not Path(binary).is_file():
        raise _not_installed()
    return str(binary)


@dataclass(frozen=True)
class IndexFile:
    """One file of the index as it is in the output folder (what the build cache records)."""

    key: str
    md5: str
    size: int
    mtime_ns: int
    written: bool
    """False when the folder held these bytes already (a rebuilt index repeats most of its files)."""


class SearchIndexJob:
    """One run of ``pagefind --service`` over the pages ``keys`` of ``output_dir``, in a thread.

    :meth:`start` returns at once; :meth:`wait` returns the new index's files, in place by then.
    Pagefind hands the files over its pipe instead of writing them, and only those whose bytes
    differ from ``known`` (key → md5, size, mtime_ns of the last index) are written: a one-page
    change rewrites a dozen files, not one per page. Files of the last index that the new one does
    not have are left for the build's sweep. Raises :class:`BuildError` naming ``sitepush.toml``.
    """

    def __init__(self, output_dir: Path, keys: Sequence[str],
                 known: Mapping[str, tuple[str, int, int]] | None = None, *, timeout: float = 600) -> None:
        self.output_dir = output_dir
        self.keys = tuple(keys)
        self.known = dict(known or {})
        self.timeout = timeout
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._result: list[IndexFile] | BuildError | None = None
        self._unsent: OSError | None = None
        """Why a page could not be sent (it vanished, or cannot be read)."""

    def start(self) -> SearchIndexJob:
        """Start Pagefind (raises at once when it is not installed) and send it the pages."""
        binary = _executable()
        self._process = subprocess.Popen([binary, "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         cwd=self.output_dir)
        _widen(self._process.stdin, self._process.stdout)
        self._thread = threading.Thread(target=self._run, name="sitepush-search", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> list[IndexFile]:
        """The index's files once they are in place; raises what went wrong."""
        if self._thread is None:
            self.start()
        assert self._thread is not None and self._process is not None
        self._thread.join(self.timeout)
        if self._thread.is_alive():
            self._process.kill()
            self._thread.join()
            self._result = BuildError(f"the search index took longer than {self.timeout:.0f} s",
                                      file="sitepush.toml", hint="set [build] search = false, or "
                                      "report the site that makes Pagefind slow")
        if isinstance(self._result, BuildError):
            raise self._result
        assert self._result is not None
        return self._result

    def cancel(self) -> None:
        """Stop Pagefind and forget the index (what is in place stays: the last index, whole)."""
        if self._process is not None and self._thread is not None:
            self._process.kill()
            self._thread.join()
        self._result = BuildError("the search index was cancelled", file="sitepush.toml")

    def _run(self) -> None:
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        writer = threading.Thread(target=self._send, args=(process.stdin,), daemon=True)
        writer.start()
        try:
            for number, payload in _responses(process.stdout):
                if payload.get("type") == "Error":
                    # Requests are numbered: NewIndex 1, then one per page in order, then GetFiles.
                    page = f" on {self.keys[number - 2]}" if 2 <= number < len(self.keys) + 2 else ""
                    raise BuildError(f"Pagefind failed{page}: {payload.get('message') or 'no message'}",
                                     file="sitepush.toml", hint="set [build] search = false, or "
                                     "report the page that makes Pagefind fail")
                if payload.get("type") == "GetFiles":
                    break
            else:
                if self._unsent is not None:
                    raise self._unsent
                raise BuildError("Pagefind stopped without writing the index",
                                 file="sitepush.toml", hint="pip install --force-reinstall "
                                 "'pagefind[bin]', or set [build] search = false")
            self._result = self._install(payload.get("files") or [])
        except BuildError as error:
            self._result = error
        except OSError as error:
            self._result = BuildError(f"the search index could not be written: {error}",
                                      file="sitepush.toml", hint="check the output folder")
        finally:
            process.kill()
            process.wait()
            writer.join()
            for pipe in (process.stdin, process.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass

    def _send(self, stdin: Any) -> None:
        # stdin stays open until Pagefind has answered GetFiles: at end of input it stops at once,
        # whatever it has not yet done. Closed early only when a page cannot be sent, so that
        # Pagefind stops and the reader reports it.
        try:
            for number, payload in enumerate(self._requests(), 1):
                stdin.write(base64.b64encode(json.dumps({"message_id": number, "payload": payload}
                                                        ).encode()) + b",")
            stdin.flush()
        except (OSError, ValueError) as error:  # a page unreadable, or Pagefind gone
            if not isinstance(error, BrokenPipeError):
                self._unsent = error if isinstance(error, OSError) else OSError(str(error))
            try:
                stdin.close()
            except OSError:
                pass

    def _requests(self) -> Iterable[dict[str, object]]:
        # A fresh service numbers its first index 0.
        yield {"type": "NewIndex", "config": {"exclude_selectors": list(EXCLUDE_SELECTORS)}}
        for key in self.keys:
            html = (self.output_dir / key).read_text("utf-8", errors="replace")
            yield {"type": "AddFile", "index_id": 0, "url": page_url(key), "file_path": None,
                   "file_contents": search_document(html)}
        yield {"type": "GetFiles", "index_id": 0}

    def _install(self, sent: Sequence[dict[str, str]]) -> list[IndexFile]:
        """Write the files Pagefind sent that the folder does not hold yet, the entry file last (a
        reader of the folder meanwhile still finds the last index whole)."""
        folder = OutputFolder(self.output_dir)
        files = {f"{FOLDER}/{item['path']}": base64.b64decode(item["content"]) for item in sent}
        if f"{FOLDER}/{ENTRY}" not in files:
            raise BuildError("Pagefind wrote no index", file="sitepush.toml", hint="check that the "
                             "pages carry data-pagefind-body, or set [build] search = false")
        done: list[IndexFile] = []
        for key in sorted(files, key=lambda k: k == f"{FOLDER}/{ENTRY}"):
            data = files[key]
            md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
            known = self.known.get(key)
            same = known is not None and known[0] == md5 and folder.intact(key, known[1], known[2])
            if not same:
                # Fragments and index chunks are named by their content: a changed one is a new
                # file, created in place; one already there (the entry file) is replaced atomically.
                folder.create_bytes(key, data)
            done.append(IndexFile(key, md5, len(data), folder.stat(key).st_mtime_ns, not same))
        return sorted(done, key=lambda f: f.key)


def _widen(*pipes: Any) -> None:
    """Pipes of 1 MiB instead of 64 KiB where Linux allows: the pages go over in a few dozen
    wake-ups of each side instead of hundreds (a tenth of a second of CPU on 800 pages)."""
    import fcntl

    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    for pipe in pipes:
        if setting is not None and pipe is not None:
            try:
                fcntl.fcntl(pipe.fileno(), setting, 1 << 20)
            except OSError:
                pass  # above /proc/sys/fs/pipe-max-size: the default size works, a little slower


def _responses(stdout: Any) -> Iterable[tuple[int, dict[str, Any]]]:
    """(request number, payload) of each answer of Pagefind, each base64 JSON ended by a comma."""
    pending: list[bytes] = []  # the index's files arrive as one message of megabytes, in many reads
    while True:
        chunk = stdout.read1(1 << 16)
        if not chunk:
            return
        *complete, rest = chunk.split(b",")
        for message in complete:
            if pending:
                pending.append(message)
                message, pending = b"".join(pending), []
            answer = json.loads(base64.b64decode(message))
            yield int(answer.get("message_id") or 0), answer.get("payload") or {}
        if rest:
            pending.append(rest)


def build_search_index(output_dir: Path, keys: Sequence[str],
                       known: Mapping[str, tuple[str, int, int]] | None = None, *,
                       timeout: float = 600) -> list[IndexFile]:
    """Index the pages ``keys`` of ``output_dir`` now (see :class:`SearchIndexJob`)."""
    return SearchIndexJob(output_dir, keys, known, timeout=timeout).wait()
