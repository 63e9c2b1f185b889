"""Reliability over real HTTP: concurrency, bad input and secrets."""

from __future__ import annotations

import json
import os
import random
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server import FakeAutotask, Limits
from harness.serving.server import ServedFake

from .conftest import CREDENTIALS, ticket_body
from .test_bad_input import BODIES, ENTITY_NAMES, QUERIES, SEGMENTS, _assert_error_envelope


def test_eight_threads_2000_mixed_operations_keep_every_write_whole() -> None:
    fake = FakeAutotask(limits=Limits.off())
    written: dict[int, list[dict[str, Any]]] = {}
    lock = threading.Lock()
    sent: list[str] = []

    def worker(n: int) -> None:
        rng = random.Random(n)
        mine: list[int] = []
        with httpx.Client(headers=CREDENTIALS, base_url=served.base_url) as http:
            for i in range(250):
                tag = f"w{n}-{i}"
                choice = rng.random()
                if choice < 0.35 or not mine:
                    body = ticket_body(0, title=tag, priority=rng.choice([1, 2, 3, 4]))
                    answer = http.post("/Tickets", json=body, headers={"X-Request-Tag": tag})
                    ticket = answer.json()["itemId"]
                    mine.append(ticket)
                    with lock:
                        written[ticket] = [body]
                elif choice < 0.75:
                    ticket = rng.choice([*mine, 1])  # sometimes another worker's ticket
                    body = ticket_body(0, id=ticket, title=tag, description=f"by {tag}", priority=rng.choice([1, 2]))
                    with lock:
                        written.setdefault(ticket, []).append(body)
                    answer = http.put("/Tickets", json=body, headers={"X-Request-Tag": tag})
                else:
                    answer = http.post(
                        "/Tickets/query",
                        headers={"X-Request-Tag": tag},
                        json={"filter": [{"op": "beginsWith", "field": "title", "value": f"w{n}-"}]},
                    )
                assert answer.status_code == 200, answer.text
                with lock:
                    sent.append(tag)

    with ServedFake(fake) as served:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(sent) == 2000
    tickets = fake.records("Tickets")
    assert len({t["id"] for t in tickets}) == len(tickets)
    for ticket in tickets:
        candidates = written[ticket["id"]]
        stored = {k: ticket[k] for k in ("title", "description", "priority")}
        assert any(stored == {k: body.get(k) for k in stored} for body in candidates), ticket["id"]
    tags = [e.request_headers.get("x-request-tag", "") for e in fake.journal]  # "" matches no tag sent
    assert sorted(tags) == sorted(sent)  # every exchange journalled exactly once


# -- bad input over HTTP ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_fake() -> Iterator[ServedFake]:
    with ServedFake(FakeAutotask(limits=Limits.off())) as served:
        yield served


@pytest.fixture(scope="module")
def http(served_fake: ServedFake) -> Iterator[httpx.Client]:
    # TCP_NODELAY: httpx writes headers and body separately, and Nagle plus delayed ACK would stall each by 40 ms.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with httpx.Client(base_url=served_fake.root_url, timeout=30, transport=transport) as client:
        yield client


class LargeBody(bytes):
    """A body over the API's size limit, shown by its length in failure reports."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes>"


HUGE = LargeBody(b'{"title": "' + b"x" * (4 * 1024 * 1024 + 10) + b'"}')
# One body in twenty is over the limit: enough to meet it often, few enough to keep 2,000 examples quick.
HTTP_BODIES = st.integers(0, 19).flatmap(lambda n: st.just(HUGE) if n == 0 else BODIES)
# Methods the HTTP parser (httptools) accepts; a made-up token such as FOO is refused by the server's
# parser with a plain-text 400 before any application sees it (docs/deviations.md).
HTTP_METHODS = st.sampled_from(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "PURGE"]
)


@settings(max_examples=2000 if os.environ.get("CI") else 200)
@given(
    method=HTTP_METHODS,
    entity=ENTITY_NAMES,
    segments=st.lists(SEGMENTS, max_size=4),
    query=QUERIES,
    body=HTTP_BODIES,
    credentials=st.booleans(),
)
def test_any_request_over_http_gets_a_json_error_envelope_and_changes_nothing(
    served_fake: ServedFake,
    http: httpx.Client,
    method: str,
    entity: str,
    segments: list[str],
    query: str,
    body: bytes,
    credentials: bool,
) -> None:
    fake = served_fake.fake
    fake.reset()
    ticket = fake.seed("Tickets", ticket_body(0))
    fake.seed("TicketNotes", {"ticketID": ticket, "title": "t", "description": "d", "noteType": 1, "publish": 1})
    before = fake.snapshot()
    path = "/".join(["", "ATServicesRest", "V1.0", entity, *segments])
    headers = dict(CREDENTIALS) if credentials else {}
    try:
        request = http.build_request(method, path + query, content=body, headers=headers)
    except (httpx.InvalidURL, UnicodeEncodeError):
        return  # the client library refuses to send it; nothing reached the server
    answer = http.send(request)
    assert answer.headers["content-type"].startswith("application/json")
    payload = answer.json() if method != "HEAD" else None
    if answer.status_code == 200:
        assert method == "HEAD" or isinstance(payload, dict)
    else:
        if method != "HEAD":
            _assert_error_envelope(answer.status_code, payload)
        assert fake.snapshot() == before


# -- secrets -----------------------------------------------------------------------------------------

hex_text = st.text(alphabet="0123456789abcdef", min_size=20, max_size=32)


@settings(max_examples=25)
@given(
    user=hex_text.map(lambda s: "zqU" + s),
    password=hex_text.map(lambda s: "zqP" + s),
    code=hex_text.map(lambda s: "zqC" + s),
)
def test_credentials_never_reach_the_served_journal_or_logs(
    tmp_path_factory: pytest.TempPathFactory, capfd: pytest.CaptureFixture[str], user: str, password: str, code: str
) -> None:
    journal = tmp_path_factory.mktemp("served") / "journal.jsonl"
    fake = FakeAutotask(limits=Limits.off())
    fake.journal.stream_to(journal)
    headers = {"ApiIntegrationcode": code, "UserName": user, "secret": password}
    with ServedFake(fake) as served, httpx.Client(headers=headers) as client:
        client.get(f"{served.base_url}/zoneInformation", params={"user": user})
        client.post(f"{served.base_url}/Tickets", json=ticket_body(0))
        client.post(f"{served.base_url}/Tickets", content=b"{broken")
        client.get(f"{served.base_url}/Nope")
    fake.journal.close()
    captured = capfd.readouterr()
    everything = journal.read_text("utf-8") + json.dumps(fake.journal.to_dicts()) + captured.out + captured.err
    for value in (user, password, code):
        assert value not in everything
    assert len(journal.read_text("utf-8").splitlines()) == 4
