"""Re-create journal.jsonl: the published py-autotask 2.3.0 (AsyncAutotaskClient, aiohttp), unchanged, against
the served fake.

Install the package next to the harness in a virtualenv outside the repository, then run this script from
the repository root with that virtualenv's Python:

    python3 -m venv <venv>
    <venv>/bin/pip install py-autotask==2.3.0 -e .
    <venv>/bin/python tests/corpus/py-autotask-async/record.py

It serves the fake (profile "default", the sample tenant, as ``autotask-harness serve --seed sample``) and
drives the async client through its public API (``AsyncAutotaskClient.create_session``, its entity proxies
and ``create_entity_async``). The only configuration given is credentials (any non-empty strings) and
``api_url``: the async client shares py_autotask/auth.py, which looks the zone up only at the hard-coded
production address, so ``api_url`` is set to what zoneInformation answers on the fake
(``<root url>/ATServicesRest/``); the client then builds every URL as ``api_url.rstrip('/') + '/v1.0/...'``
(async_client.py _build_url). Errors are caught and printed, and the workflow goes on: on any HTTP error
status the client raises AttributeError ('ClientResponse' object has no attribute 'status_code'), since it
hands the aiohttp response to the requests-only utils.handle_api_error.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 1, New) of the sample tenant that has a time entry and a note.
TICKET_NUMBER = "T20260106.0012.001"


async def step(name: str, call: Awaitable[Any]) -> Any:
    try:
        result = await call
    except Exception as error:  # the library raises its own exceptions, and AttributeError on HTTP errors
        print(f"{name}: {type(error).__name__}: {error}")
        return None
    print(f"{name}: ok")
    return result


async def workflow(root_url: str) -> None:
    from py_autotask import AsyncAutotaskClient  # imported here, after warnings.simplefilter (pydantic warns)

    async with AsyncAutotaskClient.create_session(
        username="corpus-api-user@example.invalid",
        integration_code="CORPUS",
        secret="corpus-secret",
        api_url=f"{root_url}/ATServicesRest/",
    ) as client:
        tickets = client.tickets  # AsyncEntityProxy(client, "Tickets")
        # AsyncEntityProxy.query_async -> query_async -> POST /v1.0/Tickets/query
        found = await step(
            "tickets.query_async(ticketNumber eq)",
            tickets.query_async(filters={"field": "ticketNumber", "op": "eq", "value": TICKET_NUMBER}),
        )
        ticket_id = found.items[0]["id"]
        # AsyncEntityProxy.get_async -> get_async -> GET /v1.0/Tickets/{id}
        await step("tickets.get_async", tickets.get_async(ticket_id))
        # The async client has no child-entity URLs: a note is created with create_entity_async, which posts
        # to /v1.0/{entity}. Body keys as the package's own docs give a ticket note (entities/base.py create).
        await step(
            "create_entity_async(TicketNotes)",
            client.create_entity_async(
                "TicketNotes",
                {
                    "ticketID": ticket_id,
                    "title": "Customer call",
                    "description": "Called the customer; waiting for the access point to be replaced.",
                    "noteType": 1,
                    "publish": 1,
                },
            ),
        )
        # AsyncEntityProxy.update_async -> update_entity_async -> PATCH /v1.0/Tickets/{id} with the dict as given
        await step(
            "tickets.update_async",
            tickets.update_async(ticket_id, {"title": "Wi-Fi drops in meeting room 2", "priority": 2}),
        )
        # AsyncEntityManager.time_entries -> POST /v1.0/TimeEntries/query (ticketID eq)
        time_entries = client.entities.time_entries
        await step(
            "time_entries.query_async(ticketID eq)",
            time_entries.query_async(filters={"field": "ticketID", "op": "eq", "value": ticket_id}),
        )
        # The package's own example of a list (AsyncAutotaskClient.create_session docstring):
        # `await client.tickets.query_async()`; the async client adds no filter, so it posts {}.
        await step("tickets.query_async()", tickets.query_async())
        # Listing every time entry (the sample has 590): the async client has no paging at all; query_async
        # returns the first page and its pageDetails.nextPageUrl, which nothing in the package reads.
        page = await step(
            "time_entries.query_async(id gt 0)",
            time_entries.query_async(filters={"field": "id", "op": "gt", "value": 0}),
        )
        if page is not None:
            following = "set" if page.page_details.next_page_url else "none"
            print(f"  {len(page.items)} time entries, nextPageUrl {following}")


def main() -> int:
    warnings.simplefilter("ignore")  # pydantic's deprecation warnings from inside the package
    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER for t in snapshot["Tickets"])
    fake = sample_tenant()  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        asyncio.run(workflow(served.root_url))
    fake.journal.dump_jsonl(HERE / "journal.jsonl")
    print(f"{len(fake.journal)} exchanges written to {HERE / 'journal.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
