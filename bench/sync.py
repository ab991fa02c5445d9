"""Sync speed and request counts of sitepush beside aws, s3cmd, rclone and hugo, with ratios and targets.

  python3 bench/sync.py [--n 5000] [--reps 3] [--tools sitepush,aws,s3cmd,rclone-checksum-fastlist,hugo]

Runs the shared harness (../shared/bench/run_peers.py: moto's S3 on 127.0.0.1 behind a request counter,
scenarios a first upload, b same bytes rewritten, c 1 % changed, d 1 % deleted, the bucket checked after each)
with sitepush in its slot, from this checkout, as `python3 -m sitepush deploy --site-dir ... --yes`. Then it
prints, per scenario, each tool's requests and wall time, sitepush's ratio to the fastest correct peer, and
the issue's targets with PASS/MISS. The harness's own tables and raw records go to bench/results/.
Peers come from `bash ../shared/bench/setup.sh` (run it once per machine; this script says so if they are
missing). Request counts are exact; wall times on this shared 2-core machine are noisy, so compare ratios
taken in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO.parent / "shared" / "bench"
RESULTS = REPO / "bench" / "results"
MOTO_PYTHON = Path("/tmp/benchvenv/moto/bin/python")
CACHE = Path("/tmp/benchwork/sitepush-cache")
PEERS = ("aws", "s3cmd", "rclone-checksum-fastlist", "hugo")


SERVER_CPU_LOG = RESULTS / "server-cpu.jsonl"


def sitepush_command() -> str:
    """The harness's SITEPUSH_CMD: this checkout's sitepush, run by this interpreter, with the server's
    CPU during each run recorded by bench/_server_cpu.py."""
    return (f"{sys.executable} {REPO / 'bench' / '_server_cpu.py'} --endpoint {{endpoint}} "
            f"--log {SERVER_CPU_LOG} -- "
            f"{sys.executable} -m sitepush deploy --site-dir {{site}} --bucket {{bucket}} "
            f"--endpoint-url {{endpoint}} --yes")


def run_harness(args: argparse.Namespace) -> list[dict[str, object]]:
    if not MOTO_PYTHON.exists() or not shutil.which("rclone") or not shutil.which("hugo"):
        raise SystemExit(f"peers missing: run `bash {HARNESS / 'setup.sh'}` once on this machine")
    shutil.rmtree(CACHE, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    SERVER_CPU_LOG.unlink(missing_ok=True)
    env = dict(os.environ, SITEPUSH_CMD=sitepush_command(), PYTHONPATH=str(REPO),
               SITEPUSH_CACHE_DIR=str(CACHE), SITEPUSH_STATE_PREFIX=".sitepush/")
    cmd = [str(MOTO_PYTHON), str(HARNESS / "run_peers.py"), "--n", str(args.n), "--reps",
           str(args.reps), "--tools", args.tools, "--port", str(args.port), "--out", str(RESULTS),
           "--timeout", str(args.timeout)]
    print("+ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=HARNESS, env=env, check=True, timeout=args.timeout * 30)
    raw = RESULTS / f"raw-N{args.n}.jsonl"
    records = [json.loads(line) for line in raw.read_text().splitlines() if line.strip()]
    # The raw file is appended to by every run: keep this run's records (the last reps × tools × 4).
    wanted = args.reps * len(args.tools.split(",")) * 4
    records = records[-wanted:]
    # sitepush's runs, in the harness's order (rep by rep, scenarios a b c d), each with the server's
    # CPU seconds recorded by the wrapper.
    cpu = [json.loads(line) for line in SERVER_CPU_LOG.read_text().splitlines() if line.strip()] \
        if SERVER_CPU_LOG.exists() else []
    mine = [r for r in records if r["tool"] == "sitepush"]
    if len(cpu) == len(mine):
        for record, measured in zip(mine, cpu):
            record["server_cpu_s"] = measured["server_cpu_s"]
    return records


def median(records: list[dict[str, object]], tool: str, scenario: str, field: str) -> float | None:
    values = [float(r[field]) if field != "requests" else float(sum(r["ops"].values()))  # type: ignore[attr-defined,arg-type]
              for r in records if r["tool"] == tool and r["scenario"] == scenario
              and (field == "requests" or r.get(field) is not None)]
    return statistics.median(values) if values else None


def correct(records: list[dict[str, object]], tool: str, scenario: str) -> bool:
    rows = [r for r in records if r["tool"] == tool and r["scenario"] == scenario]
    return bool(rows) and all(r["rc"] == 0 and r["needless"] == 0 and r["missed"] == 0
                              and r["not_deleted"] == 0 for r in rows)


def report(records: list[dict[str, object]], n: int) -> list[str]:
    tools = list(dict.fromkeys(str(r["tool"]) for r in records))
    lines = ["| scenario | tool | requests | wall s | correct | sitepush wall ÷ tool's |",
             "| --- | --- | ---: | ---: | --- | ---: |"]
    for scenario in "abcd":
        mine = median(records, "sitepush", scenario, "wall_s")
        for tool in tools:
            wall = median(records, tool, scenario, "wall_s")
            reqs = median(records, tool, scenario, "requests")
            if wall is None or reqs is None:
                continue
            ratio = f"{mine / wall:.2f}" if mine and tool != "sitepush" and wall else ""
            lines.append(f"| {scenario} | {tool} | {reqs:g} | {wall:.1f} | "
                         f"{'yes' if correct(records, tool, scenario) else 'NO'} | {ratio} |")
    lines += ["", "Targets (issue 3):"]
    pages = -(-n // 1000)
    uploads_c = median(records, "sitepush", "c", "expected_uploads") or 0
    floors = {"b": pages + 1, "c": pages + 1 + uploads_c + 1, "d": pages + 1 + 1 + 1}
    limits = {"b": 6.0 if n == 5000 else floors["b"], "c": floors["c"], "d": 8.0 if n == 5000 else floors["d"]}
    for scenario, limit in limits.items():
        reqs = median(records, "sitepush", scenario, "requests")
        ok = reqs is not None and reqs <= limit
        lines.append(f"- {'PASS' if ok else 'MISS'} {scenario}: {reqs if reqs is None else f'{reqs:g}'} "
                     f"requests ≤ {limit:g}")
    for scenario in "abcd":
        ok = correct(records, "sitepush", scenario)
        lines.append(f"- {'PASS' if ok else 'MISS'} {scenario}: 0 needless, 0 missed, 0 not deleted")
    for scenario, factor in (("a", 0.8), ("b", 0.5), ("c", 0.5), ("d", 0.5)):
        mine = median(records, "sitepush", scenario, "wall_s")
        peers = [(median(records, t, scenario, "wall_s"), t) for t in tools
                 if t != "sitepush" and correct(records, t, scenario)]
        peers = [(w, t) for w, t in peers if w is not None]
        if mine is None or not peers:
            lines.append(f"- n/a  {scenario}: wall ≤ {factor} × the fastest correct peer")
            continue
        best, who = min(peers)  # type: ignore[type-var]
        assert best is not None
        verdict = "PASS" if mine <= factor * best else "MISS"
        floor = median(records, "sitepush", scenario, "server_cpu_s")
        why = ""
        if verdict == "MISS" and floor is not None and floor >= factor * best:
            why = (f" — the server alone spent {floor:.2f} s of CPU answering sitepush's "
                   f"{median(records, 'sitepush', scenario, 'requests'):g} requests, more than the "
                   f"{factor * best:.2f} s target: unreachable on this server with these requests")
        elif floor is not None:
            why = f" (server CPU for sitepush's requests {floor:.2f} s)"
        lines.append(f"- {verdict} {scenario}: wall {mine:.1f} s ≤ {factor} × {who}'s {best:.1f} s "
                     f"(ratio {mine / best:.2f}){why}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tools", default="sitepush," + ",".join(PEERS))
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per tool run")
    args = parser.parse_args()
    records = run_harness(args)
    lines = report(records, args.n)
    text = "\n".join(lines) + "\n"
    print(text)
    out = RESULTS / f"sync-ratios-N{args.n}-{time.strftime('%Y-%m-%d')}.md"
    out.write_text(f"# bench/sync.py, N = {args.n}, reps = {args.reps}\n\n{text}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
