"""The experiments on a throw-away ticket: what the Postman contract had to find out by hand, asked of one tenant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .ledger import PREFIX, Ledger
from .session import Answer, ProbeFailed, Session
from .tenant_metadata import EntityCapture

STAMP_FIELDS = ("completedDate", "resolvedDateTime")
RESOURCE_STAMP = "completedByResourceID"
WATCHED = (*STAMP_FIELDS, RESOURCE_STAMP)
MISSING_ID = 2_147_483_000  # far above any id a tenant hands out
# The three endpoints whose fate differs between tenants, in the profile's "METHOD /shape" spelling.
PATCH_TICKETS = "PATCH /Tickets"
POST_TICKET_NOTES = "POST /TicketNotes"
POST_CHILD_NOTES = "POST /Tickets/{id}/Notes"
PROBED_ENDPOINTS = (PATCH_TICKETS, POST_TICKET_NOTES, POST_CHILD_NOTES)


def outcome(status: int) -> str:
    """How a tenant treated a verb: accepted (200), absent (404), refused (405), or the bare status."""
    return {200: "accepted", 404: "absent", 405: "refused"}.get(status, f"answered {status}")


@dataclass
class StatusObservation:
    """Setting one status value: which completion fields it stamped, and which moving back cleared."""

    value: int
    label: str
    stamped: tuple[str, ...] = ()
    cleared_on_reopen: tuple[str, ...] | None = None
    error: str | None = None  # setting the status was refused
    reopen_error: str | None = None  # moving back from it was refused


@dataclass
class Observations:
    """Every point the probe asks about; ``None`` where the step did not get that far."""

    base_path_case_sensitive: bool | None = None
    missing_item_status: int | None = None
    endpoints: dict[str, str] = field(default_factory=dict)
    put_nulls_omitted: bool | None = None
    put_without_required: str | None = None
    api_resource_id: int | None = None
    company_id: int | None = None
    queue_id: int | None = None
    baseline_status: int | None = None
    baseline_label: str = ""
    statuses: list[StatusObservation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class TicketPlan:
    """Where the throw-away tickets go and what they carry."""

    company_id: int
    queue_id: int | None
    extra: dict[str, Any]
    run_id: str


def pick_company(session: Session, wanted: int | None) -> int:
    """The company the user named, else the tenant's own company (id 0), else the first active one."""
    if wanted is not None:
        return wanted
    for filters in ([{"op": "eq", "field": "id", "value": 0}], [{"op": "eq", "field": "isActive", "value": True}]):
        items = session.must("POST", "/Companies/query", {"MaxRecords": 1, "filter": filters}).value(
            "items", "POST /Companies/query"
        )
        if items and isinstance(items[0], dict) and as_int(items[0].get("id")) is not None:
            return int(items[0]["id"])
    raise ProbeFailed("the tenant has no company to put a ticket in; name one with --company")


def as_int(value: Any) -> int | None:
    """An integer picklist value or id, or ``None`` for anything that is not one."""
    try:
        return int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def first_choice(described: dict[str, Any] | None) -> Any:
    """A picklist's default value, else its first active top-level one, typed as the field is."""
    values = [
        v for v in (described or {}).get("picklistValues") or [] if v.get("isActive", True) and not v.get("parentValue")
    ]
    if not values:
        return None
    chosen = next((v for v in values if v.get("isDefaultValue")), values[0])
    return _typed(described or {}, chosen["value"])


def _typed(described: dict[str, Any], value: Any) -> Any:
    if described.get("dataType") not in ("integer", "long", "short", "byte"):
        return value
    number = as_int(value)
    if number is None:
        raise ProbeFailed(f"the picklist of {described.get('name')} holds {value!r}, which is not a number")
    return number


def new_ticket_body(tickets: EntityCapture, plan: TicketPlan) -> dict[str, Any]:
    """A ticket the tenant accepts: named fields, then each required field from its picklist or a plain value."""
    body: dict[str, Any] = {
        "companyID": plan.company_id,
        "title": f"{PREFIX} throw-away ticket {plan.run_id}",
        "description": "Created by autotask-harness probe. Safe to close.",
    }
    if plan.queue_id is not None:
        body["queueID"] = plan.queue_id
    body.update(plan.extra)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for described in tickets.fields:
        name = described["name"]
        if not described.get("isRequired") or described.get("isReadOnly") or name in body:
            continue
        value = first_choice(described) if described.get("isPickList") else None
        if value is None and described.get("dataType") == "dateTime":
            value = tomorrow
        if value is None and described.get("dataType") == "string":
            value = "contract probe"
        if value is None:
            raise ProbeFailed(f"cannot fill the required ticket field {name}; pass --set {name}=VALUE")
        body[name] = value
    return body


class TicketBench:
    """The throw-away tickets of one run: creates them (into the ledger) and keeps one in a known state."""

    def __init__(self, session: Session, tickets: EntityCapture, plan: TicketPlan, ledger: Ledger) -> None:
        self.session = session
        self.body = new_ticket_body(tickets, plan)
        self.ledger = ledger
        self.ticket_id = 0

    def fresh(self, why: str) -> dict[str, Any]:
        answer = self.session.call("POST", "/Tickets", self.body)
        if not answer.ok:
            raise ProbeFailed(f"creating the throw-away ticket answered {answer.status}: {answer.errors()}")
        self.ticket_id = answer.item_id("POST /Tickets")
        self.ledger.add("Tickets", self.ticket_id, why)
        return self.read()

    def read(self) -> dict[str, Any]:
        record = self.session.record("Tickets", self.ticket_id)
        if record is None:
            raise ProbeFailed(f"the throw-away ticket {self.ticket_id} cannot be read back")
        return record

    def put(self, record: dict[str, Any]) -> Answer:
        return self.session.call("PUT", "/Tickets", record)


