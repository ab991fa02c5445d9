"""Size of the generated CloudFront Function for example-site and for sites of N redirects.

  python3 bench/edge.py [--counts 100,140,160,2000]

For each site: the redirect count, the form (inline, or reading a KeyValueStore), the code's bytes
against CloudFront's 10,240, the store's keys and bytes, the most ``kvs.get`` calls one request can
cost, and the writes ``store_writes`` plans for a one-redirect change. Pure: no AWS, no network.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitepush.builder.builder import Builder  # noqa: E402
from sitepush.config import Config, Redirect, load_config  # noqa: E402
from sitepush.edge import FUNCTION_CODE_LIMIT, EdgeCode, edge_code, edge_table, store_writes  # noqa: E402
from sitepush.edge.code import prefix_lengths  # noqa: E402
from sitepush.edge.resolve import compile_table  # noqa: E402


def generated(count: int, changed: int | None = None) -> Config:
    return Config(redirects=tuple(
        Redirect(from_=f"/old/section-{i // 100}/page-{i}/",
                 to="/moved/" if i == changed else f"/new/section-{i // 100}/page-{i}/") for i in range(count)))


def line(name: str, count: int, code: EdgeCode, writes: str, gets: int) -> str:
    form = "inline" if code.store_entries is None else "KeyValueStore"
    store = "" if code.store_entries is None else (
        f", store {len(code.store_entries)} keys / "
        f"{sum(len(k.encode()) + len(v.encode()) for k, v in code.store_entries.items())} bytes")
    return (f"{name}: {count} redirects, {form}, code {code.size} bytes of {FUNCTION_CODE_LIMIT}{store}, "
            f"at most {gets} kvs.get per request, one changed redirect: {writes}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100,140,160,2000")
    args = parser.parse_args()
    config = load_config(REPO / "example-site")
    with tempfile.TemporaryDirectory() as work:
        result = Builder(config, output_dir=Path(work) / "site", cache_folder=Path(work) / "cache").build()
    table = edge_table(config, result.redirects)
    print(line("example-site", len(table.redirects), edge_code(table), "a new function version", 0))
    for count in (int(n) for n in args.counts.split(",")):
        table = edge_table(generated(count))
        code = edge_code(table)
        after = edge_code(edge_table(generated(count, changed=count // 2)))
        if code.store_entries is None or after.store_entries is None:
            writes, gets = "a new function version", 0
        else:
            planned = store_writes(code.store_entries, after.store_entries)
            writes = (f"{len(planned.puts)} put, {len(planned.deletes)} deletes, code "
                      f"{'unchanged' if after.code == code.code else 'changed'}")
            gets = 2 + len(prefix_lengths(compile_table(table)))
        print(line(f"generated-{count}", count, code, writes, gets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
