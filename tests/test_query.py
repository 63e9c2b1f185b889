"""The query language: operators, groups, UDF filters, IncludeFields, MaxRecords, paging and count."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server import FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body


@pytest.fixture
def companies(fake: FakeAutotask) -> dict[str, int]:
    rows = [
        ("Alpha Systems", 1, "Leeds", True, "Golden", "120"),
        ("Beta Works", 2, "York", True, None, "8"),
        ("Gamma Alpha", 3, None, False, "not Golden", None),
        ("Delta Data", 1, "leeds", True, None, "45"),
    ]
    ids = {}
    for name, kind, city, active, ranking, employees in rows:
        udfs = [{"name": "CustomerRanking", "value": ranking}, {"name": "Number of Employees", "value": employees}]
        ids[name] = fake.seed(
            "Companies",
            {
                "companyName": name,
                "companyType": kind,
                "city": city,
                "isActive": active,
                "ownerResourceID": 4,
                "phone": "1",
                "createDate": f"2026-0{kind}-15T10:00:00Z",
                "userDefinedFields": udfs,
            },
        )
    return ids


def _names(client: httpx.Client, *filters: dict[str, Any], entity: str = "Companies") -> list[str]:
    answer = client.post(f"{BASE}/{entity}/query", json={"filter": list(filters)})
    assert answer.status_code == 200, answer.text
    return [item["companyName"] for item in answer.json()["items"] if item["id"] != 0]


CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"op": "eq", "field": "companyName", "value": "beta works"}, ["Beta Works"]),
    ({"op": "noteq", "field": "city", "value": "Leeds"}, ["Beta Works"]),
    ({"op": "gt", "field": "companyType", "value": 1}, ["Beta Works", "Gamma Alpha"]),
    ({"op": "gte", "field": "companyType", "value": "2"}, ["Beta Works", "Gamma Alpha"]),
    ({"op": "lt", "field": "companyType", "value": 2}, ["Alpha Systems", "Delta Data"]),
    ({"op": "lte", "field": "companyType", "value": 2}, ["Alpha Systems", "Beta Works", "Delta Data"]),
    ({"op": "beginsWith", "field": "companyName", "value": "alpha"}, ["Alpha Systems"]),
    ({"op": "endsWith", "field": "companyName", "value": "ALPHA"}, ["Gamma Alpha"]),
    ({"op": "contains", "field": "companyName", "value": "ta"}, ["Beta Works", "Delta Data"]),
    ({"op": "exist", "field": "city"}, ["Alpha Systems", "Beta Works", "Delta Data"]),
    ({"op": "notExist", "field": "city"}, ["Gamma Alpha"]),
    ({"op": "in", "field": "city", "value": ["york", "nowhere"]}, ["Beta Works"]),
    ({"op": "notIn", "field": "companyType", "value": [1, 2]}, ["Gamma Alpha"]),
    ({"op": "eq", "field": "isActive", "value": False}, ["Gamma Alpha"]),
    ({"op": "gt", "field": "createDate", "value": "2026-02-01T00:00:00"}, ["Beta Works", "Gamma Alpha"]),
    (
        {
            "op": "or",
            "items": [{"op": "eq", "field": "companyType", "value": 3}, {"op": "eq", "field": "city", "value": "York"}],
        },
        ["Beta Works", "Gamma Alpha"],
    ),
    (
        {
            "op": "and",
            "items": [
                {"op": "eq", "field": "companyType", "value": 1},
                {
                    "op": "or",
                    "items": [
                        {"op": "contains", "field": "companyName", "value": "data"},
                        {"op": "notExist", "field": "city"},
                    ],
                },
            ],
        },
        ["Delta Data"],
    ),
    ({"op": "eq", "field": "CustomerRanking", "value": "golden", "udf": True}, ["Alpha Systems"]),
    ({"op": "gt", "field": "Number of Employees", "value": 10, "udf": True}, ["Alpha Systems", "Delta Data"]),
    ({"op": "notExist", "field": "CustomerRanking", "udf": True}, ["Beta Works", "Delta Data"]),
]


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[c[0]["op"] + str(i) for i, c in enumerate(CASES)])
def test_filter_operator(
    client: httpx.Client, companies: dict[str, int], condition: dict[str, Any], expected: list[str]
) -> None:
    assert _names(client, condition) == expected


def test_top_level_filters_are_anded(client: httpx.Client, companies: dict[str, int]) -> None:
    assert _names(
        client, {"op": "eq", "field": "companyType", "value": 1}, {"op": "eq", "field": "city", "value": "LEEDS"}
    ) == ["Alpha Systems", "Delta Data"]


def test_field_names_in_filters_are_case_insensitive(client: httpx.Client, companies: dict[str, int]) -> None:
    assert _names(client, {"op": "eq", "field": "COMPANYNAME", "value": "Beta Works"}) == ["Beta Works"]


def test_eq_without_a_value_compares_with_null(client: httpx.Client, companies: dict[str, int]) -> None:
    # django-autotask's resource sync sends this group on every run (it drops falsy values).
    answer = client.post(
        f"{BASE}/Companies/query",
        json={
            "filter": [
                {
                    "op": "or",
                    "items": [{"op": "eq", "field": "isActive", "value": True}, {"op": "eq", "field": "isActive"}],
                }
            ]
        },
    )
    assert answer.status_code == 200, answer.text
    names = [i["companyName"] for i in answer.json()["items"] if i["id"] != 0]
    assert names == ["Alpha Systems", "Beta Works", "Delta Data"]  # no company has a null isActive
    assert _names(client, {"op": "eq", "field": "city"}) == ["Gamma Alpha"]
    assert _names(client, {"op": "eq", "field": "city", "value": None}) == ["Gamma Alpha"]
    assert _names(client, {"op": "noteq", "field": "city"}) == ["Alpha Systems", "Beta Works", "Delta Data"]


def test_comparison_without_a_value_is_refused(client: httpx.Client, companies: dict[str, int]) -> None:
    answer = client.post(f"{BASE}/Companies/query", json={"filter": [{"op": "gt", "field": "companyType"}]})
    assert answer.status_code == 500
    assert "requires a single value" in answer.json()["errors"][0]


def test_only_one_udf_per_query(client: httpx.Client, companies: dict[str, int]) -> None:
    answer = client.post(
        f"{BASE}/Companies/query",
        json={
            "filter": [
                {"op": "exist", "field": "CustomerRanking", "udf": True},
                {"op": "exist", "field": "Number of Employees", "udf": True},
            ]
        },
    )
    assert answer.status_code == 500
    assert "one user-defined field" in answer.json()["errors"][0]


@pytest.mark.parametrize(
    "bad",
    [
        {"op": "eq", "field": "noSuchField", "value": 1},
        {"op": "in", "field": "companyType", "value": 1},
        {"op": "eq", "field": "companyType", "value": "one"},
        {"op": "lt", "field": "companyType"},
        {"op": "or", "items": []},
        {"op": "eq", "field": "NoSuchUdf", "value": 1, "udf": True},
        "not an object",
    ],
)
def test_bad_filter_is_500_with_errors(client: httpx.Client, companies: dict[str, int], bad: Any) -> None:
    answer = client.post(f"{BASE}/Companies/query", json={"filter": [bad]})
    assert answer.status_code == 500
    assert answer.json()["errors"]


KNOWN = {"eq", "noteq", "gt", "gte", "lt", "lte", "beginsWith", "endsWith", "contains", "exist", "notExist"}
UNKNOWN_OPERATORS = st.one_of(
    st.sampled_from(["ne", "neq", "NotEq", "EQ", "Eq", "startsWith", "like", "equals", "isNull", "AND", "Or"]),
    st.text(min_size=1, max_size=12),
).filter(lambda op: op not in KNOWN | {"in", "notIn", "and", "or"})


@given(op=UNKNOWN_OPERATORS, nest=st.sampled_from(["top", "in and", "in or"]))
def test_a_clause_with_an_unknown_operator_is_dropped_and_the_rest_of_the_query_runs(op: str, nest: str) -> None:
    """WYRE-AI/autotask-mcp PR #193: ``ne`` beside another clause returned rows the ``ne`` would exclude."""
    fake = FakeAutotask()
    ids = [
        fake.seed("Companies", {"companyName": f"C{n}", "companyType": n % 3, "ownerResourceID": 4}) for n in range(6)
    ]
    kept = {"op": "gte", "field": "id", "value": ids[2]}
    dropped = {"op": op, "field": "companyType", "value": 1}
    shapes: dict[str, list[Any]] = {
        "top": [kept, dropped],
        "in and": [{"op": "and", "items": [kept, dropped]}],
        "in or": [kept, {"op": "or", "items": [dropped]}],
    }
    clauses = shapes[nest]
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(f"{BASE}/Companies/query", json={"filter": clauses})
        without = http.post(f"{BASE}/Companies/query", json={"filter": [kept]})
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()["items"]] == [c["id"] for c in without.json()["items"]] == ids[2:]


