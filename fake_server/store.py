"""In-memory tables: sparse records by id, ids kept sorted for keyset paging, lazy equality indexes.

Not locked itself: ``FakeAutotask`` serialises every request and seed under one lock.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

KeyFunction = Callable[[Any], Any]


class Table:
    """One entity's records. Each record keeps only its non-null values, to hold 100k tickets lightly."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._on_change = on_change
        self._records: dict[int, dict[str, Any]] = {}
        self._ids: list[int] = []
        self._indexes: dict[str, tuple[KeyFunction, dict[Any, set[int]]]] = {}
        self._next_id = 1
        # Serialised items by id, so repeated reads of an unchanged record skip rendering.
        self.json_cache: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: int) -> bool:
        return record_id in self._records

    def get(self, record_id: int) -> dict[str, Any] | None:
        return self._records.get(record_id)

    def new_id(self) -> int:
        return self._next_id

    def put(self, record_id: int, values: dict[str, Any]) -> None:
        """Store the record, replacing any earlier one with that id."""
        sparse = {k: v for k, v in values.items() if v is not None}
        old = self._records.get(record_id)
        self._changed(record_id)
        if old is None:
            if not self._ids or record_id > self._ids[-1]:
                self._ids.append(record_id)
            else:
                bisect.insort(self._ids, record_id)
        self._records[record_id] = sparse
        self._next_id = max(self._next_id, record_id + 1)
        for name, (key, index) in self._indexes.items():
            if old is not None:
                self._unindex(index, key(old.get(name)), record_id)
            index.setdefault(key(sparse.get(name)), set()).add(record_id)

    def delete(self, record_id: int) -> bool:
        old = self._records.pop(record_id, None)
        if old is None:
            return False
        self._changed(record_id)
        del self._ids[bisect.bisect_left(self._ids, record_id)]
        for name, (key, index) in self._indexes.items():
            self._unindex(index, key(old.get(name)), record_id)
        return True

    def _changed(self, record_id: int) -> None:
        self.json_cache.pop(record_id, None)
        if self._on_change is not None:
            self._on_change()

    @staticmethod
    def _unindex(index: dict[Any, set[int]], key: Any, record_id: int) -> None:
        bucket = index.get(key)
        if bucket is not None:
            bucket.discard(record_id)
            if not bucket:
                del index[key]

    def lookup(self, field: str, key: Any, key_function: KeyFunction) -> set[int]:
        """Ids whose field's key equals ``key``; the index is built on first use, then kept."""
        if field not in self._indexes:
            index: dict[Any, set[int]] = {}
            for record_id, record in self._records.items():
                index.setdefault(key_function(record.get(field)), set()).add(record_id)
            self._indexes[field] = (key_function, index)
        return self._indexes[field][1].get(key, set())

    def ids_from(self, start: int, *, reverse: bool = False) -> Iterator[int]:
        """Ids in ascending order from ``start`` (or descending below it)."""
        if reverse:
            position = bisect.bisect_left(self._ids, start)
            return reversed(self._ids[:position])
        position = bisect.bisect_left(self._ids, start)
        return iter(self._ids[position:])

    def items(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for record_id in self._ids:
            yield record_id, self._records[record_id]


class Store:
    """All tables of one tenant. ``version`` changes whenever any record does, so answers made from
    the store can be kept until it moves on."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.version = 0

    def table(self, entity: str) -> Table:
        table = self.tables.get(entity)
        if table is None:
            table = self.tables[entity] = Table(self._bump)
        return table

    def clear(self) -> None:
        self.tables.clear()
        self._bump()

    def _bump(self) -> None:
        self.version += 1

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        """A deep-enough copy of every stored record, for before/after comparisons."""
        return {
            name: {rid: dict(rec) for rid, rec in table.items()} for name, table in self.tables.items() if len(table)
        }
