"""The scenarios of the contract suite, one documented workflow each (the Postman contract sections 6-9)."""

from __future__ import annotations

import os
from typing import Any

from fake_server import FakeAutotask
from harness.rules import CONTRACT, WORKFLOW, Violation

from .adapter import ClientAdapter
from .client import AutotaskClient
from .suite import WORKFLOW_FIELDS, Scenario, TenantView, unchanged_fields
from .tenant_values import TenantValues

NOTE = "Replaced the toner cartridge."
RESOLUTION = "Toner cartridge replaced; printer back online."


class ResolveWithoutTimeEntries(Scenario):
    """The Postman contract §9 test 2, no time entries: note, resolution, and the completing status with its stamps."""

    name = "resolve-without-time-entries"
    operation = "resolve_ticket"
    packs = (CONTRACT, WORKFLOW)

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        adapter.resolve_ticket(given["number"], NOTE, RESOLUTION)

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        findings = super().judge(view, given, error)
        after = view.ticket(given["ticket"])
        findings += unchanged_fields(given["before"], after, WORKFLOW_FIELDS)
        if after is None:
            return findings
        if not any(n["description"] == NOTE for n in view.notes(given["ticket"])):
            findings.append(Violation("note-added", "no note with the workflow's text on the ticket"))
        if after["resolution"] != RESOLUTION:
            findings.append(Violation("resolution-set", f"resolution is {after['resolution']!r}"))
        if after["status"] != self.completing_status or after["completedDate"] is None:
            findings.append(
                Violation(
                    "workflow-completes-ticket",
                    f"status {after['status']}, completedDate "
                    f"{after['completedDate']!r}: a ticket with no time entries must be completed",
                )
            )
        return findings


class ResolveWithTimeEntries(ResolveWithoutTimeEntries):
    """The Postman contract §9 test 2, time entries exist: note and resolution, status untouched."""

    name = "resolve-with-time-entries"

    def setup(self, fake: FakeAutotask) -> dict[str, Any]:
        given = super().setup(fake)
        fake.seed("TimeEntries", TenantValues(fake).time_entry(given["ticket"]))
        return given

    def setup_live(self, client: AutotaskClient) -> dict[str, Any]:
        given = super().setup_live(client)
        resource = int(os.environ.get("AUTOTASK_RESOURCE_ID", "0"))  # the sandbox's own resource for time
        client.create(
            "TimeEntries",
            {
                "ticketID": given["ticket"],
                "resourceID": resource,
                "dateWorked": "2026-11-20",
                "hoursWorked": 0.25,
                "summaryNotes": "[contract-suite] time entry",
            },
        )
        return given

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        findings = [f for f in super().judge(view, given, error) if f.rule != "workflow-completes-ticket"]
        after = view.ticket(given["ticket"])
        if after is not None and (after["status"] != given["before"]["status"] or after["completedDate"]):
            findings.append(
                Violation(
                    "status-unchanged-with-time-entries", f"status became {after['status']} although time entries exist"
                )
            )
        return findings


class SetResolutionOnly(Scenario):
    """The Postman contract §9 test 1: the resolution alone changes; status and timestamps stay as they were."""

    name = "set-resolution-only"
    operation = "set_resolution"

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        adapter.set_resolution(given["number"], RESOLUTION)

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        findings = super().judge(view, given, error)
        after = view.ticket(given["ticket"])
        findings += unchanged_fields(
            given["before"], after, frozenset({"resolution", "lastTrackedModificationDateTime", "lastActivityDate"})
        )
        if after is not None and after["resolution"] != RESOLUTION:
            findings.append(Violation("resolution-set", f"resolution is {after['resolution']!r}"))
        return findings


class AddNote(Scenario):
    """The Postman contract §7: the note lands on the ticket (through /Tickets/{id}/Notes)."""

    name = "add-note"
    operation = "add_note"

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        adapter.add_note(given["number"], "Called the customer", NOTE)

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        findings = super().judge(view, given, error)
        if not any(n["description"] == NOTE for n in view.notes(given["ticket"])):
            findings.append(Violation("note-added", "no note with the given text on the ticket"))
        findings += unchanged_fields(
            given["before"],
            view.ticket(given["ticket"]),
            frozenset({"lastActivityDate", "lastTrackedModificationDateTime"}),
        )
        return findings


class ErrorsAreErrors(Scenario):
    """Seeds 000-002: any answer but 200 is an error; a client must not carry on as if it had worked."""

    name = "non-200-is-error"
    operation = "set_resolution"
    live = False

    def setup(self, fake: FakeAutotask) -> dict[str, Any]:
        given = super().setup(fake)
        fake.inject_fault(
            status=500, errors=["Injected: the update could not be saved."], method="PUT", path="/Tickets$", times=5
        )
        return given

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        adapter.set_resolution(given["number"], RESOLUTION)

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        if error is None:
            return [Violation("non-200-is-error", "the update answered 500 and the client reported success")]
        return []


class QueryAllPages(Scenario):
    """The docs' paging: asking for every record means following nextPageUrl to the last page."""

    name = "query-all-pages"
    operation = "query_all"
    live = False

    def setup(self, fake: FakeAutotask) -> dict[str, Any]:
        given = super().setup(fake)
        values = TenantValues(fake)
        for n in range(1203):
            fake.seed("TicketNotes", values.note(given["ticket"], f"Note {n}", "d"))
        return given

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        given["result"] = adapter.query_all(
            "TicketNotes", [{"op": "eq", "field": "ticketID", "value": given["ticket"]}]
        )

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        findings = super().judge(view, given, error)
        got = len(given.get("result") or [])
        if error is None and got != 1203:
            findings.append(Violation("follow-next-page", f"{got} of 1203 notes returned"))
        return findings


SCENARIOS: tuple[type[Scenario], ...] = (
    ResolveWithoutTimeEntries,
    ResolveWithTimeEntries,
    SetResolutionOnly,
    AddNote,
    ErrorsAreErrors,
    QueryAllPages,
)
