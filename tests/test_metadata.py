"""Entity metadata: bundled entity files, generic swagger entities, and the entityInformation endpoints."""

from __future__ import annotations

import json
from importlib import resources

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.catalog import Catalog

from .conftest import BASE, STABILISING_FIELDS

CORE_ENTITIES = [
    "Tickets",
    "TicketNotes",
    "TimeEntries",
    "Companies",
    "Contacts",
    "ContactGroups",
    "Resources",
    "Projects",
    "Tasks",
    "ConfigurationItems",
    "Contracts",
]
FIELD_KEYS = {
    "name",
    "dataType",
    "length",
    "isRequired",
    "isReadOnly",
    "isQueryable",
    "isReference",
    "referenceEntityType",
    "isPickList",
    "picklistValues",
    "picklistParentValueField",
    "isSupportedWebhookField",
}
INFO_KEYS = {
    "name",
    "canCreate",
    "canDelete",
    "canQuery",
    "canUpdate",
    "userAccessForCreate",
    "userAccessForDelete",
    "userAccessForQuery",
    "userAccessForUpdate",
    "hasUserDefinedFields",
    "supportsWebhookCallouts",
}


@pytest.mark.parametrize("entity", CORE_ENTITIES)
def test_core_entity_has_a_file_in_the_api_shape(entity: str) -> None:
    path = resources.files("fake_server").joinpath(f"entities/{entity}.json")
    data = json.loads(path.read_text("utf-8"))
    assert set(data["info"]) == INFO_KEYS
    assert data["fields"] and all(set(f) == FIELD_KEYS for f in data["fields"])
    assert Catalog().get(entity).has_file  # type: ignore[union-attr]


@pytest.mark.parametrize("entity", CORE_ENTITIES)
def test_entity_information_endpoints_return_the_file(client: httpx.Client, entity: str) -> None:
    info = client.get(f"{BASE}/{entity}/entityInformation").json()
    fields = client.get(f"{BASE}/{entity}/entityInformation/fields").json()
    udfs = client.get(f"{BASE}/{entity}/entityInformation/userDefinedFields")
    assert set(info["info"]) == INFO_KEYS
    assert {f["name"] for f in fields["fields"]} >= {"id"}
    assert udfs.status_code == 200 and isinstance(udfs.json()["fields"], list)


def test_ticket_fields_include_every_stabilising_field(client: httpx.Client) -> None:
    fields = {f["name"]: f for f in client.get(f"{BASE}/Tickets/entityInformation/fields").json()["fields"]}
    assert set(STABILISING_FIELDS) <= set(fields)
    assert len(fields) == 75
    resolution = fields["resolution"]
    assert (resolution["dataType"], resolution["length"], resolution["isReadOnly"]) == ("string", 32000, False)


def test_non_picklist_fields_have_null_picklist_values(client: httpx.Client) -> None:
    fields = {f["name"]: f for f in client.get(f"{BASE}/Tickets/entityInformation/fields").json()["fields"]}
    assert fields["title"]["picklistValues"] is None
    assert fields["title"]["referenceEntityType"] == ""
    assert fields["subIssueType"]["picklistParentValueField"] == "issueType"
    assert all(isinstance(v["value"], str) for v in fields["priority"]["picklistValues"])


def test_udf_definitions_use_type_not_data_type(client: httpx.Client) -> None:
    udfs = client.get(f"{BASE}/Companies/entityInformation/userDefinedFields").json()["fields"]
    ranking = next(u for u in udfs if u["name"] == "CustomerRanking")
    assert ranking["type"] == "string" and "dataType" not in ranking


def test_every_swagger_entity_is_served() -> None:
    index = json.loads(resources.files("fake_server").joinpath("data/swagger_index.json").read_text("utf-8"))
    fake = FakeAutotask()
    from .conftest import CREDENTIALS

    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        for name, entry in index["entities"].items():
            if not entry["info"]:
                continue
            answer = http.get(f"{BASE}/{name}/entityInformation/fields")
            assert answer.status_code == 200, name
            names = {f["name"] for f in answer.json()["fields"]}
            assert {f[0] for f in entry["fields"]} <= names, name
    assert len(index["entities"]) > 200


def test_generic_entity_supports_crud_and_query_from_swagger(client: httpx.Client) -> None:
    created = client.post(
        f"{BASE}/Appointments", json={"title": "Site visit", "resourceID": 4, "startDateTime": "2026-11-24T09:00:00Z"}
    )
    assert created.status_code == 200
    appointment = created.json()["itemId"]
    item = client.get(f"{BASE}/Appointments/{appointment}").json()["item"]
    assert (item["title"], item["startDateTime"]) == ("Site visit", "2026-11-24T09:00:00Z")
    found = client.post(
        f"{BASE}/Appointments/query", json={"filter": [{"op": "contains", "field": "title", "value": "visit"}]}
    )
    assert [i["id"] for i in found.json()["items"]] == [appointment]
    assert client.delete(f"{BASE}/Appointments/{appointment}").json() == {"itemId": appointment}


