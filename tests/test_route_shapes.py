"""A record's path routed by another record's route (its id put in): the same answers as routing it afresh,
credentials checked as ever, and nothing but plain record ids taken that way."""

from __future__ import annotations

import httpx

from fake_server import Credentials, FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body


def _ids(client: httpx.Client, path: str) -> object:
    answer = client.get(f"{BASE}{path}")
    item = answer.json().get("item")
    return answer.status_code, None if item is None else item["id"]


def test_records_not_asked_for_before_are_routed_by_one_shape(
    fake: FakeAutotask, client: httpx.Client, company_id: int
) -> None:
    tickets = [fake.seed("Tickets", ticket_body(company_id, title=f"t{i}")) for i in range(4)]
    notes = {
        t: fake.seed("TicketNotes", {"ticketID": t, "title": "n", "description": "d", "noteType": 1, "publish": 1})
        for t in tickets[:2]
    }
    assert [_ids(client, f"/Tickets/{t}") for t in tickets] == [(200, t) for t in tickets]
    assert _ids(client, "/Tickets/0099999") == (200, None)  # a missing record, by the profile's answer
    assert _ids(client, f"/Tickets/{tickets[0]:05d}") == (200, tickets[0])  # leading zeros: the same id
    first, second = tickets[:2]
    assert _ids(client, f"/Tickets/{first}/Notes/{notes[first]}") == (200, notes[first])
    assert _ids(client, f"/Tickets/{first}/Notes/{notes[second]}") == (200, None)  # another ticket's note
    assert _ids(client, f"/Tickets/{second}/Notes/{notes[second]}") == (200, notes[second])
    # One route each for /Tickets/{id} and for each ticket's /Notes/{id}: the rest put their id in.
    assert len(fake._shapes) == 3


def test_a_record_routed_by_its_shape_still_checks_credentials(fake: FakeAutotask, client: httpx.Client) -> None:
    client.get(f"{BASE}/Companies/0")
    wrong = {**CREDENTIALS, "Secret": "not it"}
    fake.credentials = Credentials(CREDENTIALS["UserName"], CREDENTIALS["Secret"], CREDENTIALS["ApiIntegrationCode"])
    with httpx.Client(transport=fake.transport(), headers=wrong) as other:
        refused = other.get(f"{BASE}/Companies/1")
    assert refused.status_code == 401


def test_only_plain_ids_are_put_into_a_route(fake: FakeAutotask, client: httpx.Client) -> None:
    client.get(f"{BASE}/Companies/0")
    assert client.get(f"{BASE}/Companies/%30").json()["item"]["id"] == 0  # routed afresh, as before
    assert client.get(f"{BASE}/Companies/12345678901234567890").status_code == 404  # past Int64: no route
    assert len(fake._shapes) == 1


def test_a_route_for_another_record_is_the_route_with_that_id(fake: FakeAutotask, client: httpx.Client) -> None:
    import dataclasses

    client.get(f"{BASE}/Companies/0")
    route = next(iter(fake._shapes.values()))[0]
    moved = route.with_record_id(41)
    assert moved == dataclasses.replace(route, record_id=41)
    assert moved.record_id == 41 and route.record_id != 41  # the original is left as it was
    assert dataclasses.asdict(moved) == {**dataclasses.asdict(route), "record_id": 41}
