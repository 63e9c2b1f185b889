"""Each documented behaviour of the source documents as the default tenant (the Postman contract's) shows it."""

from __future__ import annotations

import httpx
import pytest

from fake_server import FakeAutotask

from .conftest import BASE, STABILISING_FIELDS, ticket_body


def _note(**changes: object) -> dict[str, object]:
    return {"Title": "Called the customer", "Description": "Toner replaced.", "NoteType": 1, "Publish": 1, **changes}


# -- notes: the Postman contract, section 7 -------------------------------------------------------


@pytest.mark.parametrize("path", ["/TicketNotes", "/TicketNote"])
def test_post_to_ticket_notes_entity_is_404(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int, path: str
) -> None:
    answer = client.post(BASE + path, json={"ticketID": ticket_id, **_note()})
    assert answer.status_code == 404
    assert answer.json()["Message"].startswith("No HTTP resource was found")
    assert fake.records("TicketNotes") == []


def test_notes_are_created_through_the_ticket_child_path(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int
) -> None:
    answer = client.post(f"{BASE}/Tickets/{ticket_id}/Notes", json=_note())
    assert answer.status_code == 200
    note_id = answer.json()["itemId"]
    note = fake.get("TicketNotes", note_id)
    assert note is not None
    assert (note["ticketID"], note["title"], note["description"]) == (
        ticket_id,
        "Called the customer",
        "Toner replaced.",
    )


def test_a_new_note_is_visible_at_once(client: httpx.Client, ticket_id: int) -> None:
    note_id = client.post(f"{BASE}/Tickets/{ticket_id}/Notes", json=_note()).json()["itemId"]
    listed = client.get(f"{BASE}/Tickets/{ticket_id}/Notes").json()["items"]
    assert [n["id"] for n in listed] == [note_id]


@pytest.mark.parametrize("missing", ["Title", "Description", "NoteType", "Publish"])
def test_note_requires_title_description_note_type_and_publish(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int, missing: str
) -> None:
    body = _note()
    del body[missing]
    answer = client.post(f"{BASE}/Tickets/{ticket_id}/Notes", json=body)
    assert answer.status_code == 500
    assert missing.lower() in answer.json()["errors"][0].lower()
    assert fake.records("TicketNotes") == []


def test_ticket_notes_query_works(client: httpx.Client, ticket_id: int) -> None:
    client.post(f"{BASE}/Tickets/{ticket_id}/Notes", json=_note())
    answer = client.post(
        f"{BASE}/TicketNotes/query", json={"filter": [{"op": "eq", "field": "ticketID", "value": ticket_id}]}
    )
    assert answer.status_code == 200
    assert [n["ticketID"] for n in answer.json()["items"]] == [ticket_id]


def test_entity_information_reports_ticket_notes_creatable(client: httpx.Client) -> None:
    # The Postman contract, section 7: the metadata says creatable even though POST /TicketNotes is a 404.
    assert client.get(f"{BASE}/TicketNotes/entityInformation").json()["info"]["canCreate"] is True


# -- PATCH and PUT: the Postman contract, section 4; seed 001 -------------------------------------------


def test_patch_on_tickets_is_refused_as_unsupported_method(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int
) -> None:
    before = fake.snapshot()
    answer = client.patch(f"{BASE}/Tickets", json={"id": ticket_id, "title": "patched"})
    assert answer.status_code == 405
    assert "does not support http method 'PATCH'" in answer.json()["Message"]
    assert fake.snapshot() == before