def test_a_filter_of_dropped_clauses_alone_returns_every_record(
    client: httpx.Client, companies: dict[str, int]
) -> None:
    answer = client.post(f"{BASE}/Companies/query", json={"filter": [{"op": "ne", "field": "companyType", "value": 1}]})
    assert answer.status_code == 200
    assert {c["id"] for c in answer.json()["items"]} >= set(companies.values())


@pytest.mark.parametrize(
    ("entity", "field", "singular"),
    [("TimeEntries", "projectID", "TimeEntry"), ("Tickets", "nosuch", "Ticket"), ("ActionTypes", "x", "ActionType")],
)
def test_a_field_the_entity_lacks_is_a_500_naming_it_and_the_entity_in_the_singular(
    client: httpx.Client, entity: str, field: str, singular: str
) -> None:
    """WYRE-AI/autotask-mcp PR #282, verified live: ``Unable to find projectID in the TimeEntry Entity``."""
    answer = client.post(f"{BASE}/{entity}/query", json={"filter": [{"op": "eq", "field": field, "value": 1}]})
    assert (answer.status_code, answer.json()) == (
        500,
        {"errors": [f"Unable to find {field} in the {singular} Entity"]},
    )


@pytest.mark.parametrize("field", ["creatorType", "lastActivityPersonType"])
def test_querying_a_non_queryable_field_is_an_error(client: httpx.Client, field: str) -> None:
    answer = client.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "eq", "field": field, "value": 1}]})
    assert answer.status_code == 500
    assert "not queryable" in answer.json()["errors"][0]


