"""Query mistakes: operators the API does not know, clauses with no value, fields the entity lacks.

A query the API runs without the clause the client meant answers 200 with the wrong rows, and nothing on the
client's side notices: these rules read every filter clause, at any depth, of ``POST .../query`` bodies and
``GET ...?search=`` alike (``/query``, ``/query/count`` and ``/query/next``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fake_server import Exchange
from fake_server.face import Catalog, scrub_url

from .model import Finding, RuleContext, rule
from .state import query_model

# The operators of the API's Filter model, spelled as its documentation spells them (Autotask's query docs
# as mirrored in msoukhomlinov/n8n-nodes-autotask constants/api.ts and tphakala/go-autotask query.go; DOCS).
OPERATORS = frozenset(
    {
        "eq",
        "noteq",
        "gt",
        "gte",
        "lt",
        "lte",
        "beginsWith",
        "endsWith",
        "contains",
        "exist",
        "notExist",
        "in",
        "notIn",
        "and",
        "or",
    }
)
GROUPS = frozenset({"and", "or"})
NO_VALUE = frozenset({"exist", "notExist"})
LISTS = frozenset({"in", "notIn"})
_BY_LOWER = {op.lower(): op for op in OPERATORS}


def is_query(exchange: Exchange) -> bool:
    """``/{Entity}/query`` and what hangs under it (``/count``, ``/next``)."""
    return len(exchange.segments) >= 2 and exchange.segments[1].lower() == "query"


def clauses(exchange: Exchange) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every filter clause of a query in the order it is written, nested groups included, with where it sits
    (``filter[0].items[1]``) and its keys in lower case (the API matches the model's keys case-insensitively:
    apigrate/autotask-restapi README: names are not case sensitive)."""
    if not is_query(exchange):
        return
    stack: list[tuple[str, Any]] = _children("filter", (query_model(exchange) or {}).get("filter"))
    while stack:  # a loop, not recursion: a recorded body may nest groups thousands deep
        where, item = stack.pop()
        if isinstance(item, dict):
            lowered = {str(k).lower(): v for k, v in item.items()}
            yield where, lowered
            stack.extend(_children(f"{where}.items", lowered.get("items")))


def _children(where: str, items: Any) -> list[tuple[str, Any]]:
    """A list's elements with their places, last first, so popping them walks the list in order."""
    if not isinstance(items, list):
        return []
    return [(f"{where}[{index}]", items[index]) for index in reversed(range(len(items)))]


@rule(
    "known-query-operators",
    "Every filter clause, at any depth, uses an operator the API knows, spelled as documented.",
    "LIVE: WYRE-AI/autotask-mcp PR #193, PR #211 (an unknown op is dropped, 200 with unfiltered rows); "
    "DOCS: the REST query operators (mirrored in msoukhomlinov/n8n-nodes-autotask constants/api.ts)",
)
def known_query_operators(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        for where, clause in clauses(exchange):
            op = clause.get("op")
            if isinstance(op, str) and op in OPERATORS:
                continue
            if isinstance(op, str) and op.lower() in _BY_LOWER:
                # No source says whether the API matches operators case-insensitively: the documented
                # spelling is the one known to work.
                said = (
                    f"op {scrub_url(op)!r} at {where} is not spelled as documented ({_BY_LOWER[op.lower()]!r}); "
                    "whether production matches it in other casing is unverified, and an operator it does "
                    "not know is dropped: the rest of the query runs and answers 200 with rows the clause "
                    "did not filter"
                )
            elif isinstance(op, str):
                said = (
                    f"{scrub_url(op)!r} at {where} is no operator the API knows: production drops the clause "
                    "and runs the rest of the query (200, rows the clause did not filter)"
                )
            else:
                # No report says what production does with a clause without a string op; the fake refuses it.
                said = f"the clause at {where} has no operator (op is {type(op).__name__}): the fake answers 500"
            # Details hold text and scalars only: an op that is a list nested 250 deep is named by its kind.
            shown_op = (
                scrub_url(op)
                if isinstance(op, str)
                else (op if op is None or isinstance(op, bool | int) else type(op).__name__)
            )
            found.append(Finding(said, (exchange.position,), {"where": where, "op": shown_op}))
    return found


@rule(
    "filter-values-given",
    "Every comparison clause (eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains) carries a value, "
    "and every in/notIn clause an array.",
    "CLIENT: KerkhoffTechnologies/django-autotask ApiCondition.format_condition (drops falsy values and gets "
    "200 in production); DOCS: Filter.value (swagger)",
)
def filter_values_given(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        for where, clause in clauses(exchange):
            op = clause.get("op")
            if not isinstance(op, str) or op not in OPERATORS or op in GROUPS | NO_VALUE:
                continue  # unknown operators are known-query-operators' to judge
            value = clause.get("value")
            if op in LISTS and isinstance(value, list):
                continue  # an empty list is an odd question, not a missing value
            if op not in LISTS and value is not None and not isinstance(value, list | dict):
                continue
            field = scrub_url(str(clause.get("field")))
            if op in ("eq", "noteq") and value is None:
                said = (
                    f"{op} on {field} at {where} has no value: production answers 200 (django-autotask's sync "
                    "runs on it), but no source says which rows it selects, and they are not those of the "
                    "value the client meant; write exist/notExist to ask for null"
                )
            else:
                said = f"{op} on {field} at {where} has no {'array ' if op in LISTS else 'single '}value"
            found.append(Finding(said, (exchange.position,), {"where": where, "op": op, "field": field}))
    return found


def _entity(exchange: Exchange, catalog: Catalog) -> Any:
    return catalog.get(exchange.segments[0]) if exchange.segments else None


@rule(
    "known-query-fields",
    "Filter clauses and IncludeFields name only queryable fields of the entity queried (UDFs by udf: true).",
    "LIVE: WYRE-AI/autotask-mcp PR #282 (a field the entity lacks is a 500); DOCS: TicketsEntity.htm "
    "(querying a non-queryable field is an error)",
)
def known_query_fields(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        entity = _entity(exchange, context.catalog) if is_query(exchange) else None
        if entity is None:
            continue
        wrong: list[str] = []
        for where, clause in clauses(exchange):
            name = clause.get("field")
            op = clause.get("op")
            if (isinstance(op, str) and op in GROUPS) or clause.get("udf") is True or not isinstance(name, str):
                continue
            info = entity.field(name)
            if info is None:
                wrong.append(f"{scrub_url(name)} ({where}: no such field, a 500)")
            elif not info.is_queryable:
                wrong.append(f"{info.name} ({where}: not queryable, an error)")
        include = (query_model(exchange) or {}).get("includefields")
        for name in include if isinstance(include, list) else []:
            # IncludeFields naming a missing field: the fake answers 500 (INFERRED from the filter case).
            if isinstance(name, str) and entity.field(name) is None:
                wrong.append(f"{scrub_url(name)} (IncludeFields: no such field)")
        if wrong:
            found.append(
                Finding(
                    f"{entity.name} query names " + "; ".join(wrong),
                    (exchange.position,),
                    {"fields": wrong},
                )
            )
    return found
