"""Query templates: a query's shape is compiled once and each request's values bound to it, with the same rows
and the same errors, in the same order, as a query compiled on its own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server import FakeAutotask
from fake_server.errors import BusinessError
from fake_server.query import make_plan
from fake_server.query_cache import PlanCache, plan_for
from fake_server.query_select import select
from fake_server.query_shape import shape_key

from .conftest import BASE


@pytest.fixture(scope="module")
def tickets_fake() -> FakeAutotask:
    fake = FakeAutotask()
    for i in range(12):
        fake.seed("Tickets", {"companyID": 0, "title": f"Ticket {i % 4}", "status": 1 + i % 3, "priority": 2})
    return fake


def test_queries_for_other_ticket_numbers_share_one_template(fake: FakeAutotask, client: httpx.Client) -> None:
    ids = [fake.seed("Tickets", {"companyID": 0, "title": f"t{i}", "status": 1, "priority": 2}) for i in range(3)]
    for ticket_id in ids:
        number = fake.get("Tickets", ticket_id)["ticketNumber"]  # type: ignore[index]
        query = {"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}
        answer = client.post(f"{BASE}/Tickets/query", json=query)
        assert [item["id"] for item in answer.json()["items"]] == [ticket_id]
    assert len(fake.plans._templates) == 1  # three query texts, one shape compiled
    assert len(fake.plans._plans) == 1  # the first text parsed; the others bound unparsed (test_query_bytes)


def test_shape_keeps_what_the_compiler_reads_apart() -> None:
    def key(query: Any) -> Any:
        return shape_key(query, [])

    udf_true = {"filter": [{"op": "eq", "field": "x", "udf": True, "value": 1}]}
    udf_one = {"filter": [{"op": "eq", "field": "x", "udf": 1, "value": 1}]}
    assert key(udf_true) != key(udf_one)
    one = {"filter": [{"op": "in", "field": "id", "value": [1]}]}
    scalar = {"filter": [{"op": "in", "field": "id", "value": 1}]}
    null = {"filter": [{"op": "in", "field": "id", "value": None}]}
    assert len({key(one), key(scalar), key(null)}) == 3
    values: list[Any] = []
    assert key({"filter": [{"op": "eq", "field": "id", "Value": 5}]}) == shape_key(
        {"filter": [{"op": "eq", "field": "id", "Value": "text"}]}, values
    )
    assert values == ["text"]


def _outcome(fake: FakeAutotask, plan: Any) -> list[int]:
    return select(fake.store.table("Tickets"), plan).ids


OPS = st.sampled_from(["eq", "noteq", "gt", "lte", "in", "notIn", "beginsWith", "contains", "exist", "nope"])
FIELDS = st.sampled_from(["status", "title", "createDate", "id", "noSuchField"])
VALUES = st.one_of(
    st.integers(-3, 20),
    st.sampled_from(["Ticket 1", "ticket", "2", "x", "2026-01-01T00:00:00Z", "not a date"]),
    st.lists(st.one_of(st.integers(0, 5), st.sampled_from(["1", "Ticket 2", "y"])), max_size=3),
    st.none(),
    st.just({"nested": 1}),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)
CLAUSES = st.lists(st.tuples(OPS, FIELDS, VALUES), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(clauses=CLAUSES, others=st.lists(st.lists(VALUES, min_size=3, max_size=3), min_size=1, max_size=3))
def test_a_bound_template_answers_as_a_query_compiled_alone(
    tickets_fake: FakeAutotask, clauses: list[tuple[str, str, Any]], others: list[list[Any]]
) -> None:
    """The first query of a shape compiles its template; the same shape with other values (good or bad) then
    binds to it, and must give the rows, or the error, that compiling that query on its own gives."""
    entity = tickets_fake.catalog.get("Tickets")
    assert entity is not None
    cache = PlanCache()

    def query(values: list[Any]) -> dict[str, Any]:
        return {"filter": [{"op": op, "field": f, "value": v} for (op, f, _), v in zip(clauses, values, strict=False)]}

    first = [value for _, _, value in clauses]
    for values in [first, *[[*other][: len(clauses)] for other in others]]:
        data = query(values)
        try:
            expected: Any = _outcome(tickets_fake, make_plan(entity, data, {}))
        except BusinessError as error:
            expected = error.response().body
        try:
            got: Any = _outcome(tickets_fake, plan_for(cache, entity, data, {}, None, keep=True))
        except BusinessError as error:
            got = error.response().body
        assert got == expected, data


def test_a_bad_value_is_refused_before_a_later_unknown_field(tickets_fake: FakeAutotask) -> None:
    """A query compiled clause by clause refuses the first thing wrong in it, value or field."""
    entity = tickets_fake.catalog.get("Tickets")
    assert entity is not None
    cache = PlanCache()
    good = {"filter": [{"op": "eq", "field": "status", "value": 1}, {"op": "eq", "field": "title", "value": "x"}]}
    plan_for(cache, entity, good, {}, None, keep=True)
    bad = {"filter": [{"op": "eq", "field": "status", "value": "one"}, {"op": "eq", "field": "title", "value": "x"}]}
    with pytest.raises(BusinessError) as bound:
        plan_for(cache, entity, bad, {}, None, keep=True)
    with pytest.raises(BusinessError) as alone:
        make_plan(entity, bad, {})
    assert bound.value.response().body == alone.value.response().body
    assert "status" in str(bound.value.response().body)
    wrong_field = {"filter": [{"op": "eq", "field": "status", "value": "one"}, {"op": "eq", "field": "nope"}]}
    with pytest.raises(BusinessError) as first_wrong:
        plan_for(cache, entity, wrong_field, {}, None, keep=True)
    assert first_wrong.value.response().body == bound.value.response().body  # the value, not the later field
