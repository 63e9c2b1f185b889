"""Every path and verb of the official swagger reaches a handler, and the routes that used not to."""

from __future__ import annotations

import base64
import gzip
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.endpoints import OPERATIONS
from fake_server.profile import Limits

from .conftest import BASE, CREDENTIALS

ROOT = BASE.removesuffix("/V1.0")  # the swagger's paths are relative to /ATServicesRest
# Every path of the official swagger with its verbs, carried in the repository (scripts/extract_swagger_paths.py
# writes it from the swagger and names the swagger's hash in its header): the index is checked against it.
REFERENCE = Path(__file__).resolve().parent / "data" / "swagger-paths.txt.gz"
SWAGGER_PATHS = 2077  # paths of the swagger the index was built from
SEARCH = json.dumps({"filter": [{"op": "gte", "field": "id", "value": 0}]})
# What the default profile refuses although the swagger lists it (fake_server/profiles/default.toml,
# [endpoints]): the Postman contract, sections 0.1 and 4, "PATCH is not supported for Tickets". Its other entries,
# POST /TicketNotes and POST /TicketNote, are paths the swagger does not list.
PROFILE_REFUSALS = {("PATCH", "/V1.0/Tickets"): 405}


def _index() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("fake_server").joinpath("data/swagger_index.json").read_text("utf-8")
    )
    return data


def _url(path: str) -> str:
    path = path.replace("{year}", "2026")
    return ROOT + re.sub(r"\{[^}]+\}", "1", path)


def _route_miss(answer: httpx.Response) -> bool:
    """The framework's own 404/405 (``{"Message": ...}``): no controller or verb, no handler reached."""
    if answer.status_code not in (404, 405):
        return False
    body = answer.json()
    return isinstance(body, dict) and "Message" in body


def test_every_swagger_path_and_verb_reaches_a_handler() -> None:
    paths: dict[str, str] = _index()["paths"]
    assert len(paths) == SWAGGER_PATHS, "the index was rebuilt from another swagger: update SWAGGER_PATHS"
    fake = FakeAutotask(limits=Limits.off())
    offenders: dict[tuple[str, str], int] = {}
    walked = 0
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        for path, verbs in paths.items():
            for verb in verbs.split():
                method = verb.upper()
                params = {"search": SEARCH} if method == "GET" and "/query" in path else None
                body = None if method in ("GET", "DELETE") else {"id": 0}
                answer = http.request(method, _url(path), params=params, json=body)
                walked += 1
                if _route_miss(answer):
                    offenders[(method, path)] = answer.status_code
            if len(fake.journal) > 500:
                fake.journal.clear()
    assert walked >= 3000
    unexpected = {k: v for k, v in offenders.items() if PROFILE_REFUSALS.get(k) != v}
    assert not unexpected, "\n".join(f"{m} {p} -> {s}" for (m, p), s in sorted(unexpected.items()))
    assert offenders == PROFILE_REFUSALS, "a profile refusal no longer answers as the profile documents"


@pytest.mark.parametrize(("profile", "refused"), [("default", True), ("documented", False)])
def test_profile_refusals_stay_refused(profile: str, refused: bool) -> None:
    fake = FakeAutotask(profile)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        patch = http.patch(f"{BASE}/Tickets", json={"id": 1})
        notes = http.post(f"{BASE}/TicketNotes", json={"ticketID": 1})
    assert _route_miss(patch) is refused and (patch.status_code == 405) is refused
    assert notes.status_code == 404 and _route_miss(notes)  # the swagger lists no POST /TicketNotes either


def test_every_index_operation_has_a_handler() -> None:
    named = {name for o in _index()["operations"] for name in o["verbs"].values()}
    assert named == set(OPERATIONS)


