"""The reliability figures: deploys through injected faults, kills, secrets, bad inputs — all counted.

  python3 bench/faults.py [--files 2000] [--seeds 5]

For each fault rate (10 %, 30 %) and seed: deploy a generated site through tests/reliability's fault
proxy in front of moto's server; if it fails, re-run without faults; then compare the bucket with the
site (bytes, Content-Type, Cache-Control, redirects). Then plant secrets and count what reached the
bucket, and run every bad config input through the CLI counting clean one-line errors. Prints one table.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitepush.cli import main as sitepush  # noqa: E402
from sitepush.sandbox import Sandbox  # noqa: E402
from tests.reliability.conftest import bucket_state, deploy, expected_state, one_line_errors, write_files  # noqa: E402
from tests.reliability.fault_proxy import FaultProxy  # noqa: E402
from tests.reliability.test_bad_input import SCALAR_OPTIONS, wrong_value  # noqa: E402
from tests.reliability.test_security import PLANTED_SECRETS, PUBLIC  # noqa: E402

WORK = Path("/tmp/benchwork/faults")
_numbers = itertools.count()


def site(folder: Path, files: int) -> Path:
    write_files(folder, {f"s{n % 25}/page-{n:05}.html": f"<p>{n}</p>".encode() for n in range(files)})
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
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
                      f"- bad config inputs tried: {tried}, clean one-line errors: {clean_errors}"]) + "\n"
    print(text)
    out = REPO / "bench" / "results" / f"faults-{time.strftime('%Y-%m-%d')}.md"
    out.write_text(f"# bench/faults.py, {args.files} files, {args.seeds} seeds a rate\n\n{text}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
