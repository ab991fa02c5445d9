"""The embedded default, timed: `sitepush deploy SITE --sandbox` on a 3,000-object site beside the same
deploy against an already-running moto server, in one run.

  python3 bench/sandbox.py [--pages 2950] [--reps 3]

The site is generated (Markdown pages in sections, so a build makes ~3,000 objects). Every command is a
fresh `python3 -m sitepush` process, as a user runs it. Scenarios:

- first:    no sandbox running yet (a fresh SITEPUSH_SANDBOX_DIR): starts it, configures, uploads all
- no-op:    the same command again (build cache warm, nothing to upload)
- one page: one page edited, deployed again
- Ctrl-C:   SIGINT 1.5 s into a first upload; time until the process has exited

The reference is `sitepush deploy SITE --endpoint-url URL --bucket B` against a moto server started
beforehand (the same moto, in a process of its own), on a bucket configured like the sandbox's. Targets
(issue 16): no-op ≤ 3 s, one page ≤ 3 s, first ≤ 1.5 × the reference's first, Ctrl-C ≤ 2 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/benchwork/sandbox")
RESULTS = REPO / "bench" / "results"
TARGETS = {"no-op": 3.0, "one page": 3.0, "Ctrl-C": 2.0}


def write_site(folder: Path, pages: int) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    content = folder / "content"
    (folder / "sitepush.toml").parent.mkdir(parents=True, exist_ok=True)
    (folder / "sitepush.toml").write_text('[site]\ntitle = "Sandbox bench"\nbase_url = "https://bench.example/"\n'
                                          '[deploy]\nbucket = "sandbox-bench"\n[build]\npaginate = 100\n')
    for n in range(pages):
        section = content / f"section-{n % 20:02d}"
        section.mkdir(parents=True, exist_ok=True)
        (section / f"page-{n:05d}.md").write_text(
            f"---\ntitle: Page {n}\ndate: 2025-01-{1 + n % 28:02d}\n---\n\n# Page {n}\n\n"
            + "Some text for the page, with a [link](../section-00/page-00000.md).\n" * 5)


def env_for(cache: Path, sandbox: Path | None = None, **extra: str) -> dict[str, str]:
    # As on a user's machine, Python keeps its bytecode (a CI image may set PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(REPO), SITEPUSH_CACHE_DIR=str(cache), **extra)
    if sandbox is not None:
        env["SITEPUSH_SANDBOX_DIR"] = str(sandbox)
    return env


LAST_CPU: list[float] = [0.0]
"""The CPU seconds of the last ``timed`` command (``note`` files them beside its wall time)."""


def timed(args: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one command; its CPU seconds are kept beside (a loaded machine stretches the wall)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sitepush", *args], env=env, capture_output=True, text=True,
                          timeout=900)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    LAST_CPU[0] = cpu
    print(f"    ({args[0]}: {cpu:.2f} s of CPU in the command itself)", flush=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr or done.stdout}")
    return took


def edit(site: Path, n: int) -> None:
    page = site / "content" / "section-00" / "page-00000.md"
    page.write_text(page.read_text() + f"\nEdit {n}.\n")


def ctrl_c_exit(args: list[str], env: dict[str, str]) -> float:
    process = subprocess.Popen([sys.executable, "-m", "sitepush", *args], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:  # wait until the upload has begun
        line = process.stdout.readline()
        if not line or "Built " in line:
            break
    time.sleep(1.5)
    sent = time.perf_counter()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=120)
    return time.perf_counter() - sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=2950)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from sitepush.sandbox import Sandbox

    rows: dict[str, dict[str, list[float]]] = {"sandbox": {}, "running moto": {}}
    cpu: dict[str, dict[str, list[float]]] = {"sandbox": {}, "running moto": {}}
    load_before = os.getloadavg()[0]

    def note(kind: str, scenario: str, seconds: float) -> None:
        rows[kind].setdefault(scenario, []).append(seconds)
        if scenario != "Ctrl-C":
            cpu[kind].setdefault(scenario, []).append(LAST_CPU[0])
        print(f"{kind:13} {scenario:9} {seconds:6.2f} s", flush=True)

    for rep in range(args.reps):
        work = WORK / f"rep-{rep}"
        shutil.rmtree(work, ignore_errors=True)
        site = work / "site"
        write_site(site, args.pages)
        # The sandbox: a fresh one each repetition.
        env = env_for(work / "cache-sandbox", work / "sandbox")
        try:
            note("sandbox", "first", timed(["deploy", str(site), "--sandbox", "--yes"], env))
            note("sandbox", "no-op", timed(["deploy", str(site), "--sandbox"], env))
            edit(site, rep)
            note("sandbox", "one page", timed(["deploy", str(site), "--sandbox"], env))
            env_c = env_for(work / "cache-ctrl-c", work / "sandbox")
            note("sandbox", "Ctrl-C", ctrl_c_exit(["deploy", str(site), "--sandbox", "--bucket",
                                                   f"ctrl-c-{rep}", "--yes"], env_c))
        finally:
            subprocess.run([sys.executable, "-m", "sitepush", "sandbox", "stop"], env=env, capture_output=True,
                           timeout=60)
        # The reference: the same deploys against a moto server that is already running.
        with Sandbox() as moto:
            s3 = moto.client("s3")
            s3.create_bucket(Bucket="sandbox-bench")
            s3.put_bucket_versioning(Bucket="sandbox-bench", VersioningConfiguration={"Status": "Enabled"})
            ref_env = env_for(work / "cache-reference", AWS_ACCESS_KEY_ID="AKIDBENCHSANDBOX0000",
                              AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
            shutil.rmtree(site / "_site", ignore_errors=True)
            common = ["deploy", str(site), "--endpoint-url", moto.endpoint_url, "--yes"]
            note("running moto", "first", timed(common, ref_env))
            note("running moto", "no-op", timed(common, ref_env))
            edit(site, rep + 100)
            note("running moto", "one page", timed(common, ref_env))
    lines = [f"# bench/sandbox.py — {args.pages} pages, {args.reps} reps, medians, {time.strftime('%Y-%m-%d %H:%M')}",
             "", f"Load average (1 min) on {os.cpu_count()} cores: {load_before:.1f} at the start, "
             f"{os.getloadavg()[0]:.1f} at the end. CPU = the command's own CPU seconds (the moto server's "
             "are not in it).", "",
             "| scenario | sandbox s | sandbox CPU s | running moto s | running moto CPU s | ratio | target |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for scenario in ("first", "no-op", "one page", "Ctrl-C"):
        mine = statistics.median(rows["sandbox"][scenario])
        ref = rows["running moto"].get(scenario)
        ref_median = statistics.median(ref) if ref else None
        ratio = f"{mine / ref_median:.2f}" if ref_median else ""
        if scenario == "first":
            assert ref_median is not None
            target = f"{'PASS' if mine <= 1.5 * ref_median else 'MISS'} ≤ 1.5 × reference"
        else:
            target = f"{'PASS' if mine <= TARGETS[scenario] else 'MISS'} ≤ {TARGETS[scenario]:.0f} s"
        mine_cpu = cpu["sandbox"].get(scenario)
        ref_cpu = cpu["running moto"].get(scenario)
        lines.append(f"| {scenario} | {mine:.2f} | {f'{statistics.median(mine_cpu):.2f}' if mine_cpu else ''} "
                     f"| {ref_median if ref_median is None else f'{ref_median:.2f}'} "
                     f"| {f'{statistics.median(ref_cpu):.2f}' if ref_cpu else ''} | {ratio} | {target} |")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"sandbox-{time.strftime('%Y-%m-%d')}.md").write_text(text)


if __name__ == "__main__":
    main()
