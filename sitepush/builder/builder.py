"""One build: sources in, the output folder out, doing only the work that changed since the last build.

::

    discover ─► hash sources (stat-cached) ─► parse + render Markdown (cache misses, in parallel)
             ─► assemble_site (pure) ─► resolve links ─► plan_outputs (pure)
             ─► render templates whose context changed (in parallel) ─► write files whose bytes changed
             ─► remove outputs no longer produced ─► save the cache

The output folder belongs to sitepush: files the build does not produce are removed, so a folder that is
not empty and was not made by sitepush is refused rather than emptied.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sitepush.builder._workers import (ParseJob, ParseSettings, TemplateSettings, WrittenPage, parse_sources,
                                       render_pages)
from sitepush.builder.cache import BuildCache
from sitepush.builder._link_report import check_output, describe
from sitepush.builder.copies import content_file_key, plan_copies
from sitepush.builder.discover import ContentTree, CopiedFile, discover_content, discover_static
from sitepush.builder.front_matter_checks import front_matter_warnings
from sitepush.builder.git_dates import GitDates, head_state, read_git_dates, shallow_warning
from sitepush.builder.linkcheck import PageLinks
from sitepush.builder.links import line_of_link, resolve_links
from sitepush.builder.output_folder import MARKER as MARKER  # re-exported: deploy skips the marker
from sitepush.builder.output_folder import OutputFolder
from sitepush.builder.outputs import HIGHLIGHT_CSS_KEY, RenderJob, ViewMemo, plan_outputs
from sitepush.builder.residue import residue_warnings
from sitepush.builder.search import SiteSearch
from sitepush.builder.site import ParsedSource, Site, assemble_site
from sitepush.builder.theme_files import default_theme_dir, theme_assets
from sitepush.builder.views import Link, PageSummary, PageView, SiteView, TermRef
from sitepush.config import Config
from sitepush.errors import BuildError, ConfigError, Problem
from sitepush.user_cache import cache_dir_for

if TYPE_CHECKING:
    from concurrent.futures import Executor

INLINE_LIMIT = 24
"""Below this many jobs a step runs in this process, even with a pool running or workers asked for."""
POOL_MIN_JOBS = 300
"""With the default worker count (none given), a step starts the pool only for this many jobs or more.

Each worker pays again what this process pays once: the imports, and the first use of every Pygments
lexer and Jinja template (~0.15 s of CPU a worker). Measured with two workers on two cores (hugo-docs
subsets, CPU and wall of a cold CLI build): 200 pages built in 1.6 s in one process and 2.0 s with the
pool, 400 pages in 2.1 s and 1.6 s; the 46 pages of just-the-docs in 0.74 s of CPU in one process and
1.24 s with the pool, for no wall time gained. Workers given (``--workers``, ``[build] workers``) are
used from INLINE_LIMIT jobs: whoever sets them chose."""
PROGRESS_CHUNK = 64
"""Pages parsed or rendered between two progress reports when a build runs in one process."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: what the syncer needs without reading it again."""

    key: str
    md5: str
    size: int


@dataclass(frozen=True)
class BuildStats:
    """What a build did, for reports and tests of incrementality."""

    sources: int
    published: int
    parsed: int
    """Sources whose front matter and Markdown were parsed (cache misses)."""
    rendered: int
    """Outputs whose template ran."""
    written: int
    """Files whose bytes changed and were written (rendered, generated or copied)."""
    removed: int
    seconds: float


@dataclass(frozen=True)
class BuildResult:
    """The built site: where it is, every file in it, the redirects for the syncer, warnings."""

    output_dir: Path
    files: dict[str, OutputFile]
    redirects: dict[str, str]
    warnings: tuple[Problem, ...]
    stats: BuildStats
    site: Site | None = field(default=None, repr=False)
    """The assembled site; None when the build found nothing changed and reused the last one."""


def _templates_digest(folders: Iterable[Path], cache: BuildCache) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_file() and rel.parts[0] != "assets" and not rel.name.startswith("."):
                digest.update(f"{folder}|{rel.as_posix()}|{cache.file_digest(path)}\n".encode())
    return digest.hexdigest()


def _pool_context() -> Any:
    import multiprocessing

    # fork is fastest, but forking a process that runs other threads (the preview server, the moto
    # sandbox) can deadlock in the child; then pay for forkserver instead.
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


