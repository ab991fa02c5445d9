"""Watch a site's sources and rebuild it incrementally; tell the live-reload hub what changed.

watchdog's native observer (inotify here; ``poll=True`` for Docker volumes and network filesystems)
reports file events; :func:`is_relevant` drops the noise (the output folder, caches, version control,
and the temporary files editors write while saving: ``4913``, ``*.swp``, ``*~``, ``.#x``, ``#x#``…).
A burst of events (an atomic save is a create + write + rename) becomes one build once the
folder has been quiet for :data:`QUIET_SECONDS` (never later than :data:`MAX_DELAY_SECONDS` after the
first event). A build that fails leaves the last good site served and the problems shown on the page;
the next good build clears them. ``sitepush.toml`` changing reloads the configuration.
"""

from __future__ import annotations

import fnmatch
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitepush.config import CONFIG_NAME, Config, WebsiteConfig, load_config
from sitepush.errors import SitepushError
from sitepush.preview.live import LiveHub
from sitepush.preview.sources import FolderSource
from sitepush.preview.website import served_website

if TYPE_CHECKING:
    from sitepush.builder.builder import Builder, BuildResult
    from sitepush.edge import EdgeTable

QUIET_SECONDS = 0.02
MAX_DELAY_SECONDS = 0.25

EDITOR_TEMPORARY = ("4913", "*.swp", "*.swx", "*.swo", "*~", ".#*", "#*#", "*.tmp", "*.kate-swp",
                    ".~lock.*", "*.crdownload", "*.part", ".DS_Store")
"""Names editors and tools write beside a file while saving it; never worth a build."""

IGNORED_FOLDERS = (".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".mypy_cache",
                   ".pytest_cache")


def watched_folders(config: Config) -> tuple[Path, ...]:
    """The site folder, and the content, static and templates folders that lie outside it."""
    root = config.root.resolve()
    extra = [folder for folder in (config.content_path, config.static_path, config.templates_path)
             if folder.is_dir() and not folder.is_relative_to(root)]
    outermost = [f for f in extra if not any(f != o and f.is_relative_to(o) for o in extra)]
    return (root, *sorted(set(outermost)))


def is_relevant(path: str, roots: tuple[Path, ...], ignored: tuple[Path, ...]) -> bool:
    """Should an event on ``path`` cause a build? Only files of the site that are not noise."""
    candidate = Path(path)
    if any(candidate == folder or candidate.is_relative_to(folder) for folder in ignored):
        return False
    parts = next((candidate.relative_to(root).parts for root in roots if candidate.is_relative_to(root)), ())
    if not parts or any(part in IGNORED_FOLDERS for part in parts[:-1]):
        return False
    return not any(fnmatch.fnmatchcase(parts[-1], pattern) for pattern in EDITOR_TEMPORARY)


