"""Running a compiled query over a table: its plan, and the page of ids it selects by id keyset.

``query`` compiles plans; this module only runs them, so that a handler can page, count and render without
the compiler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from .store import Table

Predicate = Callable[[dict[str, Any]], bool]
KeyFunction = Callable[[Any], Any]
IndexHint = tuple[str, Any, KeyFunction]


class QuerySpec(NamedTuple):
    """A parsed QueryModel (of a query's skeleton, once compiled into a template: see ``query_shape``).

    Named tuples here and below rather than frozen dataclasses: a query not seen before builds one of
    each per request, and a frozen dataclass takes several times as long to build.
    """

    filters: list[Any]
    max_records: int
    include_fields: list[str] | None


class Page(NamedTuple):
    ids: list[int]
    next_start: int | None
    previous_start: int | None


class Plan(NamedTuple):
    """A query ready to run: the parsed model, its predicate, and the ``eq`` an index can answer."""

    spec: QuerySpec
    predicate: Predicate
    hint: IndexHint | None


def _candidates(table: Table, plan: Plan) -> list[int] | None:
    """Ids an index narrows the query to, in order; ``None`` when the whole table must be scanned."""
    if plan.hint is None:
        return None
    field, key, key_function = plan.hint
    return sorted(table.lookup(field, key, key_function))


def select(table: Table, plan: Plan, start: int | None = None) -> Page:
    """The page of matching ids beginning at id ``start`` (the first page when ``None``)."""
    predicate = plan.predicate
    size = plan.spec.max_records
    first = -(2**63) if start is None else start
    candidates = _candidates(table, plan)
    if candidates is not None:
        forward: Iterable[int] = candidates if start is None else [i for i in candidates if i >= first]
    else:
        forward = table.ids_from(first)
    ids: list[int] = []
    next_start = None
    for record_id in forward:  # a plain loop: this runs on every query, usually over one indexed id
        record = table.get(record_id)
        if record is None or not predicate(record):
            continue
        if len(ids) == size:
            next_start = record_id
            break
        ids.append(record_id)
    previous_start = None
    if start is not None:
        if candidates is not None:
            backward: Iterable[int] = (i for i in reversed(candidates) if i < first)
        else:
            backward = table.ids_from(first, reverse=True)
        before = []
        for record_id in backward:
            record = table.get(record_id)
            if record is None or not predicate(record):
                continue
            before.append(record_id)
            if len(before) == size:
                break
        previous_start = before[-1] if before else None
    return Page(ids, next_start, previous_start)


def count(table: Table, plan: Plan) -> int:
    candidates = _candidates(table, plan)
    ids: Iterable[int] = candidates if candidates is not None else (i for i, _ in table.items())
    return sum(1 for record_id in ids if plan.predicate(table.get(record_id) or {}))