class Builder:
    """Builds one site again and again, keeping its cache in memory between builds (the preview server)."""

    def __init__(self, config: Config, *, drafts: bool | None = None, strict: bool = False,
                 output_dir: Path | None = None, workers: int | None = None,
                 cache_folder: Path | None = None, persist: bool = True,
                 progress: Callable[[str], None] | None = None, background_search: bool = False) -> None:
        self.config = config
        self.progress = progress
        """Told ``parsed 640 of 2,950 pages``-style lines while a build parses and renders (None: quiet)."""
        self.drafts = config.build.drafts if drafts is None else drafts
        self.strict = strict
        self.output_dir = (output_dir or config.output_path).resolve()
        self.folder = OutputFolder(self.output_dir)
        self.workers = workers or config.build.workers or os.cpu_count() or 1
        self.pool_min_jobs = INLINE_LIMIT if workers or config.build.workers else POOL_MIN_JOBS
        """A step with fewer jobs runs in this process unless a pool is running (see POOL_MIN_JOBS)."""
        self.cache_folder = cache_folder or cache_dir_for(config.root)
        self.cache: BuildCache | None = None
        self.persist = persist
        """Save the cache after each build; a long-lived builder may save it when idle instead."""
        self.search = SiteSearch(self.output_dir, background=background_search)
        """The search index (``[build] search``). ``background_search``: a build that changed pages
        returns with the last index published and the index follows in a thread (the preview server:
        Pagefind re-indexes every page, a second on a 1,000-page site). The next build waits for it;
        :meth:`save_cache` stops it (the cache then says the index is behind)."""
        self._memo: ViewMemo | None = None
        self._markdown_broken: set[tuple[str, str]] = set()
        self._git: tuple[str, GitDates] | None = None
        self._described: dict[tuple[str, str, str, str], Problem | None] = {}
        self.last_link_check: tuple[int, float] = (0, 0.0)
        """(pages checked, seconds) of the last build's link check."""
        self.last_work: dict[str, int] = {}
        """What the last build did per page, for tests of incrementality: pages whose links were
        resolved (``resolved``), whose front matter was checked (``checked``), outputs whose context
        was hashed (``hashed``)."""
        self.last_pooled = 0
        """Jobs the last build sent to worker processes (0: it ran in this process only)."""
        self._digests: dict[int, tuple[object, str]] = {}
        self._links_of: dict[str, PageLinks] = {}
        self._pool: Executor | None = None
        """The worker pool of the running build, once a step started it."""
        self._jekyll: Any = None
        """Jekyll mode: the folder's JekyllSite, read at the start of each build."""
        self._front_checked: dict[str, tuple[ParsedSource, tuple[Problem, ...]]] = {}
        self._resolved: dict[str, Any] = {}
        """Source rel → (the ParsedSource, its resolved HTML, warnings, origins, broken pairs)."""
        self._resolved_maps: tuple[dict[str, str], dict[str, str], set[str]] | None = None
        self._render_keys: dict[str, tuple[tuple[str, str, tuple[str, ...]], tuple[object, ...], str]] = {}
        """Output key → (template, the context's values, render key) of the last build."""

    # -- orchestration ------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Make the Markdown renderer and the Jinja environment in this process now.

        A cold build of a big site parses and renders in worker processes (POOL_MIN_JOBS), so the first
        small rebuild after it would pay for importing Markdown, Pygments and Jinja2 here. A long-lived builder (the preview server)
        calls this while it waits for the first edit.
        """
        parse_sources([], self._parse_settings())
        render_pages([], self._template_settings(self.cache or BuildCache()))

    WARM_STATE = ("_memo", "_front_checked", "_resolved", "_resolved_maps", "_render_keys")
    """What a builder remembers of its last build beyond the cache tables, by attribute. Saved with the
    cache, so that a one-page build in a new process (``sitepush deploy`` after an edit) reuses the views,
    resolved links and render keys of the unchanged pages like the preview server does, instead of
    resolving and hashing every page of the site again."""

    def save_cache(self) -> None:
        """Write the in-memory cache to the cache folder (a build does it itself when ``persist``)."""
        if self.cache is not None:
            self.search.finish(self.cache, cancel=True)  # the server stopping: at once, not in a second
            self.cache.warm = {name: getattr(self, name) for name in self.WARM_STATE}
            self.cache.warm["options"] = self._options_key()
            try:
                self.cache.save(self.cache_folder)
            except OSError:
                pass  # a read-only cache folder costs speed next time, never correctness

    def _options_key(self) -> str:
        return repr((self.config, self.drafts, self.strict, str(self.output_dir)))

    def build(self, *, now: datetime | None = None) -> BuildResult:
        """Build the site into the output folder; raises BuildError listing every problem found."""
        # A build allocates many small objects and frees few: the cyclic collector would rescan the
        # whole cache many times over (tens of ms per pass on a 1,000-page site) and find nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._build(now)
        finally:
            if collecting:
                gc.enable()

    def _build(self, now: datetime | None) -> BuildResult:
        started = time.perf_counter()
        self.last_work = {"resolved": 0, "checked": 0, "hashed": 0}
        self.last_pooled = 0
        now = now or datetime.now(timezone.utc)
        config = self.config
        if self.cache is None:
            self.cache = BuildCache.load(self.cache_folder)
            warm = self.cache.warm
            # Only a builder of the very same configuration and options trusts what another one kept
            # (a long-lived builder is made anew when sitepush.toml changes, for the same reason).
            if self._memo is None and set(warm) == {*self.WARM_STATE, "options"} and \
                    warm["options"] == self._options_key():
                for name in self.WARM_STATE:
                    setattr(self, name, warm[name])
        cache = self.cache
        self.search.finish(cache)
        watched = [("content", config.content_path), ("static", config.static_path),
                   ("templates", config.templates_path)]
        if config.build.conventions == "jekyll" and self.output_dir.is_relative_to(config.content_path) \
                and self.output_dir.relative_to(config.content_path).parts[0].startswith(("_", ".")):
            watched = watched[1:]  # Jekyll's own rule: _site/ inside the source is never read
        self.folder.claim(config.root.resolve(), watched)
        if not config.content_path.is_dir():
            raise BuildError(f"content folder {config.build.content_dir}/ does not exist",
                             file="sitepush.toml",
                             hint="create it with your Markdown pages, or set [build] content_dir")
        tree = self._discover()
        static = discover_static(config.static_path)
        executor: Executor | None = None
        try:
            parsed, parsed_count, executor = self._parse(tree.sources, cache, executor)
            templates = self._template_settings(cache)  # walks the template folders once a build
            fingerprint = self._fingerprint(tree, static, parsed, templates, cache, now)
            if (fingerprint == cache.fingerprint and parsed_count == 0
                    and all(self.folder.intact(k, v[2], v[3]) for k, v in cache.outputs.items())):
                # Every input is as it was when these outputs were written: nothing to render or
                # write; only files someone put into the output folder by hand are swept out.
                removed = self.folder.sweep(set(cache.outputs))
                return self._unchanged_result(cache, len(tree.sources), removed, started)
            cache.fingerprint = ""  # until this build completes
            site = assemble_site(parsed, config, drafts=self.drafts, now=now,
                                 display_prefix=config.build.shown_prefix)
            if site.problems:
                raise BuildError.from_problems(site.problems)
            html_of, link_warnings, origins_of = self._resolve_links(site, tree)
            lastmod, git_warnings = self._git_dates()
            plan = plan_outputs(site, config, html_of, self._memo, lastmod)
            if plan.problems:
                raise BuildError.from_problems(plan.problems)
            jobs, template_warnings = self._choose_templates(plan.jobs)
            front_warnings = self._front_matter_warnings(parsed)
            warnings = (*front_warnings, *link_warnings, *plan.warnings, *template_warnings)
            if warnings and self.strict:
                raise BuildError.from_problems(warnings)
            residue = residue_warnings((f"{config.build.shown_prefix}{page.rel}", page.parsed.residue)
                                       for page in site.pages)
            warnings = (*warnings, *git_warnings, *residue)  # said, but no reason to fail a --strict build
            produced = {job.key for job in jobs} | set(plan.generated) | {HIGHLIGHT_CSS_KEY}
            copies = plan_copies(theme_assets(default_theme_dir()), tree.files, static, site, produced,
                                 shown_prefix=config.build.shown_prefix,
                                 static_dir=config.build.static_dir,
                                 as_written=config.build.names_as_written)
            rendered, executor = self._render(jobs, templates, cache, executor, set(copies))
        finally:
            # A step that fails after starting the pool never returns it: shut down the one _map made,
            # or the interpreter tears it down at exit and may print a traceback after the error line.
            pool, self._pool = executor or self._pool, None
            if pool is not None:
                pool.shutdown()
        contents: dict[str, tuple[str, bytes | WrittenPage]] = {}
        for key, (render_key, text) in rendered.items():
            contents[key] = (render_key, text.encode("utf-8") if isinstance(text, str) else text)
        for key, data in plan.generated.items():
            contents[key] = ("", data)
        files, written = self._write(contents, copies, cache)
        if config.build.search:
            index, count = self.search.update({k: f.md5 for k, f in files.items() if k.endswith(".html")},
                                              cache.outputs, self.folder)
            files.update((key, OutputFile(key, md5, size)) for key, md5, size in index)
            written += count
        removed = self.folder.sweep(set(files))
        checked = time.perf_counter()
        broken = check_output(cache.links, self.output_dir, {k: f.md5 for k, f in files.items()},
                              [job.key for job in jobs], self._links_of, tuple(plan.redirects), config.site.base_url)
        self.last_link_check = (cache.links.checked, time.perf_counter() - checked)
        output_warnings = describe(broken, {job.key: job for job in jobs}, site, html_of, origins_of,
                                   config.build.shown_prefix, self._markdown_broken, self._described)
        warnings = (*warnings, *output_warnings)
        cache.outputs = {k: v for k, v in cache.outputs.items() if k in files}
        if output_warnings and self.strict:
            # The files are written and cached, but the build is not complete: the next one checks again.
            if self.persist:
                self.save_cache()
            raise BuildError.from_problems(output_warnings)
        self._memo = plan.memo
        cache.fingerprint, cache.redirects, cache.warnings = fingerprint, dict(plan.redirects), warnings
        if self.search.deferred:
            # Until the index has followed, the outputs are not all this fingerprint's: a cache saved
            # meanwhile (or kept after the index failed or was stopped) must not skip the next build.
            cache.fingerprint = ""
        cache.published = len(site.pages)
        if self.persist:
            self.save_cache()
        stats = BuildStats(sources=len(tree.sources), published=len(site.pages), parsed=parsed_count,
                           rendered=sum(1 for v in rendered.values() if isinstance(v[1], (str, WrittenPage))),
                           written=written, removed=removed,
                           seconds=time.perf_counter() - started)
        self.search.start_deferred(cache.outputs, fingerprint)
        return BuildResult(self.output_dir, files, dict(plan.redirects), warnings, stats, site)

    def _fingerprint(self, tree: ContentTree, static: Sequence[CopiedFile],
                     parsed: Sequence[ParsedSource], templates: TemplateSettings, cache: BuildCache,
                     now: datetime) -> str:
        """A hash of every input of the build: equal fingerprints build equal outputs.

        Sources enter by content hash, and by whether they are published at ``now`` (a future post
        appears when its date passes); copied files by content hash; templates, config and options as
        they are.
        """
        from sitepush.builder.site import is_published

        digest = hashlib.md5(usedforsecurity=False)
        digest.update(self._options_key().encode())
        digest.update(str(self._jekyll and self._jekyll.digest).encode())  # _config.yml, _data/, _includes/
        digest.update(templates.templates_digest.encode())
        digest.update(head_state(self.config.content_path).encode())  # lastmod dates come from git
        for item in parsed:
            published = is_published(item.meta, drafts=self.drafts, future=self.config.build.future,
                                     now=now)
            digest.update(f"s|{item.source.rel}|{item.digest}|{published}\n".encode())
        for kind, files in (("c", tree.files), ("t", static)):
            for copied in files:
                digest.update(f"{kind}|{copied.rel}|{cache.file_digest(copied.path)}\n".encode())
        for rel, path in theme_assets(default_theme_dir()):
            digest.update(f"a|{rel}|{cache.file_digest(path)}\n".encode())
        return digest.hexdigest()

    def _unchanged_result(self, cache: BuildCache, sources: int, removed: int,
                          started: float) -> BuildResult:
        files = {key: OutputFile(key, md5, size) for key, (_, md5, size, _) in cache.outputs.items()}
        stats = BuildStats(sources=sources, published=cache.published,
                           parsed=0, rendered=0, written=0, removed=removed,
                           seconds=time.perf_counter() - started)
        return BuildResult(self.output_dir, dict(sorted(files.items())), dict(cache.redirects),
                           cache.warnings, stats, None)

    # -- steps --------------------------------------------------------------------------------------

    def _map(self, executor: Executor | None, function: Callable[[Sequence[T], Any], list[R]],
             items: Sequence[T], settings: Any, verb: str = "") -> tuple[list[R], Executor | None]:
        """Run ``function`` over ``items`` in chunks, in a process pool when there are enough of them
        (``pool_min_jobs`` to start one, INLINE_LIMIT to use one a step before started);
        ``progress`` hears ``{verb} N of M pages`` as chunks finish."""
        if not items:
            return [], executor
        results: list[R] = []
        pooled = len(items) >= (INLINE_LIMIT if executor is not None else self.pool_min_jobs)
        if not pooled or self.workers < 2:
            if self.progress is None or len(items) < INLINE_LIMIT:
                return function(items, settings), executor
            for start in range(0, len(items), PROGRESS_CHUNK):  # one process, still a moving line
                results.extend(function(items[start:start + PROGRESS_CHUNK], settings))
                self._progress(verb, len(results), len(items))
            return results, executor
        if executor is None:
            from concurrent.futures import ProcessPoolExecutor  # only a build this big pays for it

            # Workers render Markdown, which makes cyclic garbage: they collect it (forked children
            # would otherwise inherit the build's disabled collector).
            executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_pool_context(),
                                           initializer=gc.enable)
            self._pool = executor
        self.last_pooled += len(items)
        # Small chunks: the last one a worker takes is what the other may wait for at the end.
        chunk = max(1, min(16, len(items) // (self.workers * 4)))
        futures = [executor.submit(function, items[i:i + chunk], settings)
                   for i in range(0, len(items), chunk)]
        for future in futures:
            results.extend(future.result())
            self._progress(verb, len(results), len(items))
        return results, executor

    def _progress(self, verb: str, done: int, total: int) -> None:
        if self.progress is not None and verb:
            self.progress(f"{verb} {done:,} of {total:,} pages")

    def _parse(self, sources: Sequence[Any], cache: BuildCache, executor: Executor | None
               ) -> tuple[list[ParsedSource], int, Executor | None]:
        config = self.config
        settings = self._parse_settings()
        settings_key = (f"{config.site.timezone}|{config.build.summary_words}|{settings.liquid_residue}|"
                        f"{settings.jekyll and settings.jekyll.digest}")
        by_rel: dict[str, ParsedSource] = {}
        jobs: list[ParseJob] = []
        parse_keys: dict[str, str] = {}
        for source in sources:
            display = f"{config.build.shown_prefix}{source.rel}"
            try:
                # A file whose stat changed is read once: its digest is of the very bytes parsed.
                raw = None
                digest = cache.known_digest(source.path)
                if digest is None:
                    raw = source.path.read_bytes()
                    digest = cache.record_digest(source.path, raw)
            except OSError as error:
                raise BuildError(f"cannot be read: {error.strerror}", file=display,
                                 hint="check the file's permissions") from None
            # A Markdown page of tens of MB takes minutes and GBs to parse: refused, from the stat
            # the digest was recorded with (no extra syscall).
            size = cache.digests[str(source.path)][0]
            if size > config.build.max_page_mb * 1_000_000:
                raise BuildError(f"{size / 1_000_000:.1f} MB is more than [build] max_page_mb "
                                 f"({config.build.max_page_mb})", file=display,
                                 hint="split the page, or raise max_page_mb in sitepush.toml")
            key = f"{digest}|{source.kind.value}|{source.bundle}|{source.lang}|{settings_key}"
            parse_keys[source.rel] = key
            known = cache.parsed.get(source.rel)
            if known and known[0] == key:
                by_rel[source.rel] = known[1]
                continue
            if raw is None:  # the parse cache lost it though the file is unchanged: read it now
                try:
                    raw = source.path.read_bytes()
                except OSError as error:
                    raise BuildError(f"cannot be read: {error.strerror}", file=display,
                                     hint="check the file's permissions") from None
            jobs.append(ParseJob(source, raw, digest, display))
        results, executor = self._map(executor, parse_sources, jobs, settings, "parsed")
        problems: list[Problem] = []
        for job, result in zip(jobs, results):
            if isinstance(result, ParsedSource):
                by_rel[job.source.rel] = result
                cache.parsed[job.source.rel] = (parse_keys[job.source.rel], result)
            else:
                problems.extend(result)
        if problems:
            raise BuildError.from_problems(sorted(problems, key=lambda p: (p.file or "", p.line or 0)))
        present = {s.rel for s in sources}
        for rel in [r for r in cache.parsed if r not in present]:
            del cache.parsed[rel]
        return [by_rel[s.rel] for s in sources], len(jobs), executor

    def _resolve_links(self, site: Site, tree: ContentTree
                       ) -> tuple[dict[str, str], tuple[Problem, ...], dict[str, dict[str, str]]]:
        url_of = {page.rel: page.url for page in site.pages}
        as_written = self.config.build.names_as_written
        asset_url_of = {item.rel: "/" + key for item in tree.files
                        if (key := content_file_key(item, site, as_written=as_written)) is not None}
        hidden = set(site.hidden)
        # A page whose parse and every page and file URL are as last time resolves as last time:
        # a one-page edit resolves that page only, not the site (the maps compare in C).
        maps = (url_of, asset_url_of, hidden)
        known = self._resolved if self._resolved_maps == maps else {}
        resolved: dict[str, tuple[ParsedSource, str, tuple[Problem, ...], dict[str, str], set[tuple[str, str]]]] = {}
        html_of: dict[str, str] = {}
        origins_of: dict[str, dict[str, str]] = {}
        warnings: list[Problem] = []
        self._markdown_broken = set()
        for page in site.pages:
            entry = known.get(page.rel)
            if entry is None or entry[0] is not page.parsed:
                entry = (page.parsed, *self._resolve_page(page, url_of, hidden, asset_url_of))
                self.last_work["resolved"] += 1
            resolved[page.rel] = entry
            _, html, page_warnings, origins, page_broken = entry
            html_of[page.rel] = html
            if origins:
                origins_of[page.rel] = origins
            warnings.extend(page_warnings)
            self._markdown_broken |= page_broken
        self._resolved, self._resolved_maps = resolved, maps
        return html_of, tuple(warnings), origins_of

    def _resolve_page(self, page: Any, url_of: dict[str, str], hidden: set[str],
                      asset_url_of: dict[str, str]
                      ) -> tuple[str, tuple[Problem, ...], dict[str, str], set[tuple[str, str]]]:
        """One page's resolved HTML, its broken-link warnings, rewritten targets and broken pairs."""
        origins: dict[str, str] = {}
        html, broken = resolve_links(page.parsed.body.html, page.rel, url_of, hidden.__contains__,
                                     asset_url_of, origins, base_path=self.config.site.base_path,
                                     prefix_written=self.config.build.conventions != "jekyll")
        warnings: list[Problem] = []
        pairs: set[tuple[str, str]] = set()
        if broken:
            display = f"{self.config.build.shown_prefix}{page.rel}"
            try:
                text = page.parsed.source.path.read_text("utf-8", errors="replace")
            except OSError:
                text = ""
            seen: dict[str, int] = {}
            for link in broken:
                pairs.add((page.rel, link.target))
                occurrence = seen[link.target] = seen.get(link.target, -1) + 1
                warnings.append(Problem(f"broken link to {link.target}: {link.reason}", display,
                                        line_of_link(text, link.target, occurrence),
                                        "fix the path (relative to this file) or remove the link"))
        return html, tuple(warnings), origins, pairs

    def _front_matter_warnings(self, parsed: Sequence[ParsedSource]) -> list[Problem]:
        """The front-matter warnings of every source; a source parsed as last time keeps its own."""
        known, self._front_checked = self._front_checked, {}
        warnings: list[Problem] = []
        for source in parsed:
            entry = known.get(source.source.rel)
            if entry is None or entry[0] is not source:
                entry = (source, tuple(front_matter_warnings(
                    source, f"{self.config.build.shown_prefix}{source.source.rel}")))
                self.last_work["checked"] += 1
            self._front_checked[source.source.rel] = entry
            warnings.extend(entry[1])
        return warnings

    def finish_search(self) -> None:
        """Wait for the search index the last build left to follow in the background (if any)."""
        self.search.finish(self.cache)

    def _git_dates(self) -> tuple[dict[str, datetime], tuple[Problem, ...]]:
        """Last-commit dates of the sources (one ``git log``, run again only after a commit)."""
        content = self.config.content_path
        state = head_state(content)
        if not state:
            return {}, ()
        if self._git is None or self._git[0] != state:
            self._git = (state, read_git_dates(content))
        dates = self._git[1]
        return dates.dates, (shallow_warning(),) if dates.shallow else ()

    def _discover(self) -> ContentTree:
        """The sources; in Jekyll mode its ``_config.yml`` and ``_data/`` are read first, once a build."""
        if self.config.build.conventions != "jekyll":
            return discover_content(self.config.content_path, self.config.build.exclude)
        from sitepush.builder.jekyll.config import read_jekyll_site
        from sitepush.builder.jekyll.paths import discover_jekyll

        from sitepush.builder.jekyll.documents import site_documents

        site = read_jekyll_site(self.config.content_path)
        if site.baseurl.strip("/") != self.config.site.base_path.strip("/"):
            # Liquid's relative_url writes _config.yml's baseurl, sitepush every other link with base_url's
            # path: two different paths would leave half the links outside the deployed site.
            raise ConfigError(f"base_url {self.config.site.base_url} has the path {self.config.site.base_path} "
                              f"but _config.yml says baseurl: {site.baseurl or '(none)'}", file="sitepush.toml",
                              hint="make them agree: base_url is _config.yml's url + baseurl "
                                   "(`sitepush import jekyll --force` writes it)")
        tree = discover_jekyll(self.config.content_path, site)
        zone = ZoneInfo(site.timezone or self.config.site.timezone)
        self._jekyll = site_documents(site, tree.sources, zone)  # site.posts, site.pages… for Liquid
        from sitepush.builder.jekyll.documents import render_liquid_files

        files = render_liquid_files(tree.files, self._jekyll, self.cache_folder / "jekyll-files", zone)
        return ContentTree(tree.sources, files)

    def _parse_settings(self) -> ParseSettings:
        # Jekyll mode renders Liquid, so {{ }} is no residue there ([build] conventions, the Jekyll import).
        jekyll = self._jekyll
        zone = (jekyll.timezone if jekyll is not None and jekyll.timezone else None) or self.config.site.timezone
        return ParseSettings(ZoneInfo(zone), self.config.build.summary_words,
                             liquid_residue=self.config.build.conventions != "jekyll", jekyll=jekyll)

    def _template_settings(self, cache: BuildCache) -> TemplateSettings:
        site_templates = self.config.templates_path
        return TemplateSettings(site_templates if site_templates.is_dir() else None, self.config.root,
                                self.config.site.base_url,
                                _templates_digest(self._template_folders(), cache), self.output_dir)

    def _template_folders(self) -> list[Path]:
        site_templates = self.config.templates_path
        return [p for p in (site_templates if site_templates.is_dir() else None, default_theme_dir())
                if p is not None]

    def _choose_templates(self, jobs: Sequence[RenderJob]
                          ) -> tuple[list[RenderJob], tuple[Problem, ...]]:
        """A template named in front matter that no folder has falls back to the kind's own, with a
        warning: content written for another theme (a Zola or Hugo site) still builds."""
        folders = self._template_folders()
        chosen: list[RenderJob] = []
        warnings: dict[tuple[str, str], Problem] = {}
        for job in jobs:
            if job.fallback and not any((folder / job.template).is_file() for folder in folders):
                display = f"{self.config.build.shown_prefix}{job.origin}"
                warnings.setdefault((display, job.template), Problem(
                    f'template "{job.template}" not found, using {job.fallback}', display,
                    job.template_line,
                    f"create {self.config.build.templates_dir}/{job.template} or remove `{job.template_key}:`"))
                job = replace(job, template=job.fallback, fallback=None)
            chosen.append(job)
        return chosen, tuple(warnings.values())

    def _render(self, jobs: Sequence[Any], settings: TemplateSettings, cache: BuildCache,
                executor: Executor | None, copied: set[str]
                ) -> tuple[dict[str, tuple[str, str | bytes | WrittenPage]], Executor | None]:
        config = self.config
        digest = settings.templates_digest
        out: dict[str, tuple[str, str | bytes | WrittenPage]] = {}
        todo: list[tuple[str, str, Any, str, tuple[str, int, int] | None, bool]] = []
        render_keys: dict[str, str] = {}
        digests: dict[int, tuple[object, str]] = {}
        last_keys, self._render_keys = self._render_keys, {}
        for job in jobs:
            names = tuple(sorted(job.context))
            values = tuple(job.context[name] for name in names)
            shape = (job.template, digest, names)
            last = last_keys.get(job.key)
            # The very objects of last time (views reused from the memo are frozen): the same key,
            # without hashing the context again.
            if last is not None and last[0] == shape and \
                    len(last[1]) == len(values) and all(a is b for a, b in zip(last[1], values)):
                render_key = last[2]
            else:
                self.last_work["hashed"] += 1
                parts = [job.template, digest]
                for name, value in zip(names, values):
                    parts.append(f"{name}={self._digest_of(value, digests)}")
                render_key = hashlib.md5("|".join(parts).encode(), usedforsecurity=False).hexdigest()
            self._render_keys[job.key] = (shape, values, render_key)
            render_keys[job.key] = render_key
            known = cache.outputs.get(job.key)
            if known and known[0] == render_key and self.folder.intact(job.key, known[2], known[3]):
                out[job.key] = (render_key, b"")  # unchanged: bytes are not needed
                continue
            origin = job.origin if job.origin.endswith(".html") else \
                f"{config.build.shown_prefix}{job.origin}"
            # The worker writes the page itself, unless a copied file of that name wins (404.html).
            todo.append((job.key, job.template, job.context, origin,
                         known[1:] if known else None, job.key not in copied))
        self._digests = digests
        results, executor = self._map(executor, render_pages, todo, settings, "rendered")
        problems: list[Problem] = []
        self._links_of = {}
        for key, result, links in results:
            if isinstance(result, (str, WrittenPage)):
                out[key] = (render_keys[key], result)
                if links is not None:
                    self._links_of[key] = links
            else:
                problems.extend(result)
        if problems:
            unique = list(dict.fromkeys(problems))
            raise BuildError.from_problems(unique)
        css_key = f"highlight|{config.build.highlight_style}|{config.build.highlight_style_dark}"
        known = cache.outputs.get(HIGHLIGHT_CSS_KEY)
        if known and known[0] == css_key and self.folder.intact(HIGHLIGHT_CSS_KEY, known[2], known[3]):
            out[HIGHLIGHT_CSS_KEY] = (css_key, b"")
        else:
            from sitepush.builder.highlight import highlight_css

            try:
                css = highlight_css(config.build.highlight_style, config.build.highlight_style_dark)
            except BuildError as error:
                raise error.with_file("sitepush.toml") from None
            out[HIGHLIGHT_CSS_KEY] = (css_key, css)
        return out, executor

    def _digest_of(self, value: object, digests: dict[int, tuple[object, str]]) -> str:
        """Content hash of a context value; views reused from the last build are not hashed again.

        Views are frozen, so an object seen before (kept alive in the memo, so its id is not reused)
        still has the digest it had.
        """
        if isinstance(value, tuple) and value and isinstance(value[0], (PageSummary, Link, TermRef)):
            return ",".join(self._digest_of(item, digests) for item in value)
        if not isinstance(value, (PageView, PageSummary, SiteView)):
            return hashlib.md5(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                               usedforsecurity=False).hexdigest()
        known = digests.get(id(value)) or self._digests.get(id(value))
        if known is None or known[0] is not value:
            known = (value, hashlib.md5(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                                        usedforsecurity=False).hexdigest())
        digests[id(value)] = known
        return known[1]

    def _write(self, contents: dict[str, tuple[str, bytes | WrittenPage]], copies: dict[str, Path],
               cache: BuildCache) -> tuple[dict[str, OutputFile], int]:
        files: dict[str, OutputFile] = {}
        written = 0
        for key, (render_key, data) in contents.items():
            if key in copies:
                continue  # a static file of the same name wins
            if isinstance(data, WrittenPage):  # the render worker wrote it
                written += data.written
                cache.outputs[key] = (render_key, data.md5, data.size, data.mtime_ns)
                files[key] = OutputFile(key, data.md5, data.size)
                continue
            known = cache.outputs.get(key)
            if not data and known and known[0] == render_key and render_key:
                files[key] = OutputFile(key, known[1], known[2])
                continue
            md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
            if not (known and known[1] == md5 and self.folder.intact(key, known[2], known[3])):
                self.folder.write_bytes(key, data)
                written += 1
            stat = self.folder.stat(key)
            cache.outputs[key] = (render_key, md5, len(data), stat.st_mtime_ns)
            files[key] = OutputFile(key, md5, len(data))
        for key, source in copies.items():
            md5 = cache.file_digest(source)
            known = cache.outputs.get(key)
            if not (known and known[1] == md5 and known[0] == f"copy|{source}"
                    and self.folder.intact(key, known[2], known[3])):
                self.folder.copy_file(key, source)
                written += 1
            stat = self.folder.stat(key)
            cache.outputs[key] = (f"copy|{source}", md5, stat.st_size, stat.st_mtime_ns)
            files[key] = OutputFile(key, md5, stat.st_size)
        return dict(sorted(files.items())), written

def build_site(config: Config, **options: Any) -> BuildResult:
    """Build once (see :class:`Builder` for the options)."""
    now = options.pop("now", None)
    return Builder(config, **options).build(now=now)
