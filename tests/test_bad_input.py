"""Bad input gets the API's error envelope and a 4xx/5xx, never a traceback, and never changes state."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server import ApiRequest, FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body

UNEXPECTED = "An unexpected error has occurred."


def _assert_error_envelope(status: int, body: Any) -> None:
    """The API's own envelope: ``{"errors": [...]}``, or Web API's ``{"Message": ...}`` for a 404/405."""
    assert 400 <= status < 600
    if status in (404, 405) and isinstance(body, dict) and set(body) == {"Message"}:
        assert isinstance(body["Message"], str) and body["Message"]
    else:
        assert isinstance(body, dict) and set(body) == {"errors"}
        assert body["errors"] and all(isinstance(m, str) for m in body["errors"])
        assert UNEXPECTED not in body["errors"]
    assert "Traceback" not in json.dumps(body)


BAD_REQUESTS = [
    ("POST", "/Tickets", b'{"title": ', "malformed JSON"),
    ("POST", "/Tickets", b"[1, 2, 3]", "array instead of object"),
    ("POST", "/Tickets", b"", "empty body"),
    ("POST", "/Tickets", b"\xff\xfe", "not UTF-8"),
    ("POST", "/Tickets", json.dumps(ticket_body(0, status="open")).encode(), "wrong type: status"),
    ("POST", "/Tickets", json.dumps(ticket_body(0, title=["a"])).encode(), "wrong type: title"),
    ("POST", "/Tickets", json.dumps(ticket_body(0, dueDateTime="tomorrow")).encode(), "wrong type: date"),
    ("POST", "/Tickets", json.dumps(ticket_body(0, isAssignedToComanaged="yes")).encode(), "wrong type: bool"),
    ("POST", "/Tickets", json.dumps(ticket_body(0, noSuchField=1)).encode(), "unknown field"),
    ("POST", "/Tickets", json.dumps(ticket_body(0, userDefinedFields="x")).encode(), "bad UDF shape"),
    (
        "POST",
        "/Tickets",
        json.dumps(ticket_body(0, userDefinedFields=[{"name": "Nope", "value": "1"}])).encode(),
        "unknown UDF",
    ),
    ("POST", "/NoSuchEntity", b"{}", "unknown entity"),
    ("POST", "/Tickets/query", b'{"filter": [{"op": "eq"}]}', "bad filter"),
    ("POST", "/Tickets/query", b'{"filter": "x"}', "filter not a list"),
    ("POST", "/Tickets/query", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nested"),
    ("GET", "/Tickets/query?search=%7Bnot", b"", "bad search"),
    ("GET", "/Tickets/query/next?paging=garbage&search=%7B%7D", b"", "bad paging"),
    ("PUT", "/Tickets", b'{"id": 999999, "title": "x"}', "update of missing id"),
    ("PUT", "/Tickets", b'{"title": "x"}', "update without id"),
    ("PUT", "/Tickets", b'{"id": "abc"}', "update with non-numeric id"),
    ("POST", "/Tickets", b'{"title": "' + b"x" * (5 * 1024 * 1024) + b'"}', "oversized body"),
    ("DELETE", "/Tickets/1", b"", "verb the entity lacks"),
    ("OPTIONS", "/Tickets", b"", "odd method"),
    ("GET", "/Tickets/1/Notes/abc", b"", "non-numeric child id"),
]


@pytest.fixture
def seeded(fake: FakeAutotask, ticket_id: int) -> FakeAutotask:
    return fake


@pytest.mark.parametrize(("method", "path", "body", "why"), BAD_REQUESTS, ids=[r[3] for r in BAD_REQUESTS])
def test_bad_input_gets_error_envelope_and_changes_nothing(
    seeded: FakeAutotask, method: str, path: str, body: bytes, why: str
) -> None:
    before = seeded.snapshot()
    with seeded.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.request(method, BASE + path, content=body, headers={"Content-Type": "application/json"})
    _assert_error_envelope(answer.status_code, answer.json())
    assert seeded.snapshot() == before


def test_oversized_body_is_413(seeded: FakeAutotask) -> None:
    with seeded.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(f"{BASE}/Tickets", content=b"x" * (4 * 1024 * 1024 + 1))
    assert answer.status_code == 413


# -- property test straight against the core: any request at all --------------------------------

ENTITY_NAMES = st.sampled_from(
    [
        "Tickets",
        "TicketNotes",
        "Companies",
        "ContactGroups",
        "TimeEntries",
        "Contacts",
        "Resources",
        "Appointments",
        "NoSuchThing",
        "tickets",
        "",
    ]
)
SEGMENTS = st.one_of(
    st.sampled_from(
        [
            "query",
            "count",
            "next",
            "previous",
            "entityInformation",
            "fields",
            "userDefinedFields",
            "Notes",
            "Contacts",
            "0",
            "1",
            "2",
            "-1",
            "99999999999999999999",
            "%7B",
            "..",
        ]
    ),
    st.text(alphabet="abcXYZ019-_.~%", max_size=8),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "status",
                    "filter",
                    "op",
                    "field",
                    "value",
                    "items",
                    "MaxRecords",
                    "IncludeFields",
                    "companyID",
                    "name",
                    "isActive",
                    "userDefinedFields",
                    "udf",
                    "priority",
                    "description",
                    "noteType",
                    "publish",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)
FILTERS = st.fixed_dictionaries(
    {
        "filter": st.lists(
            st.fixed_dictionaries(
                {
                    "op": st.sampled_from(
                        ["eq", "noteq", "gt", "in", "notIn", "exist", "or", "and", "contains", "bogus"]
                    ),
                    "field": st.sampled_from(
                        ["id", "title", "status", "createDate", "nope", "creatorType", "CustomerRanking"]
                    ),
                    "value": JSON_VALUES,
                    "udf": st.booleans(),
                }
            ),
            max_size=3,
        )
    }
)
BODIES = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    FILTERS.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40),
    st.text(max_size=40).map(str.encode),
)
METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"])
QUERIES = st.one_of(
    st.just(""),
    st.text(max_size=30).map(lambda t: "?search=" + t),
    FILTERS.map(lambda f: "?search=" + json.dumps(f)),
    st.text(max_size=20).map(lambda t: "?" + t),
)

_FAKE = FakeAutotask()


def _fresh() -> FakeAutotask:
    _FAKE.reset()
    company = _FAKE.seed("Companies", {"companyName": "C", "companyType": 1, "ownerResourceID": 4, "phone": "1"})
    ticket = _FAKE.seed("Tickets", ticket_body(company))
    _FAKE.seed("TicketNotes", {"ticketID": ticket, "title": "t", "description": "d", "noteType": 1, "publish": 1})
    return _FAKE


@given(
    method=METHODS,
    entity=ENTITY_NAMES,
    segments=st.lists(SEGMENTS, max_size=4),
    query=QUERIES,
    body=BODIES,
    credentials=st.booleans(),
)
def test_any_request_gets_an_envelope_and_failures_change_nothing(
    method: str, entity: str, segments: list[str], query: str, body: bytes, credentials: bool
) -> None:
    fake = _fresh()
    before = fake.snapshot()
    path = "/".join(["", "ATServicesRest", "V1.0", entity, *segments])
    headers = tuple(CREDENTIALS.items()) if credentials else ()
    answer = fake.handle(ApiRequest(method, f"https://webservices19.autotask.net{path}{query}", headers, body))
    assert json.loads(answer.content() or b"null") == answer.body
    if answer.status == 200:
        assert isinstance(answer.body, dict)
        assert set(answer.body) <= {"item", "items", "pageDetails", "itemId", "queryCount", "info", "fields"}
    else:
        _assert_error_envelope(answer.status, answer.body)
        assert fake.snapshot() == before