def test_empty_filter_is_rejected(client: httpx.Client) -> None:
    assert client.post(f"{BASE}/Companies/query", json={"filter": []}).status_code == 500
    assert client.post(f"{BASE}/Companies/query", json={}).status_code == 500


def test_more_than_500_or_conditions_are_rejected(client: httpx.Client) -> None:
    items = [{"op": "eq", "field": "id", "value": i} for i in range(501)]
    answer = client.post(f"{BASE}/Companies/query", json={"filter": [{"op": "or", "items": items}]})
    assert answer.status_code == 500
    assert "500 or fewer 'OR' conditions" in answer.json()["errors"][0]


def test_include_fields_returns_only_those_plus_id_and_udfs(client: httpx.Client, companies: dict[str, int]) -> None:
    answer = client.post(
        f"{BASE}/Companies/query",
        json={"IncludeFields": ["companyName", "City"], "filter": [{"op": "eq", "field": "companyType", "value": 2}]},
    )
    item = answer.json()["items"][0]
    assert set(item) == {"id", "companyName", "city", "userDefinedFields"}


def test_include_fields_with_unknown_field_is_rejected(client: httpx.Client) -> None:
    answer = client.post(
        f"{BASE}/Companies/query",
        json={"includeFields": ["nope"], "filter": [{"op": "gte", "field": "id", "value": 0}]},
    )
    assert answer.status_code == 500


@pytest.mark.parametrize("max_records", [0, 501, -3, "many"])
def test_max_records_outside_1_to_500_is_rejected(client: httpx.Client, max_records: Any) -> None:
    answer = client.post(
        f"{BASE}/Companies/query",
        json={"MaxRecords": max_records, "filter": [{"op": "gte", "field": "id", "value": 0}]},
    )
    assert answer.status_code == 500
    assert answer.json() == {"errors": ["maxCountOfRecordsToReturn must be between 1 and 500"]}


