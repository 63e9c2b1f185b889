"""Credentials, impersonation and the system fields the server stamps."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from fake_server import Credentials, FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body


@pytest.mark.parametrize("missing", ["ApiIntegrationCode", "UserName", "Secret"])
def test_missing_credentials_header_is_401(fake: FakeAutotask, missing: str) -> None:
    headers = {k: v for k, v in CREDENTIALS.items() if k != missing}
    with fake.mock(), httpx.Client(headers=headers) as http:
        answer = http.get(f"{BASE}/Companies/0")
    assert answer.status_code == 401
    assert answer.json()["errors"]


def test_credentials_header_names_match_in_any_casing(fake: FakeAutotask) -> None:
    headers = {"APIIntegrationcode": "code", "Username": "user", "secret": "s"}
    with fake.mock(), httpx.Client(headers=headers) as http:
        assert http.get(f"{BASE}/Companies/0").status_code == 200


def test_wrong_user_or_secret_is_401_and_wrong_integration_code_is_500() -> None:
    fake = FakeAutotask(credentials=Credentials("user", "secret", "code"))
    good = {"ApiIntegrationCode": "code", "UserName": "user", "Secret": "secret"}
    with fake.mock(), httpx.Client() as http:
        assert http.get(f"{BASE}/Companies/0", headers=good).status_code == 200
        assert http.get(f"{BASE}/Companies/0", headers={**good, "Secret": "nope"}).status_code == 401
        assert http.get(f"{BASE}/Companies/0", headers={**good, "UserName": "nope"}).status_code == 401
        wrong_code = http.get(f"{BASE}/Companies/0", headers={**good, "ApiIntegrationCode": "nope"})
    assert (wrong_code.status_code, wrong_code.json()) == (500, {"errors": ["IntegrationCode is invalid."]})


def test_unauthenticated_write_changes_nothing(fake: FakeAutotask) -> None:
    before = fake.snapshot()
    with fake.mock(), httpx.Client() as http:
        assert http.post(f"{BASE}/Tickets", json=ticket_body(0)).status_code == 401
    assert fake.snapshot() == before


def test_impersonation_sets_creator_on_create_and_never_on_update(client: httpx.Client, fake: FakeAutotask) -> None:
    ticket = client.post(
        f"{BASE}/Tickets", json=ticket_body(0), headers={"ImpersonationResourceId": "29682899"}
    ).json()["itemId"]
    created = fake.get("Tickets", ticket)
    assert created is not None and created["impersonatorCreatorResourceID"] == 29682899
    client.put(
        f"{BASE}/Tickets", json={**created, "title": "changed"}, headers={"ImpersonationResourceId": "4"}
    ).raise_for_status()
    updated = fake.get("Tickets", ticket)
    assert updated is not None and updated["impersonatorCreatorResourceID"] == 29682899


def test_impersonator_fields_in_the_body_are_ignored(client: httpx.Client, fake: FakeAutotask) -> None:
    ticket = client.post(f"{BASE}/Tickets", json=ticket_body(0, impersonatorCreatorResourceID=4)).json()["itemId"]
    assert fake.get("Tickets", ticket)["impersonatorCreatorResourceID"] is None  # type: ignore[index]


def test_impersonating_an_unknown_resource_fails(client: httpx.Client, fake: FakeAutotask) -> None:
    answer = client.post(f"{BASE}/Tickets", json=ticket_body(0), headers={"ImpersonationResourceId": "777"})
    assert answer.status_code == 500
    assert fake.records("Tickets") == []


def test_impersonated_completion_stamps_the_impersonated_resource(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int
) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    client.put(
        f"{BASE}/Tickets", json={**item, "status": 5}, headers={"ImpersonationResourceId": "29682899"}
    ).raise_for_status()
    assert fake.get("Tickets", ticket_id)["completedByResourceID"] == 29682899  # type: ignore[index]


def test_times_are_returned_in_utc_in_the_api_format(client: httpx.Client, fake: FakeAutotask) -> None:
    ticket = client.post(f"{BASE}/Tickets", json=ticket_body(0, dueDateTime="2026-12-01T18:30:00.250+01:00"))
    item = client.get(f"{BASE}/Tickets/{ticket.json()['itemId']}").json()["item"]
    assert item["dueDateTime"] == "2026-12-01T17:30:00.25Z"
    created = datetime.fromisoformat(item["createDate"].replace("Z", "+00:00"))
    assert created.tzinfo == UTC and item["createDate"].endswith("Z")


def test_naive_input_times_are_taken_as_utc(client: httpx.Client) -> None:
    ticket = client.post(f"{BASE}/Tickets", json=ticket_body(0, dueDateTime="2026-12-01T18:30:00")).json()["itemId"]
    assert client.get(f"{BASE}/Tickets/{ticket}").json()["item"]["dueDateTime"] == "2026-12-01T18:30:00Z"


def test_last_tracked_modification_moves_on_every_change(client: httpx.Client, ticket_id: int) -> None:
    stamps = []
    for title in ("one", "two", "three"):
        item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
        stamps.append(item["lastTrackedModificationDateTime"])
        client.put(f"{BASE}/Tickets", json={**item, "title": title}).raise_for_status()
    stamps.append(client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]["lastTrackedModificationDateTime"])
    parsed = [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps]
    assert parsed == sorted(parsed) and len(set(parsed)) == 4


def test_creator_and_ticket_number_are_stamped_on_create(client: httpx.Client) -> None:
    ticket = client.post(f"{BASE}/Tickets", json=ticket_body(0)).json()["itemId"]
    item = client.get(f"{BASE}/Tickets/{ticket}").json()["item"]
    assert item["creatorResourceID"] == 29682885
    assert item["ticketNumber"].startswith("T2026") and len(item["ticketNumber"].split(".")) == 3


def test_a_path_answered_before_is_still_authenticated(fake: FakeAutotask) -> None:
    # Routes are cached per (method, path); the credentials must be checked on every request all the same.
    with fake.mock(), httpx.Client() as http:
        url = f"{BASE}/Tickets/entityInformation"
        assert http.get(url, headers=CREDENTIALS).status_code == 200
        assert http.get(url).status_code == 401
        assert http.get(url, headers={**CREDENTIALS, "Secret": ""}).status_code == 401
        assert http.get(url, headers=CREDENTIALS).status_code == 200
