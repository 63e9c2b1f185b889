"""Seeding, resetting, reference data, UDF writes, and verbs following entityInformation."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import httpx
import pytest

from fake_server import FakeAutotask

from .conftest import BASE, CREDENTIALS, ticket_body


def test_fresh_fake_holds_reference_records(fake: FakeAutotask) -> None:
    assert fake.get("Companies", 0) is not None
    assert {r["id"] for r in fake.records("Resources")} == {4, 29682885, 29682899}
    assert fake.records("Tickets") == []


def test_fresh_fake_has_queues_and_statuses_as_picklists(client: httpx.Client) -> None:
    fields = {f["name"]: f for f in client.get(f"{BASE}/Tickets/entityInformation/fields").json()["fields"]}
    assert fields["queueID"]["isPickList"] and fields["queueID"]["picklistValues"]
    assert fields["status"]["isPickList"] and fields["status"]["picklistValues"]


def test_seed_returns_the_id_and_fills_system_fields(fake: FakeAutotask) -> None:
    ticket = fake.seed("Tickets", ticket_body(0))
    stored = fake.get("Tickets", ticket)
    assert stored is not None
    assert stored["ticketNumber"] and stored["createDate"] and stored["lastTrackedModificationDateTime"]


def test_seed_keeps_given_ids_and_numbers(fake: FakeAutotask) -> None:
    ticket = fake.seed("Tickets", ticket_body(0, id=29296, ticketNumber="T20200924.0046.051"))
    assert ticket == 29296
    assert fake.get("Tickets", 29296)["ticketNumber"] == "T20200924.0046.051"  # type: ignore[index]
    assert fake.seed("Tickets", ticket_body(0)) == 29297


def test_seed_matches_field_names_case_insensitively_and_coerces(fake: FakeAutotask) -> None:
    ticket = fake.seed("tickets", {"CompanyID": "0", "Title": "x", "Status": "5", "Priority": 1})
    stored = fake.get("Tickets", ticket)
    assert stored is not None and (stored["companyID"], stored["status"]) == (0, 5)


def test_seed_rejects_unknown_entity_or_field(fake: FakeAutotask) -> None:
    with pytest.raises(ValueError, match="no entity"):
        fake.seed("Nope", {})
    with pytest.raises(ValueError, match="no field"):
        fake.seed("Tickets", {"nope": 1})


def test_reset_returns_to_the_fresh_state(fake: FakeAutotask) -> None:
    fresh = fake.snapshot()
    fake.seed("Tickets", ticket_body(0))
    fake.seed("Companies", {"companyName": "X", "companyType": 1, "ownerResourceID": 4, "phone": "1"})
    fake.reset()
    assert fake.snapshot() == fresh
    assert fake.seed("Tickets", ticket_body(0)) == 1


def test_reset_restarts_ticket_numbering(fake: FakeAutotask) -> None:
    first = fake.get("Tickets", fake.seed("Tickets", ticket_body(0)))
    fake.reset()
    again = fake.get("Tickets", fake.seed("Tickets", ticket_body(0)))
    assert first is not None and again is not None and first["ticketNumber"] == again["ticketNumber"]


def test_patch_with_a_udf_updates_only_that_udf(client: httpx.Client, fake: FakeAutotask) -> None:
    company = fake.seed(
        "Companies",
        {
            "companyName": "U",
            "companyType": 1,
            "ownerResourceID": 4,
            "phone": "1",
            "userDefinedFields": [
                {"name": "CustomerRanking", "value": "Golden"},
                {"name": "Number of Employees", "value": "12"},
            ],
        },
    )
    client.patch(
        f"{BASE}/Companies", json={"id": company, "userDefinedFields": [{"name": "Number of Employees", "value": 40}]}
    ).raise_for_status()
    stored = fake.get("Companies", company)
    assert stored is not None and stored["companyName"] == "U"
    assert {u["name"]: u["value"] for u in stored["userDefinedFields"]} == {
        "CustomerRanking": "Golden",
        "Number of Employees": "40",
    }


def test_udf_value_of_the_wrong_type_is_rejected(client: httpx.Client, fake: FakeAutotask) -> None:
    company = fake.seed("Companies", {"companyName": "U", "companyType": 1, "ownerResourceID": 4, "phone": "1"})
    answer = client.patch(
        f"{BASE}/Companies",
        json={"id": company, "userDefinedFields": [{"name": "Number of Employees", "value": "many"}]},
    )
    assert answer.status_code == 500


def test_verbs_follow_entity_information_flags(tmp_path: Path) -> None:
    data = json.loads(resources.files("fake_server").joinpath("entities/ContactGroups.json").read_text("utf-8"))
    data["info"]["canCreate"] = False
    data["info"]["canDelete"] = False
    (tmp_path / "ContactGroups.json").write_text(json.dumps(data), encoding="utf-8")
    fake = FakeAutotask(entity_dirs=(tmp_path,))
    group = fake.seed("ContactGroups", {"name": "G", "isActive": True})
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        assert http.post(f"{BASE}/ContactGroups", json={"name": "H", "isActive": True}).status_code == 405
        assert http.delete(f"{BASE}/ContactGroups/{group}").status_code == 405
        assert http.patch(f"{BASE}/ContactGroups", json={"id": group, "name": "K"}).status_code == 200


def test_a_query_needs_can_query_and_entity_information_needs_no_flag(tmp_path: Path) -> None:
    data = json.loads(resources.files("fake_server").joinpath("entities/ContactGroups.json").read_text("utf-8"))
    data["info"].update(canCreate=False, canDelete=False, canQuery=False, canUpdate=False)
    (tmp_path / "ContactGroups.json").write_text(json.dumps(data), encoding="utf-8")
    fake = FakeAutotask(entity_dirs=(tmp_path,))
    group = fake.seed("ContactGroups", {"name": "G", "isActive": True})
    search = {"filter": [{"op": "gte", "field": "id", "value": 0}]}
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        assert http.post(f"{BASE}/ContactGroups/query", json=search).status_code == 405
        assert http.get(f"{BASE}/ContactGroups/query", params={"search": json.dumps(search)}).status_code == 405
        assert http.post(f"{BASE}/ContactGroups/query/count", json=search).status_code == 405
        assert http.patch(f"{BASE}/ContactGroups", json={"id": group, "name": "K"}).status_code == 405
        assert http.get(f"{BASE}/ContactGroups/{group}").json()["item"]["id"] == group  # a GET needs no flag
        for info in ("", "/fields", "/userDefinedFields"):
            assert http.get(f"{BASE}/ContactGroups/entityInformation{info}").status_code == 200


def test_reads_never_change_state(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    before = fake.snapshot()
    client.get(f"{BASE}/Tickets/{ticket_id}")
    client.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "gte", "field": "id", "value": 0}]})
    client.get(f"{BASE}/Tickets/{ticket_id}/Notes")
    client.get(f"{BASE}/Tickets/entityInformation/fields")
    assert fake.snapshot() == before
