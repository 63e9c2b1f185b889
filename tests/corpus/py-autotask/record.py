"""Re-create journal.jsonl: the published py-autotask 2.3.0 (synchronous AutotaskClient, requests), unchanged,
against the served fake.

Install the package next to the harness in a virtualenv outside the repository, then run this script from
the repository root with that virtualenv's Python:

    python3 -m venv <venv>
    <venv>/bin/pip install py-autotask==2.3.0 -e .
    <venv>/bin/python tests/corpus/py-autotask/record.py

It serves the fake (profile "default", the sample tenant, as ``autotask-harness serve --seed sample``) and
drives the client through its public API. The only configuration given is credentials (any non-empty
strings) and ``api_url``: py_autotask/auth.py looks the zone up only at the hard-coded production address
(https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation), which cannot be pointed at the fake,
so ``api_url`` is set to what zoneInformation answers on the fake (``<root url>/ATServicesRest/``); with it
the client skips zone detection and builds every URL as ``api_url.rstrip('/') + '/v1.0/...'``, exactly as it
does with a detected zone. Errors the fake answers are caught and printed, and the workflow goes on.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 1, New) of the sample tenant that has a time entry and a note.
TICKET_NUMBER = "T20260106.0012.001"


def step(name: str, call: Callable[[], Any]) -> Any:
    try:
        result = call()
    except Exception as error:  # the library raises its own exceptions (and ValueError, AttributeError)
        print(f"{name}: {type(error).__name__}: {error}")
        return None
    print(f"{name}: ok")
    return result


def workflow(root_url: str) -> None:
    from py_autotask import AutotaskClient  # imported here, after warnings.simplefilter (pydantic warns on import)

    client = AutotaskClient.create(
        username="corpus-api-user@example.invalid",
        integration_code="CORPUS",
        secret="corpus-secret",
        api_url=f"{root_url}/ATServicesRest/",
    )
    tickets = client.tickets
    notes = client.entities.get_entity("TicketNotes")  # TicketNotesEntity (entities/ticket_notes.py)

    # BaseEntity.query with one filter dict -> POST /v1.0/Tickets/query
    found = step(
        "tickets.query(ticketNumber eq)",
        lambda: tickets.query({"field": "ticketNumber", "op": "eq", "value": TICKET_NUMBER}),
    )
    ticket_id = found.items[0]["id"]
    # BaseEntity.get -> GET /v1.0/Tickets/{id}
    step("tickets.get", lambda: tickets.get(ticket_id))
    # BaseEntity.get_field_info -> GET /v1.0/Tickets/entityInformation/fields
    step("tickets.get_field_info", tickets.get_field_info)
    # TicketsEntity.add_ticket_note -> client.create_entity("TicketNotes") -> POST /v1.0/TicketNotes
    step(
        "tickets.add_ticket_note",
        lambda: tickets.add_ticket_note(
            ticket_id, "Called the customer; waiting for the access point to be replaced.", title="Customer call"
        ),
    )
    # TicketNotesEntity.create_note -> BaseEntity.create (CHILD_ENTITY_MAPPINGS) -> POST /v1.0/Tickets/{id}/Notes
    step(
        "ticket_notes.create_note",
        lambda: notes.create_note(ticket_id, "Access point replaced; monitoring the connection.", title="Work done"),
    )
    # BaseEntity.update -> client.update -> PATCH /v1.0/Tickets/{id} with the dict as given
    step(
        "tickets.update",
        lambda: tickets.update({"id": ticket_id, "title": "Wi-Fi drops in meeting room 2", "priority": 2}),
    )
    # TimeEntriesEntity.get_time_entries_by_ticket -> POST /v1.0/TimeEntries/query (TicketID eq)
    step("time_entries.get_time_entries_by_ticket", lambda: client.time_entries.get_time_entries_by_ticket(ticket_id))
    # TicketsEntity.get_ticket_time_entries passes QueryFilter objects to client.query(filters=...), whose
    # validate_filter tests `"field" in <QueryFilter>` and raises ValueError: nothing is sent.
    step("tickets.get_ticket_time_entries", lambda: tickets.get_ticket_time_entries(ticket_id))
    # TicketNotesEntity.get_notes_by_ticket -> BaseEntity.query_all -> POST /v1.0/TicketNotes/query
    step("ticket_notes.get_notes_by_ticket", lambda: notes.get_notes_by_ticket(ticket_id))
    # BaseEntity.query_all with no filter: client adds id gte 0, maxRecords 500. On a page with a nextPageUrl
    # it sets query_request.offset, which the pydantic QueryRequest refuses (ValueError); query_all logs
    # the error and returns the first page only.
    every = step("ticket_notes.query_all", notes.query_all)
    print(f"  query_all returned {len(every or [])} notes")
    client.close()


def main() -> int:
    warnings.simplefilter("ignore")  # pydantic's deprecation warnings from inside the package
    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER for t in snapshot["Tickets"])
    fake = sample_tenant()  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        workflow(served.root_url)
    fake.journal.dump_jsonl(HERE / "journal.jsonl")
    print(f"{len(fake.journal)} exchanges written to {HERE / 'journal.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
