"""Re-create journal.jsonl: the published autotask-client 0.3.1 (PyPI), run unchanged against the served fake.

Install (the package needs Python 3.12 or newer), from the repository root:

    python3.12 -m venv <venv>
    <venv>/bin/pip install -e . autotask-client==0.3.1

Run from the repository root with that venv's python:

    <venv>/bin/python tests/corpus/autotask-client/record.py [--profile default] [--out FILE]

How the client finds its base URL (autotask/client.py, AutotaskClient.__init__ and _discover_zone):
- AutotaskConfig.api_url (env AUTOTASK_API_URL) set: base = api_url + "/atservicesrest/v1.0", lowercase.
- not set: a cached zone from ~/.cache/autotask/zone.json ({"username", "url"}), else a GET of the
  hard-coded https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation?user=..., whose answer
  must be https on a webservicesN.autotask.net host (anything else raises); it appends "/v1.0" and caches it.
  That host cannot be configured, so the discovery request itself cannot reach the served fake.

So this script runs two sessions through the public API (AutotaskClient, EntityManager, Q, the models):
1. AutotaskConfig(api_url=<fake root>): the one configuration the client offers; `whoami` (the CLI's
   `autotask whoami`), to show the base path it builds.
2. no api_url, HOME pointing at a scratch folder whose zone cache holds what _discover_zone would have
   written from the fake's own zoneInformation answer ("<url>" + "v1.0"): the typical production path
   after discovery, and the whole workflow in it.
Nothing of the client is patched; the zone cache is its own documented cache file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

USER = "api-user@example.invalid"  # the default profile's API user; whoami matches Resources.email to it
SECRET = "any-secret"
CODE = "any-integration-code"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--out", type=Path, default=HERE / "journal.jsonl")
    args = parser.parse_args()

    # The client reads its zone cache path from Path.home() at import time: point HOME at scratch first.
    home = tempfile.mkdtemp(prefix="autotask-client-home-")
    os.environ["HOME"] = home
    for name in ("AUTOTASK_API_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = "127.0.0.1"

    import httpx

    from fake_server.sample import sample_tenant
    from harness.serving.server import ServedFake

    fake = sample_tenant(args.profile)  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        # What the client's zone discovery would have cached: the zoneInformation answer's url, "/v1.0" added
        # (autotask/client.py _discover_zone). Asked here, outside the client, then dropped from the journal.
        zone = httpx.get(f"{served.base_url}/zoneInformation", params={"user": USER}).json()["url"].rstrip("/")
        fake.journal.clear()
        if not zone.endswith("/v1.0"):
            zone = f"{zone}/v1.0"
        cache = Path(home) / ".cache" / "autotask" / "zone.json"
        cache.parent.mkdir(parents=True)
        cache.write_text(json.dumps({"username": USER, "url": zone}))
        asyncio.run(workflow(served.root_url, fake))
    fake.journal.dump_jsonl(args.out)
    print(f"{len(fake.journal)} exchanges -> {args.out}")


async def step(label: str, call):
    """Run one public call; a failure is printed and the workflow goes on (the journal keeps the exchange)."""
    try:
        result = await call
    except Exception as error:
        print(f"{label}: {type(error).__name__}: {str(error)[:300]}")
        return None
    print(f"{label}: ok")
    return result


async def workflow(root_url: str, fake) -> None:
    # The README's `from autotask import AutotaskClient, ...` raises ImportError in 0.3.1 (autotask/__init__.py
    # exports nothing); these are the imports the package's own CLI uses (autotask/cli.py).
    from autotask.client import AutotaskClient
    from autotask.config import AutotaskConfig
    from autotask.entities.manager import EntityManager
    from autotask.models import Ticket, TicketNote, TimeEntry
    from autotask.query import Q

    # Session 1: the explicit base URL the client offers (AUTOTASK_API_URL / AutotaskConfig.api_url).
    config = AutotaskConfig(username=USER, secret=SECRET, integration_code=CODE, api_url=root_url)
    async with AutotaskClient(config) as client:
        await step("api_url whoami", EntityManager(client).whoami())

    # Session 2: the zone the client's discovery caches (no api_url): the typical workflow.
    ticket_id, number = pick_ticket(fake)
    config = AutotaskConfig(username=USER, secret=SECRET, integration_code=CODE)
    async with AutotaskClient(config) as client:
        em = EntityManager(client)
        await step("whoami", em.whoami())  # Resources/query email eq
        found = await step("ticket by number", em.query(Ticket, Q(ticketNumber=number)))
        if found:
            ticket_id = found[0].id
        await step("get ticket", em.get(Ticket, ticket_id))  # GET Tickets/{id}
        note = TicketNote(
            ticketID=ticket_id,
            title="Customer called",  # as `autotask ticket-notes create`
            description="Called back, waiting on the customer.",
            publish=1,
        )
        await step("add note", em.create(note, parent_id=ticket_id))  # POST Tickets/{id}/TicketNotes
        await step("update ticket", em.update(Ticket(id=ticket_id, status=7)))  # README / `tickets update`: PATCH
        await step("time entries", em.query(TimeEntry, Q(ticketID=ticket_id)))
        await step("ticket notes", em.query(TicketNote, parent_id=ticket_id, max_records=50))  # `ticket-notes list`
        # With no filter at all (`autotask tickets list`, `em.query(TimeEntry)`) the client sends {"filter": []},
        # which the fake refuses (500, "A query requires at least one filter condition."); so each list below
        # carries one filter.
        # A limited list, as the CLI's `--limit 50` (default) does it: max_records trims client-side only; the
        # request asks for a full page (no MaxRecords) and the client stops after it. The generic by-name access
        # the README shows (`em.query("Contacts", ...)`), on top-level TicketNotes (a page of 500 tickets would
        # alone exceed the corpus' size budget).
        await step("notes, limit 50", em.query("TicketNotes", Q(id__gte=0), max_records=50))
        # Every time entry: query_all pages by adding {"field": "id", "op": "gt", "value": <last id>}.
        await step("all time entries", em.query(TimeEntry, Q(id__gte=0)))
        await step("info", em.entity_info(Ticket))  # `autotask info Tickets`
        await step("fields", em.field_info(Ticket))  # `autotask fields Tickets`


def pick_ticket(fake) -> tuple[int, str]:
    """A sample ticket with time entries and notes, read from the fake's store (the user knows its number)."""
    entries = {r.get("ticketID") for _, r in fake.store.table("TimeEntries").items()}
    notes = {r.get("ticketID") for _, r in fake.store.table("TicketNotes").items()}
    for ticket_id, ticket in fake.store.table("Tickets").items():
        if ticket_id in entries and ticket_id in notes and ticket.get("status") != 5:
            return ticket_id, ticket["ticketNumber"]
    raise SystemExit("no suitable sample ticket")


if __name__ == "__main__":
    main()
