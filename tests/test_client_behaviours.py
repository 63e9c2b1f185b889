"""What published clients rely on in production: booleans never null, and the API user found by its name."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.sample import sample_snapshot
from harness.serving.server import ServedFake

from .conftest import BASE, CREDENTIALS, ticket_body

# The booleans django-autotask's sync stores in NOT NULL columns, and that the sample used to leave null.
BOOLEANS = {
    "TimeEntries": ("isNonBillable", "showOnInvoice"),
    "Tickets": ("isAssignedToComanaged", "isVisibleToComanaged"),
}


def _time_entry(ticket: int) -> dict[str, Any]:
    return {"ticketID": ticket, "resourceID": 29682899, "dateWorked": "2026-01-05T00:00:00Z", "hoursWorked": 1}


def _via_seed(fake: FakeAutotask) -> None:
    ticket = fake.seed("Tickets", ticket_body(0))
    fake.seed("TimeEntries", _time_entry(ticket))


def _via_snapshot(fake: FakeAutotask) -> None:
    fake.load_snapshot({"Tickets": [{"id": 7, **ticket_body(0)}], "TimeEntries": [_time_entry(7)]})


def _via_sample(fake: FakeAutotask) -> None:
    fake.load_snapshot(sample_snapshot(tickets=20))


def _via_state_api(fake: FakeAutotask) -> None:
    snapshot = {
        "Tickets": [{"id": 7, **ticket_body(0), "isAssignedToComanaged": None}],
        "TimeEntries": [_time_entry(7)],
    }
    with ServedFake(fake, state_api=True) as served:
        answer = httpx.post(f"{served.root_url}/_harness/seed", content=json.dumps(snapshot))
        assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "put_in",
    [_via_seed, _via_snapshot, _via_sample, _via_state_api],
    ids=["fake.seed", "seed file", "sample", "/_harness/seed"],
)
def test_seeded_records_answer_booleans_never_null(put_in: Callable[[FakeAutotask], None]) -> None:
    fake = FakeAutotask()
    put_in(fake)
    for entity, names in BOOLEANS.items():
        records = fake.records(entity)
        assert records, entity
        for record in records:
            assert all(isinstance(record[name], bool) for name in names), (entity, record["id"])


def test_seeded_booleans_match_what_a_create_through_the_api_gives(client: httpx.Client, fake: FakeAutotask) -> None:
    seeded = fake.get("Tickets", fake.seed("Tickets", ticket_body(0)))
    created_id = client.post(f"{BASE}/Tickets", json=ticket_body(0)).json()["itemId"]
    created = client.get(f"{BASE}/Tickets/{created_id}").json()["item"]
    assert seeded is not None
    for name in BOOLEANS["Tickets"]:
        assert seeded[name] is created[name] is False


def test_a_seeded_boolean_keeps_the_value_it_was_given(fake: FakeAutotask) -> None:
    ticket = fake.get("Tickets", fake.seed("Tickets", ticket_body(0, isVisibleToComanaged=True)))
    assert ticket is not None and ticket["isVisibleToComanaged"] is True


@pytest.mark.parametrize("username", ["someone@example.invalid", "API-Robot@Example.invalid"])
def test_api_user_is_found_as_a_resource_by_the_callers_user_name(fake: FakeAutotask, username: str) -> None:
    # autotask-client resolves "who am I" this way; real Autotask keeps the API user as a Resource.
    headers = {**CREDENTIALS, "UserName": username}
    with fake.mock(), httpx.Client(headers=headers) as http:
        found = http.post(
            f"{BASE}/Resources/query", json={"filter": [{"op": "eq", "field": "email", "value": username}]}
        ).json()["items"]
        by_id = http.get(f"{BASE}/Resources/{fake.profile.api_resource_id}").json()["item"]
    assert [r["id"] for r in found] == [fake.profile.api_resource_id]
    # Found by the caller's name, shown by the profile's: the caller's name is kept nowhere (issue 22).
    assert found[0]["email"] == by_id["email"] == found[0]["userName"] == fake.profile.api_user["user_name"]
    assert username not in json.dumps(fake.export_snapshot())


def test_api_user_is_found_by_each_caller_and_keeps_no_stale_answer(fake: FakeAutotask) -> None:
    found = []
    with fake.mock():
        for username, sought in [("first@x.invalid", "first@x.invalid"), ("second@x.invalid", "first@x.invalid")]:
            query = {"filter": [{"op": "eq", "field": "email", "value": sought}]}
            with httpx.Client(headers={**CREDENTIALS, "UserName": username}) as http:
                found.append([r["id"] for r in http.post(f"{BASE}/Resources/query", json=query).json()["items"]])
    # The second caller is not the first: the same query, answered while the first was kept, finds no one.
    assert found == [[fake.profile.api_resource_id], []]


def test_a_failed_read_of_resources_leaves_the_api_user_as_it_was(fake: FakeAutotask) -> None:
    before = fake.snapshot()
    with fake.mock(), httpx.Client(headers={**CREDENTIALS, "UserName": "other@example.invalid"}) as http:
        answer = http.post(f"{BASE}/Resources/query", json={"filter": [{"op": "eq", "field": "nope", "value": 1}]})
        refused = http.put(f"{BASE}/Resources", content=b"null", headers={"Content-Type": "application/json"})
    assert answer.status_code == 500 and refused.status_code == 500
    assert fake.snapshot() == before


def test_a_snapshot_with_invoice_settings_loads_into_a_fresh_fake(fake: FakeAutotask, client: httpx.Client) -> None:
    client.put(f"{BASE}/Companies/0/invoiceSettings", json={"id": 0})
    FakeAutotask().load_snapshot(fake.export_snapshot())
