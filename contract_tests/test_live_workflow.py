"""The reference client's resolution workflow against the fake, or with --autotask-live against a sandbox.

The test sets up its own ticket through the API, so it needs nothing seeded and works on
any tenant. Live, its exchanges are recorded (scrubbed) to cassettes/ beside this file. It drives the
reference client, not the client under test, so it runs only when the reference client is the one under test.
"""

from __future__ import annotations

from typing import Any

from fake_server import TenantProfile
from harness.contract.client import AutotaskClient
from harness.contract.suite import live_ticket

DRIVES_THE_REFERENCE_CLIENT = True  # conftest deselects it when another client is under test


def test_reference_workflow_resolves_a_ticket_it_created(
    autotask_target: Any, autotask_cassette: Any, tenant_profile: TenantProfile
) -> None:
    client = AutotaskClient.discover(
        autotask_target.zone_lookup_root,
        autotask_target.username,
        autotask_target.secret,
        autotask_target.integration_code,
    )
    completing = min(tenant_profile.completion.completing_values)
    ticket = {**live_ticket(client), "title": "[contract-suite] resolution workflow"}
    ticket_id = client.create("Tickets", ticket)
    number = client.get("Tickets", ticket_id)["ticketNumber"]  # type: ignore[index]
    outcome = client.resolve(
        number, "Checked by the contract suite.", "Resolved by the contract suite.", completing_status=completing
    )
    after = client.get("Tickets", ticket_id)
    assert after is not None and outcome.ticket_id == ticket_id
    assert after["resolution"] == "Resolved by the contract suite."
    assert (after["status"] == completing) == (outcome.time_entries == 0)
    assert (after["completedDate"] is not None) == outcome.completed
