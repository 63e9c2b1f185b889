"""Webhooks through the REST API: registration as Autotask validates it, signed callouts on change to a receiver
written from the docs alone, and nothing where Autotask sends nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx

from fake_server import FakeAutotask
from tests.conftest import BASE, ticket_body
from tests.webhook_receiver import SECRET_KEY, Receiver


def field_ids(http: httpx.Client, entity: str = "Ticket", base: str = BASE) -> dict[str, int]:
    """The subscribable fields' ids, looked up as n8n-nodes-autotask does: the ``fieldID`` picklist."""
    fields = http.get(f"{base}/{entity}WebhookFields/entityInformation/fields").json()["fields"]
    picklist = next(f for f in fields if f["name"] == "fieldID")["picklistValues"]
    return {entry["label"]: int(entry["value"]) for entry in picklist}


def webhook_body(receiver: Receiver, **changes: Any) -> dict[str, Any]:
    body = {
        "Name": "ticket sync",
        "WebhookUrl": f"{receiver.url}/hook",
        "DeactivationUrl": f"{receiver.url}/deactivated",
        "SecretKey": SECRET_KEY,
        "IsActive": True,
        "IsSubscribedToCreateEvents": True,
        "IsSubscribedToUpdateEvents": True,
        "IsSubscribedToDeleteEvents": True,
    }
    body.update(changes)
    return body


def register(
    http: httpx.Client,
    receiver: Receiver,
    subscribed: tuple[str, ...] = ("status",),
    display: tuple[str, ...] = (),
    base: str = BASE,
) -> int:
    """A TicketWebhooks record and its Fields, through the REST API at ``base``; returns the webhook's id."""
    created = http.post(f"{base}/TicketWebhooks", json=webhook_body(receiver))
    assert created.status_code == 200, created.text
    webhook_id = int(created.json()["itemId"])
    ids = field_ids(http, base=base)
    for name in subscribed:
        answer = http.post(
            f"{base}/TicketWebhooks/{webhook_id}/Fields",
            json={"fieldID": ids[name], "isSubscribedField": True, "isDisplayAlwaysField": False},
        )
        assert answer.status_code == 200, answer.text
    for name in display:
        answer = http.post(
            f"{base}/TicketWebhooks/{webhook_id}/Fields",
            json={"fieldID": ids[name], "isSubscribedField": False, "isDisplayAlwaysField": True},
        )
        assert answer.status_code == 200, answer.text
    return webhook_id


