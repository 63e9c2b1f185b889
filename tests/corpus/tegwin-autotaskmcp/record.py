"""Re-create the journals: the published iflow-mcp-tegwin-autotaskmcp 1.0.1 (tegwin/AutotaskMCP, one module
``autotask_mcp.py``, httpx), unchanged, its MCP tools called through its own FastMCP server.

Install the package next to the harness in a virtualenv outside the repository, then run this script from
the repository root with that virtualenv's Python:

    python3 -m venv <venv>
    <venv>/bin/pip install iflow-mcp-tegwin-autotaskmcp==1.0.1 'mcp<2' -e .
    <venv>/bin/python tests/corpus/tegwin-autotaskmcp/record.py

(``mcp<2``: the package asks for ``mcp>=1.0.0`` but imports ``mcp.server.fastmcp``, which mcp 2 renamed.)

The module reads its configuration from the environment when it is imported (AUTOTASK_USERNAME,
AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE, AUTOTASK_API_URL), so the script sets those and re-imports it
for each run. Served runs (profiles default and documented) set AUTOTASK_API_URL to
``<root url>/ATServicesRest/v1.0``; the in-process run leaves it unset, so the module talks to its own
default ``https://webservices16.autotask.net/ATServicesRest/v1.0``, answered by ``fake.mock()``. Each tool
is called as an MCP client would, with ``FastMCP.call_tool(name, {"params": {...}})``.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from recording import TICKET_NUMBER, record_in_process, record_profiles  # noqa: E402

from fake_server.sample import sample_snapshot  # noqa: E402

CREDENTIALS = {
    "AUTOTASK_USERNAME": "corpus-api-user@example.invalid",
    "AUTOTASK_SECRET": "corpus-secret",
    "AUTOTASK_INTEGRATION_CODE": "CORPUS",
}


def load_server(api_url: str | None) -> ModuleType:
    os.environ.update(CREDENTIALS)
    if api_url is None:
        os.environ.pop("AUTOTASK_API_URL", None)
    else:
        os.environ["AUTOTASK_API_URL"] = api_url
    import autotask_mcp

    return importlib.reload(autotask_mcp)  # its settings are module constants read at import


def call(server: ModuleType, tool: str, **params: Any) -> str:
    content = asyncio.run(server.mcp.call_tool(tool, {"params": params}))
    blocks = content[0] if isinstance(content, tuple) else content
    text = "".join(getattr(block, "text", "") for block in blocks)
    print(f"{tool}: {text.splitlines()[0][:110] if text else '(empty)'}")
    return text


def workflow(server: ModuleType) -> None:
    ticket = next(t for t in sample_snapshot()["Tickets"] if t["ticketNumber"] == TICKET_NUMBER)
    # The status picklist, to pick the status the note asks for (GET Tickets/entityInformation/fields).
    call(server, "autotask_get_picklist_values", entity="Tickets", field="status")
    # Find the ticket by its title (POST Tickets/query, title contains), as a user who has the title would.
    found = json.loads(call(server, "autotask_search_tickets", title_contains=ticket["title"]))
    ticket_id = next(t["id"] for t in found["tickets"] if t["ticketNumber"] == TICKET_NUMBER)
    call(server, "autotask_get_ticket", ticket_id=ticket_id)  # GET Tickets/{id}
    # POST TicketNotes (the module's docstring: "not /Tickets/{id}/Notes").
    call(
        server,
        "autotask_create_ticket_note",
        ticket_id=ticket_id,
        title="Customer called",
        description="Asked the customer to restart the access point and report back.",
    )
    # GET Tickets/{id}, then PATCH Tickets with {id, priority}: the customer's whole office is down (High).
    call(server, "autotask_update_ticket", ticket_id=ticket_id, priority=1)
    # Who logs the time, and in which role (POST Roles/query, POST Resources/query; isActive eq true).
    roles = json.loads(call(server, "autotask_search_roles"))
    resources = json.loads(call(server, "autotask_search_resources"))
    role_id = roles["roles"][0]["id"] if roles.get("roles") else 1
    resource_id = resources["resources"][0]["id"] if resources.get("resources") else 1
    # POST TimeEntries with ticketID (flat, not under the ticket).
    call(
        server,
        "autotask_create_time_entry",
        ticket_id=ticket_id,
        resource_id=resource_id,
        role_id=role_id,
        hours_worked=0.5,
        summary_notes="Remote session: reset the access point.",
        date_worked="2026-01-07",
    )
    # The combined tool: PATCH Tickets {id, status} (Waiting Customer: 7 in the sample's picklist), then
    # POST TicketNotes.
    call(
        server,
        "autotask_update_ticket_status_with_note",
        ticket_id=ticket_id,
        status=7,
        note_description="Access point replaced; waiting for the customer to confirm.",
    )
    # The default search (no filter: id gt 0, "recent tickets"), capped to 50 by the tool.
    call(server, "autotask_search_tickets")


def main() -> int:
    logging.disable(logging.INFO)  # httpx logs every request line at INFO

    def served(root_url: str, ca_file: Path | None) -> None:
        workflow(load_server(f"{root_url}/ATServicesRest/v1.0"))

    record_profiles(HERE, served)
    record_in_process(HERE, lambda: workflow(load_server(None)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
