"""The reliability figures: deploys through injected faults, kills, secrets, bad inputs — all counted.

  python3 bench/faults.py [--files 2000] [--seeds 5] [--race-trials 20] [--race-files 600] [--sigint-trials 6]

For each fault rate (10 %, 30 %) and seed: deploy a generated site through tests/reliability's fault
proxy in front of moto's server; if it fails, re-run without faults; then compare the bucket with the
site (bytes, Content-Type, Cache-Control, redirects). Then plant secrets and count what reached the
bucket, and run every bad config input through the CLI counting clean one-line errors. Prints one table.

Concurrent deploys: two real processes 50 ms apart, folder A keys 0..N-1 and folder B keys N/2..3N/2-1
with other bytes, to one empty bucket — with the lease (``lock = "auto"``) and without (``"off"``):
trials ending as one folder exactly, objects lost (keys with the wrong bytes, or extra), manifests out
of step with the bucket. SIGINT trials: a deploy of --files files interrupted at a seeded upload,
half of them with every answer from then on held (a stalled store): the seconds from the SIGINT to
the exit, tracebacks, manifests written by the interrupted run, and whether the rerun converged.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitepush.cli import main as sitepush  # noqa: E402
from sitepush.sandbox import Sandbox  # noqa: E402
from tests.reliability.concurrency import judge, race, seeded_order  # noqa: E402
from tests.reliability.conftest import bucket_state, deploy, expected_state, one_line_errors, write_files  # noqa: E402
from tests.reliability.fault_proxy import FaultProxy  # noqa: E402
from tests.reliability.test_bad_input import SCALAR_OPTIONS, wrong_value  # noqa: E402
from tests.reliability.test_security import PLANTED_SECRETS, PUBLIC  # noqa: E402

WORK = Path("/tmp/benchwork/faults")
_numbers = itertools.count()


def site(folder: Path, files: int) -> Path:
    write_files(folder, {f"s{n % 25}/page-{n:05}.html": f"<p>{n}</p>".encode() for n in range(files)})
    return folder


def race_sites(root: Path, files: int, lock: str) -> tuple[Path, Path]:
    """Sites A and B (static files only) with ``[deploy] lock``; their built folders are compared."""
    half = files // 2
    for name, keys, text in (("a", range(files), "A {}\n"), ("b", range(half, half + files), "B {} other\n")):
        write_files(root / name, {f"static/k/{n:04}.txt": text.format(n).encode() for n in keys}
                    | {"content/_index.md": b"# Home\n"})
        (root / name / "sitepush.toml").write_text(f'[deploy]\nlock = "{lock}"\nmax_deletes = 100000\n')
    return root / "a", root / "b"


def concurrent_trials(sandbox: Sandbox, s3: object, trials: int, files: int, lock: str) -> dict[str, float]:
    """Two deploys 50 ms apart, ``trials`` times; the figures of the closing note."""
    a, b = race_sites(WORK / f"race-{lock}", files, lock)
    s3.create_bucket(Bucket=f"faults-bench-dry-{lock}")  # type: ignore[attr-defined]
    for folder in (a, b):  # built once, so that the race is between deploys, not builds
        deploy([str(folder), "--dry-run", "--bucket", f"faults-bench-dry-{lock}", "--endpoint-url", sandbox.endpoint_url],
               WORK / "cache-dry")
    figures = {"trials": 0, "exact": 0, "lost": 0, "out_of_step": 0, "waited_or_3": 0, "seconds": 0.0}
    for seed in range(trials):
        bucket = f"faults-race-{lock}-{seed}-{next(_numbers)}"
        s3.create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        first, second = seeded_order(seed, a, b)
        started = time.monotonic()
        runs = race(*([str(site), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--yes"]
                      for site in (first, second)), WORK / f"cache-{bucket}", folder_of=lambda args: Path(args[0]))
        figures["seconds"] = max(figures["seconds"], time.monotonic() - started)
        verdict = judge(s3, bucket, a / "_site", b / "_site")
        figures["trials"] += 1
        figures["exact"] += verdict.equals is not None
        figures["lost"] += verdict.lost
        figures["out_of_step"] += not verdict.manifest_in_step
        figures["waited_or_3"] += any(run.waited or run.code == 3 for run in runs)
        print(f"race lock={lock} seed={seed}: {'one folder exactly' if verdict.equals else 'MIX'} "
              f"({verdict.objects} objects, {verdict.lost} wrong), manifest "
              f"{'in step' if verdict.manifest_in_step else 'OUT OF STEP'}, exits {[r.code for r in runs]}",
              flush=True)
    return figures


def sigint_trials(sandbox: Sandbox, s3: object, folder: Path, trials: int, files: int) -> list[dict[str, float]]:
    """A deploy interrupted at a seeded upload; every other trial against a store that stops answering."""
    import random
    import signal
    import subprocess
    import threading

    from tests.fixtures.processes import ctrl_c_reaches_it
    from tests.reliability.concurrency import environment

    results = []
    for seed in range(trials):
        stalled = seed % 2 == 1
        bucket = f"faults-sigint-{seed}-{next(_numbers)}"
        s3.create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
        at = random.Random(seed).randint(20, files * 3 // 4)
        signalled, release = threading.Event(), threading.Event()
        puts = itertools.count(1)
        with FaultProxy(sandbox.endpoint_url) as proxy:
            process = subprocess.Popen(
                [sys.executable, "-m", "sitepush", "deploy", "--site-dir", str(folder), "--bucket", bucket,
                 "--endpoint-url", proxy.endpoint_url], env=environment(WORK / f"cache-{bucket}"),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_reaches_it)

            def act(number: int, method: str, path: str) -> None:
                if method == "PUT" and ".sitepush/" not in path and not signalled.is_set() and next(puts) == at:
                    signalled.set()
                    os.kill(process.pid, signal.SIGINT)
                if stalled and signalled.is_set():
                    release.wait(60)

            proxy.on_request = act
            signalled.wait(300)
            sent = time.monotonic()
            try:
                _, err = process.communicate(timeout=120)
            finally:
                release.set()
                if process.poll() is None:
                    process.kill()
                    process.communicate()
            seconds = time.monotonic() - sent
        manifest = s3.list_objects_v2(Bucket=bucket, Prefix=".sitepush/manifest")  # type: ignore[attr-defined]
        rerun = deploy(["--site-dir", str(folder), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url,
                        "--wait-lock", "90"], WORK / f"cache-{bucket}")
        converged = rerun.returncode == 0 and bucket_state(s3, bucket) == expected_state(folder)
        results.append({"stalled": stalled, "at": at, "code": process.returncode, "seconds": seconds,
                        "traceback": "Traceback" in err, "manifest": manifest.get("KeyCount", 0),
                        "converged": converged})
        print(f"SIGINT at upload {at}{' (store stalled from then on)' if stalled else ''}: exit "
              f"{process.returncode} after {seconds:.2f} s, traceback {'yes' if 'Traceback' in err else 'no'}, "
              f"manifest written {manifest.get('KeyCount', 0)}, rerun {'converged' if converged else 'NOT converged'}",
              flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--race-trials", type=int, default=20)
    parser.add_argument("--race-files", type=int, default=600)
    parser.add_argument("--sigint-trials", type=int, default=6)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    rows = ["| fault rate | seed | requests | faults injected | first run | after rerun | lost or stale |",
            "| ---: | ---: | ---: | ---: | --- | --- | ---: |"]
    totals = {"faults": 0, "deploys": 0, "converged": 0, "lost": 0}
    with Sandbox() as sandbox:
        s3 = sandbox.client("s3", max_pool=32)
        folder = site(WORK / "site", args.files)
        want = expected_state(folder)
        for rate in (0.1, 0.3):
            for seed in range(args.seeds):
                bucket = f"faults-bench-{next(_numbers)}"
                s3.create_bucket(Bucket=bucket)
                with FaultProxy(sandbox.endpoint_url, rate=rate, seed=seed) as proxy:
                    first = deploy(["--site-dir", str(folder), "--bucket", bucket, "--endpoint-url",
                                    proxy.endpoint_url, "--yes"], WORK / f"cache-{bucket}")
                    counts = proxy.counts
                clean = first.returncode == 0 or one_line_errors(first.stderr)
                outcome = "exact" if first.returncode == 0 else ("clean failure" if clean else "UNCLEAN")
                if first.returncode != 0:
                    deploy(["--site-dir", str(folder), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url,
                            "--yes"], WORK / f"cache-{bucket}")
                state = bucket_state(s3, bucket)
                lost = sum(state.get(k) != v for k, v in want.items()) + len(set(state) - set(want))
                injected = sum(counts.faults.values())
                totals["faults"] += injected
                totals["deploys"] += 1
                totals["converged"] += lost == 0
                totals["lost"] += lost
                rows.append(f"| {rate:.0%} | {seed} | {counts.attempted} | {injected} "
                            f"({', '.join(f'{k} {v}' for k, v in sorted(counts.faults.items()))}) | {outcome} | "
                            f"{'converged' if lost == 0 else 'NOT converged'} | {lost} |")
                print(rows[-1], flush=True)
        secret_bucket = "faults-bench-secrets"
        s3.create_bucket(Bucket=secret_bucket)
        write_files(WORK / "secrets", PUBLIC | PLANTED_SECRETS)
        deploy(["--site-dir", str(WORK / "secrets"), "--bucket", secret_bucket, "--endpoint-url",
                sandbox.endpoint_url, "--yes"], WORK / "cache-secrets")
        uploaded = {o["Key"] for o in s3.list_objects_v2(Bucket=secret_bucket)["Contents"]}
        secrets_uploaded = len(uploaded & set(PLANTED_SECRETS))
        races = {lock: concurrent_trials(sandbox, s3, args.race_trials, args.race_files, lock)
                 for lock in ("auto", "off")}
        sigints = sigint_trials(sandbox, s3, folder, args.sigint_trials, args.files)
    tried = clean_errors = 0
    for key, default in SCALAR_OPTIONS:
        folder = WORK / "bad" / key
        folder.mkdir(parents=True)
        table, name = key.split(".")
        (folder / "sitepush.toml").write_text(f"[{table}]\n{name} = {wrong_value(default)}\n")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = sitepush(["build", str(folder)])
        lines = [line for line in err.getvalue().splitlines() if line.strip()]
        tried += 1
        clean_errors += code == 1 and len(lines) == 1 and "sitepush.toml:2:" in lines[0] and " — " in lines[0]
    text = "\n".join([*rows, "", f"- deploys: {totals['deploys']}, converged: {totals['converged']}, faults "
                      f"injected: {totals['faults']}, objects lost or stale: {totals['lost']}",
                      f"- secrets planted: {len(PLANTED_SECRETS)}, uploaded: {secrets_uploaded}",
                      *(f"- concurrent deploys, lock = \"{lock}\" ({args.race_files} + {args.race_files} keys, "
                        f"half shared, 50 ms apart): trials {f['trials']}, one folder exactly {f['exact']}, "
                        f"objects lost {f['lost']}, manifests out of step {f['out_of_step']}, a deploy waited or "
                        f"stopped (exit 3) in {f['waited_or_3']}; longest trial {f['seconds']:.1f} s"
                        for lock, f in races.items()),
                      f"- SIGINT trials: {len(sigints)} ({sum(1 for r in sigints if r['stalled'])} against a store "
                      f"that stopped answering), exit 130 in {sum(r['code'] == 130 for r in sigints)}, longest "
                      f"exit after the SIGINT {max((r['seconds'] for r in sigints), default=0):.2f} s, tracebacks "
                      f"{sum(bool(r['traceback']) for r in sigints)}, manifests written by an interrupted run "
                      f"{sum(int(r['manifest']) for r in sigints)}, reruns converged "
                      f"{sum(bool(r['converged']) for r in sigints)}",
                      f"- bad config inputs tried: {tried}, clean one-line errors: {clean_errors}"]) + "\n"
    print(text)
    out = REPO / "bench" / "results" / f"faults-{time.strftime('%Y-%m-%d')}.md"
    out.write_text(f"# bench/faults.py, {args.files} files, {args.seeds} seeds a rate\n\n{text}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
