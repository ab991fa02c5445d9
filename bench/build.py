"""Build speed of sitepush beside MkDocs and Pelican on the hugo-docs corpus, printing ratios.

  python3 bench/build.py [--reps 3] [--tools sitepush,mkdocs,pelican,hugo] [--timeout 600] [--scale 10]

The corpus is copied once per run to /tmp/benchwork/build/corpus so every tool reads identical files and
nothing writes into the shared corpus. Peers run from their own venv (/tmp/benchvenv/build, made on first use),
sitepush from this checkout (PYTHONPATH=repo), as a CLI subprocess (wall time) and in-process through
Builder in a fresh child process (the builder's own work, as the preview server sees it).
Medians over --reps; the table also goes to bench/results/build-<date>.md (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from hugo_site import prepare_hugo, scale_corpus  # bench/ is the script's folder

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
CORPUS = SHARED_CORPUS / "hugo-docs" / "content" / "en"
WORK = Path("/tmp/benchwork/build")
DOCS = WORK / "corpus" / "docs"
"""The copy every tool reads."""
VENV = Path("/tmp/benchvenv/build")
PEER_PACKAGES = ("mkdocs==1.6.1", "pelican==4.12.0", "markdown", "pygments")
EDITED_PAGE = "content-management/shortcodes.md"
"""Appended to for the one-page change: a leaf page with a description, so no summary changes.
Another corpus (--corpus) uses its first page that is not an index."""
# The Markdown features sitepush renders (sitepush/builder/markdown_render.py: tables, footnotes, attr_list,
# def_list, abbr, md_in_html, admonition, toc, fenced code highlighted by Pygments), given to both peers.
# guess_lang off: sitepush highlights only blocks that name their language, and guessing costs the
# peers time sitepush does not spend (codehilite's default guesses; the reference figures used it).
EXTENSIONS = ("abbr", "admonition", "attr_list", "codehilite", "def_list", "fenced_code",
              "footnotes", "md_in_html", "tables", "toc")
CODEHILITE: dict[str, object] = {"guess_lang": False, "css_class": "highlight"}
TARGET_FACTOR, TARGET_PAGES_S, TARGET_NO_CHANGE_S, TARGET_ONE_PAGE_S = 10.0, 400.0, 0.3, 0.1
TARGET_FEATURES = 0.25
"""Docs nav + link check + search together: at most this much over the cold build without them."""
RUNS = 3
"""How many of the CLI's runs (cold, no change, one page) to time; --cold-only makes it 1."""
BUILT = re.compile(r"Built ([\d,]+) pages? from [\d,]+ sources? in ([\d.]+) s \(([^)]*)\)")


@dataclass(frozen=True)
class Run:
    """One timed build: wall seconds, pages the tool produced, and what it said if it failed."""

    seconds: float
    pages: int
    note: str = ""
    error: str = ""


@dataclass(frozen=True)
class Corpus:
    """The folder of Markdown measured, and the page the one-page change appends a line to."""

    source: Path
    edited: str

    @classmethod
    def at(cls, source: Path) -> Corpus:
        names = sorted(p.relative_to(source).as_posix() for p in source.rglob("*.md"))
        leaves = [n for n in names if n.rpartition("/")[2] not in ("_index.md", "index.md")]
        if not leaves:
            raise SystemExit(f"{source}: no Markdown page to edit")
        return cls(source, EDITED_PAGE if EDITED_PAGE in leaves else leaves[0])

    def edit(self, rep: int) -> None:
        """Append a line to the edited page of the copy."""
        with (DOCS / self.edited).open("a", encoding="utf-8") as handle:
            handle.write(f"\n\nA line the benchmark appended (repetition {rep}, {time.time_ns()}).\n")

    def restore(self) -> None:
        """Put the edited page of the copy back as it is in the source."""
        shutil.copyfile(self.source / self.edited, DOCS / self.edited)