def test_request_count_defaults_to_500(client: httpx.Client, companies: dict[str, int]) -> None:
    details = client.post(
        f"{BASE}/Companies/query", json={"filter": [{"op": "gte", "field": "id", "value": 0}]}
    ).json()["pageDetails"]
    assert details == {"count": 5, "requestCount": 500, "prevPageUrl": None, "nextPageUrl": None}


def test_children_of_a_missing_parent_are_the_same_empty_page_as_of_a_parent_without_any(
    client: httpx.Client, fake: FakeAutotask, company_id: int
) -> None:
    ticket = fake.seed("Tickets", ticket_body(company_id))
    without_notes = client.get(f"{BASE}/Tickets/{ticket}/Notes")
    missing = client.get(f"{BASE}/Tickets/{ticket + 1000}/Notes")
    assert (missing.status_code, missing.headers["Content-Type"]) == (200, without_notes.headers["Content-Type"])
    assert (
        missing.content
        == without_notes.content
        == (b'{"items":[],"pageDetails":{"count":0,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}')
    )
    note = {"title": "t", "description": "d", "noteType": 1, "publish": 1}
    refused = client.post(f"{BASE}/Tickets/{ticket + 1000}/Notes", json=note)
    assert refused.status_code == 500
    assert refused.json() == {"errors": [f"No Tickets record with id {ticket + 1000} exists."]}


def test_get_query_with_search_parameter(client: httpx.Client, companies: dict[str, int]) -> None:
    search = json.dumps({"filter": [{"op": "eq", "field": "city", "value": "York"}]})
    answer = client.get(f"{BASE}/Companies/query", params={"search": search})
    assert [i["companyName"] for i in answer.json()["items"]] == ["Beta Works"]


def test_get_query_accepts_single_quoted_search(client: httpx.Client, companies: dict[str, int]) -> None:
    answer = client.get(f"{BASE}/Companies/query", params={"search": "{'filter':[{'op':'exist','field':'IsActive'}]}"})
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 5


def test_get_query_without_search_is_rejected(client: httpx.Client) -> None:
    assert client.get(f"{BASE}/Companies/query").status_code == 500


def test_count_returns_query_count(client: httpx.Client, companies: dict[str, int]) -> None:
    answer = client.post(
        f"{BASE}/Companies/query/count", json={"filter": [{"op": "eq", "field": "companyType", "value": 1}]}
    )
    assert answer.json() == {"queryCount": 2}
    search = json.dumps({"filter": [{"op": "eq", "field": "companyType", "value": 1}]})
    assert client.get(f"{BASE}/Companies/query/count", params={"search": search}).json() == {"queryCount": 2}


# -- paging -------------------------------------------------------------------------------------


@pytest.fixture
def many_notes(fake: FakeAutotask, ticket_id: int) -> list[int]:
    return [
        fake.seed(
            "TicketNotes", {"ticketID": ticket_id, "title": f"n{i}", "description": "d", "noteType": 1, "publish": 1}
        )
        for i in range(23)
    ]


def _follow(client: httpx.Client, first: httpx.Response, method: str, body: Any = None) -> list[list[int]]:
    pages = []
    answer = first
    while True:
        data = answer.json()
        pages.append([i["id"] for i in data["items"]])
        url = data["pageDetails"]["nextPageUrl"]
        if url is None:
            return pages
        answer = client.request(method, url, json=body)
        assert answer.status_code == 200, answer.text


def test_post_query_pages_follow_next_page_url_with_the_same_body(client: httpx.Client, many_notes: list[int]) -> None:
    body = {"MaxRecords": 10, "filter": [{"op": "gte", "field": "id", "value": 0}]}
    pages = _follow(client, client.post(f"{BASE}/TicketNotes/query", json=body), "POST", body)
    assert [len(p) for p in pages] == [10, 10, 3]
    assert [i for p in pages for i in p] == many_notes