class SiteRebuilder:
    """Owns the Builder and the folder source; builds now, or when the sources change."""

    def __init__(self, site: Path, hub: LiveHub | None, *, drafts: bool, output_dir: Path,
                 cache_folder: Path, on_build: Callable[[str], None] | None = None) -> None:
        self.site = site.resolve()
        self.hub = hub
        self.drafts = drafts
        self.output_dir = output_dir
        self.cache_folder = cache_folder
        self.on_build = on_build or (lambda line: None)
        self.config = load_config(self.site)
        self.builder = self._new_builder(self.config)
        self.source = FolderSource(output_dir, {}, self.config.deploy.headers, self.config.deploy.allow,
                                   mount=self.config.site.base_path.lstrip("/"))
        self.last: BuildResult | None = None
        self.edge: EdgeTable | None = None
        """In private mode (``[cloudfront] origin = "private"``), the last good build's edge table."""
        self._pending = threading.Event()
        self._first_event = 0.0
        self._last_event = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._config_changed = False
        self._observer: Any = None
        self._thread: threading.Thread | None = None

    def _new_builder(self, config: Config) -> Builder:
        from sitepush.builder.builder import Builder

        # The search index follows the pages a second later instead of holding back the reload.
        return Builder(config, drafts=self.drafts, output_dir=self.output_dir,
                       cache_folder=self.cache_folder, persist=False, background_search=True)

    @property
    def website(self) -> WebsiteConfig:
        """The ``[website]`` settings in force (they change with sitepush.toml); the error document is
        the site's own 404 page, under the base URL's path when the site has one (``docs/404.html``),
        as ``sitepush configure`` sets the website endpoint of its bucket."""
        return served_website(self.config)

    def build(self) -> bool:
        """Build now; True when it succeeded. Problems go to the hub (and ``on_build``), never raised."""
        started = time.perf_counter()
        try:
            if self._config_changed:
                self._config_changed = False
                self.config = load_config(self.site)
                self.builder = self._new_builder(self.config)
                self.source = replace_rules(self.source, self.config)
            result = self.builder.build()
            edge = _edge_table(self.config, result)
        except SitepushError as error:
            problems = [problem.render() for problem in error.problems]
            if self.hub is not None:
                self.hub.failed(problems)
            for line in problems:
                self.on_build(f"error: {line}")
            return False
        changed = _changed_keys(self.last, result)
        # Private mode: redirects live in the edge function, the bucket holds no redirect objects.
        self.source.set_redirects({} if edge is not None else result.redirects)
        self.edge = edge
        if self.last is not None and self.last.redirects != result.redirects:
            changed.append("redirects")
        self.last = result
        if self.hub is not None:
            self.hub.built(changed)
        stats = result.stats
        self.on_build(f"built {stats.published} pages in {time.perf_counter() - started:.2f} s "
                      f"(rendered {stats.rendered}, wrote {stats.written}, removed {stats.removed})")
        return True

    # -- watching -----------------------------------------------------------------------------------

    def start(self, *, poll: bool = False) -> None:
        """Watch the site folder and rebuild on changes, in background threads."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        rebuilder = self
        ignored = tuple({self.output_dir, self.cache_folder, self.config.output_path})
        roots = watched_folders(self.config)

        class Changes(FileSystemEventHandler):  # type: ignore[misc]
            def on_any_event(self, event: Any) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
                relevant = [p for p in paths if p and is_relevant(p, roots, ignored)]
                if relevant:
                    rebuilder.changed(config=any(Path(p).name == CONFIG_NAME and Path(p).parent ==
                                                 rebuilder.site for p in relevant))

        observer = PollingObserver(timeout=0.25) if poll else Observer()
        handler = Changes()
        for root in roots:
            observer.schedule(handler, str(root), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self._thread = threading.Thread(target=self._run, name="sitepush-rebuild", daemon=True)
        self._thread.start()

    def changed(self, *, config: bool = False) -> None:
        """Note a change; a build follows once the folder is quiet."""
        now = time.monotonic()
        with self._lock:
            if not self._pending.is_set():
                self._first_event = now
            self._last_event = now
            self._config_changed = self._config_changed or config
            self._pending.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._pending.wait(timeout=0.5):
                continue
            while not self._stop.is_set():  # debounce: bounded by MAX_DELAY_SECONDS
                with self._lock:
                    now = time.monotonic()
                    quiet = now - self._last_event >= QUIET_SECONDS
                    overdue = now - self._first_event >= MAX_DELAY_SECONDS
                    if quiet or overdue:
                        self._pending.clear()
                        break
                time.sleep(QUIET_SECONDS / 2)
            if not self._stop.is_set():
                self.build()

    def stop(self) -> None:
        """Stop watching and save the build cache for the next start."""
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.builder.save_cache()


def _edge_table(config: Config, result: BuildResult) -> EdgeTable | None:
    if config.cloudfront.origin != "private":
        return None
    from sitepush.edge import edge_table

    return edge_table(config, result.redirects)


def replace_rules(source: FolderSource, config: Config) -> FolderSource:
    """A folder source like ``source`` with the header rules, allow list and base path of ``config``."""
    return FolderSource(source.root, {}, config.deploy.headers, config.deploy.allow,
                        mount=config.site.base_path.lstrip("/"))



def _changed_keys(before: BuildResult | None, after: BuildResult) -> list[str]:
    if before is None:
        return ["*"]
    old, new = before.files, after.files
    changed = [key for key, file in new.items() if key not in old or old[key].md5 != file.md5]
    changed += [key for key in old if key not in new]
    return changed