@dataclass(frozen=True)
class Row:
    """Median of the repetitions of one (tool, run)."""

    tool: str
    run: str
    runs: tuple[Run, ...] = field(repr=False)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def pages(self) -> int:
        return int(statistics.median(r.pages for r in self.runs))

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def error(self) -> str:
        return next((r.error for r in self.runs if r.error), "")


def run_timed(cmd: list[str], timeout: float, env: dict[str, str] | None = None,
              cwd: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, exit code and combined output of one command; a timeout is exit code 124."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        code, out = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        code, out = 124, f"timed out after {timeout:.0f} s"
    return time.perf_counter() - started, code, out


def ensure_venv(timeout: float) -> Path:
    """The peers' venv, created with pinned MkDocs and Pelican on first use; returns its bin folder."""
    bin_dir = VENV / "bin"
    if not (bin_dir / "mkdocs").exists() or not (bin_dir / "pelican").exists():
        print(f"creating {VENV} ({' '.join(PEER_PACKAGES)}) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=timeout)
        subprocess.run([str(bin_dir / "pip"), "install", "-q", *PEER_PACKAGES], check=True,
                       timeout=timeout)
    return bin_dir


def prepare_work(corpus: Corpus, codehilite: dict[str, object], scale: int = 1) -> None:
    """Fresh copy of the corpus (``scale`` times over) and the tools' configuration, all under WORK."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(corpus.source, DOCS)
    if scale > 1:
        scale_corpus(DOCS, scale)
    if shutil.which("hugo"):
        prepare_hugo(DOCS, WORK / "hugo")
    docs = DOCS
    (WORK / "sitepush").mkdir()
    (WORK / "sitepush" / "sitepush.toml").write_text(
        '[site]\ntitle = "Hugo docs"\nbase_url = "https://bench.example.com/"\n\n'
        '[build]\ncontent_dir = "../corpus/docs"\n')
    (WORK / "mkdocs").mkdir()
    extensions = "".join(f"  - {e}\n" if e != "codehilite" else
                         "  - codehilite:\n" + "".join(f"      {k}: {json.dumps(v)}\n"
                                                       for k, v in codehilite.items())
                         for e in EXTENSIONS)
    (WORK / "mkdocs" / "mkdocs.yml").write_text(
        f"site_name: Hugo docs\ndocs_dir: {docs}\nsite_dir: {WORK / 'out' / 'mkdocs'}\n"
        "theme:\n  name: mkdocs\nuse_directory_urls: true\nstrict: false\n"
        "plugins: []\n"                 # no search index: sitepush builds none
        "exclude_docs: '!/templates/'\n"  # MkDocs skips /templates/ by default; hugo-docs has pages there
        f"markdown_extensions:\n{extensions}")
    (WORK / "pelican").mkdir()
    markdown = {"extension_configs": {f"markdown.extensions.{e}": (codehilite if e == "codehilite" else {})
                                      for e in EXTENSIONS},
                "output_format": "html5"}
    for name, cached in (("cold", False), ("cached", True)):
        (WORK / "pelican" / f"{name}.py").write_text(
            f"AUTHOR = 'bench'\nSITENAME = 'Hugo docs'\nSITEURL = ''\nPATH = {str(docs)!r}\n"
            "ARTICLE_PATHS = ['']\nPAGE_PATHS = []\nSTATIC_PATHS = []\n"
            "TIMEZONE = 'UTC'\nDEFAULT_LANG = 'en'\nDEFAULT_DATE = 'fs'\n"
            "PATH_METADATA = r'(?P<path_no_ext>.*)\\..*'\n"
            "ARTICLE_URL = ARTICLE_SAVE_AS = '{path_no_ext}.html'\n"
            "ARTICLE_TRANSLATION_ID = None\nDEFAULT_PAGINATION = 10\n"
            "FEED_ALL_ATOM = 'feeds/all.atom.xml'\nFEED_MAX_ITEMS = 20\nCATEGORY_FEED_ATOM = None\n"
            "TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
            f"MARKDOWN = {markdown!r}\n"
            f"CACHE_CONTENT = {cached}\nLOAD_CONTENT_CACHE = {cached}\n"
            f"CACHE_PATH = {str(WORK / 'pelican' / 'cache')!r}\n")


def sources() -> list[str]:
    """Markdown files of the copied corpus, relative to its folder."""
    docs = DOCS
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))


def mkdocs_pages(out: Path) -> int:
    """Sources MkDocs wrote a page for (use_directory_urls: a/b.md -> a/b/index.html)."""
    def target(rel: str) -> Path:
        folder, _, name = rel.rpartition("/")
        stem = name[:-3]
        return out / folder / ("index.html" if stem in ("index", "README") else f"{stem}/index.html")
    return sum(1 for rel in sources() if target(rel).is_file())


def pelican_pages(out: Path) -> int:
    """Sources Pelican wrote an article for (saved as {path_no_ext}.html)."""
    return sum(1 for rel in sources() if (out / f"{rel[:-3]}.html").is_file())


def fail(code: int, out: str) -> str:
    return f"exit {code}: " + "\n".join(out.strip().splitlines()[-15:])


# -- sitepush -----------------------------------------------------------------------------------

def sitepush_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), SITEPUSH_CACHE_DIR=str(cache))
    return env


def sitepush_cli(corpus: Corpus, rep: int, timeout: float) -> dict[str, Run]:
    """Cold, no-change and one-page builds through `python3 -m sitepush build`, wall time each."""
    out, cache = WORK / "out" / "sitepush-cli", WORK / "cache" / "cli"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    corpus.restore()
    cmd = [sys.executable, "-m", "sitepush", "build", str(WORK / "sitepush"), "--output", str(out)]
    runs: dict[str, Run] = {}
    for run in ("cold", "no change", "one page")[:RUNS]:
        if run == "one page":
            corpus.edit(rep)
        seconds, code, text = run_timed(cmd, timeout, env=sitepush_env(cache))
        match = BUILT.search(text)
        if code != 0 or not match:
            runs[run] = Run(seconds, 0, error=fail(code, text))
            break
        runs[run] = Run(seconds, int(match.group(1).replace(",", "")),
                        note=f"builder {match.group(2)} s; {match.group(3)}")
    corpus.restore()
    return runs


def sitepush_api(corpus: Corpus, rep: int, timeout: float) -> dict[str, Run]:
    """The same three builds through one in-memory Builder, in a fresh child process."""
    corpus.restore()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--api-child", str(rep),
           "--corpus", str(corpus.source), *(["--features"] if FEATURES else [])]
    seconds, code, text = run_timed(cmd, timeout, env=sitepush_env(WORK / "cache" / "unused"))
    corpus.restore()
    try:
        report = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"cold": Run(seconds, 0, error=fail(code, text))}
    return {name: Run(**fields) for name, fields in report.items()}


def api_child(corpus: Corpus, rep: int) -> None:
    """Runs in the child: cold build, no-change rebuild, one-page change with one Builder; prints JSON."""
    out, cache = WORK / "out" / "sitepush-api", WORK / "cache" / "api"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    report: dict[str, dict[str, object]] = {}
    try:
        from sitepush.builder.builder import Builder
        from sitepush.config import load_config

        builder = Builder(load_config(WORK / "sitepush"), output_dir=out, cache_folder=cache)
        for run in ("cold", "no change", "one page", "one page, warm"):
            if run == "one page, warm":
                # What the preview server does between edits: renderer and templates already made
                # in this process (warm_up), the cache saved when idle rather than inside the build.
                builder.warm_up()
                builder.persist = False
            if run.startswith("one page"):
                corpus.edit(rep)
            started = time.perf_counter()
            result = builder.build()
            seconds = time.perf_counter() - started
            s = result.stats
            report[run] = {"seconds": seconds, "pages": s.published,
                           "note": f"parsed {s.parsed}, rendered {s.rendered}, wrote {s.written}"}
        if FEATURES:
            report.update(features_runs(builder, corpus))
    except Exception as error:  # the report must carry sitepush's exact error, whatever it is
        text = error.render() if hasattr(error, "render") else traceback.format_exc()
        report[next(r for r in ("cold", "no change", "one page", "one page, warm")
                    if r not in report)] = {
            "seconds": 0.0, "pages": 0, "error": text}
    print(json.dumps(report))


FEATURES = False
"""--features: the API child also times cold builds with the docs layout and search on."""


def features_runs(plain: object, corpus: Corpus) -> dict[str, dict[str, object]]:
    """Cold builds (fresh Builder, no cache) of the same corpus: as the bench builds it (link check
    on, as on every build: its seconds are reported), and with ``layout = "docs"`` and
    ``search = true``. CPU seconds of this process (the builds run with workers=1, so CPU is all of
    the work, whatever else the machine runs). Then, with docs + search, the warm one-page change
    the preview server makes (its builder indexes in the background: the build's seconds, and when
    the index followed)."""
    from sitepush.builder.builder import Builder
    from sitepush.config import load_config

    runs: dict[str, dict[str, object]] = {}
    toml = WORK / "sitepush" / "sitepush.toml"
    plain_toml = toml.read_text()
    try:
        for name, extra in (("cold, 1 worker", ""), ("cold, 1 worker, docs", 'layout = "docs"\n'),
                            ("cold, 1 worker, docs + search", 'layout = "docs"\nsearch = true\n')):
            toml.write_text(plain_toml + extra)
            out, cache = WORK / "out" / "sitepush-features", WORK / "cache" / "features"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            builder = Builder(load_config(WORK / "sitepush"), output_dir=out, cache_folder=cache, workers=1)
            before = os.times()
            started, cpu = time.perf_counter(), time.process_time()
            result = builder.build()
            seconds, spent = time.perf_counter() - started, time.process_time() - cpu
            after = os.times()
            child = (after.children_user + after.children_system) - (before.children_user + before.children_system)
            checked, check_s = builder.last_link_check
            runs[name] = {"seconds": spent + child, "pages": result.stats.published,
                          "note": f"CPU s, this process {spent:.2f} + Pagefind {child:.2f} (wall {seconds:.2f} s); "
                                  f"link check {check_s:.2f} s over {checked} pages"}
        runs["one page, warm, docs + search"] = warm_search_run(corpus, out, cache)
    finally:
        toml.write_text(plain_toml)
    return runs


def warm_search_run(corpus: Corpus, out: Path, cache: Path) -> dict[str, object]:
    """The preview server's one-page change with docs + search (sitepush.toml as the last features
    run left it): the build's wall seconds; the note says when the background index was in place."""
    from sitepush.builder.builder import Builder
    from sitepush.config import load_config

    builder = Builder(load_config(WORK / "sitepush"), output_dir=out, cache_folder=cache,
                      persist=False, background_search=True)
    builder.build()
    builder.warm_up()
    try:
        corpus.edit(0)
        started = time.perf_counter()
        result = builder.build()
        seconds = time.perf_counter() - started
        before = os.times()
        builder.finish_search()
        after = os.times()
        index_s = time.perf_counter() - started
        child = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    finally:
        corpus.restore()
    s = result.stats
    return {"seconds": seconds, "pages": s.published,
            "note": f"parsed {s.parsed}, rendered {s.rendered}, wrote {s.written}; index in place "
                    f"{index_s:.2f} s after the edit (Pagefind {child:.2f} s CPU, in the background)"}


# -- peers --------------------------------------------------------------------------------------

def hugo_cold(timeout: float) -> Run:
    """Debian's hugo on the minimal site of bench/hugo_site.py, output folder removed first."""
    out = WORK / "out" / "hugo"
    shutil.rmtree(out, ignore_errors=True)
    hugo = shutil.which("hugo")
    if hugo is None:
        return Run(0.0, 0, error="hugo is not installed (apt-get install hugo)")
    seconds, code, text = run_timed([hugo, "--quiet", "-s", str(WORK / "hugo"), "-d", str(out)], timeout)
    if code != 0:
        return Run(seconds, 0, error=fail(code, text))
    return Run(seconds, sum(1 for _ in out.rglob("*.html")))


def mkdocs_cold(bin_dir: Path, timeout: float) -> Run:
    out = WORK / "out" / "mkdocs"
    shutil.rmtree(out, ignore_errors=True)
    seconds, code, text = run_timed([str(bin_dir / "mkdocs"), "build", "-f",
                                     str(WORK / "mkdocs" / "mkdocs.yml")], timeout)
    if code != 0:
        return Run(seconds, 0, error=fail(code, text))
    warnings = sum(1 for line in text.splitlines() if line.startswith("WARNING"))
    return Run(seconds, mkdocs_pages(out), note=f"{warnings} warnings")


def pelican_build(bin_dir: Path, settings: str, timeout: float, *, clean: bool) -> Run:
    out = WORK / "out" / f"pelican-{settings}"
    if clean:
        shutil.rmtree(out, ignore_errors=True)
        if settings == "cached":
            shutil.rmtree(WORK / "pelican" / "cache", ignore_errors=True)
    cmd = [str(bin_dir / "pelican"), str(DOCS),
           "-s", str(WORK / "pelican" / f"{settings}.py"), "-o", str(out)]
    seconds, code, text = run_timed(cmd, timeout)
    if not (out / "index.html").is_file():
        return Run(seconds, 0, error=fail(code, text))
    skipped = len(re.findall(r"Skipping|Could not process", text))
    return Run(seconds, pelican_pages(out), note=f"exit {code}, {skipped} files skipped")


# -- report -------------------------------------------------------------------------------------

def startup_seconds(cmd: list[str], env: dict[str, str] | None = None) -> float:
    return statistics.median(run_timed(cmd, 60, env=env)[0] for _ in range(5))


def versions(bin_dir: Path) -> str:
    code = ("import mkdocs, pelican, markdown, pygments; print(f'MkDocs {mkdocs.__version__}, Pelican "
            "{pelican.__version__}, Markdown {markdown.__version__}, Pygments {pygments.__version__}')")
    return run_timed([str(bin_dir / "python"), "-c", code], 60)[2].strip()


def find(rows: list[Row], tool: str, run: str) -> Row | None:
    return next((r for r in rows if r.tool == tool and r.run == run and not r.error), None)


def table(rows: list[Row]) -> list[str]:
    """Markdown table; the ratio is how many times sitepush's pages/s (CLI, same kind of run) is theirs."""
    lines = ["| tool | run | seconds | pages built | pages/s | sitepush × | notes |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        if row.error:
            lines.append(f"| {row.tool} | {row.run} | failed | | | | "
                         f"{row.error.splitlines()[-1][:200]} |")
            continue
        ratio = ""
        same = find(rows, "sitepush (CLI)", "no change" if row.run == "cached" else "cold")
        if not row.tool.startswith("sitepush") and same and row.pages_per_s > 0:
            ratio = f"{same.pages_per_s / row.pages_per_s:.1f}"
        lines.append(f"| {row.tool} | {row.run} | {row.seconds:.3f} | {row.pages} | "
                     f"{row.pages_per_s:.0f} | {ratio} | {row.runs[-1].note} |")
    return lines


def targets(rows: list[Row]) -> list[str]:
    """Each target of the issue with PASS, MISS, or n/a when a run needed for it is missing."""
    cold, api = find(rows, "sitepush (CLI)", "cold"), find(rows, "sitepush (API)", "no change")
    one = find(rows, "sitepush (API)", "one page, warm")
    peers = [r for r in (find(rows, "MkDocs", "cold"), find(rows, "Pelican", "cold")) if r]
    best = max(peers, key=lambda r: r.pages_per_s) if peers else None

    def verdict(ok: bool | None) -> str:
        return "n/a " if ok is None else ("PASS" if ok else "MISS")

    out = []
    if cold and best:
        factor = cold.pages_per_s / best.pages_per_s
        out.append(f"{verdict(factor >= TARGET_FACTOR)} cold build ≥ {TARGET_FACTOR:g}× the faster peer "
                   f"({best.tool} {best.pages_per_s:.0f} pages/s): {factor:.1f}×")
    else:
        out.append(f"{verdict(None)} cold build ≥ {TARGET_FACTOR:g}× the faster peer")
    out.append(f"{verdict(cold.pages_per_s >= TARGET_PAGES_S if cold else None)} cold build ≥ "
               f"{TARGET_PAGES_S:g} pages/s (CLI wall): " + (f"{cold.pages_per_s:.0f}" if cold else "-"))
    out.append(f"{verdict(api.seconds <= TARGET_NO_CHANGE_S if api else None)} no-change rebuild ≤ "
               f"{TARGET_NO_CHANGE_S} s (in-process): " + (f"{api.seconds:.4f} s" if api else "-"))
    hugo = find(rows, "Hugo", "cold")
    if cold and hugo:
        out.append(f"{verdict(cold.pages_per_s >= hugo.pages_per_s)} cold build ≥ Hugo's pages/s (CLI wall, "
                   f"each tool's own page count): {cold.pages_per_s:.0f} vs {hugo.pages_per_s:.0f} pages/s; "
                   f"same corpus, sitepush {cold.seconds:.2f} s / Hugo {hugo.seconds:.2f} s = "
                   f"{cold.seconds / hugo.seconds:.2f}×")
    plain, full = find(rows, "sitepush (API)", "cold, 1 worker"), find(rows, "sitepush (API)", "cold, 1 worker, docs + search")
    if plain and full:
        check_s = statistics.median(float(r.note.split("link check ")[1].split(" s")[0]) for r in plain.runs)
        base = plain.seconds - check_s
        extra = (full.seconds - base) / base
        out.append(f"{verdict(extra <= TARGET_FEATURES)} docs nav + link check + search ≤ "
                   f"{TARGET_FEATURES:.0%} over the build without them (CPU, 1 worker): +{extra:.0%} "
                   f"(without them {base:.2f} s, link check {check_s:.2f} s, with all three {full.seconds:.2f} s)")
        docs = find(rows, "sitepush (API)", "cold, 1 worker, docs")
        if docs:
            out.append(f"{verdict((docs.seconds - base) / base <= TARGET_FEATURES)} docs nav + link check "
                       f"(search off, as by default) ≤ {TARGET_FEATURES:.0%}: +{(docs.seconds - base) / base:.0%} "
                       f"({docs.seconds:.2f} s); Pagefind alone: +{(full.seconds - docs.seconds) / base:.0%}")
    out.append(f"{verdict(one.seconds <= TARGET_ONE_PAGE_S if one else None)} one-page change ≤ "
               f"{TARGET_ONE_PAGE_S} s (in-process, warm builder as the preview server keeps it): "
               + (f"{one.seconds:.4f} s" if one else "-"))
    searched = find(rows, "sitepush (API)", "one page, warm, docs + search")
    if searched:
        out.append(f"{verdict(searched.seconds <= TARGET_ONE_PAGE_S)} the same with docs + search "
                   f"(the index follows in the background): {searched.seconds:.4f} s; "
                   + searched.runs[-1].note.split("; ", 1)[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=3, help="repetitions; medians are reported")
    parser.add_argument("--tools", default="sitepush,mkdocs,pelican")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per command")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="folder of Markdown to build (default: the hugo-docs corpus)")
    parser.add_argument("--guess-lang", action="store_true",
                        help="peers guess the language of unlabelled code (codehilite's default, as in "
                             "the issue's reference figures)")
    parser.add_argument("--scale", type=int, default=1,
                        help="build the corpus copied this many times (copies drop explicit url/slug lines)")
    parser.add_argument("--cold-only", action="store_true",
                        help="time only sitepush's CLI cold build (no API runs): for --scale 10")
    parser.add_argument("--features", action="store_true",
                        help="also time cold builds (1 worker, CPU s) with the docs layout and search on")
    parser.add_argument("--api-child", type=int, metavar="REP", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global RUNS, FEATURES
    RUNS, FEATURES = (1 if args.cold_only else 3), args.features
    corpus = Corpus.at(args.corpus.resolve())
    if args.api_child is not None:
        api_child(corpus, args.api_child)
        return
    tools = set(args.tools.split(","))
    bin_dir = ensure_venv(args.timeout)
    codehilite = dict(CODEHILITE, guess_lang=args.guess_lang)
    prepare_work(corpus, codehilite, args.scale)
    header = [
        f"# Build benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {args.reps} reps (medians)",
        f"Corpus: {corpus.source}, {len(sources())} Markdown files, copied to {DOCS}.",
        f"Peers ({versions(bin_dir)}) from {VENV}: Markdown extensions {', '.join(EXTENSIONS)}, "
        f"codehilite guess_lang {str(args.guess_lang).lower()} (sitepush guesses no language; "
        "--guess-lang gives the reference setup). MkDocs: default theme, "
        "use_directory_urls, strict off, no search plugin, /templates/ included. Pelican: every file an "
        "article (PAGE_PATHS empty), saved as {path_no_ext}.html, default theme, pagination 10, only the "
        "all-articles Atom feed (20 items); cold = no content cache, cached = LOAD_CONTENT_CACHE after one "
        "untimed priming build. Pelican skips files without a title (hugo-docs' _common snippets).",
        "sitepush: `python3 -m sitepush build` wall time (CLI) and Builder.build() in one fresh process "
        f"(API); one page = a line appended to {corpus.edited}; 'one page, warm' = the next such edit "
        "after Builder.warm_up() with the cache saved outside the build (the preview server's way). "
        "Pages = pages each tool produced; "
        "sitepush × = sitepush CLI pages/s over the tool's (cold vs cold, cached vs no change).",
    ]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    header.append(f"Interpreter start-up `python3 -c pass`: {startup_seconds([sys.executable, '-c', 'pass']):.3f} s;"
                  f" `python3 -m sitepush --version`: "
                  f"{startup_seconds([sys.executable, '-m', 'sitepush', '--version'], env):.3f} s.")
    print("\n".join(header), flush=True)
    collected: dict[tuple[str, str], list[Run]] = {}
    for rep in range(1, args.reps + 1):
        found: list[tuple[str, str, Run]] = []
        if "sitepush" in tools:
            found += [("sitepush (CLI)", k, v) for k, v in sitepush_cli(corpus, rep, args.timeout).items()]
            if not args.cold_only:
                found += [("sitepush (API)", k, v) for k, v in sitepush_api(corpus, rep, args.timeout).items()]
        if "hugo" in tools:
            found.append(("Hugo", "cold", hugo_cold(args.timeout)))
        if "mkdocs" in tools:
            found.append(("MkDocs", "cold", mkdocs_cold(bin_dir, args.timeout)))
        if "pelican" in tools:
            found.append(("Pelican", "cold", pelican_build(bin_dir, "cold", args.timeout, clean=True)))
            if rep == 1:
                pelican_build(bin_dir, "cached", args.timeout, clean=True)  # fills the cache, untimed
            found.append(("Pelican", "cached",
                          pelican_build(bin_dir, "cached", args.timeout, clean=False)))
        for tool, run, result in found:
            collected.setdefault((tool, run), []).append(result)
            shown = f"ERROR {result.error}" if result.error else (
                f"{result.seconds:.3f} s, {result.pages} pages, {result.note}")
            print(f"  rep {rep}: {tool:15} {run:9} {shown}", flush=True)
    rows = [Row(tool, run, tuple(runs)) for (tool, run), runs in collected.items()]
    report = header + [""] + table(rows) + ["", "Targets:"] + [f"- {t}" for t in targets(rows)]
    errors = [f"{r.tool} {r.run}:\n{r.error}" for r in rows if r.error]
    if errors:
        report += ["", "Errors (exact output):", "```", *errors, "```"]
    text = "\n".join(report) + "\n"
    print("\n" + "\n".join(report[len(header):]))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"build-{dt.date.today():%Y-%m-%d}.md"
    path.write_text(text)
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