def test_get_query_pages_follow_next_page_url_verbatim(client: httpx.Client, many_notes: list[int]) -> None:
    search = json.dumps({"maxRecords": 7, "filter": [{"op": "exist", "field": "title"}]})
    pages = _follow(client, client.get(f"{BASE}/TicketNotes/query", params={"search": search}), "GET")
    assert [i for p in pages for i in p] == many_notes


def test_next_page_url_carries_an_id_keyset_token(client: httpx.Client, many_notes: list[int]) -> None:
    body = {"MaxRecords": 10, "filter": [{"op": "gte", "field": "id", "value": 0}]}
    url = client.post(f"{BASE}/TicketNotes/query", json=body).json()["pageDetails"]["nextPageUrl"]
    parts = urlsplit(url)
    assert parts.path == "/ATServicesRest/V1.0/TicketNotes/query/next"
    assert "%7b" in parts.query  # lowercase hex, as the real API encodes
    paging = json.loads(parse_qs(parts.query)["paging"][0])
    assert paging == {"pageSize": 10, "previousIds": [-1], "nextIds": [many_notes[10]]}


def test_prev_page_url_leads_back(client: httpx.Client, many_notes: list[int]) -> None:
    body = {"MaxRecords": 10, "filter": [{"op": "gte", "field": "id", "value": 0}]}
    first = client.post(f"{BASE}/TicketNotes/query", json=body).json()
    second = client.post(first["pageDetails"]["nextPageUrl"], json=body).json()
    assert second["pageDetails"]["prevPageUrl"] is not None
    back = client.post(second["pageDetails"]["prevPageUrl"], json=body).json()
    assert [i["id"] for i in back["items"]] == [i["id"] for i in first["items"]]


def test_next_page_by_bodyless_post_is_rejected(client: httpx.Client, many_notes: list[int]) -> None:
    body = {"MaxRecords": 10, "filter": [{"op": "gte", "field": "id", "value": 0}]}
    url = client.post(f"{BASE}/TicketNotes/query", json=body).json()["pageDetails"]["nextPageUrl"]
    answer = client.post(url)
    assert answer.status_code == 500
    assert "queryModel" in answer.json()["errors"][0]


def test_a_post_querys_next_page_url_is_refused_to_a_get(client: httpx.Client, many_notes: list[int]) -> None:
    # WYRE-AI/autotask-mcp PR #170, from a live log: the link of a POST query carries only the paging token,
    # and a GET of it is a 405; POSTed with the query's body it answers the next page.
    body = {"MaxRecords": 10, "filter": [{"op": "gte", "field": "id", "value": 0}]}
    url = client.post(f"{BASE}/TicketNotes/query", json=body).json()["pageDetails"]["nextPageUrl"]
    assert set(parse_qs(urlsplit(url).query)) == {"paging"}
    refused = client.get(url)
    assert refused.status_code == 405
    assert refused.json() == {"Message": "The requested resource does not support http method 'GET'."}
    assert client.post(url, json=body).status_code == 200


def test_a_get_querys_next_page_url_echoes_its_search(client: httpx.Client, many_notes: list[int]) -> None:
    search = json.dumps({"maxRecords": 7, "filter": [{"op": "exist", "field": "title"}]})
    url = client.get(f"{BASE}/TicketNotes/query", params={"search": search}).json()["pageDetails"]["nextPageUrl"]
    assert json.loads(parse_qs(urlsplit(url).query)["search"][0]) == json.loads(search)


def test_child_collection_lists_only_that_parents_children(
    client: httpx.Client, fake: FakeAutotask, company_id: int, many_notes: list[int]
) -> None:
    other = fake.seed("Tickets", {"companyID": company_id, "title": "other", "status": 1, "priority": 2})
    fake.seed("TicketNotes", {"ticketID": other, "title": "x", "description": "d", "noteType": 1, "publish": 1})
    ticket = fake.get("TicketNotes", many_notes[0])
    assert ticket is not None
    listed = client.get(f"{BASE}/Tickets/{ticket['ticketID']}/Notes").json()
    assert [i["id"] for i in listed["items"]] == many_notes
