"""The reference client's resolution workflow against the fake, or with --autotask-live against a sandbox.

The test sets up its own ticket through the API, so it needs nothing seeded and works on
any tenant. Live, its exchanges are recorded (scrubbed) to cassettes/ beside this file.
"""

from __future__ import annotations

from typing import Any

from harness.client import AutotaskClient
from harness.contract import standard_ticket


def test_reference_workflow_resolves_a_ticket_it_created(autotask_target: Any, autotask_cassette: Any) -> None:
    client = AutotaskClient.discover(autotask_target.zone_lookup_root, autotask_target.username,
                                     autotask_target.secret, autotask_target.integration_code)
    ticket = standard_ticket(title="[contract-suite] resolution workflow", assignedResourceID=None)
    ticket_id = client.create("Tickets", {k: v for k, v in ticket.items() if v is not None})
    number = client.get("Tickets", ticket_id)["ticketNumber"]  # type: ignore[index]
    outcome = client.resolve(number, "Checked by the contract suite.", "Resolved by the contract suite.")
    after = client.get("Tickets", ticket_id)
    assert after is not None and outcome.ticket_id == ticket_id
    assert after["resolution"] == "Resolved by the contract suite."
    assert (after["status"] == 5) == (outcome.time_entries == 0)
    assert (after["completedDate"] is not None) == outcome.completed
