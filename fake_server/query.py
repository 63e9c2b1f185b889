"""The query language: parsing a QueryModel, compiling its filters, and selecting a page by id keyset.

What production does with a query that is wrong, and the evidence for each (docs/behaviours.md lists them):

- **An operator it does not know** (``ne`` for ``noteq``, ``EQ``, ``startsWith``) is dropped with its clause,
  and the rest of the query runs: 200 with rows the dropped clause would have excluded [LIVE:
  WYRE-AI/autotask-mcp PR #193 and #211: ``{op: 'ne', field: 'status', value: 5}`` beside an ``eq`` on
  assignedResourceID gave 500 rows, all of status 5]. Operators are matched case-sensitively, as documented
  [DOCS]; a group whose every clause is dropped is dropped too, and a filter left empty returns every record
  [INFERRED from the report]. ``check``'s ``known-query-operators`` rule flags such clauses, as the answer
  itself shows nothing wrong.
- **A field the entity lacks** is a 500 naming field and entity (``unknown_field``) [LIVE: PR #282].
- **A value of the wrong type** (text for an integer, an unparseable date) is a 500 naming the field
  (``values.coerce``) [INFERRED: production's text is not reported].
- **No filter, or an empty one**, is a 500 [INFERRED; clients send ``id gte 0`` for "all rows": apigrate
  #15, GDSTechnology/autotask-mcp].
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .catalog import EntityInfo
from .errors import BusinessError
from .store import Table
from .values import coerce, comparable

MAX_PAGE = 500
MAX_OR_CONDITIONS = 500
# How deep and/or groups may nest. A body holds at most 127 (two JSON levels a group, and JSON may nest 256:
# jsonbody.MAX_DEPTH); this bounds the compiler's and the predicates' recursion for any caller.
MAX_GROUP_DEPTH = 127
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
STRING_TESTS: dict[str, Callable[[str, str], bool]] = {
    "beginsWith": str.startswith,
    "endsWith": str.endswith,
    "contains": operator.contains,
}
OPERATORS = frozenset({"eq", "noteq", *COMPARISONS, *STRING_TESTS, "exist", "notExist", "in", "notIn", "and", "or"})

Predicate = Callable[[dict[str, Any]], bool]
IndexHint = tuple[str, Any, Callable[[Any], Any]]


class QuerySpec(NamedTuple):
    """A parsed QueryModel; ``source`` is what nextPageUrl echoes back as ``search``.

    Named tuples here and below rather than frozen dataclasses: a query not seen before builds one of
    each per request, and a frozen dataclass takes several times as long to build.
    """

    filters: list[Any]
    max_records: int
    include_fields: list[str] | None
    source: dict[str, Any]


def _key(data: dict[str, Any], name: str) -> Any:
    """``data[name]`` with the key matched case-insensitively (``name`` given in lowercase)."""
    value = data.get(name)
    if value is not None:
        return value
    for key, value in data.items():
        if key.lower() == name:
            return value
    return None


def parse_query(data: Any, *, page_size: int | None = None) -> QuerySpec:
    """Read a QueryModel; its keys are matched case-insensitively as the API does."""
    if not isinstance(data, dict):
        raise BusinessError("Value cannot be null.\r\nParameter name: queryModel")
    filters = _key(data, "filter")
    if not isinstance(filters, list) or not filters:
        raise BusinessError("A query requires at least one filter condition.")
    raw_max = _key(data, "maxrecords")
    max_records = page_size or MAX_PAGE
    if raw_max is not None:
        try:
            max_records = coerce("MaxRecords", "integer", raw_max)
        except BusinessError:
            raise BusinessError("maxCountOfRecordsToReturn must be between 1 and 500") from None
        if not 1 <= max_records <= MAX_PAGE:
            raise BusinessError("maxCountOfRecordsToReturn must be between 1 and 500")
    include = _key(data, "includefields")
    if include is not None and (not isinstance(include, list) or not all(isinstance(i, str) for i in include)):
        raise BusinessError("IncludeFields must be an array of field names.")
    return QuerySpec(filters, max_records, include or None, data)


@dataclass
class _Compiler:
    entity: EntityInfo
    udf_types: dict[str, str]
    udfs_used: int = 0
    or_conditions: int = 0
    index_hint: IndexHint | None = None

    def all_of(self, items: Iterable[Any], *, top: bool = False, depth: int = 0) -> Predicate | None:
        """Every condition at once; ``None`` when each was dropped (none is left to test)."""
        predicates = [p for item in items if (p := self.condition(item, top=top, depth=depth)) is not None]
        if len(predicates) <= 1:
            return predicates[0] if predicates else None
        return lambda record: all(p(record) for p in predicates)

    def condition(self, item: Any, *, top: bool = False, depth: int = 0) -> Predicate | None:
        """The test of one condition, or ``None`` for a clause production drops (an unknown operator)."""
        if not isinstance(item, dict):
            raise BusinessError("Each filter must be an object with op, field and value.")
        op = _key(item, "op")
        if not isinstance(op, str):
            kind = {dict: "an object", list: "an array", bool: "a boolean"}.get(type(op), "a number")
            raise BusinessError(
                f"Invalid filter operator: op must be a string, not {kind}."
                if op is not None
                else "Invalid filter operator: a filter requires an op."
            )
        if op not in OPERATORS:
            return None  # production drops a clause whose operator it does not know (see UNKNOWN_OPERATORS)
        if op in ("and", "or"):
            children = _key(item, "items")
            if not isinstance(children, list) or not children:
                raise BusinessError(f"The '{op}' filter requires a non-empty items array.")
            if depth >= MAX_GROUP_DEPTH:
                raise BusinessError(f"Invalid query syntax. Filter groups may nest at most {MAX_GROUP_DEPTH} levels.")
            if op == "or":
                self.or_conditions += len(children)
                if self.or_conditions > MAX_OR_CONDITIONS:
                    raise BusinessError("Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.")
                predicates = [p for child in children if (p := self.condition(child, depth=depth + 1)) is not None]
                if not predicates:
                    return None
                return lambda record: any(p(record) for p in predicates)
            return self.all_of(children, depth=depth + 1)
        field_name = _key(item, "field")
        if not isinstance(field_name, str) or not field_name:
            raise BusinessError(f"The '{op}' filter requires a field.")
        udf = _key(item, "udf") is True
        data_type, getter = self._field(field_name, udf)
        value = _key(item, "value")
        if op in ("exist", "notExist"):
            wanted = op == "exist"
            return lambda record: (getter(record) is not None) == wanted
        if op in ("in", "notIn"):
            if not isinstance(value, list):
                raise BusinessError(f"The '{op}' filter requires an array value.")
            keys = {comparable(data_type, coerce(field_name, data_type, v)) for v in value}
            if op == "in":
                return lambda record: comparable(data_type, getter(record)) in keys
            return lambda record: (v := getter(record)) is not None and comparable(data_type, v) not in keys
        if value is None and op in ("eq", "noteq"):
            # django-autotask drops falsy values and sends {"op": "eq", "field": "isActive"} on every sync
            # in production, so the API takes it; it is read as a comparison with null (inferred).
            wanted = op == "eq"
            return lambda record: (getter(record) is None) == wanted
        if value is None or isinstance(value, list | dict):
            raise BusinessError(f"The '{op}' filter on {field_name} requires a single value.")
        target = comparable(data_type, coerce(field_name, data_type, value))
        if op == "eq":
            if top and not udf and self.index_hint is None:
                canonical = self.entity.by_lower[field_name.lower()].name
                self.index_hint = (canonical, target, lambda v: comparable(data_type, v))
            return lambda record: comparable(data_type, getter(record)) == target
        if op == "noteq":
            return lambda record: (v := getter(record)) is not None and comparable(data_type, v) != target
        if op in COMPARISONS:
            compare = COMPARISONS[op]
            return lambda record: (v := getter(record)) is not None and compare(comparable(data_type, v), target)
        test = STRING_TESTS[op]
        needle = str(target)
        return lambda record: (v := getter(record)) is not None and test(str(v).casefold(), needle)

    def _field(self, name: str, udf: bool) -> tuple[str, Callable[[dict[str, Any]], Any]]:
        if udf:
            self.udfs_used += 1
            if self.udfs_used > 1:
                raise BusinessError("Only one user-defined field can be queried at a time.")
            udf_name = next((n for n in self.udf_types if n.lower() == name.lower()), None)
            if udf_name is None:
                raise BusinessError(f"Unable to find user-defined field {name} on the {self.entity.name} entity.")
            data_type = self.udf_types[udf_name]

            def udf_value(record: dict[str, Any]) -> Any:
                raw = (record.get("userDefinedFields") or {}).get(udf_name)
                return None if raw is None else coerce(udf_name, data_type, raw)

            return data_type, udf_value
        info = self.entity.field(name)
        if info is None:
            raise unknown_field(name, self.entity)
        if not info.is_queryable:
            raise BusinessError(f"The field {info.name} is not queryable.")
        canonical = info.name
        return info.data_type, lambda record: record.get(canonical)


class Page(NamedTuple):
    ids: list[int]
    next_start: int | None
    previous_start: int | None


class Plan(NamedTuple):
    """A query ready to run: the parsed model, its predicate, and the ``eq`` an index can answer."""

    spec: QuerySpec
    predicate: Predicate
    hint: IndexHint | None


def make_plan(entity: EntityInfo, spec: QuerySpec, udf_types: dict[str, str]) -> Plan:
    """Compile the filters once; a plan depends only on the query and the entity's metadata."""
    compiler = _Compiler(entity, udf_types)
    predicate = compiler.all_of(spec.filters, top=True) or _every_record
    for name in spec.include_fields or ():
        if entity.field(name) is None:
            raise unknown_field(name, entity)
    return Plan(spec, predicate, compiler.index_hint)


def _every_record(record: dict[str, Any]) -> bool:
    return True


def unknown_field(name: str, entity: EntityInfo) -> BusinessError:
    """A filter on a field the entity lacks: 500 naming the field as sent and the entity in the singular
    (``Unable to find projectID in the TimeEntry Entity``) [LIVE: WYRE-AI/autotask-mcp PR #282, on v2.33.2]."""
    return BusinessError(f"Unable to find {name} in the {entity.info.get('name') or entity.name} Entity")


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


# Clients repeat the same query text; the tenant compiles it once.
class PlanCache:
    """Least-recently-used plans by (entity, raw query text, page size). Thread-safe."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._plans: OrderedDict[Any, Plan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Plan | None:
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
            return plan

    def put(self, key: Any, plan: Plan) -> None:
        with self._lock:
            self._plans[key] = plan
            if len(self._plans) > self.size:
                self._plans.popitem(last=False)