def test_put_nulls_fields_missing_from_body(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    assert item["description"] == "Reported by phone."
    body = {name: item[name] for name in STABILISING_FIELDS}
    answer = client.put(f"{BASE}/Tickets", json={**body, "resolution": "done"})
    assert answer.status_code == 200
    after = fake.get("Tickets", ticket_id)
    assert after is not None
    assert after["description"] is None
    assert after["resolution"] == "done"
    assert after["title"] == item["title"]


def test_put_with_the_full_item_changes_only_the_intended_field(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int
) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    client.put(f"{BASE}/Tickets", json={**item, "resolution": "Toner replaced."}).raise_for_status()
    after = fake.get("Tickets", ticket_id)
    assert after is not None
    changed = {k for k in item if item[k] != after[k]}
    assert changed == {"resolution", "lastTrackedModificationDateTime", "lastActivityDate"}


@pytest.mark.parametrize("required", ["companyID", "title", "status", "priority"])
def test_put_missing_required_field_fails_and_changes_nothing(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int, required: str
) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    del item[required]
    before = fake.snapshot()
    answer = client.put(f"{BASE}/Tickets", json={**item, "resolution": "x"})
    assert answer.status_code == 500
    assert required in answer.json()["errors"][0]
    assert fake.snapshot() == before


def test_put_of_id_and_resolution_only_is_rejected(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    before = fake.snapshot()
    answer = client.put(f"{BASE}/Tickets", json={"id": ticket_id, "resolution": "only this"})
    assert answer.status_code == 500
    assert fake.snapshot() == before


def test_read_only_fields_in_put_are_ignored(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    answer = client.put(
        f"{BASE}/Tickets",
        json={
            **item,
            "ticketNumber": "T19990101.0001.001",
            "createDate": "1999-01-01T00:00:00Z",
            "completedDate": "1999-01-01T00:00:00Z",
        },
    )
    assert answer.status_code == 200
    after = fake.get("Tickets", ticket_id)
    assert after is not None
    assert (after["ticketNumber"], after["createDate"], after["completedDate"]) == (
        item["ticketNumber"],
        item["createDate"],
        None,
    )


def test_read_only_fields_in_patch_are_ignored() -> None:
    fake = FakeAutotask("documented")
    company = fake.seed("Companies", {"companyName": "C", "companyType": 1, "ownerResourceID": 4, "phone": "1"})
    ticket = fake.seed("Tickets", ticket_body(company))
    created = fake.get("Tickets", ticket)
    assert created is not None
    from .conftest import CREDENTIALS

    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.patch(f"{BASE}/Tickets", json={"id": ticket, "ticketNumber": "X", "title": "New title"})
    assert answer.status_code == 200
    after = fake.get("Tickets", ticket)
    assert after is not None
    assert (after["ticketNumber"], after["title"]) == (created["ticketNumber"], "New title")


def test_patch_updates_only_the_fields_it_names(client: httpx.Client, fake: FakeAutotask) -> None:
    group = client.post(f"{BASE}/ContactGroups", json={"name": "VIP", "isActive": True}).json()["itemId"]
    client.patch(f"{BASE}/ContactGroups", json={"id": group, "name": "Very important"}).raise_for_status()
    assert fake.get("ContactGroups", group) == {"id": group, "name": "Very important", "isActive": True}


# -- status semantics: the Postman contract, sections 5 and 9 ---------------------------------------


def _set_status(client: httpx.Client, ticket: int, status: int) -> dict[str, object]:
    item = client.get(f"{BASE}/Tickets/{ticket}").json()["item"]
    client.put(f"{BASE}/Tickets", json={**item, "status": status}).raise_for_status()
    result: dict[str, object] = client.get(f"{BASE}/Tickets/{ticket}").json()["item"]
    return result


def test_status_5_complete_stamps_completed_date_and_resolved_date_time(client: httpx.Client, ticket_id: int) -> None:
    after = _set_status(client, ticket_id, 5)
    assert after["status"] == 5
    assert after["completedDate"] is not None
    assert after["resolvedDateTime"] is not None
    assert after["completedByResourceID"] == 29682885


def test_status_8_completed_does_not_stamp_timestamps(client: httpx.Client, ticket_id: int) -> None:
    after = _set_status(client, ticket_id, 8)
    assert after["status"] == 8
    assert after["completedDate"] is None
    assert after["resolvedDateTime"] is None


def test_status_picklist_labels_5_complete_and_8_completed(client: httpx.Client) -> None:
    fields = client.get(f"{BASE}/Tickets/entityInformation/fields").json()["fields"]
    status = next(f for f in fields if f["name"] == "status")
    labels = {v["value"]: v["label"] for v in status["picklistValues"]}
    assert status["isPickList"] is True and status["dataType"] == "integer"
    assert (labels["5"], labels["8"]) == ("Complete", "Completed")


def test_moving_away_from_a_completing_status_clears_the_stamps(client: httpx.Client, ticket_id: int) -> None:
    _set_status(client, ticket_id, 5)
    reopened = _set_status(client, ticket_id, 1)
    assert (reopened["completedDate"], reopened["resolvedDateTime"], reopened["completedByResourceID"]) == (
        None,
        None,
        None,
    )


def test_completing_twice_keeps_the_first_stamp(client: httpx.Client, ticket_id: int) -> None:
    first = _set_status(client, ticket_id, 5)
    again = _set_status(client, ticket_id, 5)
    assert again["completedDate"] == first["completedDate"]


def test_resolution_alone_does_not_resolve_the_ticket(client: httpx.Client, ticket_id: int) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    client.put(f"{BASE}/Tickets", json={**item, "resolution": "Fixed"}).raise_for_status()
    after = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    assert (after["status"], after["completedDate"], after["resolvedDateTime"]) == (1, None, None)


def test_resolution_holds_32000_characters_and_not_more(client: httpx.Client, ticket_id: int) -> None:
    item = client.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    assert client.put(f"{BASE}/Tickets", json={**item, "resolution": "r" * 32000}).status_code == 200
    assert client.put(f"{BASE}/Tickets", json={**item, "resolution": "r" * 32001}).status_code == 500


def test_time_entries_query_by_ticket_decides_resolution(
    client: httpx.Client, fake: FakeAutotask, ticket_id: int
) -> None:
    query = {"filter": [{"op": "eq", "field": "ticketID", "value": ticket_id}]}
    assert client.post(f"{BASE}/TimeEntries/query", json=query).json()["items"] == []
    fake.seed("TimeEntries", {"ticketID": ticket_id, "resourceID": 4, "dateWorked": "2026-11-20", "hoursWorked": 1.5})
    assert len(client.post(f"{BASE}/TimeEntries/query", json=query).json()["items"]) == 1


# -- lookup and envelope: the Postman contract, sections 1 and 2 ---------------------------------------


def test_ticket_number_resolves_to_id_through_query(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    stored = fake.get("Tickets", ticket_id)
    assert stored is not None
    answer = client.post(
        f"{BASE}/Tickets/query",
        json={"filter": [{"op": "eq", "field": "ticketNumber", "value": stored["ticketNumber"]}]},
    )
    assert answer.json()["items"][0]["id"] == ticket_id


def test_get_ticket_wraps_the_record_in_item(client: httpx.Client, ticket_id: int) -> None:
    body = client.get(f"{BASE}/Tickets/{ticket_id}").json()
    assert set(body) == {"item"}
    for name in STABILISING_FIELDS:
        assert name in body["item"]
    assert body["item"]["issueType"] == 4 and body["item"]["source"] == 2


def test_ticket_number_in_a_single_ticket_url_is_404(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    stored = fake.get("Tickets", ticket_id)
    assert stored is not None
    assert client.get(f"{BASE}/Tickets/{stored['ticketNumber']}").status_code == 404


# -- creates: seed 000 ----------------------------------------------------------------------------


@pytest.mark.parametrize("id_value", [0, "0"])
def test_post_with_zero_id_is_accepted(client: httpx.Client, id_value: object) -> None:
    answer = client.post(f"{BASE}/ContactGroups", json={"id": id_value, "name": "Group", "isActive": True})
    assert answer.status_code == 200 and isinstance(answer.json()["itemId"], int)


@pytest.mark.parametrize("id_value", [7, "7", -1])
def test_post_with_non_zero_id_fails(client: httpx.Client, fake: FakeAutotask, id_value: object) -> None:
    before = fake.snapshot()
    answer = client.post(f"{BASE}/ContactGroups", json={"id": id_value, "name": "Group", "isActive": True})
    assert answer.status_code == 500
    assert fake.snapshot() == before


def test_seed_000_example_creates_with_case_insensitive_names_and_coerced_strings(
    client: httpx.Client, fake: FakeAutotask
) -> None:
    answer = client.post(
        "https://webservices19.autotask.net/ATServicesRest/V1.0/ContactGroups",
        json={"id": "0", "Name": "Test 1 Create of Contact Group x", "IsActive": "True"},
    )
    assert answer.status_code == 200
    created = fake.get("ContactGroups", answer.json()["itemId"])
    assert created == {"id": answer.json()["itemId"], "name": "Test 1 Create of Contact Group x", "isActive": True}


def test_string_numbers_are_coerced_to_integers(client: httpx.Client, fake: FakeAutotask, company_id: int) -> None:
    answer = client.post(f"{BASE}/Tickets", json=ticket_body(company_id, status="1", priority="4"))
    created = fake.get("Tickets", answer.json()["itemId"])
    assert created is not None and (created["status"], created["priority"]) == (1, 4)


def test_contact_group_name_uniqueness_error_matches_seed_000(client: httpx.Client, fake: FakeAutotask) -> None:
    body = {"id": "0", "Name": "Test 1 Create of Contact Group x", "IsActive": "True"}
    client.post(f"{BASE}/ContactGroups", json=body).raise_for_status()
    before = fake.snapshot()
    answer = client.post(f"{BASE}/ContactGroups", json=body)
    assert answer.status_code == 500
    assert answer.json() == {
        "errors": [
            "A ContactGroup already exists with Name [Test 1 Create of Contact Group x]. "
            "ContactGroup names must be unique."
        ]
    }
    assert fake.snapshot() == before


def test_seed_000_company_with_udf_is_created(client: httpx.Client, fake: FakeAutotask) -> None:
    answer = client.post(
        f"{BASE}/Companies",
        json={
            "companyName": "A Company",
            "companyType": 1,
            "ownerResourceID": 4,
            "phone": "5555555555",
            "userDefinedFields": [{"name": "CustomerRanking", "value": "not Golden"}],
        },
    )
    assert answer.status_code == 200
    company = fake.get("Companies", answer.json()["itemId"])
    assert company is not None
    assert {"name": "CustomerRanking", "value": "not Golden"} in company["userDefinedFields"]


@pytest.mark.parametrize(("field", "value"), [("priority", 99), ("status", 6), ("queueID", 1234)])
def test_unknown_picklist_value_is_rejected(
    client: httpx.Client, fake: FakeAutotask, company_id: int, field: str, value: int
) -> None:
    before = fake.snapshot()
    answer = client.post(f"{BASE}/Tickets", json=ticket_body(company_id, **{field: value}))
    assert answer.status_code == 500
    assert field in answer.json()["errors"][0]
    assert fake.snapshot() == before


def test_sub_issue_type_must_belong_to_its_issue_type(client: httpx.Client, company_id: int) -> None:
    answer = client.post(f"{BASE}/Tickets", json=ticket_body(company_id, issueType=13, subIssueType=201))
    assert answer.status_code == 500
    assert "subIssueType" in answer.json()["errors"][0]


def test_reference_to_missing_company_is_rejected(client: httpx.Client, fake: FakeAutotask) -> None:
    answer = client.post(f"{BASE}/Tickets", json=ticket_body(987654))
    assert answer.status_code == 500
    assert "companyID" in answer.json()["errors"][0]
    assert fake.records("Tickets") == []


def test_company_zero_is_a_real_company(client: httpx.Client) -> None:
    assert client.get(f"{BASE}/Companies/0").json()["item"]["id"] == 0
    assert client.post(f"{BASE}/Tickets", json=ticket_body(0)).status_code == 200


# -- deletes: seed 002 --------------------------------------------------------------------


def test_delete_returns_the_item_id(client: httpx.Client, fake: FakeAutotask) -> None:
    group = client.post(f"{BASE}/ContactGroups", json={"name": "G", "isActive": True}).json()["itemId"]
    answer = client.delete(f"{BASE}/ContactGroups/{group}")
    assert answer.status_code == 200 and answer.json() == {"itemId": group}
    assert fake.get("ContactGroups", group) is None


def test_delete_of_missing_id_is_500_with_no_matching_records(client: httpx.Client) -> None:
    answer = client.delete(f"{BASE}/ContactGroups/4242")
    assert answer.status_code == 500
    assert answer.json()["errors"][0].startswith("No message. No matching records found.")


def test_tickets_cannot_be_deleted(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    assert client.delete(f"{BASE}/Tickets/{ticket_id}").status_code == 405
    assert fake.get("Tickets", ticket_id) is not None
