"""Kept answers: a read answered from the fake's answer cache is always the answer it would make afresh."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_server import Credentials, FakeAutotask, Tenant

from .conftest import BASE, CREDENTIALS, TickingClock, ticket_body


class Forgetful(dict[Any, Any]):
    """An answer cache that keeps nothing, so every read is made afresh: the oracle."""

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


def tenant(*, forgetful: bool = False) -> FakeAutotask:
    fake = FakeAutotask(clock=TickingClock())
    if forgetful:
        fake._answers = Forgetful()
    company = fake.seed("Companies", {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4})
    for title in ("Printer offline", "VPN down"):
        ticket = fake.seed("Tickets", ticket_body(company, title=title))
        fake.seed(
            "TimeEntries",
            {
                "ticketID": ticket,
                "resourceID": 4,
                "dateWorked": "2026-11-20",
                "hoursWorked": 1.5,
                "summaryNotes": "Looked into it.",
            },
        )
    return fake


TITLES = st.sampled_from(["Printer offline", "VPN down", "Mail bounce"])
TICKETS = st.sampled_from([1, 2, 3, 99])
READS = st.one_of(
    st.tuples(st.just("GET"), TICKETS.map(lambda i: f"/Tickets/{i}"), st.none()),
    st.tuples(st.just("GET"), TICKETS.map(lambda i: f"/Tickets/{i}/Notes"), st.none()),
    st.tuples(
        st.just("POST"),
        st.just("/Tickets/query"),
        TITLES.map(lambda t: {"filter": [{"op": "eq", "field": "title", "value": t}]}),
    ),
    st.tuples(st.just("POST"), st.just("/Tickets/query/count"), st.just({"filter": [{"op": "exist", "field": "id"}]})),
    st.tuples(
        st.just("POST"),
        st.just("/TimeEntries/query"),
        st.just({"filter": [{"op": "gte", "field": "id", "value": 0}], "MaxRecords": 1}),
    ),
)
WRITES = st.one_of(
    st.tuples(st.just("PUT"), TICKETS, TITLES),
    st.tuples(st.just("POST"), st.just(0), TITLES),
    st.tuples(st.just("NOTE"), TICKETS, st.just("Called back.")),
    st.tuples(st.just("DELETE"), st.sampled_from([1, 2, 5]), st.just("")),
    st.tuples(st.just("SEED"), st.just(0), TITLES),
    st.tuples(st.just("RESET"), st.just(0), st.just("")),
)


def apply(fake: FakeAutotask, http: httpx.Client, step: tuple[Any, ...]) -> tuple[int, Any]:
    kind = step[0]
    if len(step) == 3 and isinstance(step[1], str):  # a read
        method, path, body = step
        answer = http.request(method, f"{BASE}{path}", json=body)
        return answer.status_code, answer.json()
    _, target, text = step
    if kind == "PUT":
        current = fake.get("Tickets", target)
        answer = http.put(f"{BASE}/Tickets", json={**(current or {"id": target}), "title": text})
    elif kind == "POST":
        answer = http.post(f"{BASE}/Tickets", json=ticket_body(1, title=text))
    elif kind == "NOTE":
        answer = http.post(
            f"{BASE}/Tickets/{target}/Notes", json={"title": "Update", "description": text, "noteType": 1, "publish": 1}
        )
    elif kind == "DELETE":
        answer = http.delete(f"{BASE}/TimeEntries/{target}")
    elif kind == "SEED":
        return 0, fake.seed("Tickets", ticket_body(1, title=text))
    else:
        fake.reset()
        return 0, None
    return answer.status_code, answer.json()


@given(steps=st.lists(st.one_of(READS, READS, WRITES), min_size=1, max_size=30))
def test_every_read_equals_the_answer_made_afresh(steps: list[tuple[Any, ...]]) -> None:
    kept, fresh = tenant(), tenant(forgetful=True)
    with kept.mock(), httpx.Client(headers=CREDENTIALS) as http:
        seen_by_kept = [apply(kept, http, step) for step in steps]
    with fresh.mock(), httpx.Client(headers=CREDENTIALS) as http:
        seen_afresh = [apply(fresh, http, step) for step in steps]
    assert seen_by_kept == seen_afresh
    assert [e.response_body for e in kept.journal] == [e.response_body for e in fresh.journal]


def test_a_repeated_read_is_made_once_until_a_record_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_server import handlers

    made: list[str] = []
    real_read, real_write = handlers._read_item, handlers._write

    def reading(tenant: Tenant, route: Any, record_id: Any) -> Any:
        made.append(f"read {route.endpoint.kind}")
        return real_read(tenant, route, record_id)

    def writing(tenant: Tenant, route: Any, request: Any, *args: Any) -> Any:
        made.append(f"{request.method} {route.endpoint.kind}")
        return real_write(tenant, route, request, *args)

    # The handlers look these up in their own module, so that is where an answer's making is counted.
    monkeypatch.setattr(handlers, "_read_item", reading)
    monkeypatch.setattr(handlers, "_write", writing)
    fake = FakeAutotask(clock=TickingClock())
    ticket = fake.seed("Tickets", ticket_body(0))
    note = {"title": "t", "description": "d", "noteType": 1, "publish": 1}
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        first, second = (http.get(f"{BASE}/Tickets/{ticket}") for _ in range(2))
        http.post(f"{BASE}/Tickets/{ticket}/Notes", json=note)
        third, fourth = (http.get(f"{BASE}/Tickets/{ticket}") for _ in range(2))
    # Any record changing retires every kept answer, even one the change did not touch.
    assert made == ["read item", "POST child_collection", "read item"]
    assert first.content == second.content and third.content == fourth.content


def test_a_kept_answer_is_still_authenticated() -> None:
    fake = FakeAutotask(
        credentials=Credentials(CREDENTIALS["UserName"], CREDENTIALS["Secret"], CREDENTIALS["ApiIntegrationCode"])
    )
    with fake.mock(), httpx.Client() as http:
        url = f"{BASE}/Companies/0"
        assert http.get(url, headers=CREDENTIALS).status_code == 200
        assert http.get(url, headers={**CREDENTIALS, "Secret": "wrong"}).status_code == 401
        assert http.get(url, headers={**CREDENTIALS, "UserName": ""}).status_code == 401
        assert http.get(url, headers={k: v for k, v in CREDENTIALS.items() if k != "Secret"}).status_code == 401
        assert http.get(url, headers=CREDENTIALS).status_code == 200
    assert [e.status for e in fake.journal] == [200, 401, 401, 401, 200]


def test_kept_query_pages_point_back_at_the_host_each_client_used(fake: FakeAutotask, company_id: int) -> None:
    for title in ("a", "b"):
        fake.seed("Tickets", ticket_body(company_id, title=title))
    query = {"filter": [{"op": "exist", "field": "id"}], "MaxRecords": 1}
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        urls = [
            http.post(f"https://{host}/ATServicesRest/V1.0/Tickets/query", json=query).json()["pageDetails"][
                "nextPageUrl"
            ]
            for host in ("webservices19.autotask.net", "webservices2.autotask.net", "webservices19.autotask.net")
        ]
    assert urls[0].startswith("https://webservices19.autotask.net/")
    assert urls[1].startswith("https://webservices2.autotask.net/")
    assert urls[2] == urls[0]


def test_answers_and_plans_of_huge_query_texts_are_not_kept(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int
) -> None:
    # A cache keyed by megabyte-sized query texts would hold megabytes per entry.
    numbers = [f"T20991231.{n:05d}" for n in range(6_000)]
    query = {"filter": [{"op": "in", "field": "ticketNumber", "value": numbers}]}
    small = {"filter": [{"op": "eq", "field": "id", "value": ticket_id}]}
    for body in (query, query, small):
        assert client.post(f"{BASE}/Tickets/query", json=body).status_code == 200
    assert len(fake._answers) == 1 and len(fake.plans._plans) == 1


def test_requests_sharing_a_kept_answer_each_get_their_own_body(fake: FakeAutotask) -> None:
    from fake_server import ApiRequest

    request = ApiRequest("GET", f"{BASE}/Tickets/entityInformation", tuple(CREDENTIALS.items()))
    first, second, third = (fake.handle(request) for _ in range(3))
    assert first.content() == second.content() == third.content()
    second.body["info"]["name"] = "changed by a caller"
    assert third.body["info"]["name"] == "Ticket" and second.body["info"]["name"] == "Ticket"
