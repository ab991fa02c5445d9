"""One decision table, every implementation agrees: the generated function in Node (inline and KeyValueStore
forms), ``sitepush.edge.resolve``, and the S3-website resolver on the rows where S3 decides the same."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sitepush.config import Config, parse_config
from sitepush.edge import (
    EdgeDecision,
    EdgeTable,
    RedirectDecision,
    RewriteDecision,
    edge_code,
    edge_table,
    resolve,
    viewer_request,
)
from sitepush.edge.code import kvs_code, prefix_lengths, store_entries
from sitepush.edge.resolve import compile_table, key_of
from sitepush.preview.website import StoredObject, answer
from sitepush.syncer.model import ObjectHeaders
from sitepush.syncer.redirects import redirect_objects
from tests.edge.node_function import run_function

TABLE = json.loads((Path(__file__).parent / "decision_table.json").read_text("utf-8"))
ROWS: list[dict[str, Any]] = TABLE["rows"]
IDS = [f"{row['uri']}?{row.get('qs', '')}" for row in ROWS]
HOST = "www.example.com"


@dataclass(frozen=True)
class Site:
    config: Config
    build_map: dict[str, str]
    keys: frozenset[str]
    table: EdgeTable


@cache
def site() -> Site:
    config = parse_config(TABLE["sitepush_toml"], root=Path("."))
    # The build's map, as the builder makes it: aliases, then [[redirects]] over them.
    build_map = {**TABLE["aliases"], **{redirect.from_: redirect.to for redirect in config.redirects}}
    return Site(config, build_map, frozenset(TABLE["keys"]), edge_table(config, build_map))


def expected(row: dict[str, Any]) -> EdgeDecision:
    if "redirect" in row["expect"]:
        status, location = row["expect"]["redirect"]
        return RedirectDecision(status, location)
    return RewriteDecision(row["expect"]["rewrite"])


def from_node(result: dict[str, Any]) -> EdgeDecision:
    if "redirect" in result:
        return RedirectDecision(*result["redirect"])
    return RewriteDecision(result["rewrite"])


def test_the_table_covers_every_kind_of_request_in_at_least_40_rows() -> None:
    assert len(ROWS) >= 40
    uris = [row["uri"] for row in ROWS]
    assert any("%20" in uri for uri in uris) and any("%2F" in uri for uri in uris)
    assert any(row.get("qs") for row in ROWS if "redirect" in row["expect"])
    assert any(row.get("status") == 404 for row in ROWS)
    kinds = {redirect.kind for redirect in site().table.redirects}
    assert kinds == {"exact", "prefix", "splat"}
    assert sum(1 for row in ROWS if row["s3"] is True) >= 20


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_the_python_twin_decides_every_row(row: dict[str, Any]) -> None:
    assert viewer_request(site().table, row["uri"], row.get("qs", "")) == expected(row)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_resolve_adds_the_origins_answer_a_missing_key_gets_the_error_document_with_404(row: dict[str, Any]) -> None:
    decision = resolve(site().table, row["uri"], row.get("qs", ""), lambda key: key in site().keys)
    if isinstance(expected(row), RedirectDecision):
        assert decision == expected(row)
    elif row["status"] == 200:
        assert decision == RewriteDecision(row["expect"]["rewrite"], 200)
    else:
        assert decision == RewriteDecision("/404.html", 404)


def test_the_inline_function_in_node_decides_every_row_as_the_table_says(tmp_path: Path) -> None:
    code = edge_code(site().table)
    assert code.store_entries is None, "this small table should fit inline"
    results = run_function(code.code, [(row["uri"], row.get("qs", "")) for row in ROWS], tmp_path)
    assert {i: from_node(r) for i, r in zip(IDS, results)} == {i: expected(row) for i, row in zip(IDS, ROWS)}
    assert all(result["gets"] == 0 for result in results)
    assert {r["description"] for r in results if "redirect" in r} == {"Moved Permanently", "Found"}


def test_the_keyvaluestore_function_in_node_decides_every_row_the_same_in_bounded_gets(tmp_path: Path) -> None:
    compiled = compile_table(site().table)
    results = run_function(kvs_code(compiled), [(row["uri"], row.get("qs", "")) for row in ROWS], tmp_path,
                           store=store_entries(compiled))
    assert {i: from_node(r) for i, r in zip(IDS, results)} == {i: expected(row) for i, row in zip(IDS, ROWS)}
    bound = 2 + len(prefix_lengths(compiled))
    assert max(result["gets"] for result in results) <= bound
    assert bound == 2 + len({len(p) for p in ("/blog/", "/blog/archive/", "/go/", "/manual-old/", "/shop/",
                                                "/tmp/", "/img")})


def s3_answer(row: dict[str, Any]) -> tuple[int, str | None]:
    """(status, Location or the key served) from the S3-website resolver over the same bucket."""
    objects = redirect_objects(site().build_map)
    headers = ObjectHeaders(content_type="text/html")

    def lookup(key: str) -> StoredObject | None:
        if key in objects:
            return StoredObject(key, "d41d8cd98f00b204e9800998ecf8427e", 0, ObjectHeaders(
                content_type="text/html", redirect=objects[key]), 0.0)
        if key in site().keys:
            return StoredObject(key, "d41d8cd98f00b204e9800998ecf8427e", 0, headers, 0.0)
        return None

    query = f"?{row['qs']}" if row.get("qs") else ""
    got = answer("GET", row["uri"] + query, {}, lookup, site().config.website, host=HOST, protocol="https")
    location = got.header("Location")
    if location is not None:
        return got.status, location.removeprefix(f"https://{HOST}")
    return got.status, got.key


def edge_answer(row: dict[str, Any]) -> tuple[int, str | None]:
    decision = resolve(site().table, row["uri"], row.get("qs", ""), lambda key: key in site().keys)
    if isinstance(decision, RedirectDecision):
        return decision.status, decision.location
    return decision.status, key_of(decision.uri)


@pytest.mark.parametrize("row", [row for row in ROWS if row["s3"] is True],
                         ids=[i for i, row in zip(IDS, ROWS) if row["s3"] is True])
def test_the_s3_website_resolver_answers_the_same_where_s3_decides_the_same(row: dict[str, Any]) -> None:
    assert s3_answer(row) == edge_answer(row)


@pytest.mark.parametrize("row", [row for row in ROWS if row["s3"] is not True],
                         ids=[i for i, row in zip(IDS, ROWS) if row["s3"] is not True])
def test_the_rows_said_to_differ_in_s3_do_differ(row: dict[str, Any]) -> None:
    assert isinstance(row["s3"], str) and row["s3"]
    assert s3_answer(row) != edge_answer(row)
