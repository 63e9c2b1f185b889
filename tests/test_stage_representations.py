"""One representation per stage: a request body parsed once on its way from the adapter to the journal, an
answer's body parsed once however often it is read, and a journalled body kept as the bytes that were sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server import ApiRequest, ApiResponse, Exchange, FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body

JSON_CREDENTIALS = (*CREDENTIALS.items(), ("Content-Type", "application/json"))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every text any JSON reader of the process parses from now on: ``json.loads`` and the fake's own
    decoders all end in ``JSONDecoder.raw_decode``, and the fake reads most bodies with ``orjson.loads``."""
    seen: list[str] = []
    original = json.JSONDecoder.raw_decode
    original_orjson = orjson.loads

    def counted(self: json.JSONDecoder, text: str, idx: int = 0) -> tuple[Any, int]:
        seen.append(text)
        return original(self, text, idx)

    def counted_orjson(raw: bytes | str) -> Any:
        seen.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        return original_orjson(raw)

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", counted)
    monkeypatch.setattr(orjson, "loads", counted_orjson)
    yield seen


def _post(fake: FakeAutotask, body: bytes) -> ApiResponse:
    return fake.handle(ApiRequest("POST", f"{BASE}/Tickets", JSON_CREDENTIALS, body))


def test_a_write_body_the_journal_searches_for_credentials_is_parsed_once(
    fake: FakeAutotask, company: int, parses: list[str]
) -> None:
    # A secret-looking word and a \u escape: both make the journal look inside the body for credentials.
    body = json.dumps(ticket_body(company, title="password reset for café")).encode()
    assert b"\\u00e9" in body
    answer = _post(fake, body)
    assert answer.status == 200, answer.content()
    assert parses.count(body.decode()) == 1
    assert fake.journal[-1].request_body == body  # nothing to redact: kept as it was sent


def test_a_body_with_a_credential_key_is_parsed_once_and_still_redacted(
    fake: FakeAutotask, company: int, parses: list[str]
) -> None:
    sent = {**ticket_body(company), "password": "hunter2-never-kept"}
    body = json.dumps(sent).encode()
    answer = _post(fake, body)
    assert answer.status == 500  # Tickets has no field "password"; the body was read to find that out
    assert parses.count(body.decode()) == 1
    assert fake.journal[-1].request_body == json.dumps({**sent, "password": "REDACTED"}).encode()


def test_a_single_quoted_body_is_not_taken_for_strict_json(fake: FakeAutotask, company: int) -> None:
    # The API reads single-quoted pseudo-JSON; a JSON reader of those bytes does not, so what the handler
    # read is not what the journal's credential search may take for them.
    body = f"{{'companyID':{company},'title':'caf\\u00e9','status':1,'priority':2,'queueID':8}}".encode()
    request = ApiRequest("POST", f"{BASE}/Tickets", JSON_CREDENTIALS, body)
    fake.handle(request)
    assert fake.journal[-1].request_body == body


def test_an_answer_body_is_parsed_once_however_often_it_is_read(parses: list[str]) -> None:
    answer = ApiResponse(200, content=b'{"item":{"id":7,"title":"x"}}')
    first = answer.body
    assert answer.body is first and first == {"item": {"id": 7, "title": "x"}}
    assert parses.count('{"item":{"id":7,"title":"x"}}') == 1


def test_a_kept_answer_parses_its_body_for_each_reader(fake: FakeAutotask, ticket_id: int) -> None:
    # The fake hands one kept answer to every request that repeats a read: its readers must not share a dict.
    request = ApiRequest("GET", f"{BASE}/Tickets/{ticket_id}", tuple(CREDENTIALS.items()))
    fake.handle(request)
    second, third = fake.handle(request), fake.handle(request)
    second.body["item"]["title"] = "changed by one caller"
    assert third.body["item"]["title"] != "changed by one caller"