def test_generic_entity_verbs_follow_the_swagger(client: httpx.Client) -> None:
    # Countries: swagger lists PATCH/PUT on /Countries but no POST, and no DELETE.
    assert client.post(f"{BASE}/Countries", json={"name": "X"}).status_code == 405
    info = client.get(f"{BASE}/Countries/entityInformation").json()["info"]
    assert (info["canCreate"], info["canDelete"], info["canUpdate"]) == (False, False, True)


@pytest.mark.parametrize(
    "path",
    [
        "/NoSuchEntity",
        "/NoSuchEntity/1",
        "/NoSuchEntity/query",
        "/Tickets/1/NoSuchChild",
        "/Tickets/entityInformation/nothing",
        "/",
    ],
)
def test_unknown_entity_or_path_is_404(client: httpx.Client, path: str) -> None:
    answer = client.get(BASE + path)
    assert answer.status_code == 404
    assert answer.json()["Message"].startswith("No HTTP resource was found")


def test_resources_cannot_be_created(client: httpx.Client) -> None:
    answer = client.post(f"{BASE}/Resources", json={"firstName": "A"})
    assert answer.status_code == 405


def test_contacts_are_written_under_their_company(client: httpx.Client, fake: FakeAutotask, company_id: int) -> None:
    assert client.post(f"{BASE}/Contacts", json={"firstName": "A"}).status_code == 405
    answer = client.post(
        f"{BASE}/Companies/{company_id}/Contacts", json={"firstName": "Ada", "lastName": "Lovelace", "isActive": 1}
    )
    contact = answer.json()["itemId"]
    assert fake.get("Contacts", contact)["companyID"] == company_id  # type: ignore[index]
    listed = client.get(f"{BASE}/Companies/{company_id}/Contacts").json()["items"]
    assert [c["id"] for c in listed] == [contact]
    assert client.get(f"{BASE}/Companies/{company_id}/Contacts/{contact}").json()["item"]["firstName"] == "Ada"
    assert client.delete(f"{BASE}/Companies/{company_id}/Contacts/{contact}").json() == {"itemId": contact}


def test_child_write_under_missing_parent_fails(client: httpx.Client) -> None:
    answer = client.post(
        f"{BASE}/Tickets/999/Notes", json={"title": "t", "description": "d", "noteType": 1, "publish": 1}
    )
    assert answer.status_code == 500


def test_child_item_of_another_parent_is_not_found(client: httpx.Client, fake: FakeAutotask, company_id: int) -> None:
    other = fake.seed("Companies", {"companyName": "Other", "companyType": 1, "ownerResourceID": 4, "phone": "1"})
    contact = fake.seed("Contacts", {"companyID": other, "firstName": "B", "lastName": "C", "isActive": 1})
    assert client.get(f"{BASE}/Companies/{company_id}/Contacts/{contact}").json() == {"item": None}
    assert client.delete(f"{BASE}/Companies/{company_id}/Contacts/{contact}").status_code == 500


def test_child_put_updates_a_note_of_that_ticket(client: httpx.Client, fake: FakeAutotask, ticket_id: int) -> None:
    note = client.post(
        f"{BASE}/Tickets/{ticket_id}/Notes", json={"title": "t", "description": "d", "noteType": 1, "publish": 1}
    ).json()["itemId"]
    answer = client.put(
        f"{BASE}/Tickets/{ticket_id}/Notes",
        json={"id": note, "title": "t2", "description": "d2", "noteType": 1, "publish": 1},
    )
    assert answer.status_code == 200
    stored = fake.get("TicketNotes", note)
    assert stored is not None and (stored["title"], stored["ticketID"]) == ("t2", ticket_id)


def test_entity_files_from_a_tenant_directory_win(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    data = json.loads(resources.files("fake_server").joinpath("entities/ContactGroups.json").read_text("utf-8"))
    for field in data["fields"]:
        if field["name"] == "name":
            field["length"] = 5
    (folder / "ContactGroups.json").write_text(json.dumps(data), encoding="utf-8")
    fake = FakeAutotask(entity_dirs=(folder,))
    from .conftest import CREDENTIALS

    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        assert http.post(f"{BASE}/ContactGroups", json={"name": "toolong", "isActive": True}).status_code == 500
        assert http.post(f"{BASE}/ContactGroups", json={"name": "short", "isActive": True}).status_code == 200
