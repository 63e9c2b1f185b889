"""The journal: every exchange in order, as plain values, with no credential in it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server import FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body


def test_journal_records_every_exchange_in_order(client: httpx.Client, fake: FakeAutotask) -> None:
    created = client.post(f"{BASE}/Tickets", json=ticket_body(0)).json()["itemId"]
    client.get(f"{BASE}/Tickets/{created}")
    client.patch(f"{BASE}/Tickets", json={"id": created})
    client.get(f"{BASE}/Nope")
    entries = fake.journal.to_dicts()
    assert [(e["method"], e["status"]) for e in entries] == [("POST", 200), ("GET", 200), ("PATCH", 405), ("GET", 404)]
    assert entries[0]["request_json"]["title"] == "Printer offline"
    assert entries[0]["response_json"] == {"itemId": created}
    assert entries[1]["response_json"]["item"]["id"] == created
    assert entries[1]["url"] == f"{BASE}/Tickets/{created}"
    json.dumps(entries)  # plain values only


def test_journal_keeps_non_json_bodies_as_text(client: httpx.Client, fake: FakeAutotask) -> None:
    client.post(f"{BASE}/Tickets", content=b"{not json", headers={"Content-Type": "application/json"})
    entry = fake.journal[-1]
    assert (entry.request_json, entry.request_text, entry.status) == (None, "{not json", 500)


def test_reset_empties_the_journal(client: httpx.Client, fake: FakeAutotask) -> None:
    client.get(f"{BASE}/Companies/0")
    fake.reset()
    assert len(fake.journal) == 0


# A marker prefix keeps a random secret from matching ordinary journal text by chance.
secret_text = st.text(alphabet="0123456789abcdefABCDEF-_", min_size=16, max_size=40).map(lambda s: "zq" + s)
casing = st.sampled_from([str.lower, str.upper, lambda s: s])


@given(user=secret_text, secret=secret_text, code=secret_text, case=casing)
def test_credentials_never_reach_the_journal_dump_or_logs(
    tmp_path_factory: pytest.TempPathFactory,
    caplog: pytest.LogCaptureFixture,
    user: str,
    secret: str,
    code: str,
    case: object,
) -> None:
    fake = FakeAutotask()
    names = ["UserName", "Secret", "ApiIntegrationCode"]
    headers = {case(n): v for n, v in zip(names, (user, secret, code), strict=True)}  # type: ignore[operator]
    with caplog.at_level(logging.DEBUG), fake.mock(), httpx.Client(headers=headers) as http:
        http.get(f"{BASE}/Companies/0")
        http.post(f"{BASE}/Tickets", json=ticket_body(0))
        http.post(f"{BASE}/Tickets", content=b"garbage")
    path = Path(tmp_path_factory.mktemp("journal")) / "journal.jsonl"
    fake.journal.dump_jsonl(path)
    dumped = path.read_text("utf-8") + json.dumps(fake.journal.to_dicts()) + caplog.text
    for value in (user, secret, code):
        assert value not in dumped
    assert len(path.read_text("utf-8").splitlines()) == 3


def test_authorization_header_is_scrubbed_too(fake: FakeAutotask) -> None:
    with fake.mock(), httpx.Client(headers={**CREDENTIALS, "Authorization": "Bearer tok-123456"}) as http:
        http.get(f"{BASE}/Companies/0")
    assert "tok-123456" not in json.dumps(fake.journal.to_dicts())
    assert "user-agent" in {k.lower() for k in fake.journal[0].request_headers}


def test_equal_answers_are_stored_once(client: httpx.Client, fake: FakeAutotask, company_id: int) -> None:
    # The bytes-per-exchange figure in docs/speed.md rests on this: polling one record keeps one copy of its answer.
    ticket = fake.seed("Tickets", ticket_body(company_id))
    first, second = (client.get(f"{BASE}/Tickets/{ticket}") for _ in range(2))
    assert first.content == second.content
    assert fake.journal[0].response_body is fake.journal[1].response_body
    client.put(f"{BASE}/Tickets", json={**first.json()["item"], "title": "Changed"})
    changed = client.get(f"{BASE}/Tickets/{ticket}")
    assert fake.journal[3].response_body == changed.content != first.content


def test_equal_answers_made_afresh_are_stored_once_and_as_sent(
    client: httpx.Client, fake: FakeAutotask, company_id: int
) -> None:
    # Requests that no kept answer serves (another URL, another spacing of one query) make their answers
    # again; the journal still keeps one copy of equal ones, and always the bytes the client was sent: an item,
    # a page of several items, an empty page, and a page pointing to the next.
    for title in ("A", "B", "C"):
        fake.seed("Tickets", ticket_body(company_id, title=title))
    ticket = fake.records("Tickets")[0]["id"]
    query = {"filter": [{"op": "eq", "field": "companyID", "value": company_id}]}
    nothing = {"filter": [{"op": "eq", "field": "title", "value": "none such"}]}
    sent = []
    for spacing in (None, 1):
        sent.append(client.get(f"{BASE}/Tickets/{ticket}" + ("?x=1" if spacing else "")))
        for body in (query, nothing, {**query, "MaxRecords": 2}):
            sent.append(client.post(f"{BASE}/Tickets/query", content=json.dumps(body, indent=spacing)))
    assert [answer.status_code for answer in sent] == [200] * 8
    assert 'nextPageUrl":"http' in sent[3].text and '"count":0' in sent[2].text and '"count":3' in sent[1].text
    journalled = [exchange.response_body for exchange in fake.journal]
    assert journalled == [answer.content for answer in sent]
    assert all(journalled[at] is journalled[at + 4] for at in range(4))


def test_exchanges_are_plain_data(client: httpx.Client, fake: FakeAutotask) -> None:
    # Users ship exchanges between processes (xdist) and dump them as JSON: keep them plain.
    import copy
    import dataclasses
    import pickle

    client.get(f"{BASE}/Tickets/1")
    exchange = fake.journal[0]
    assert pickle.loads(pickle.dumps(exchange)) == exchange == copy.deepcopy(exchange)
    assert json.loads(json.dumps(exchange.request_headers)) == exchange.request_headers
    assert dataclasses.asdict(exchange)["status"] == 200
    with pytest.raises(dataclasses.FrozenInstanceError):
        exchange.status = 500  # type: ignore[misc]
    assert fake.journal[0].status == 200


def test_repeated_headers_and_urls_are_kept_once_yet_read_as_separate_values(
    client: httpx.Client, fake: FakeAutotask
) -> None:
    # The figure in docs/speed.md rests on this as well.
    for _ in range(3):
        client.get(f"{BASE}/Companies/0")
    first, second = fake.journal._row(1), fake.journal._row(3)
    assert first[1] is second[1] and first[2] is second[2]
    exchange = fake.journal[0]
    exchange.request_headers["x-changed"] = "yes"
    assert "x-changed" not in fake.journal[0].request_headers
    assert "x-changed" not in fake.journal[2].request_headers
