"""The generated function uses only what cloudfront-js-2.0 allows, fits CloudFront's limits, and moves its
table into a KeyValueStore when it would not fit; the store is then updated one changed key at a time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.config import Config, Redirect, load_config
from sitepush.edge import (
    FUNCTION_CODE_LIMIT,
    KVS_STORE_LIMIT,
    RedirectDecision,
    edge_code,
    edge_table,
    store_writes,
    viewer_request,
)
from sitepush.edge.code import kvs_code
from sitepush.edge.resolve import compile_table
from sitepush.errors import DeployError
from tests.edge.node_function import run_function
from tests.fixtures.paths import EXAMPLE_SITE

# What the runtime refuses or lacks (Developer Guide, "JavaScript runtime 2.0 features for CloudFront
# Functions", "Restricted features": no dynamic code evaluation, no network, file system or timers).
FORBIDDEN = (r"\brequire\s*\(", r"\bfetch\s*\(", r"XMLHttpRequest", r"\bsetTimeout\b", r"\bsetInterval\b",
             r"\bsetImmediate\b", r"\beval\s*\(", r"\bnew\s+Function\b", r"\bprocess\.", r"\bimport\s*\(",
             r"\bexport\b", r"\bWebSocket\b", r"\bBuffer\b")


def many_redirects(count: int) -> Config:
    return Config(redirects=tuple(Redirect(from_=f"/old/section-{i // 100}/page-{i}/",
                                           to=f"/new/section-{i // 100}/page-{i}/") for i in range(count))
                  + (Redirect(from_="/blog/*", to="/posts/:splat"),))


def scan(code: str) -> list[str]:
    return [pattern for pattern in FORBIDDEN if re.search(pattern, code)]


def test_the_inline_code_uses_nothing_the_runtime_forbids_and_imports_nothing() -> None:
    code = edge_code(edge_table(load_config(EXAMPLE_SITE))).code
    assert scan(code) == []
    assert not re.search(r"^\s*import\b", code, re.MULTILINE)
    assert "function handler(event)" in code


def test_the_kvs_code_imports_only_the_cloudfront_module_and_uses_nothing_forbidden() -> None:
    code = edge_code(edge_table(many_redirects(2000))).code
    assert scan(code) == []
    assert re.findall(r"^\s*import\b.*$", code, re.MULTILINE) == ["import cf from 'cloudfront';"]
    assert "const kvs = cf.kvs();" in code and "async function handler(event)" in code


def test_the_scan_catches_what_it_looks_for() -> None:
    assert scan("var x = require('crypto'); fetch('/'); setTimeout(f, 1);") == [
        FORBIDDEN[0], FORBIDDEN[1], FORBIDDEN[3]]


def test_example_site_fits_inline_and_its_size_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    config = load_config(EXAMPLE_SITE)
    result = Builder(config, output_dir=tmp_path / "site", cache_folder=tmp_path / "cache").build()
    table = edge_table(config, result.redirects)
    code = edge_code(table)
    assert code.store_entries is None and code.size <= FUNCTION_CODE_LIMIT
    assert viewer_request(table, "/2025/old-url/") == RedirectDecision(301, result.redirects["/2025/old-url/"])
    with capsys.disabled():
        print(f"\nedge function, example-site: {len(table.redirects)} redirects, {code.size} bytes inline "
              f"(limit {FUNCTION_CODE_LIMIT})")


def test_2000_redirects_move_to_the_store_and_one_changed_redirect_is_one_put(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = edge_table(many_redirects(2000))
    code = edge_code(table)
    assert code.store_entries is not None and code.size <= FUNCTION_CODE_LIMIT
    assert len(code.store_entries) == 2001
    stored = sum(len(k.encode()) + len(v.encode()) for k, v in code.store_entries.items())
    assert stored < KVS_STORE_LIMIT
    changed = edge_code(edge_table(Config(redirects=tuple(
        Redirect(from_=r.from_, to="/moved/" if r.from_ == "/old/section-7/page-777/" else r.to)
        for r in many_redirects(2000).redirects))))
    assert changed.code == code.code, "a changed target must not change the code (no function update)"
    assert changed.store_entries is not None
    writes = store_writes(code.store_entries, changed.store_entries)
    assert writes.puts == (("/old/section-7/page-777/", "301=/moved/"),) and writes.deletes == ()
    answers = run_function(code.code, [("/old/section-7/page-777/", ""), ("/old/section-7/page-777", "a=1"),
                                       ("/blog/x", ""), ("/new/", "")], tmp_path, store=code.store_entries)
    assert [a.get("redirect") or a.get("rewrite") for a in answers] == [
        [301, "/new/section-7/page-777/"], [301, "/old/section-7/page-777/?a=1"], [301, "/posts/x"],
        "/new/index.html"]
    with capsys.disabled():
        inline_size = len(compile_table(table).exact)
        print(f"\nedge function, 2,000 redirects: {code.size} bytes reading a KeyValueStore of "
              f"{len(code.store_entries)} keys ({stored} bytes); {inline_size} exact keys would not fit inline")


def test_a_redirect_too_long_for_a_store_value_is_an_error_naming_it() -> None:
    long_target = "/" + "x" * 1100 + "/"
    config = Config(redirects=(*many_redirects(400).redirects, Redirect(from_="/long/", to=long_target)))
    with pytest.raises(DeployError, match=r"redirect /long/: the target is \d+ bytes, longer than a KeyValueStore"):
        edge_code(edge_table(config))


def test_the_kvs_code_does_not_depend_on_the_exact_redirects() -> None:
    one, other = (kvs_code(compile_table(edge_table(many_redirects(n)))) for n in (10, 20))
    assert one == other