# Spacing, escapes a reader undoes (\u00e9, \/, \"), a key order and a number spelling a re-dump would change.
UNUSUAL = (
    b'{ "title" :  "caf\\u00e9 \\/ \\"quoted\\"" ,\n  "companyID":0,"status" : 1 , "priority":2.50e0 ,"queueID": 8 }'
)


def test_a_journalled_body_survives_to_dict_and_from_dict_byte_for_byte(fake: FakeAutotask) -> None:
    fake.handle(ApiRequest("POST", f"{BASE}/Tickets", JSON_CREDENTIALS, UNUSUAL))
    fake.handle(ApiRequest("POST", f"{BASE}/Tickets", JSON_CREDENTIALS, b"{not json at all"))
    for entry in fake.journal:
        back = Exchange.from_dict(json.loads(json.dumps(entry.to_dict())), entry.position)
        assert (back.request_body, back.response_body) == (entry.request_body, entry.response_body)
        assert back.request_json == entry.request_json and back.response_json == entry.response_json
    assert fake.journal[0].request_body == UNUSUAL


def test_a_streamed_journal_line_keeps_the_body_that_was_sent(fake: FakeAutotask, tmp_path: Any) -> None:
    from harness.traffic import load_traffic

    path = tmp_path / "journal.jsonl"
    fake.journal.stream_to(path)
    fake.handle(ApiRequest("POST", f"{BASE}/Tickets", JSON_CREDENTIALS, UNUSUAL))
    fake.journal.close()
    (read,) = load_traffic(path)
    assert read.request_body == UNUSUAL and read.request_json["title"] == 'café / "quoted"'
    assert read.response_body == fake.journal[0].response_body


def test_a_body_the_fake_wrote_is_kept_once_in_a_journal_line(fake: FakeAutotask, ticket_id: int) -> None:
    # The fake's own answers are compact JSON, rebuilt exactly from their parsed form: no second copy.
    fake.handle(ApiRequest("GET", f"{BASE}/Tickets/{ticket_id}", tuple(CREDENTIALS.items())))
    line = fake.journal[-1].to_dict()
    assert "response_body" not in line and line["response_json"]["item"]["id"] == ticket_id


def test_a_single_quoted_body_keeps_no_credential_in_the_journal(fake: FakeAutotask, company: int) -> None:
    # The API reads single-quoted pseudo-JSON, so the journal's search for credentials must read it too.
    body = f"{{'companyID':{company},'title':'x','Secret':'hunter2-never-kept','status':1}}".encode()
    fake.handle(ApiRequest("POST", f"{BASE}/Tickets", JSON_CREDENTIALS, body))
    kept = fake.journal[-1].request_body
    assert b"hunter2" not in kept and json.loads(kept)["Secret"] == "REDACTED"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    calls=st.lists(
        st.tuples(
            st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
            st.sampled_from(
                ["/Tickets/1", "/Tickets/query", "/Tickets", "/Tickets/entityInformation/fields", "/Nope", "/Tickets/x"]
            ),
            st.one_of(st.just(b""), st.binary(max_size=40), st.builds(lambda v: json.dumps(v).encode(), VALUES)),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_answer_the_fake_journals_is_written_back_from_its_json_byte_for_byte(
    calls: list[tuple[str, str, bytes]],
) -> None:
    # The journal writes the fake's own answers to its lines without their text (Exchange.to_dict's
    # own_answer): that holds only while every answer the fake writes is what from_dict writes back.
    fake = FakeAutotask()
    fake.seed("Tickets", {"companyID": 0, "title": 'caf\u00e9 \u2028 "q" \\', "status": 1, "priority": 2})
    for method, path, body in calls:
        fake.handle(ApiRequest(method, BASE + path, JSON_CREDENTIALS, body))
    for entry in fake.journal:
        if entry.response_json is not None:  # compared, the answer's text is not needed to write it back
            assert "response_body" not in entry.to_dict(), entry.response_body
