"""Classes of bad input, each with the answer the API gives it: never a traceback, a plain-text 500, the fake's
catch-all "An unexpected error has occurred.", a change of state or a record that cannot be read back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server import ApiRequest, FakeAutotask
from fake_server.jsonbody import MAX_DEPTH, check_media_type, replace_lone_surrogates
from fake_server.query import make_plan
from harness.rules import CONTRACT, check
from harness.serving.server import ServedFake
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS, ticket_body

UNEXPECTED = "An unexpected error has occurred."
JSON = {**CREDENTIALS, "Content-Type": "application/json"}
EVERY = {"filter": [{"op": "exist", "field": "id"}]}
COMPANY = {"companyName": "C", "companyType": 1, "ownerResourceID": 4, "phone": "1"}


@pytest.fixture
def http(fake: FakeAutotask) -> Iterator[httpx.Client]:
    with fake.mock(), httpx.Client(headers=JSON) as client:
        yield client


def _errors(answer: httpx.Response, status: int = 500) -> list[str]:
    """The texts of the API's ``{"errors": [...]}`` envelope, which must not be the catch-all."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"errors"} and body["errors"] and all(isinstance(e, str) for e in body["errors"])
    assert UNEXPECTED not in body["errors"]
    return list(body["errors"])


def _message(answer: httpx.Response, status: int) -> str:
    """Web API's own ``{"Message": ...}``."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"Message"} and isinstance(body["Message"], str)
    return str(body["Message"])


def _with_title(company: int, escaped_title: str) -> bytes:
    """A ticket body whose title is written as JSON escapes (a lone surrogate cannot be written otherwise)."""
    body = json.dumps(ticket_body(company, title="TITLE"))
    return body.replace('"TITLE"', f'"{escaped_title}"').encode()


# -- 1. lone surrogates ----------------------------------------------------------------------------------


def test_lone_surrogate_in_a_value_is_stored_as_the_replacement_character(
    fake: FakeAutotask, http: httpx.Client, company_id: int
) -> None:
    created = http.post(f"{BASE}/Tickets", content=_with_title(company_id, "x\\ud800"))
    assert created.status_code == 200, created.text
    ticket = created.json()["itemId"]
    read = http.get(f"{BASE}/Tickets/{ticket}")
    assert read.status_code == 200 and read.json()["item"]["title"] == "x\ufffd"
    found = http.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "eq", "field": "id", "value": ticket}]})
    assert found.status_code == 200 and found.json()["items"][0]["title"] == "x\ufffd"
    exchanges = fake.journal.to_dicts()
    assert exchanges[0]["request_json"]["title"] == "x\ufffd"
    json.dumps(exchanges, ensure_ascii=False).encode("utf-8")  # what a journal stream writes


def test_lone_surrogate_in_a_key_is_an_unknown_field_and_changes_nothing(
    fake: FakeAutotask, http: httpx.Client, company_id: int
) -> None:
    before = fake.snapshot()
    answer = http.post(f"{BASE}/Tickets", content=b'{"\\ud800": 1}')
    assert _errors(answer) == ["Unable to find the field \ufffd on the Tickets entity."]
    assert fake.snapshot() == before
    json.dumps(fake.journal.to_dicts(), ensure_ascii=False).encode("utf-8")


def test_surrogate_escapes_are_read_as_newtonsoft_reads_them() -> None:
    assert json.loads(replace_lone_surrogates('"a\\ud83d\\ude00"')) == "a\U0001f600"  # a pair stays one character
    assert json.loads(replace_lone_surrogates('"\\udc00\\ud800"')) == "\ufffd\ufffd"
    assert json.loads(replace_lone_surrogates('"\\ud800\\ud800\\udc00"')) == "\ufffd\U00010000"
    assert json.loads(replace_lone_surrogates('"\\ud800\\u0041"')) == "\ufffdA"
    assert json.loads(replace_lone_surrogates('"\\\\ud800"')) == "\\ud800"  # an escaped backslash, no escape
    assert json.loads(replace_lone_surrogates('"\\\\\\ud800"')) == "\\\ufffd"
    assert replace_lone_surrogates("raw \ud800") == "raw \ufffd"


def test_query_for_a_lone_surrogate_finds_the_stored_replacement(http: httpx.Client, company_id: int) -> None:
    ticket = http.post(f"{BASE}/Tickets", content=_with_title(company_id, "y\\udfff")).json()["itemId"]
    search = '{"filter":[{"op":"eq","field":"title","value":"y\\udfff"}]}'
    by_get = http.get(f"{BASE}/Tickets/query", params={"search": search})
    by_post = http.post(f"{BASE}/Tickets/query", content=search.encode())
    for answer in (by_get, by_post):
        assert answer.status_code == 200 and [i["id"] for i in answer.json()["items"]] == [ticket]


def test_lone_surrogates_over_http_with_a_streamed_journal(tmp_path: Path) -> None:
    fake = FakeAutotask()
    company = fake.seed("Companies", COMPANY)
    stream = tmp_path / "journal.jsonl"
    fake.journal.stream_to(stream)
    try:
        with ServedFake(fake) as served, httpx.Client(base_url=served.base_url, headers=JSON) as client:
            created = client.post("/Tickets", content=_with_title(company, "z\\udbff!"))
            assert created.status_code == 200, created.text
            ticket = created.json()["itemId"]
            key = client.post("/Tickets", content=b'{"\\udc00": 1}')
            read = client.get(f"/Tickets/{ticket}")
            found = client.post("/Tickets/query", json={"filter": [{"op": "eq", "field": "id", "value": ticket}]})
    finally:
        fake.journal.close()
    assert _errors(key) == ["Unable to find the field \ufffd on the Tickets entity."]
    assert read.status_code == 200 and read.json()["item"]["title"] == "z\ufffd!"
    assert found.status_code == 200 and found.json()["items"][0]["title"] == "z\ufffd!"
    lines = [json.loads(line) for line in stream.read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines] == [200, 500, 200, 200]
    assert lines[0]["request_json"]["title"] == "z\ufffd!"


# -- 2. deep nesting -------------------------------------------------------------------------------------

DEEP = b"[" * 5000 + b"]" * 5000


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/Tickets"),
        ("PUT", "/Tickets"),
        ("POST", "/Tickets/query"),
        ("POST", "/Tickets/query/count"),
        ("POST", "/Tickets/1/Notes"),
    ],
)
def test_deep_nesting_gets_the_envelope(
    fake: FakeAutotask, http: httpx.Client, ticket_id: int, method: str, path: str
) -> None:
    before = fake.snapshot()
    errors = _errors(http.request(method, BASE + path, content=DEEP))
    assert errors[0].endswith(f"is nested too deeply: JSON may nest at most {MAX_DEPTH} levels.")
    assert fake.snapshot() == before


def test_deep_nesting_in_search_paging_and_values(http: httpx.Client, company_id: int) -> None:
    deep_text = "[" * 5000 + "]" * 5000
    assert "nested too deeply" in _errors(http.get(f"{BASE}/Tickets/query", params={"search": deep_text}))[0]
    paging = http.post(f"{BASE}/Tickets/query/next?paging={quote(deep_text)}", json=EVERY)
    assert _errors(paging) == ["The paging parameter is not valid."]
    just_too_deep = json.dumps(ticket_body(company_id, title=json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)))
    assert "nested too deeply" in _errors(http.post(f"{BASE}/Tickets", content=just_too_deep.encode()))[0]
    deep_enough = json.dumps(ticket_body(company_id, title=json.loads("[" * 200 + "]" * 200)))
    assert "Unable to convert value" in _errors(http.post(f"{BASE}/Tickets", content=deep_enough.encode()))[0]


def test_deep_nesting_never_raises_out_of_the_core(tmp_path: Path) -> None:
    fake = FakeAutotask()
    fake.journal.stream_to(tmp_path / "journal.jsonl")  # the journal's own re-parse fails on it: the answer stands
    try:
        answer = fake.handle(ApiRequest("POST", f"{BASE}/Tickets/query", tuple(JSON.items()), DEEP))
    finally:
        fake.journal.close()
    assert answer.status == 500 and "nested too deeply" in answer.body["errors"][0]


def test_deep_nesting_over_http_with_a_streamed_journal(tmp_path: Path) -> None:
    fake = FakeAutotask()
    fake.journal.stream_to(tmp_path / "journal.jsonl")
    try:
        with ServedFake(fake) as served, httpx.Client(base_url=served.base_url, headers=JSON) as client:
            answer = client.post("/Tickets", content=DEEP)
    finally:
        fake.journal.close()
    assert "nested too deeply" in _errors(answer)[0]
    # and the journal it wrote reads back: check judges it rather than ending in a RecursionError
    [kept] = load_traffic(tmp_path / "journal.jsonl")
    assert (kept.method, kept.status, kept.request_json) == ("POST", 500, None)
    assert check([kept], (CONTRACT,)) == []


# -- 3. inputs that reached the catch-all ---------------------------------------------------------------


@pytest.mark.parametrize(
    "segment", ["--1", "²", "¹", "١", "1_0", "9" * 5000, "99999999999999999999", "9223372036854775808", "0x10"]
)
def test_non_numeric_or_overflowing_id_is_a_route_404(http: httpx.Client, ticket_id: int, segment: str) -> None:
    for path in (
        f"/Tickets/{quote(segment)}",
        f"/Tickets/{ticket_id}/Notes/{quote(segment)}",
        f"/Tickets/{quote(segment)}/Notes",
    ):
        assert _message(http.get(BASE + path), 404).startswith("No HTTP resource was found")


@pytest.mark.parametrize(("segment", "item"), [("-1", None), ("9223372036854775807", None), ("+1", 1), ("001", 1)])
def test_ids_that_int64_parsing_takes_are_routed(http: httpx.Client, ticket_id: int, segment: str, item: Any) -> None:
    assert ticket_id == 1
    answer = http.get(f"{BASE}/Tickets/{quote(segment)}")
    assert answer.status_code == 200
    assert (answer.json()["item"] or {}).get("id") == item


@pytest.mark.parametrize(
    ("op", "kind"), [({"a": 1}, "an object"), (["eq"], "an array"), (True, "a boolean"), (3, "a number")]
)
def test_filter_op_that_is_not_a_string(
    fake: FakeAutotask, http: httpx.Client, ticket_id: int, op: Any, kind: str
) -> None:
    query = {"filter": [{"op": op, "field": "id", "value": 1}]}
    expected = [f"Invalid filter operator: op must be a string, not {kind}."]
    assert _errors(http.post(f"{BASE}/Tickets/query", json=query)) == expected
    assert _errors(http.get(f"{BASE}/Tickets/query", params={"search": json.dumps(query)})) == expected


@pytest.mark.parametrize(
    "token",
    [
        '{"pageSize":1e400,"previousIds":[-1],"nextIds":[1]}',
        '{"pageSize":true,"previousIds":[-1],"nextIds":[1]}',
        '{"pageSize":500,"previousIds":[-1],"nextIds":[true]}',
        '{"pageSize":"500","previousIds":[-1],"nextIds":[1]}',
        '{"pageSize":500,"previousIds":[-1],"nextIds":[1e400]}',
        '{"pageSize":500,"previousIds":[-1],"nextIds":[9223372036854775808]}',
        '{"pageSize":500,"previousIds":[-1],"nextIds":{"0":1}}',
        "[1]",
        '"x"',
        "{'pageSize':0}",
    ],
)
def test_bad_paging_token(http: httpx.Client, ticket_id: int, token: str) -> None:
    posted = http.post(f"{BASE}/Tickets/query/next?paging={quote(token)}", json=EVERY)
    got = http.get(f"{BASE}/Tickets/query/next", params={"paging": token, "search": json.dumps(EVERY)})
    for answer in (posted, got):
        assert _errors(answer) == ["The paging parameter is not valid."]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_date_out_of_range_once_in_utc(fake: FakeAutotask, http: httpx.Client, company_id: int, moment: str) -> None:
    before = fake.snapshot()
    query = {"filter": [{"op": "gt", "field": "createDate", "value": moment}]}
    assert _errors(http.post(f"{BASE}/Tickets/query", json=query)) == [
        f"Unable to convert value '{moment}' of field 'createDate' to type dateTime."
    ]
    assert _errors(http.post(f"{BASE}/Tickets", json=ticket_body(company_id, dueDateTime=moment))) == [
        f"Unable to convert value '{moment}' of field 'dueDateTime' to type dateTime."
    ]
    assert fake.snapshot() == before


def test_dates_before_year_1000_read_back(http: httpx.Client, company_id: int) -> None:
    created = http.post(f"{BASE}/Tickets", json=ticket_body(company_id, dueDateTime="0999-03-04T05:06:07+00:00"))
    ticket = created.json()["itemId"]
    assert http.get(f"{BASE}/Tickets/{ticket}").json()["item"]["dueDateTime"] == "0999-03-04T05:06:07Z"
    query = {"filter": [{"op": "lt", "field": "dueDateTime", "value": "1000-01-01T00:00:00Z"}]}
    assert [i["id"] for i in http.post(f"{BASE}/Tickets/query", json=query).json()["items"]] == [ticket]


def _nested_groups(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"op": "exist", "field": "id"}
    for _ in range(depth):
        condition = {"op": "and", "items": [condition]}
    return {"filter": [condition]}


def test_filter_groups_nested_300_deep(http: httpx.Client, ticket_id: int) -> None:
    errors = _errors(http.post(f"{BASE}/Tickets/query", json=_nested_groups(300)))
    assert errors == [f"The query is nested too deeply: JSON may nest at most {MAX_DEPTH} levels."]
    answer = http.post(f"{BASE}/Tickets/query", json=_nested_groups(120))  # 242 levels of JSON: read and run
    assert answer.status_code == 200 and [i["id"] for i in answer.json()["items"]] == [ticket_id]


def test_filter_groups_nested_past_the_limit_in_a_direct_plan(fake: FakeAutotask) -> None:
    tickets = fake.catalog.get("Tickets")
    assert tickets is not None
    with pytest.raises(Exception, match="Filter groups may nest at most 127 levels"):
        make_plan(tickets, _nested_groups(128), {})


@pytest.mark.parametrize(("profile", "method"), [("default", "PUT"), ("documented", "PUT"), ("documented", "PATCH")])
def test_update_of_a_missing_id_has_its_own_text(profile: str, method: str) -> None:
    fake = FakeAutotask(profile)
    with fake.mock(), httpx.Client(headers=JSON) as client:
        errors = _errors(client.request(method, f"{BASE}/Tickets", json={"id": 999999, "title": "x"}))
    assert errors == [
        "No message. No matching records found. The logged in Resource may not have the "
        "required permissions to update the data."
    ]


def test_oversized_body_reports_its_own_size_in_process(fake: FakeAutotask, http: httpx.Client) -> None:
    for size in (4 * 1024 * 1024 + 1, 5 * 1024 * 1024 + 17):
        errors = _errors(http.post(f"{BASE}/Tickets", content=b"x" * size), status=413)
        assert errors == [f"The request body is {size} bytes; the limit is 4194304."]


def test_oversized_body_reports_its_own_size_over_http() -> None:
    size = 5 * 1024 * 1024 + 17

    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"x" * (1024 * 1024)
        yield b"x" * 17

    with ServedFake() as served, httpx.Client(base_url=served.base_url, headers=JSON) as client:
        declared = client.post("/Tickets", content=b"x" * size)
        chunked = client.post("/Tickets", content=chunks())  # no Content-Length: the size is not known
    assert _errors(declared, status=413) == [f"The request body is {size} bytes; the limit is 4194304."]
    assert _errors(chunked, status=413) == ["The request body is more than 4194304 bytes; the limit is 4194304."]


# -- 4. leniencies a client could come to rely on -----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "١٢"),
        ("status", "1_2"),
        ("status", "５"),
        ("priority", "\u00a02"),
        ("estimatedHours", "١.٥"),
        ("estimatedHours", "1_0.5"),
    ],
)
def test_digits_of_other_scripts_are_refused(
    fake: FakeAutotask, http: httpx.Client, company_id: int, field: str, value: str
) -> None:
    before = fake.snapshot()
    errors = _errors(http.post(f"{BASE}/Tickets", json=ticket_body(company_id, **{field: value})))
    assert errors[0].startswith(f"Unable to convert value '{value}' of field '{field}'")
    assert fake.snapshot() == before


def test_ascii_digits_in_strings_are_still_read(fake: FakeAutotask, http: httpx.Client, company_id: int) -> None:
    body = ticket_body(company_id, status=" 1 ", priority="+2", estimatedHours="1.5e0")
    ticket = http.post(f"{BASE}/Tickets", json=body).json()["itemId"]
    item = fake.get("Tickets", ticket)
    assert item is not None and (item["status"], item["priority"], item["estimatedHours"]) == (1, 2, 1.5)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (10**30, "1000000000000000000000000000000"),
        (2**31, "2147483648"),
        (-(2**31) - 1, "-2147483649"),
        (1e30, "1e+30"),
        ("9" * 5000, "9" * 5000),
    ],
)
def test_int32_fields_refuse_values_outside_int32(
    fake: FakeAutotask, http: httpx.Client, company_id: int, value: Any, text: str
) -> None:
    before = fake.snapshot()
    errors = _errors(http.post(f"{BASE}/Tickets", json=ticket_body(company_id, priority=value)))
    assert errors == [
        f"Unable to convert value '{text}' of field 'priority' to type integer: it is outside the "
        "range -2147483648 to 2147483647."
    ]
    assert fake.snapshot() == before


def test_long_fields_take_int64_and_refuse_beyond(http: httpx.Client, ticket_id: int) -> None:
    beyond = _errors(http.put(f"{BASE}/Tickets", json={"id": 2**63, "title": "x"}))[0]
    assert beyond.endswith("to type long: it is outside the range -9223372036854775808 to 9223372036854775807.")
    within = _errors(http.put(f"{BASE}/Tickets", json={"id": 2**40, "title": "x"}))[0]
    assert within.startswith("No message. No matching records found.")
    query = {"filter": [{"op": "eq", "field": "status", "value": 2**31}]}
    assert "outside the range" in _errors(http.post(f"{BASE}/Tickets/query", json=query))[0]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "text/xml; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ],
)
def test_a_body_declared_as_something_else_is_a_415(
    fake: FakeAutotask, http: httpx.Client, company_id: int, content_type: str
) -> None:
    before = fake.snapshot()
    media_type = content_type.split(";")[0]
    expected = f"The request entity's media type '{media_type}' is not supported for this resource."
    for method, path, body in (
        ("POST", "/Tickets/query", EVERY),
        ("POST", "/Tickets", ticket_body(company_id)),
        ("PUT", "/Tickets", {"id": 1, "title": "x"}),
    ):
        answer = http.request(
            method, BASE + path, content=json.dumps(body).encode(), headers={"Content-Type": content_type}
        )
        assert _message(answer, 415) == expected
    assert fake.snapshot() == before


@pytest.mark.parametrize(
    "content_type", [None, "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/json"]
)
def test_json_or_undeclared_bodies_are_read(fake: FakeAutotask, ticket_id: int, content_type: str | None) -> None:
    headers = dict(CREDENTIALS) if content_type is None else {**CREDENTIALS, "Content-Type": content_type}
    with fake.mock(), httpx.Client(headers=headers) as client:
        answer = client.post(f"{BASE}/Tickets/query", content=json.dumps(EVERY).encode())
    assert answer.status_code == 200 and [i["id"] for i in answer.json()["items"]] == [ticket_id]


def test_a_query_declared_as_text_over_http_is_a_415() -> None:
    with ServedFake() as served, httpx.Client(base_url=served.base_url, headers=CREDENTIALS) as client:
        answer = client.post(
            "/Tickets/query", content=json.dumps(EVERY).encode(), headers={"Content-Type": "text/plain"}
        )
    assert _message(answer, 415).startswith("The request entity's media type 'text/plain'")


def test_every_corpus_client_declares_a_content_type_the_fake_reads() -> None:
    exchanges = [
        json.loads(line)
        for journal in sorted((Path(__file__).parent / "corpus").glob("*/journal.jsonl"))
        for line in journal.read_text(encoding="utf-8").splitlines()
    ]
    writes = [e for e in exchanges if e["method"] in ("POST", "PUT", "PATCH") and e["request_json"] is not None]
    for e in writes:  # check_media_type raises for a body the fake would refuse
        check_media_type(ApiRequest(e["method"], e["url"], tuple(e["request_headers"].items()), b"{}"))
    assert len(writes) > 50


# -- any body the fake accepts can be read back -----------------------------------------------------------

_READ_BACK = FakeAutotask()
_TICKET_FIELDS = [f.name for f in _READ_BACK.catalog.get("Tickets").fields]  # type: ignore[union-attr]
# Any code point, lone surrogates often: written into the body as JSON escapes.
_CHARACTER = st.one_of(st.integers(0xD800, 0xDFFF), st.integers(0, 0x10FFFF), st.sampled_from([0, 0x22, 0x5C]))
_ANY_TEXT = st.lists(_CHARACTER.map(chr), max_size=12).map("".join)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | _ANY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_ANY_TEXT, children, max_size=3),
    max_leaves=6,
)
_STRING_FIELDS = ["title", "description", "resolution", "purchaseOrderNumber", "externalID", "changeInfoField1"]
# Mostly texts in string fields (accepted, so read back), then any value in any field, then any key at all.
_CHANGES = st.one_of(
    st.dictionaries(st.sampled_from(_STRING_FIELDS), _ANY_TEXT, min_size=1, max_size=4),
    st.dictionaries(st.sampled_from(_STRING_FIELDS), _ANY_TEXT, max_size=3).flatmap(
        lambda texts: st.dictionaries(st.sampled_from(_TICKET_FIELDS), _VALUES, max_size=2).map(
            lambda others: {**texts, **others}
        )
    ),
    st.dictionaries(_ANY_TEXT, _VALUES, max_size=2),
)


@given(changes=_CHANGES)
def test_any_ticket_body_the_fake_accepts_can_be_read_back(changes: dict[str, Any]) -> None:
    fake = _READ_BACK
    fake.reset()
    company = fake.seed("Companies", COMPANY)
    body = json.dumps({**ticket_body(company), **changes}, ensure_ascii=True).encode()  # surrogates as \udXXX
    with fake.mock(), httpx.Client(headers=JSON) as client:
        created = client.post(f"{BASE}/Tickets", content=body)
        assert created.status_code in (200, 500), created.text
        created.json()
        if created.status_code == 200:
            ticket = created.json()["itemId"]
            read = client.get(f"{BASE}/Tickets/{ticket}")
            assert read.status_code == 200 and read.json()["item"]["id"] == ticket
            query = {"filter": [{"op": "eq", "field": "id", "value": ticket}]}
            found = client.post(f"{BASE}/Tickets/query", json=query)
            assert found.status_code == 200 and [i["id"] for i in found.json()["items"]] == [ticket]
            searched = client.get(f"{BASE}/Tickets/query", params={"search": json.dumps(query)})
            assert searched.status_code == 200 and searched.json()["items"] == found.json()["items"]
        else:
            assert UNEXPECTED not in created.json()["errors"]
    json.dumps(fake.journal.to_dicts(), ensure_ascii=False).encode("utf-8")
