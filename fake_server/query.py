"""The query language: parsing a QueryModel and compiling its filters into a plan (``query_select`` runs it).

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
  (``coercion.coerce``) [INFERRED: production's text is not reported].
- **No filter, or an empty one**, is a 500 [INFERRED; clients send ``id gte 0`` for "all rows": apigrate
  #15, GDSTechnology/autotask-mcp].
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .catalog import EntityInfo
from .coercion import coerce, comparable
from .errors import BusinessError
from .query_select import KeyFunction, Plan, Predicate, QuerySpec
from .query_shape import ARRAY, SCALAR, Slot, skeleton

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

# A template's converted values, by the position each was registered at, and what makes a predicate of them.
Bound = list[Any]
Maker = Callable[[Bound], Predicate]


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
    return QuerySpec(filters, max_records, include or None)


def _kind(value: Any) -> str | None:
    """What a filter's value is to the compiler's checks: a slot's kind, or ``None`` for null."""
    if isinstance(value, Slot):
        return value.kind
    assert value is None, "a skeleton holds values only in slots"
    return None


@dataclass
class _Compiler:
    """Compiles a query's skeleton into makers of predicates, converting each slot's value as it goes.

    ``values`` are this request's values: each is converted where the compiler reaches it, so a bad value
    is refused at the point of the query where it was before templates (an earlier clause's bad value
    before a later clause's unknown field). The conversions are kept, in that order, for ``Template.bind``.
    """

    entity: EntityInfo
    udf_types: dict[str, str]
    values: list[Any]
    udfs_used: int = 0
    or_conditions: int = 0
    hint: tuple[str, int, KeyFunction] | None = None
    converters: list[tuple[int, Callable[[Any], Any]]] = field(default_factory=list)
    bound: Bound = field(default_factory=list)

    def _slot(self, slot: Slot, convert: Callable[[Any], Any]) -> int:
        """Where the slot's converted value will be in every binding of the template."""
        self.bound.append(convert(self.values[slot.position]))
        self.converters.append((slot.position, convert))
        return len(self.bound) - 1

    def all_of(self, items: Iterable[Any], *, top: bool = False, depth: int = 0) -> Maker | None:
        """Every condition at once; ``None`` when each was dropped (none is left to test)."""
        makers = [m for item in items if (m := self.condition(item, top=top, depth=depth)) is not None]
        if len(makers) <= 1:
            return makers[0] if makers else None

        def every(bound: Bound) -> Predicate:
            predicates = [make(bound) for make in makers]
            return lambda record: all(p(record) for p in predicates)

        return every

    def condition(self, item: Any, *, top: bool = False, depth: int = 0) -> Maker | None:
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
            return self._group(op, _key(item, "items"), depth)
        field_name = _key(item, "field")
        if not isinstance(field_name, str) or not field_name:
            raise BusinessError(f"The '{op}' filter requires a field.")
        udf = _key(item, "udf") is True
        data_type, getter = self._field(field_name, udf)
        value = _key(item, "value")
        value_kind = _kind(value)
        if op in ("exist", "notExist"):
            wanted = op == "exist"
            return _constant(lambda record: (getter(record) is not None) == wanted)
        if op in ("in", "notIn"):
            if value_kind != ARRAY:
                raise BusinessError(f"The '{op}' filter requires an array value.")
            assert isinstance(value, Slot)
            at = self._slot(value, lambda v: {comparable(data_type, coerce(field_name, data_type, x)) for x in v})
        elif value_kind is None and op in ("eq", "noteq"):
            # django-autotask drops falsy values and sends {"op": "eq", "field": "isActive"} on every sync
            # in production, so the API takes it; it is read as a comparison with null (inferred).
            wanted = op == "eq"
            return _constant(lambda record: (getter(record) is None) == wanted)
        elif value_kind != SCALAR:
            raise BusinessError(f"The '{op}' filter on {field_name} requires a single value.")
        else:
            assert isinstance(value, Slot)
            if op in STRING_TESTS:
                at = self._slot(value, lambda v: str(comparable(data_type, coerce(field_name, data_type, v))))
            else:
                at = self._slot(value, lambda v: comparable(data_type, coerce(field_name, data_type, v)))
            if op == "eq" and top and not udf and self.hint is None:
                canonical = self.entity.by_lower[field_name.lower()].name
                self.hint = (canonical, at, lambda v: comparable(data_type, v))
        test = TESTS[op]
        return lambda bound: test(data_type, getter, bound[at])

    def _group(self, op: str, children: Any, depth: int) -> Maker | None:
        if not isinstance(children, list) or not children:
            raise BusinessError(f"The '{op}' filter requires a non-empty items array.")
        if depth >= MAX_GROUP_DEPTH:
            raise BusinessError(f"Invalid query syntax. Filter groups may nest at most {MAX_GROUP_DEPTH} levels.")
        if op == "and":
            return self.all_of(children, depth=depth + 1)
        self.or_conditions += len(children)
        if self.or_conditions > MAX_OR_CONDITIONS:
            raise BusinessError("Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.")
        makers = [m for child in children if (m := self.condition(child, depth=depth + 1)) is not None]
        if not makers:
            return None

        def any_of(bound: Bound) -> Predicate:
            predicates = [make(bound) for make in makers]
            return lambda record: any(p(record) for p in predicates)

        return any_of

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