Step = Callable[[], None]


def required_to_omit(tickets: EntityCapture) -> str | None:
    """A required, writable ticket field to leave out of a PUT. Never the title (it marks the ticket as the
    probe's, for a later run to find) nor the status (it drives completion): priority when it is required."""
    candidates = [
        f["name"]
        for f in tickets.fields
        if f.get("isRequired") and not f.get("isReadOnly") and f["name"] not in ("id", "title", "status")
    ]
    return "priority" if "priority" in candidates else next(iter(candidates), None)


def endpoint_steps(
    bench: TicketBench, tickets: EntityCapture, notes: EntityCapture | None, seen: Observations
) -> list[tuple[str, Step]]:
    """The single-request questions, each a named step so progress and failures say which one."""
    session = bench.session
    omitted = required_to_omit(tickets)
    note = {
        "title": f"{PREFIX} note",
        "description": "Written by autotask-harness probe.",
        "noteType": first_choice(notes.field("noteType") if notes else None) or 1,
        "publish": first_choice(notes.field("publish") if notes else None) or 1,
    }

    def base_path_case() -> None:
        answer = session.call("GET", session.with_path_case(f"/Tickets/{bench.ticket_id}", "atservicesrest"))
        seen.base_path_case_sensitive = {200: False, 404: True}.get(answer.status)
        if seen.base_path_case_sensitive is None:
            seen.problems.append(
                f"base path casing: the lower-case path answered {answer.status}, neither the "
                "ticket (200) nor not found (404)"
            )

    def missing_item() -> None:
        status = session.call("GET", f"/Tickets/{MISSING_ID}").status
        if status in (200, 404):
            seen.missing_item_status = status
        else:
            seen.problems.append(f"GET of a missing id answered {status}, neither 200 nor 404")

    def patch_tickets() -> None:
        title = bench.read()["title"]
        seen.endpoints[PATCH_TICKETS] = outcome(
            session.call("PATCH", "/Tickets", {"id": bench.ticket_id, "title": title}).status
        )

    def top_level_note() -> None:
        answer = session.call("POST", "/TicketNotes", {**note, "ticketID": bench.ticket_id})
        seen.endpoints[POST_TICKET_NOTES] = outcome(answer.status)
        if answer.ok:
            bench.ledger.add("TicketNotes", answer.item_id("POST /TicketNotes"), "note through POST /TicketNotes")

    def child_note() -> None:
        answer = session.call("POST", f"/Tickets/{bench.ticket_id}/Notes", note)
        seen.endpoints[POST_CHILD_NOTES] = outcome(answer.status)
        if answer.ok:
            bench.ledger.add(
                "TicketNotes", answer.item_id("POST /Tickets/{id}/Notes"), "note through /Tickets/{id}/Notes"
            )

    def put_nulling() -> None:
        before = bench.read()
        if before.get("description") is None:
            seen.problems.append("PUT nulling: the ticket's description did not read back, so it was not tried")
            return
        answer = bench.put({k: v for k, v in before.items() if k != "description"})
        if not answer.ok:
            seen.problems.append(f"PUT without description answered {answer.status}: {answer.errors()}")
            return
        seen.put_nulls_omitted = bench.read().get("description") is None

    def put_without_required() -> None:
        if omitted is None:
            seen.problems.append("PUT without a required field: the ticket has no required field to leave out")
            return
        before = bench.read()
        answer = bench.put({k: v for k, v in before.items() if k != omitted})
        seen.put_without_required = "refused" if not answer.ok else "accepted"
        if answer.ok:
            after = bench.read()
            if after.get(omitted) != before.get(omitted):  # put back what the accepted PUT took away
                bench.put({**after, omitted: before.get(omitted)})

    return [
        ("base path casing", base_path_case),
        ("GET of a missing id", missing_item),
        ("PATCH /Tickets", patch_tickets),
        ("POST /TicketNotes", top_level_note),
        ("POST /Tickets/{id}/Notes", child_note),
        ("PUT leaving a field out", put_nulling),
        ("PUT without a required field", put_without_required),
    ]


def watched(record: dict[str, Any]) -> tuple[str, ...]:
    """The completion fields that hold a value."""
    return tuple(name for name in WATCHED if record.get(name) is not None)


def observe_status(bench: TicketBench, baseline: int, value: int, label: str) -> StatusObservation:
    """Set ``value`` from a fresh read; if it stamps, move back to ``baseline`` and see what is cleared."""
    seen = StatusObservation(value, label)
    current = bench.read()
    if watched(current) or current.get("status") != baseline:
        current = bench.fresh("a clean ticket for the next status (the last one kept its stamps)")
    answer = bench.put({**current, "status": value})
    if not answer.ok:
        seen.error = answer.errors()
        return seen
    after = bench.read()
    seen.stamped = watched(after)
    back = bench.put({**after, "status": baseline})
    if not back.ok:
        seen.reopen_error = f"moving back to {baseline} answered {back.status}: {back.errors()}"
        return seen
    if seen.stamped:
        reopened = bench.read()
        seen.cleared_on_reopen = tuple(name for name in seen.stamped if reopened.get(name) is None)
    return seen
