"""A walk-through: drive the fake through the Postman contract's resolution workflow, step by step, and show its traps.

Run ``python -m harness.contract.demo``. Every request goes through a real ``httpx.Client``
to the in-process fake; the table printed at the end is the fake's journal.
"""

from __future__ import annotations

from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from fake_server import DEFAULT_COMPLETING_STATUS, FakeAutotask
from fake_server.face import error_texts
from harness.rules.state import STABILISING_FIELDS

from .suite import standard_ticket

BASE = "https://webservices19.autotask.net/ATServicesRest/V1.0"
# Demo credentials for the fake only; the journal never keeps them.
HEADERS = {"ApiIntegrationCode": "DEMO-TRACKING-ID", "UserName": "demo@example.invalid", "Secret": "demo-secret"}


def _seed(fake: FakeAutotask) -> str:
    company = fake.seed(
        "Companies", {"companyName": "Contoso Ltd", "companyType": 1, "ownerResourceID": 4, "phone": "5555550142"}
    )
    ticket = fake.seed("Tickets", standard_ticket(company))
    record = fake.get("Tickets", ticket)
    assert record is not None
    return str(record["ticketNumber"])


def resolve_ticket(client: httpx.Client, ticket_number: str, note: str, resolution: str) -> dict[str, Any]:
    """The Postman contract, section 9, test 2: note, resolution, then status 5 only if no time entries exist."""
    found = client.post(
        f"{BASE}/Tickets/query", json={"filter": [{"op": "eq", "field": "ticketNumber", "value": ticket_number}]}
    )
    found.raise_for_status()
    ticket_id = found.json()["items"][0]["id"]
    item = client.get(f"{BASE}/Tickets/{ticket_id}").raise_for_status().json()["item"]
    client.post(
        f"{BASE}/Tickets/{ticket_id}/Notes",
        json={"Title": "Resolution", "Description": note, "NoteType": 1, "Publish": 1},
    ).raise_for_status()
    # PUT is a full update: send back every field of the fresh GET, changing only resolution.
    client.put(f"{BASE}/Tickets", json={**item, "resolution": resolution}).raise_for_status()
    entries = client.post(
        f"{BASE}/TimeEntries/query", json={"filter": [{"op": "eq", "field": "ticketID", "value": ticket_id}]}
    )
    if not entries.raise_for_status().json()["items"]:
        fresh = client.get(f"{BASE}/Tickets/{ticket_id}").raise_for_status().json()["item"]
        client.put(f"{BASE}/Tickets", json={**fresh, "status": DEFAULT_COMPLETING_STATUS}).raise_for_status()
    result: dict[str, Any] = client.get(f"{BASE}/Tickets/{ticket_id}").raise_for_status().json()["item"]
    return result


def show_traps(client: httpx.Client, ticket_id: int) -> list[tuple[str, str]]:
    """The traps the Postman contract found by hand, answered by the fake as the tenant answered them."""
    patch = client.patch(f"{BASE}/Tickets", json={"id": ticket_id, "title": "patched"})
    note = client.post(
        f"{BASE}/TicketNotes",
        json={"ticketID": ticket_id, "title": "t", "description": "d", "noteType": 1, "publish": 1},
    )
    partial = client.put(f"{BASE}/Tickets", json={"id": ticket_id, "resolution": "only this"})
    return [
        # 405 and 404 come in Web API's {"Message": ...}, business errors in {"errors": [...]}: either is read.
        ("PATCH /Tickets", f"{patch.status_code} {error_texts(patch.json())[0]}"),
        ("POST /TicketNotes", f"{note.status_code} {error_texts(note.json())[0][:60]}..."),
        ("PUT /Tickets with id + resolution only", f"{partial.status_code} {error_texts(partial.json())[0]}"),
    ]


def main() -> None:
    console = Console()
    fake = FakeAutotask()
    ticket_number = _seed(fake)
    with fake.mock(), httpx.Client(headers=HEADERS) as client:
        before = client.post(
            f"{BASE}/Tickets/query", json={"filter": [{"op": "eq", "field": "ticketNumber", "value": ticket_number}]}
        ).json()["items"][0]
        after = resolve_ticket(client, ticket_number, "Replaced the toner.", "Toner cartridge replaced.")
        traps = show_traps(client, after["id"])

    journal = Table(title=f"The Postman contract's resolution workflow against the fake ({fake.profile.name} profile)")
    for column in ("#", "method", "path", "status"):
        journal.add_column(column)
    for number, exchange in enumerate(fake.journal, 1):
        path = exchange.url.split("/V1.0", 1)[1]
        journal.add_row(str(number), exchange.method, path, str(exchange.status))
    console.print(journal)

    fields = Table(title=f"Ticket {ticket_number}: before and after")
    for column in ("field", "before", "after"):
        fields.add_column(column)
    for name in (
        *STABILISING_FIELDS,
        "resolution",
        "completedDate",
        "resolvedDateTime",
        "description",
        "assignedResourceID",
    ):
        fields.add_row(name, repr(before.get(name)), repr(after.get(name)))
    console.print(fields)

    trap_table = Table(title="The traps, as the tenant answers them")
    trap_table.add_column("request")
    trap_table.add_column("answer")
    for request, answer in traps:
        trap_table.add_row(request, answer)
    console.print(trap_table)
    unchanged = [n for n in STABILISING_FIELDS if n not in ("status",) and before.get(n) != after.get(n)]
    verdict = "[green]no stabilising field changed[/]" if not unchanged else f"[red]changed: {unchanged}[/]"
    console.print(
        f"Status {before['status']} -> {after['status']}; completedDate stamped: "
        f"{after['completedDate'] is not None}; {verdict}"
    )
    if unchanged or after["status"] != DEFAULT_COMPLETING_STATUS or after["completedDate"] is None:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
