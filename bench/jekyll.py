"""Jekyll mode beside Jekyll: just-the-docs imported and built by sitepush and by Debian's ``jekyll``.

  python3 bench/jekyll.py            # 3 interleaved reps, medians; about a minute
  python3 bench/jekyll.py --reps 5

The corpus (``../shared/corpus/just-the-docs``) is copied to ``/tmp/benchwork/jekyll/src`` each run, with
one file added: ``CHANGELOG.md``, which the corpus leaves out and its ``index.md`` links with
``{% link CHANGELOG.md %}`` (Jekyll stops on a missing one; sitepush would only warn). Jekyll gets one
more config file, ``plugins: []``: the site's plugins (jekyll-seo-tag, jekyll-github-metadata, …) are not
Debian packages, and sitepush runs none either. Neither tool has the theme's layouts (the corpus has no
``_layouts/``): Jekyll renders each page's Liquid and kramdown, sitepush its Liquid, Markdown and its
own theme.

Timed, interleaved in each rep (the order rotates, so neither tool always runs on a warmer machine):

- **import:** ``import_jekyll`` (in this process, median of 20 calls);
- **jekyll:** ``jekyll build -q`` wall time (Ruby start-up included, as a user waits for it);
- **sitepush CLI cold:** ``python3 -m sitepush build`` wall time, cache and output wiped (with the default
  workers, which build a site this small in one process — the pool starts from 300 jobs a step — and
  with ``--workers 1``: the two rows should agree);
- **sitepush API cold:** one ``Builder.build()`` in a fresh child process (``workers=1``), cache and output
  wiped, and the seconds spent in Liquid rendering inside it: Liquid's share of the build;
- **python3 -c pass:** the interpreter's own start-up, which every CLI run pays before sitepush's first line.

Each step's CPU seconds (user + system of its processes, the API row's whole child process) are beside
the wall times: on a shared machine they move less than wall time does.

Prints the table and the issue's target (sitepush's Jekyll-mode build ≥ 3× Jekyll's speed) with PASS or
MISS, and writes the report to ``bench/results/jekyll-<date>.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SITEPUSH_CORPUS") or REPO.parent / "shared" / "corpus") / "just-the-docs"
WORK = Path("/tmp/benchwork/jekyll")
TARGET = 3.0

API_BUILD = """
import json, sys, time
from pathlib import Path
import sitepush.builder.jekyll.liquid as liquid
from sitepush.builder.builder import Builder
from sitepush.config import load_config
spent = [0.0]
original = liquid.LiquidRenderer.render
def timed(self, *args, **kwargs):
    started = time.perf_counter()
    try:
        return original(self, *args, **kwargs)
    finally:
        spent[0] += time.perf_counter() - started
liquid.LiquidRenderer.render = timed
source, out, cache = (Path(a) for a in sys.argv[1:4])
started = time.perf_counter()
result = Builder(load_config(source), output_dir=out, cache_folder=cache, workers=1).build()
print(json.dumps({"build_s": time.perf_counter() - started, "liquid_s": spent[0],
                  "published": result.stats.published}))