Getter = Callable[[dict[str, Any]], Any]
Test = Callable[[str, Getter, Any], Predicate]


def _eq(data_type: str, getter: Getter, target: Any) -> Predicate:
    return lambda record: comparable(data_type, getter(record)) == target


def _noteq(data_type: str, getter: Getter, target: Any) -> Predicate:
    return lambda record: (v := getter(record)) is not None and comparable(data_type, v) != target


def _in(data_type: str, getter: Getter, keys: Any) -> Predicate:
    return lambda record: comparable(data_type, getter(record)) in keys


def _not_in(data_type: str, getter: Getter, keys: Any) -> Predicate:
    return lambda record: (v := getter(record)) is not None and comparable(data_type, v) not in keys


def _comparison(compare: Callable[[Any, Any], bool]) -> Test:
    def test(data_type: str, getter: Getter, target: Any) -> Predicate:
        return lambda record: (v := getter(record)) is not None and compare(comparable(data_type, v), target)

    return test


def _string_test(contains: Callable[[str, str], bool]) -> Test:
    def test(data_type: str, getter: Getter, needle: Any) -> Predicate:
        return lambda record: (v := getter(record)) is not None and contains(str(v).casefold(), needle)

    return test


# The test of each operator that reads a value, given that value converted (``Template.bind``).
TESTS: dict[str, Test] = {
    "eq": _eq,
    "noteq": _noteq,
    "in": _in,
    "notIn": _not_in,
    **{op: _comparison(compare) for op, compare in COMPARISONS.items()},
    **{op: _string_test(test) for op, test in STRING_TESTS.items()},
}


def _constant(predicate: Predicate) -> Maker:
    """A maker for a test that reads no value (exist, a comparison with null): the same predicate each time."""
    return lambda bound: predicate


class Template(NamedTuple):
    """A compiled query shape: binding a query's values (``query_shape.shape_key`` order) gives its plan."""

    spec: QuerySpec
    make: Maker
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]
    hint: tuple[str, int, KeyFunction] | None

    def bind(self, values: list[Any]) -> Plan:
        """The plan for these values; a value its field cannot take is refused as the compiler refuses it."""
        return self.plan([convert(values[index]) for index, convert in self.converters])

    def plan(self, bound: Bound) -> Plan:
        hint = self.hint
        return Plan(self.spec, self.make(bound), None if hint is None else (hint[0], bound[hint[1]], hint[2]))


def compile_template(
    entity: EntityInfo, data: Any, values: list[Any], udf_types: dict[str, str], page_size: int | None = None
) -> tuple[Template, Bound]:
    """Compile a query's skeleton (``query_shape.skeleton``), converting ``values`` on the way: the template
    and this query's bound values. Errors come in the order the query states them."""
    spec = parse_query(data, page_size=page_size)
    compiler = _Compiler(entity, udf_types, values)
    make = compiler.all_of(spec.filters, top=True) or _constant(_every_record)
    for name in spec.include_fields or ():
        if entity.field(name) is None:
            raise unknown_field(name, entity)
    return Template(spec, make, tuple(compiler.converters), compiler.hint), compiler.bound


def make_plan(entity: EntityInfo, data: Any, udf_types: dict[str, str], page_size: int | None = None) -> Plan:
    """The plan of one QueryModel (parsed JSON), compiled for this once and not kept."""
    values: list[Any] = []
    template, bound = compile_template(entity, skeleton(data, values), values, udf_types, page_size)
    return template.plan(bound)


def _every_record(record: dict[str, Any]) -> bool:
    return True


def unknown_field(name: str, entity: EntityInfo) -> BusinessError:
    """A filter on a field the entity lacks: 500 naming the field as sent and the entity in the singular
    (``Unable to find projectID in the TimeEntry Entity``) [LIVE: WYRE-AI/autotask-mcp PR #282, on v2.33.2]."""
    return BusinessError(f"Unable to find {name} in the {entity.info.get('name') or entity.name} Entity")
