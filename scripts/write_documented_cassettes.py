"""Write cassettes/documented/*.json: the Postman contract's validated tests and seeds 000-002's examples, by hand.

Usage: python scripts/write_documented_cassettes.py

Each cassette states only what its source documents (status codes, envelopes, the
fields the test looked at); ``verify`` compares such cassettes as subsets, so the
fake must answer at least that, exactly. Nothing here runs the fake.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "cassettes" / "documented"
BASE = "https://webservices19.autotask.net/ATServicesRest/V1.0"
TICKET, OTHER, NUMBER = 29296, 29297, "T20200924.0046.051"
STABILISING = {
    "id": TICKET,
    "companyID": 0,
    "queueID": 29683354,
    "title": "ICT Coaching",
    "priority": 2,
    "status": 1,
    "dueDateTime": "2022-12-06T13:00:00Z",
    "ticketCategory": 1,
    "issueType": 4,
    "subIssueType": 201,
    "source": 13,
    "organizationalLevelAssociationID": None,
}
SEED = {
    "Tickets": [
        {**STABILISING, "ticketNumber": NUMBER, "description": "Coaching session"},
        {**STABILISING, "id": OTHER, "ticketNumber": "T20200924.0047.051", "title": "Has time"},
    ],
    "TimeEntries": [
        {"id": 901, "ticketID": OTHER, "resourceID": 4, "dateWorked": "2022-12-05T00:00:00Z", "hoursWorked": 1.5}
    ],
    "ContactGroups": [{"id": 4, "name": "Existing group", "isActive": True}],
}
EARLIER = "2022-12-07T09:15:28.147Z"  # any instant: times compare by shape
FULL_PUT = {**STABILISING, "ticketNumber": NUMBER, "description": "Coaching session"}


def exchange(method: str, path: str, status: int, answer: Any, body: Any = None) -> dict[str, Any]:
    return {
        "request": {
            "method": method,
            "uri": BASE + path,
            "headers": {"Content-Type": ["application/json"]},
            "body": {"json": body} if body is not None else {"string": ""},
        },
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {},
            "body": {"json": answer} if answer is not None else {"string": ""},
        },
    }


def item(**fields: Any) -> dict[str, Any]:
    return {"item": fields}


def lookup() -> dict[str, Any]:
    query = {"filter": [{"op": "eq", "field": "ticketNumber", "value": NUMBER}]}
    return exchange(
        "POST",
        "/Tickets/query",
        200,
        {"items": [{"id": TICKET, "ticketNumber": NUMBER}], "pageDetails": {"count": 1, "nextPageUrl": None}},
        query,
    )


def get(**fields: Any) -> dict[str, Any]:
    return exchange("GET", f"/Tickets/{TICKET}", 200, item(id=TICKET, **fields))


def put(body: dict[str, Any], status: int = 200, answer: Any = None) -> dict[str, Any]:
    return exchange("PUT", "/Tickets", status, answer if answer is not None else {"itemId": TICKET}, body)


def time_entries(ticket: int, count: int) -> dict[str, Any]:
    query = {"filter": [{"op": "eq", "field": "ticketID", "value": ticket}]}
    items = [{"ticketID": ticket}] * count
    return exchange("POST", "/TimeEntries/query", 200, {"items": items, "pageDetails": {"count": count}}, query)


NOTE = {"Title": "Resolution", "Description": "Resolved remotely.", "NoteType": 1, "Publish": 1}

CASSETTES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "seed004-s1-ticket-lookup": (
        "The Postman contract §1: ticket number -> id through POST /Tickets/query",
        [lookup()],
    ),
    "seed004-s2-get-envelope": (
        "The Postman contract §2.1: the ticket comes under item, stabilising fields at item.*",
        [
            get(
                **{k: v for k, v in STABILISING.items() if k != "id"},
                ticketNumber=NUMBER,
                completedDate=None,
                resolvedDateTime=None,
                lastTrackedModificationDateTime=EARLIER,
            )
        ],
    ),
    "seed004-s3-status-picklist": (
        "The Postman contract §3: status is an integer picklist with values inline",
        [
            exchange(
                "GET",
                "/Tickets/entityInformation/fields",
                200,
                {
                    "fields": [
                        {
                            "name": "status",
                            "dataType": "integer",
                            "isPickList": True,
                            "picklistValues": [
                                {"value": "5", "label": "Complete"},
                                {"value": "8", "label": "Completed"},
                            ],
                        },
                        {"name": "resolution", "dataType": "string", "length": 32000, "isReadOnly": False},
                    ]
                },
            )
        ],
    ),
    "seed004-s4-patch-refused": (
        "The Postman contract §4: PATCH is not supported for Tickets and changes nothing",
        [exchange("PATCH", "/Tickets", 405, {}, {"id": TICKET, "title": "Patched"}), get(title="ICT Coaching")],
    ),
    "seed004-s4-put-full-update": (
        "The Postman contract §4: PUT is a full update; a partial PUT fails hard",
        [
            get(title="ICT Coaching"),
            put({"id": TICKET, "resolution": "only this"}, 500, {}),
            get(title="ICT Coaching", resolution=None),
            put({**FULL_PUT, "title": "ICT Coaching (updated)"}),
            get(title="ICT Coaching (updated)", description="Coaching session"),
        ],
    ),
    "seed004-s5-status-5-vs-8": (
        "The Postman contract §5: status 8 (Completed) stamps nothing; status 5 (Complete) stamps",
        [
            get(status=1),
            put({**FULL_PUT, "status": 8}),
            get(status=8, completedDate=None, resolvedDateTime=None),
            put({**FULL_PUT, "status": 5}),
            get(status=5, completedDate=EARLIER, resolvedDateTime=EARLIER),
        ],
    ),
    "seed004-s6-time-entries": (
        "The Postman contract §6: TimeEntries/query by ticketID decides; 0 or more items",
        [time_entries(TICKET, 0), time_entries(OTHER, 1)],
    ),
    "seed004-s7-notes": (
        "The Postman contract §7: /TicketNotes and /TicketNote are 404; /Tickets/{id}/Notes works",
        [
            exchange("POST", "/TicketNotes", 404, {}, {**NOTE, "TicketID": TICKET}),
            exchange("POST", "/TicketNote", 404, {}, {**NOTE, "TicketID": TICKET}),
            exchange("POST", f"/Tickets/{TICKET}/Notes", 200, {"itemId": 1}, NOTE),
            exchange(
                "POST",
                "/TicketNotes/query",
                200,
                {"items": [{"ticketID": TICKET, "title": "Resolution", "description": "Resolved remotely."}]},
                {"filter": [{"op": "eq", "field": "ticketID", "value": TICKET}]},
            ),
        ],
    ),
    "seed004-s8-resolution-update": (
        "The Postman contract §8: a stabilised PUT changes only the resolution",
        [
            get(**{k: v for k, v in STABILISING.items() if k != "id"}),
            put({**FULL_PUT, "resolution": "Coaching delivered."}),
            get(
                **{k: v for k, v in STABILISING.items() if k != "id"},
                resolution="Coaching delivered.",
                description="Coaching session",
            ),
        ],
    ),
    "seed004-s9-test1-resolution-only": (
        "The Postman contract §9 test 1: note and resolution; status and stamps unchanged",
        [
            lookup(),
            get(status=1),
            exchange("POST", f"/Tickets/{TICKET}/Notes", 200, {"itemId": 1}, NOTE),
            get(status=1),
            put({**FULL_PUT, "resolution": "Resolved remotely."}),
            get(status=1, resolution="Resolved remotely.", completedDate=None, resolvedDateTime=None),
        ],
    ),
    "seed004-s9-test2-no-time-entries": (
        "The Postman contract §9 test 2: no time entries -> status 5, stamps set",
        [
            lookup(),
            get(status=1),
            exchange("POST", f"/Tickets/{TICKET}/Notes", 200, {"itemId": 1}, NOTE),
            get(status=1),
            put({**FULL_PUT, "resolution": "Resolved remotely."}),
            time_entries(TICKET, 0),
            get(status=1, resolution="Resolved remotely."),
            put({**FULL_PUT, "resolution": "Resolved remotely.", "status": 5}),
            get(status=5, completedDate=EARLIER, resolvedDateTime=EARLIER),
        ],
    ),
    "seed004-s9-test2-with-time-entries": (
        "The Postman contract §9 test 2: time entries exist -> status untouched",
        [
            exchange("GET", f"/Tickets/{OTHER}", 200, item(id=OTHER, status=1)),
            exchange("POST", f"/Tickets/{OTHER}/Notes", 200, {"itemId": 1}, NOTE),
            exchange(
                "PUT",
                "/Tickets",
                200,
                {"itemId": OTHER},
                {
                    **FULL_PUT,
                    "id": OTHER,
                    "ticketNumber": "T20200924.0047.051",
                    "title": "Has time",
                    "resolution": "Resolved remotely.",
                },
            ),
            time_entries(OTHER, 1),
            exchange(
                "GET",
                f"/Tickets/{OTHER}",
                200,
                item(id=OTHER, status=1, completedDate=None, resolution="Resolved remotely."),
            ),
        ],
    ),
    "seed000-create": (
        "Seed 000: create returns itemId; a duplicate ContactGroup name is a 500",
        [
            exchange(
                "POST",
                "/ContactGroups",
                200,
                {"itemId": 5},
                {"id": "0", "Name": "Test 1 Create of Contact Group x", "IsActive": "True"},
            ),
            exchange(
                "POST",
                "/ContactGroups",
                500,
                {
                    "errors": [
                        "A ContactGroup already exists with Name [Test 1 Create of Contact Group x]. "
                        "ContactGroup names must be unique."
                    ]
                },
                {"id": "0", "Name": "Test 1 Create of Contact Group x", "IsActive": "True"},
            ),
            exchange(
                "POST",
                "/Companies",
                200,
                {"itemId": 1},
                {
                    "companyName": "A Company",
                    "companyType": 1,
                    "ownerResourceID": 4,
                    "phone": "5555555555",
                    "userDefinedFields": [{"name": "CustomerRanking", "value": "not Golden"}],
                },
            ),
        ],
    ),
    "seed001-update-put": (
        "Seed 001: PUT updates every property; omitted writable fields become null",
        [
            exchange("PUT", "/ContactGroups", 200, {"itemId": 4}, {"id": 4, "name": "Renamed group"}),
            exchange("GET", "/ContactGroups/4", 200, item(id=4, name="Renamed group", isActive=None)),
        ],
    ),
    "seed002-delete": (
        "Seed 002: DELETE /ContactGroups/4 answers 200 with itemId",
        [
            exchange("DELETE", "/ContactGroups/4", 200, {"itemId": 4}),
            exchange("GET", "/ContactGroups/4", 200, {"item": None}),
        ],
    ),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (description, interactions) in CASSETTES.items():
        cassette = {
            "version": 1,
            "interactions": interactions,
            "metadata": {
                "provenance": {
                    "kind": "documented",
                    "description": description,
                    "zone": "webservices19",
                    "profile": None,
                    "recorded_at": "2026-11-23T00:00:00Z",
                    "harness_version": "0.1.0",
                    "seed": SEED,
                }
            },
        }
        (OUT / f"{name}.json").write_text(json.dumps(cassette, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(CASSETTES)} cassettes -> {OUT.name}/")


if __name__ == "__main__":
    main()
