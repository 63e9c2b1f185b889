"""A tenant's own values for the records the contract suite makes: picklists, statuses and people.

The suite seeds tickets, time entries and notes. Their picklist values come from the tenant's field
metadata (a probed tenant has other queues and statuses than the Postman contract's), so the same scenarios run on
the default fake, on a profile that ``probe`` wrote, and on a live sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fake_server import FakeAutotask

from .picklists import active_values, choose, ticket_from_fields


@dataclass(frozen=True)
class TenantValues:
    """What a scenario seeds on one fake tenant, read from that tenant's metadata and records."""

    fake: FakeAutotask

    def fields(self, entity: str) -> list[dict[str, Any]]:
        info = self.fake.catalog.get(entity)
        return [] if info is None else [f.to_api() for f in info.fields]

    def picklist(self, entity: str, field: str) -> list[int]:
        """Every active value of a picklist."""
        described = next((f for f in self.fields(entity) if f["name"] == field), {})
        return [int(v["value"]) for v in active_values(described)]

    def sub_issues(self, issue: int | None) -> list[int]:
        described = next((f for f in self.fields("Tickets") if f["name"] == "subIssueType"), {})
        return [
            int(v["value"])
            for v in active_values(described)
            if issue is not None and str(v.get("parentValue") or "") == str(issue)
        ]

    @property
    def completing_status(self) -> int:
        """The tenant's first status that completes a ticket (the Postman contract §5: 5 on the default tenant)."""
        return min(self.fake.profile.completion.completing_values)

    @property
    def resource(self) -> int:
        """An active resource other than the API user, who logs time and is assigned tickets."""
        api_user = self.fake.profile.api_resource_id
        people = [r["id"] for r in self.fake.records("Resources") if r.get("isActive") and r["id"] != api_user]
        return people[-1] if people else api_user

    def ticket(self, company: int = 0, **changes: Any) -> dict[str, Any]:
        """A ticket with every stabilising field filled from the tenant's picklists, as a real one would be."""
        completing = self.fake.profile.completion.completing_values
        ticket = ticket_from_fields(self.fields("Tickets"), company, required_only=False, avoid_statuses=completing)
        ticket.update(
            {
                "title": "Printer offline on floor 2",
                "dueDateTime": "2026-12-01T17:00:00Z",
                "description": "Reported by phone.",
                "assignedResourceID": self.resource,
                "organizationalLevelAssociationID": None,
            }
        )
        ticket.update(changes)
        return ticket

    def time_entry(self, ticket: int, hours: float = 1.5) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ticketID": ticket,
            "resourceID": self.resource,
            "dateWorked": "2026-11-20",
            "hoursWorked": hours,
        }
        kind = next((choose(f) for f in self.fields("TimeEntries") if f["name"] == "timeEntryType"), None)
        if kind is not None:
            entry["timeEntryType"] = kind
        return entry

    def note(self, ticket: int, title: str, description: str) -> dict[str, Any]:
        note: dict[str, Any] = {"ticketID": ticket, "title": title, "description": description}
        for described in self.fields("TicketNotes"):
            if described["name"] in ("noteType", "publish"):
                value = choose(described)
                if value is not None:
                    note[described["name"]] = value
        return note
