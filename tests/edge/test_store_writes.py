"""The KeyValueStore is brought up to date with the fewest writes."""

from __future__ import annotations

from sitepush.edge import StoreWrites, store_writes


def test_an_up_to_date_store_gets_no_write() -> None:
    writes = store_writes({"/a/": "301=/b/"}, {"/a/": "301=/b/"})
    assert writes == StoreWrites((), ()) and not writes


def test_a_changed_value_is_one_put_a_new_key_one_put_a_gone_key_one_delete() -> None:
    current = {"/a/": "301=/b/", "/gone/": "301=/x/", "/same/": "301=/s/"}
    desired = {"/a/": "302=/b/", "/new/": "301=/n/", "/same/": "301=/s/"}
    assert store_writes(current, desired) == StoreWrites((("/a/", "302=/b/"), ("/new/", "301=/n/")), ("/gone/",))