def _reference_paths() -> dict[str, str]:
    lines = gzip.decompress(REFERENCE.read_bytes()).decode("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line and not line.startswith("#"))


def test_index_lists_every_path_and_verb_of_the_reference_swagger() -> None:
    expected = _reference_paths()
    assert len(expected) == SWAGGER_PATHS
    index: dict[str, str] = _index()["paths"]
    missing = sorted(set(expected) - set(index))
    extra = sorted(set(index) - set(expected))
    verbs = sorted(p for p in set(index) & set(expected) if index[p] != expected[p])
    assert not (missing or extra or verbs), f"missing {missing[:5]}, not in the swagger {extra[:5]}, verbs {verbs[:5]}"


def test_dns_records_child_collection_and_item_are_served(client: httpx.Client, fake: FakeAutotask) -> None:
    ci = fake.seed("ConfigurationItems", {"companyID": 0, "productID": 1, "referenceTitle": "Router"})
    other = fake.seed("ConfigurationItems", {"companyID": 0, "productID": 1, "referenceTitle": "Switch"})
    record = fake.seed(
        "ConfigurationItemDnsRecords",
        {"installedProductID": ci, "dnsType": "A", "data": "192.0.2.1", "timeToLiveSeconds": 300},
    )
    items = client.get(f"{BASE}/ConfigurationItems/{ci}/DnsRecords").json()["items"]
    assert [(i["id"], i["data"]) for i in items] == [(record, "192.0.2.1")]
    assert client.get(f"{BASE}/ConfigurationItems/{other}/DnsRecords").json()["items"] == []
    assert client.get(f"{BASE}/ConfigurationItems/{ci}/DnsRecords/{record}").json()["item"]["dnsType"] == "A"
    assert client.get(f"{BASE}/ConfigurationItems/{other}/DnsRecords/{record}").json()["item"] is None
    fields = client.get(f"{BASE}/ConfigurationItems/{ci}/DnsRecords/entityInformation/fields").json()["fields"]
    assert "installedProductID" in {f["name"] for f in fields}
    assert client.delete(f"{BASE}/ConfigurationItems/{ci}/DnsRecords/{record}").json() == {"itemId": record}
    assert fake.get("ConfigurationItemDnsRecords", record) is None


def test_invoice_settings_round_trip(client: httpx.Client, fake: FakeAutotask, company_id: int) -> None:
    url = f"{BASE}/Companies/{company_id}/invoiceSettings"
    contact = fake.seed("Contacts", {"companyID": company_id, "firstName": "Ada", "lastName": "Lovelace"})
    stranger = fake.seed("Contacts", {"companyID": 0, "firstName": "Eve", "lastName": "Other"})
    fresh = client.get(url).json()
    assert fresh == {
        "taxExempt": False,
        "taxRegionId": None,
        "taxId": None,
        "invoiceEmailingEnabled": False,
        "contactRecipients": [],
        "resourceRecipients": [],
        "otherEmails": None,
    }
    update = {
        "taxExempt": True,
        "taxRegionId": 3,
        "taxId": "GB123",
        "invoiceEmailingEnabled": True,
        "otherEmails": "billing@example.invalid",
    }
    assert client.put(url, json=update).json() == {"itemId": company_id}
    added = client.post(f"{url}/contactRecipients", json={"items": [contact]}).json()
    assert added == {"contactRecipients": [contact]}
    assert client.post(f"{url}/resourceRecipients", json={"items": [4, 29682885]}).json() == {
        "resourceRecipients": [4, 29682885]
    }
    assert client.get(url).json() == {**update, "contactRecipients": [contact], "resourceRecipients": [4, 29682885]}
    assert client.delete(f"{url}/contactRecipients/{contact}").json() == {"itemId": contact}
    assert client.delete(f"{url}/resourceRecipients/4").json() == {"itemId": 4}
    after = client.get(url).json()
    assert (after["contactRecipients"], after["resourceRecipients"]) == ([], [29682885])
    # The default tenant's PUT empties what it leaves out, as entity PUTs do.
    client.put(url, json={"taxExempt": True})
    assert client.get(url).json()["taxId"] is None
    refused = client.post(f"{url}/contactRecipients", json={"items": [stranger]})
    assert refused.status_code == 500 and refused.json()["errors"]
    assert client.delete(f"{url}/contactRecipients/{contact}").status_code == 500
    missing = client.get(f"{BASE}/Companies/999999/invoiceSettings")
    assert missing.status_code == 500 and missing.json() == {"errors": ["No Companies record with id 999999 exists."]}
    fake.reset()
    assert client.get(f"{BASE}/Companies/0/invoiceSettings").json()["contactRecipients"] == []


def test_time_off_balances_by_year(client: httpx.Client, fake: FakeAutotask) -> None:
    for year, balance in ((2025, 40.0), (2026, 32.5)):
        fake.seed("ResourceTimeOffBalances", {"resourceID": 4, "year": year, "vacationTimeBalance": balance})
    fake.seed("ResourceTimeOffBalances", {"resourceID": 29682885, "year": 2026, "vacationTimeBalance": 8.0})
    item = client.get(f"{BASE}/Resources/4/TimeOffBalances/2026").json()["item"]
    assert (item["resourceID"], item["year"], item["vacationTimeBalance"]) == (4, 2026, 32.5)
    assert client.get(f"{BASE}/Resources/4/TimeOffBalances/2024").json() == {"item": None}
    assert len(client.get(f"{BASE}/Resources/4/TimeOffBalances").json()["items"]) == 2


def test_child_routes_under_a_parent_segment_that_names_no_entity(client: httpx.Client, fake: FakeAutotask) -> None:
    report = fake.seed("ExpenseReports", {"name": "November", "submitterID": 4})
    created = client.post(f"{BASE}/Expenses/{report}/Items", json={"description": "Train", "expenseCategory": 1})
    assert created.status_code == 200, created.text
    item_id = created.json()["itemId"]
    assert fake.get("ExpenseItems", item_id)["expenseReportID"] == report  # type: ignore[index]
    assert [i["id"] for i in client.get(f"{BASE}/Expenses/{report}/Items").json()["items"]] == [item_id]
    assert client.post(f"{BASE}/Expenses/999999/Items", json={"description": "x"}).status_code == 500
    udf = fake.seed("UserDefinedFieldDefinitions", {"name": "Tier"})
    listed = client.post(f"{BASE}/UserDefinedFields/{udf}/ListItems", json={"valueForDisplay": "Gold"})
    assert fake.get("UserDefinedFieldListItems", listed.json()["itemId"])["udfFieldId"] == udf  # type: ignore[index]
    result = fake.seed("ServiceLevelAgreementResults", {"ticketID": 1, "isResolutionMet": True})
    assert client.get(f"{BASE}/ServiceLevelAgreements/7/Results/{result}").json()["item"]["isResolutionMet"]


def test_invoice_markup_and_pdf(client: httpx.Client, fake: FakeAutotask) -> None:
    invoice = fake.seed("Invoices", {"companyID": 0, "invoiceNumber": "INV-7", "invoiceTotal": 120.5})
    assert "INV-7" in client.get(f"{BASE}/Invoices/{invoice}/InvoiceMarkupHtml").json()["invoiceMarkup"]
    assert client.get(f"{BASE}/Invoices/{invoice}/InvoiceMarkupXml").json()["invoiceMarkup"].startswith("<?xml")
    document = client.get(f"{BASE}/Invoices/{invoice}/InvoicePdf").json()
    data = base64.b64decode(document["data"])
    assert (document["contentType"], document["fileSize"], data[:5]) == ("application/pdf", len(data), b"%PDF-")
    assert client.get(f"{BASE}/Invoices/999999/InvoicePdf").status_code == 500


def test_service_operations_answer_their_models(client: httpx.Client, fake: FakeAutotask) -> None:
    token = client.get(f"{BASE}/Authenticate").json()
    assert set(token) == {"authToken", "expiration"} and token["authToken"]
    described = client.get(f"{BASE}/EntityInformation").json()["entityDescriptions"]
    # entityInformation names each entity in the singular, curated or generated from the swagger alike.
    assert {"Ticket", "Company", "ConfigurationItemDnsRecord"} <= {d["info"]["name"] for d in described}
    assert len(described) == len(_index()["entities"])
    assert client.get(f"{BASE}/Modules").json() == {"modules": []}
    request = fake.seed("TimeOffRequests", {"resourceID": 4, "hours": 8.0, "status": 1})
    assert client.get(f"{BASE}/TimeOffRequests/{request}/Approve").json() == {"itemId": request}
    approved = fake.get("TimeOffRequests", request)
    assert approved is not None and approved["approvedDateTime"] and approved["approveRejectResourceID"] == 29682885
    assert client.get(f"{BASE}/TimeOffRequests/999999/Approve").status_code == 500
    assert client.post(f"{BASE}/TimeOffRequests/{request}/Approve", json={}).status_code == 405