"""


def prepare() -> Path:
    """A fresh copy of the corpus with CHANGELOG.md and the imported sitepush.toml; returns its folder."""
    shutil.rmtree(WORK, ignore_errors=True)
    source = WORK / "src"
    shutil.copytree(CORPUS, source)
    (source / "CHANGELOG.md").write_text("---\ntitle: Changelog\nnav_exclude: true\n---\n# Changelog\n", "utf-8")
    (WORK / "jekyll-bench.yml").write_text("plugins: []\n", "utf-8")
    return source


def time_import(source: Path) -> tuple[float, str]:
    sys.path.insert(0, str(REPO))
    from sitepush.importer.jekyll import import_jekyll

    times = []
    result = None
    for _ in range(20):
        started = time.perf_counter()
        result = import_jekyll(source, source)
        times.append(time.perf_counter() - started)
    assert result is not None
    (source / "sitepush.toml").write_text(result.toml_text, "utf-8")
    return statistics.median(times), "; ".join(result.residue)


def run(command: list[str], env: dict[str, str], timeout: float) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-400:]}")
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    if shutil.which("jekyll") is None:
        print("error: jekyll is not installed — apt-get install jekyll", file=sys.stderr)
        return 1
    source = prepare()
    import_s, residue = time_import(source)
    env = {**os.environ, "PYTHONPATH": str(REPO), "SITEPUSH_CACHE_DIR": str(WORK / "cache"),
           "JEKYLL_ENV": "production"}
    jekyll_out, cli_out, api_out = WORK / "out-jekyll", WORK / "out-cli", WORK / "out-api"

    def jekyll() -> float:
        shutil.rmtree(jekyll_out, ignore_errors=True)
        return run(["jekyll", "build", "-q", "-s", str(source), "-d", str(jekyll_out),
                    "--config", f"{source / '_config.yml'},{WORK / 'jekyll-bench.yml'}"], env, args.timeout)

    def cli(*extra: str) -> float:
        shutil.rmtree(WORK / "cache", ignore_errors=True)
        shutil.rmtree(cli_out, ignore_errors=True)
        return run([sys.executable, "-m", "sitepush", "build", str(source), "--output", str(cli_out), *extra],
                   env, args.timeout)

    api_records: list[dict[str, float]] = []

    def api() -> float:
        shutil.rmtree(WORK / "api-cache", ignore_errors=True)
        shutil.rmtree(api_out, ignore_errors=True)
        done = subprocess.run([sys.executable, "-c", API_BUILD, str(source), str(api_out), str(WORK / "api-cache")],
                              env=env, capture_output=True, text=True, timeout=args.timeout)
        if done.returncode != 0:
            raise SystemExit(f"error: the API build exited {done.returncode}: {done.stderr.strip()[-400:]}")
        record = json.loads(done.stdout.strip().splitlines()[-1])
        api_records.append(record)
        return float(record["build_s"])

    steps = {"jekyll": jekyll, "sitepush CLI cold": cli, "sitepush CLI cold --workers 1": lambda: cli("--workers", "1"),
             "sitepush API cold": api,
             "python3 -c pass (start-up alone)": lambda: run([sys.executable, "-c", "pass"], env, args.timeout)}
    times: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    for rep in range(args.reps):
        for name in names[rep % len(names):] + names[:rep % len(names)]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append(steps[name]())
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    jekyll_pages = sum(1 for p in jekyll_out.rglob("*.html"))
    median = {name: statistics.median(values) for name, values in times.items()}
    liquid_share = statistics.median(r["liquid_s"] / r["build_s"] for r in api_records)
    ratio = median["jekyll"] / median["sitepush CLI cold"]
    lines = [f"# Jekyll mode beside Jekyll — just-the-docs ({date.today().isoformat()})", "",
             f"Reps: {args.reps}, interleaved; medians. Load average at the end: {os.getloadavg()[0]:.1f} "
             f"on {os.cpu_count()} cores.", "",
             "| step | median s | runs | CPU s (median) |", "| --- | ---: | --- | ---: |",
             f"| import (import_jekyll) | {import_s:.4f} | 20 calls | |"]
    for name in names:
        lines.append(f"| {name} | {median[name]:.2f} | {', '.join(f'{t:.2f}' for t in times[name])} | "
                     f"{statistics.median(cpu[name]):.2f} |")
    lines += ["", f"Pages: Jekyll wrote {jekyll_pages} HTML files; sitepush published "
                  f"{int(api_records[-1]['published'])} pages.",
              f"Liquid rendering: {liquid_share:.1%} of the API build "
              f"(median {statistics.median(r['liquid_s'] for r in api_records):.3f} s).",
              f"Residue of the import: {residue or 'none'}.", "",
              f"Ratio Jekyll / sitepush (CLI, cold): {ratio:.2f}× — target ≥ {TARGET:.0f}×: "
              f"{'PASS' if ratio >= TARGET else 'MISS'}",
              f"Ratio Jekyll / sitepush (CLI, cold, --workers 1): "
              f"{median['jekyll'] / median['sitepush CLI cold --workers 1']:.2f}×",
              f"Ratio Jekyll / sitepush (API build, cold): {median['jekyll'] / median['sitepush API cold']:.2f}×"]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"jekyll-{date.today().isoformat()}.md").write_text(report, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
