"""Query bodies bound unparsed: a body that differs from one compiled before only in its scalar values is cut
at them (``query_bytes.cut``) and bound to that body's template, and answers exactly as the same body parsed
and compiled on its own would, rows or error."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server import ApiRequest, FakeAutotask, handlers, query_cache
from fake_server.query_bytes import ShapeReader, cut, same_values
from fake_server.query_cache import PlanCache

from .conftest import BASE, CREDENTIALS, TickingClock

QUERY_URL = f"{BASE}/Tickets/query"
HEADERS = (*CREDENTIALS.items(), ("Content-Type", "application/json"))


def _seeded() -> FakeAutotask:
    fake = FakeAutotask(clock=TickingClock())  # both copies stamp the same dates
    for i in range(8):
        fake.seed("Tickets", {"companyID": 0, "title": f"Ticket {i % 3}", "status": 1 + i % 3, "priority": 2})
    return fake


@pytest.fixture(scope="module")
def warm() -> FakeAutotask:
    return _seeded()


@pytest.fixture(scope="module")
def cold() -> FakeAutotask:
    return _seeded()


def _answer(fake: FakeAutotask, body: bytes) -> tuple[int, bytes]:
    answer = fake.handle(ApiRequest("POST", QUERY_URL, HEADERS, body))
    return answer.status, answer.content()


def _afresh(fake: FakeAutotask, body: bytes) -> tuple[int, bytes]:
    """The answer with nothing compiled or kept before: the oracle."""
    fake.tenant.plans = PlanCache()
    fake._answers.clear()
    return _answer(fake, body)


def test_cut_finds_each_scalar_value_in_document_order() -> None:
    body = b'{"filter":[{"op":"eq","field":"a","Value":"T1"},{"op":"gt","field":"b","VALUE" : -1.5e3},'
    body += b'{"op":"eq","field":"c","value":true},{"op":"eq","field":"d","value":null},{"op":"eq","value":0}]}'
    found = cut(body)
    assert found is not None
    assert found.values == ["T1", -1500.0, True, 0]
    without_values = body.replace(b'"T1"', b"").replace(b"-1.5e3", b"").replace(b"true", b"").replace(b":0}", b":}")
    assert b"".join(found.pieces) == without_values
    assert len(found.pieces) == 2 * len(found.values) + 1  # before each value, its key; after the last, the rest
    assert [type(v) for v in found.values] == [str, float, bool, int]


@pytest.mark.parametrize(
    "body",
    [
        b'{"filter":[{"op":"eq","field":"title","value":"a \\"quoted\\" title"}]}',  # an escape: not cut
        b"{'filter':[{'op':'eq','field':'title','value':'x'}]}",  # single-quoted, read leniently
        b'{"filter":[{"op":"eq","field":"title","value":"\xff"}]}',  # not UTF-8
        b'{"filter":[{"op":"eq","field":"id","value":1e999}]}',  # beyond a double: the reader refuses it
        b'{"filter":[{"op":"eq","field":"id","value":' + b"9" * 41 + b"}]}",  # longer than any number taken
        b'{"a":"x"value":1}',  # a key only by miscounting quotes: not JSON
    ],
)
def test_cut_leaves_to_the_parser_what_it_cannot_read_plainly(body: bytes) -> None:
    assert cut(body) is None


def test_values_are_the_same_only_in_number_order_and_type() -> None:
    assert same_values(["a", 1, 1.5, True], ["a", 1, 1.5, True])
    assert not same_values([1], [1.0])  # equal in Python, another literal to the compiler
    assert not same_values([True], [1])
    assert not same_values([2, 2], [2])  # a repeated key: the parsed JSON keeps one
    assert not same_values(["a", "b"], ["b", "a"])


def test_a_list_or_a_number_not_ending_there_is_not_a_cut_value() -> None:
    found = cut(b'{"filter":[{"op":"in","field":"id","value":[1,2]},{"value":12abc}]}')
    assert found is not None and found.values == []


def _numbers_afresh(warm: FakeAutotask, count: int) -> list[str]:
    """The first ``count`` ticket numbers, with nothing compiled or kept before for the queries of them."""
    _forget_queries(warm)
    return [str(ticket["ticketNumber"]) for ticket in warm.records("Tickets")][:count]


def _forget_queries(warm: FakeAutotask) -> None:
    warm.tenant.plans = PlanCache()
    warm._answers.clear()  # an answer kept from before would skip the compiling


def _number_query(number: str) -> bytes:
    return json.dumps({"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}).encode()


def test_a_second_number_is_bound_without_parsing(warm: FakeAutotask, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = _numbers_afresh(warm, 3)
    first = _answer(warm, _number_query(numbers[0]))
    assert first[0] == 200

    def no_parsing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(handlers, "parse_json", no_parsing)
    for number in numbers[1:]:
        status, content = _answer(warm, _number_query(number))
        assert status == 200
        assert [item["ticketNumber"] for item in json.loads(content)["items"]] == [number]
    assert len(warm.plans._plans) == 1


def test_a_shape_asked_again_is_read_without_cutting(warm: FakeAutotask, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = _numbers_afresh(warm, 4)
    for number in numbers[:2]:  # compiled, then cut and bound: the shape now has its reader
        assert _answer(warm, _number_query(number))[0] == 200

    cuts: list[bytes] = []

    def counted_cut(raw: bytes) -> Any:
        cuts.append(raw)
        return cut(raw)

    monkeypatch.setattr(query_cache, "cut", counted_cut)
    for number in numbers[2:]:
        _, content = _answer(warm, _number_query(number))
        assert [item["ticketNumber"] for item in json.loads(content)["items"]] == [number]
    assert cuts == []
    # A body of another shape is still cut: the reader refuses it rather than misreading it.
    other = json.dumps({"filter": [{"op": "eq", "field": "title", "value": "x"}]}).encode()
    assert _answer(warm, other)[0] == 200 and cuts == [other]


def _json(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


def _object(pairs: list[tuple[str, Any]], colon: str, comma: str, ascii_only: bool) -> str:
    """A JSON object from pairs, which may repeat a key (as a raw body can and a dict cannot)."""
    return "{" + comma.join(f"{_json(k, ascii_only)}{colon}{v}" for k, v in pairs) + "}"


# Weighted toward queries that compile, so that most runs after the first are bound unparsed; the rest
# (unknown fields and operators, values a field cannot take, lists, escapes) go the long way or fail.
PLAIN_TEXT = st.text("abcT0123 .-:é", max_size=8)
SCALARS = st.one_of(
    st.integers(-3, 12),
    st.sampled_from(["Ticket 1", "ticket", "2", "T20260101.0001", "2026-01-01T00:00:00Z", "é", ""]),
    PLAIN_TEXT,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=4),  # control characters, quotes, backslashes: escaped, so never cut
)
VALUES = st.one_of(SCALARS, SCALARS, SCALARS, st.lists(st.integers(0, 5), max_size=2), st.just({"x": 1}))
FITTING = {
    "status": st.integers(1, 3),
    "id": st.integers(0, 9),
    "title": st.sampled_from(["Ticket 1", "Ticket 2", "Ticket"]) | PLAIN_TEXT,
    "ticketNumber": PLAIN_TEXT,
    "createDate": st.sampled_from(["2026-01-01T00:00:00Z", "2026-12-31", "2030-01-01T00:00:00.000Z"]),
    "noSuchField": VALUES,
}
CLAUSE = st.tuples(
    st.sampled_from(["eq"] * 5 + ["noteq", "gt", "in", "beginsWith", "exist", "nope"]),
    st.sampled_from(["status", "title", "id", "ticketNumber", "createDate"] * 3 + ["noSuchField"]),
    st.sampled_from(["value", "value", "Value", "VALUE"]),
    st.sampled_from([False, False, True]),  # the clause repeats its value key
)
STYLE = st.tuples(
    st.sampled_from([":", ": ", " : "]), st.sampled_from([",", ", ", ",\n "]), st.sampled_from([False, False, True])
)


def _body(clauses: list[tuple[str, str, str, bool]], values: list[Any], grouped: bool, style: Any) -> bytes:
    """The body of the clauses with these values, two for a clause that repeats its value key (the parsed
    JSON keeps the last, so it then holds fewer values than the body shows)."""
    colon, comma, ascii_only = style
    items, slots = [], iter(values)
    for op, field, key, repeated in clauses:
        pairs: list[tuple[str, Any]] = [("op", _json(op, ascii_only)), ("field", _json(field, ascii_only))]
        pairs += [(key, _json(next(slots), ascii_only)) for _ in range(2 if repeated else 1)]
        items.append(_object(pairs, colon, comma, ascii_only))
    listed = "[" + comma.join(items) + "]"
    if grouped:
        listed = "[" + _object([("op", '"or"'), ("items", listed)], colon, comma, ascii_only) + "]"
    return _object([("filter", listed), ("MaxRecords", "5")], colon, comma, ascii_only).encode()


CLEAN_CLAUSE = st.tuples(
    st.sampled_from(["eq", "noteq", "gt", "beginsWith", "exist"]),
    st.sampled_from(["status", "title", "id", "ticketNumber", "createDate"]),
    st.sampled_from(["value", "Value", "VALUE"]),
    st.sampled_from([False] * 5 + [True]),  # a repeated key makes the body's shape one never bound
)


def _runs_of(clause: st.SearchStrategy[Any]) -> Callable[[Callable[..., None]], Any]:
    """Hypothesis's settings and inputs for ``_runs_agree``: one to three clauses drawn from ``clause``,
    grouped or not, in one style, run two to four times."""
    inputs = given(
        clauses=st.lists(clause, min_size=1, max_size=3),
        grouped=st.booleans(),
        style=STYLE,
        runs=st.integers(2, 4),
        data=st.data(),
    )
    options = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    return lambda test: options(inputs(test))


def _runs_agree(
    warm: FakeAutotask, cold: FakeAutotask, clauses: Any, grouped: bool, style: Any, runs: int, data: Any, mixed: bool
) -> None:
    _forget_queries(warm)  # nothing an earlier example compiled or kept
    for _ in range(runs):
        values = []
        for _, field, _, repeated in clauses:
            fitting = st.one_of(*[FITTING[field]] * 5, VALUES) if mixed else FITTING[field]
            value = data.draw(fitting)
            values.append(value)
            if repeated:
                values.append(value if data.draw(st.booleans()) else data.draw(fitting))
        body = _body(clauses, values, grouped, style)
        assert _answer(warm, body) == _afresh(cold, body), body


@_runs_of(CLEAN_CLAUSE)
def test_a_body_bound_unparsed_answers_as_one_compiled_alone(
    warm: FakeAutotask, cold: FakeAutotask, clauses: Any, grouped: bool, style: Any, runs: int, data: st.DataObject
) -> None:
    """The first body of a shape is parsed and compiled; later ones with other values are bound unparsed
    and must give the answer (rows, byte for byte) that parsing and compiling each on its own gives. A
    repeated key may repeat its value, or not, in any run."""
    _runs_agree(warm, cold, clauses, grouped, style, runs, data, mixed=False)


@_runs_of(CLAUSE)
def test_odd_bodies_bound_or_not_answer_as_each_compiled_alone(
    warm: FakeAutotask, cold: FakeAutotask, clauses: Any, grouped: bool, style: Any, runs: int, data: st.DataObject
) -> None:
    """The same with any values, operators and fields: errors, lists, escapes, unknown fields and
    operators answer as they do when each body is compiled alone, bound unparsed or not."""
    _runs_agree(warm, cold, clauses, grouped, style, runs, data, mixed=True)


@settings(max_examples=300, deadline=None)
@given(clauses=st.lists(CLAUSE, min_size=1, max_size=3), grouped=st.booleans(), style=STYLE, data=st.data())
def test_a_shape_reader_reads_what_cut_cuts_and_nothing_else(
    clauses: Any, grouped: bool, style: Any, data: st.DataObject
) -> None:
    """A reader made from one body's cut gives, for another body, exactly ``cut``'s answer when the body has
    the same shape, and ``None`` otherwise (values with quotes, escapes or control characters included)."""
    first = second = None
    while first is None:
        first = cut(_body(clauses, [data.draw(SCALARS) for _ in range(6)], grouped, style))
    reader = ShapeReader(first.pieces)
    second = _body(clauses, [data.draw(VALUES) for _ in range(6)], grouped, style)
    if data.draw(st.booleans()):  # a byte changed anywhere: usually another shape, or not a body at all
        at = data.draw(st.integers(0, len(second) - 1))
        second = second[:at] + bytes([data.draw(st.integers(0, 255))]) + second[at + 1 :]
    found = cut(second)
    expected = found if found is not None and found.pieces == first.pieces else None
    read = reader.read(second)
    assert read == expected, second
    if read is not None:
        assert [type(v) for v in read.values] == [type(v) for v in expected.values]  # type: ignore[union-attr]
