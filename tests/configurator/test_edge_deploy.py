"""What a private-mode deploy sends to the edge: nothing when the table is unchanged, the fewest writes
otherwise (pure plan), and one read against an endpoint without the Functions API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sitepush.config import Config, Redirect
from sitepush.configurator.edge_deploy import EdgeOutcome, EdgePlan, EdgeStep, edge_digest, plan_edge, sync_edge
from sitepush.edge import EdgeCode
from sitepush.sandbox import Sandbox


def code(entries: dict[str, str] | None = None, text: str = "function handler(e){return e.request}") -> EdgeCode:
    return EdgeCode(text, entries)


def test_an_unchanged_inline_table_plans_no_write() -> None:
    plan = plan_edge("function handler(e){return e.request}", None, {}, code())
    assert not plan.writes


def test_new_code_is_an_update_and_a_publish_and_nothing_for_a_store() -> None:
    plan = plan_edge("old code", None, {}, code())
    assert (plan.update_function, plan.create_store, plan.puts, plan.deletes) == (True, False, 0, 0)


def test_a_store_table_with_one_changed_key_is_exactly_one_put_and_no_code_change() -> None:
    current = {f"/old/{i}/": f"301=/new/{i}/" for i in range(2000)}
    desired = {**current, "/old/7/": "301=/moved/7/"}
    plan = plan_edge("kvs code", "arn:store", current, code(desired, "kvs code"))
    assert (plan.puts, plan.deletes, plan.update_function, plan.create_store) == (1, 0, False, False)


def test_a_table_that_outgrows_the_function_gets_a_store_and_code_associated_with_it() -> None:
    plan = plan_edge("inline code", None, {}, code({"/a/": "301=/b/"}, "kvs code"))
    assert (plan.create_store, plan.puts, plan.update_function) == (True, 1, True)


class Counted:
    def __init__(self, sandbox: Sandbox) -> None:
        self.cloudfront = sandbox.client("cloudfront")
        self.keyvaluestore = sandbox.client("cloudfront-keyvaluestore")
        self.sent: list[str] = []
        for client in (self.cloudfront, self.keyvaluestore):
            client.meta.events.register("before-send", self._sent)

    def _sent(self, request: Any, **_: Any) -> None:
        self.sent.append(request.url)


def test_a_remembered_digest_sends_no_edge_request(sandbox: Sandbox) -> None:
    counted = Counted(sandbox)
    table = code({"/a/": "301=/b/"})
    done = sync_edge(counted.cloudfront, counted.keyvaluestore, "www.memo.example", table,
                     remembered=edge_digest(table))
    assert (done.plan, done.requests, counted.sent) == (None, 0, [])


def test_an_endpoint_without_the_functions_api_costs_one_read_and_says_so(sandbox: Sandbox) -> None:
    counted = Counted(sandbox)
    done = sync_edge(counted.cloudfront, counted.keyvaluestore, "www.unserved.example", code(), remembered=None)
    assert done.requests == 1 and len(counted.sent) == 1
    assert counted.sent[0].endswith("/2020-05-31/function/sitepush-www-unserved-example?Stage=LIVE")
    assert done.note is not None and done.note.startswith("this endpoint does not serve GetFunction")


def test_the_digest_changes_with_the_code_and_with_any_store_value() -> None:
    base = edge_digest(code({"/a/": "301=/b/"}))
    assert base != edge_digest(code({"/a/": "301=/c/"}))
    assert base != edge_digest(code({"/a/": "301=/b/"}, "other code"))
    assert base == edge_digest(code({"/a/": "301=/b/"}))


def test_the_json_edge_section_counts_the_keys_written_and_says_updated_or_unchanged(tmp_path: Path) -> None:
    site = Config(redirects=tuple(Redirect(from_=f"/old/{i}/", to=f"/new/{i}/") for i in range(2000)))
    step = EdgeStep(site, {}, "www.json.example", tmp_path / "edge.json", "here")
    written = step.report(EdgeOutcome(EdgePlan(create_store=False, puts=3, deletes=1, update_function=False),
                                      4, "digest"))
    assert written == {"status": "updated", "code_bytes": step.code.size, "table": "store", "store_keys": 2000,
                       "function_published": False, "store_created": False, "keys_put": 3, "keys_deleted": 1,
                       "requests": 4, "note": None}
    assert step.report(EdgeOutcome(EdgePlan(False, 0, 0, False), 3, "digest"))["status"] == "unchanged"
    remembered = step.report(EdgeOutcome(None, 0, "digest"))  # the digest matched: not even a read
    assert (remembered["status"], remembered["requests"], remembered["keys_put"]) == ("unchanged", 0, 0)
    published = step.report(EdgeOutcome(EdgePlan(True, 2000, 0, True), 9, "digest"))
    assert (published["function_published"], published["store_created"]) == (True, True)
    stopped = step.report(None, status="stopped")
    assert (stopped["status"], stopped["requests"], stopped["function_published"]) == ("stopped", 0, False)