def test_a_receiver_from_the_docs_gets_verified_callouts_for_a_create_and_a_subscribed_update_only(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    webhook_id = register(http, receiver, subscribed=("status",), display=("title",))
    guid = http.get(f"{BASE}/TicketWebhooks/{webhook_id}").json()["item"]["webhookGUID"]

    ticket_id = http.post(f"{BASE}/Tickets", json=ticket_body(company)).json()["itemId"]
    fake.webhooks.drain()
    full = http.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    assert http.put(f"{BASE}/Tickets", json={**full, "status": 5}).status_code == 200
    fake.webhooks.drain()
    assert (
        http.put(f"{BASE}/Tickets", json={**full, "status": 5, "description": "Only this changed."}).status_code == 200
    )
    fake.webhooks.drain()

    callouts = receiver.callouts()
    assert [c.json["Action"] for c in callouts] == ["Create", "Update"]
    assert all(c.verified for c in callouts)
    create, update = (c.json for c in callouts)
    assert list(create) == ["Action", "Guid", "EntityType", "Id", "Fields", "EventTime", "SequenceNumber", "PersonID"]
    assert create["Guid"] == guid and create["EntityType"] == "Ticket" and create["Id"] == ticket_id
    assert create["Fields"] == {"status": 1, "title": "Printer offline"}
    assert update["Fields"] == {"status": 5, "title": "Printer offline"}
    assert (create["SequenceNumber"], update["SequenceNumber"]) == (1, 2)
    assert update["PersonID"] == fake.profile.api_resource_id


def test_callout_bytes_are_escaped_as_autotask_sends_them_and_signed_over_those_bytes(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    register(http, receiver, subscribed=("title",))
    http.post(f"{BASE}/Tickets", json=ticket_body(company, title="Café & <Bar> + 'x'"))
    fake.webhooks.drain()
    [callout] = receiver.callouts()
    assert b"Caf\\u00E9 \\u0026 \\u003CBar\\u003E \\u002B \\u0027x\\u0027" in callout.body
    assert callout.verified
    reserialised = json.dumps(callout.json, separators=(",", ":")).encode()
    assert reserialised != callout.body  # a receiver that re-serialises before verifying gets it wrong


def test_no_callout_from_an_inactive_webhook_one_without_subscribed_fields_or_an_unsubscribed_event(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    bare = http.post(f"{BASE}/TicketWebhooks", json=webhook_body(receiver)).json()["itemId"]
    assert http.get(f"{BASE}/TicketWebhooks/{bare}").json()["item"]["isReady"] is False
    http.post(f"{BASE}/TicketWebhooks", json=webhook_body(receiver, IsActive=False))
    creates_only_off = http.post(
        f"{BASE}/TicketWebhooks", json=webhook_body(receiver, IsSubscribedToCreateEvents=False)
    )
    ids = field_ids(http)
    for webhook_id in (creates_only_off.json()["itemId"], 2):
        http.post(
            f"{BASE}/TicketWebhooks/{webhook_id}/Fields", json={"fieldID": ids["status"], "isSubscribedField": True}
        )
    assert http.get(f"{BASE}/TicketWebhooks/2").json()["item"]["isReady"] is True

    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    assert fake.webhooks.drain() == 0
    assert receiver.received == []


def test_a_change_by_an_excluded_resource_impersonated_or_not_sends_nothing(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    webhook_id = register(http, receiver)
    excluded = http.post(f"{BASE}/TicketWebhooks/{webhook_id}/ExcludedResources", json={"resourceID": 4})
    assert excluded.status_code == 200, excluded.text
    http.post(f"{BASE}/Tickets", json=ticket_body(company), headers={"ImpersonationResourceId": "4"})
    fake.webhooks.drain()
    assert receiver.callouts() == []
    http.post(f"{BASE}/Tickets", json=ticket_body(company))  # as the API user: not excluded
    fake.webhooks.drain()
    assert [c.json["PersonID"] for c in receiver.callouts()] == [fake.profile.api_resource_id]


def test_a_delete_sends_a_delete_callout_and_deleting_the_webhook_an_unsigned_deactivation_notice(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    contact = fake.seed("Contacts", {"companyID": company, "firstName": "Ada", "lastName": "Lovelace", "isActive": 1})
    hook = http.post(f"{BASE}/ContactWebhooks", json=webhook_body(receiver, Name="contacts")).json()["itemId"]
    ids = field_ids(http, "Contact")
    for body in (
        {"fieldID": ids["lastName"], "isSubscribedField": True},
        {"fieldID": ids["firstName"], "isDisplayAlwaysField": True},
    ):
        assert http.post(f"{BASE}/ContactWebhooks/{hook}/Fields", json=body).status_code == 200
    assert http.delete(f"{BASE}/Companies/{company}/Contacts/{contact}").status_code == 200
    fake.webhooks.drain()
    [deleted] = receiver.callouts()
    assert deleted.verified
    assert (deleted.json["Action"], deleted.json["Id"], deleted.json["Fields"]) == (
        "Delete",
        contact,
        {"firstName": "Ada"},
    )

    assert http.delete(f"{BASE}/ContactWebhooks/{hook}").status_code == 200
    fake.webhooks.drain()
    [notice] = receiver.notices()
    assert notice.signature is None and notice.json["Action"] == "Deactivated"
    assert http.get(f"{BASE}/ContactWebhooks/{hook}/Fields").json()["items"] == []


def test_a_subscribed_udf_triggers_a_callout_with_its_value_and_an_unknown_udf_id_is_refused(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    hook = http.post(f"{BASE}/TicketWebhooks", json=webhook_body(receiver)).json()["itemId"]
    # The tenant's Ticket UDFs, numbered from 1 in entityInformation/userDefinedFields order.
    udfs = [d["name"] for d in http.get(f"{BASE}/Tickets/entityInformation/userDefinedFields").json()["fields"]]
    unknown = http.post(
        f"{BASE}/TicketWebhooks/{hook}/UdfFields", json={"udfFieldID": len(udfs) + 1, "isSubscribedField": True}
    )
    assert unknown.status_code == 500 and "names no user-defined field" in unknown.json()["errors"][0]
    subscribed = http.post(f"{BASE}/TicketWebhooks/{hook}/UdfFields", json={"udfFieldID": 1, "isSubscribedField": True})
    assert subscribed.status_code == 200, subscribed.text
    assert http.get(f"{BASE}/TicketWebhooks/{hook}").json()["item"]["isReady"] is True
    ticket_id = http.post(f"{BASE}/Tickets", json=ticket_body(company)).json()["itemId"]
    full = http.get(f"{BASE}/Tickets/{ticket_id}").json()["item"]
    http.put(f"{BASE}/Tickets", json={**full, "userDefinedFields": [{"name": udfs[0], "value": "EXT-1"}]})
    fake.webhooks.drain()
    assert [(c.json["Action"], c.json["Fields"]) for c in receiver.callouts()] == [
        ("Create", {}),
        ("Update", {udfs[0]: "EXT-1"}),
    ]


def test_a_patch_without_the_secret_key_keeps_it_and_deleting_the_last_subscribed_field_unreadies_the_webhook(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    webhook_id = register(http, receiver)
    renamed = http.patch(f"{BASE}/TicketWebhooks", json={"id": webhook_id, "name": "renamed"})
    assert renamed.status_code == 200, renamed.text
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.drain()
    assert [c.verified for c in receiver.callouts()] == [True]

    [field] = http.get(f"{BASE}/TicketWebhooks/{webhook_id}/Fields").json()["items"]
    assert http.delete(f"{BASE}/TicketWebhooks/{webhook_id}/Fields/{field['id']}").status_code == 200
    assert http.get(f"{BASE}/TicketWebhooks/{webhook_id}").json()["item"]["isReady"] is False
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    assert fake.webhooks.drain() == 0
