"""The fewest KeyValueStore writes that turn the store's entries into the table's.

::

    current {key → value} (ListKeys) + desired {key → value} (edge_code) ─► StoreWrites(puts, deletes)

A key whose value is unchanged is not written; a changed or new key is one put; a key no longer in
the table is one delete. Nothing else: a one-redirect change is exactly one write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StoreWrites:
    """Puts (key, value) and deletes (key), sorted by key; both empty when the store is up to date."""

    puts: tuple[tuple[str, str], ...]
    deletes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.puts or self.deletes)


def store_writes(current: Mapping[str, str], desired: Mapping[str, str]) -> StoreWrites:
    """What to put and delete so that the store holding ``current`` holds ``desired``."""
    puts = tuple(sorted((key, value) for key, value in desired.items() if current.get(key) != value))
    deletes = tuple(sorted(key for key in current if key not in desired))
    return StoreWrites(puts, deletes)
