"""Leaving the tenant as tidy as the API allows: delete what can be deleted, close and mark the rest.

Tickets cannot be deleted through the API (``canDelete`` is false), so a probe ticket is set to a
closing status and, in the same PUT, retitled from ``[contract-probe]`` to ``[contract-probe-closed]``.
A ticket is only retitled once it is closed, so any ticket still titled ``[contract-probe]`` is one a
run could not close, and the next run (or ``--cleanup-only``) tries again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .experiments import as_int
from .ledger import CLOSED_PREFIX, PREFIX, Ledger
from .session import Session

CLOSING_LABELS = ("complete", "completed", "closed")


@dataclass(frozen=True)
class Retired:
    fate: str
    tidy: bool  # deleted or closed and marked; False means it is still open


def closing_status(statuses: list[dict[str, Any]], completing: list[int]) -> int | None:
    """A status that closes a ticket: one seen stamping completion this run, else one labelled as closing."""
    labels = {
        number: str(v.get("label", "")).strip().lower()
        for v in statuses
        if v.get("isActive", True) and (number := as_int(v.get("value"))) is not None
    }
    for value in completing:
        if labels.get(value) in CLOSING_LABELS:
            return value
    if completing:
        return completing[0]
    for wanted in CLOSING_LABELS:
        found = next((value for value, label in labels.items() if label == wanted), None)
        if found is not None:
            return found
    return None


def open_leftovers(session: Session, creator: int | None) -> list[int]:
    """Tickets still titled as the probe's open ones (by this API user, when known)."""
    filters: list[dict[str, Any]] = [{"op": "beginsWith", "field": "title", "value": PREFIX}]
    if creator is not None:
        filters.append({"op": "eq", "field": "creatorResourceID", "value": creator})
    found = session.query("Tickets", filters)
    return [
        number
        for t in found
        if str(t.get("title", "")).startswith(PREFIX) and (number := as_int(t.get("id"))) is not None
    ]


def retire_ticket(session: Session, ticket_id: int, status: int | None, can_delete: bool) -> Retired:
    """Delete the ticket if the tenant allows it; otherwise close it and mark its title in one PUT."""
    if can_delete and session.call("DELETE", f"/Tickets/{ticket_id}").ok:
        return Retired("deleted", True)
    record = session.record("Tickets", ticket_id)
    if record is None:
        return Retired("already gone", True)
    title = str(record.get("title") or "")
    if not title.startswith(PREFIX):
        return Retired("already closed and marked", True)
    if status is None:
        return Retired("left open: no closing status is known (pass --closing-status)", False)
    answer = session.call(
        "PUT", "/Tickets", {**record, "status": status, "title": CLOSED_PREFIX + title.removeprefix(PREFIX)}
    )
    if not answer.ok:
        return Retired(f"left open: closing it with status {status} answered {answer.status}: {answer.errors()}", False)
    return Retired(f"closed (status {status}) and retitled", True)


def tidy(session: Session, ledger: Ledger, status: int | None, can_delete: bool, creator: int | None) -> list[str]:
    """Retire every ticket this run created and every open leftover; returns what is still not tidy."""
    problems: list[str] = []
    done: set[int] = set()

    def retire(ticket_id: int) -> str:
        try:
            retired = retire_ticket(session, ticket_id, status, can_delete)
        except Exception as error:  # keep going: every ticket gets its own chance
            retired = Retired(f"left open: {error}", False)
        if not retired.tidy:
            problems.append(f"ticket {ticket_id} {retired.fate}")
        done.add(ticket_id)
        return retired.fate

    for entry in ledger.of("Tickets"):
        entry.fate = retire(entry.record_id)
    try:
        leftovers = [t for t in open_leftovers(session, creator) if t not in done]
    except Exception as error:
        problems.append(f"looking for leftovers from earlier runs: {error}")
        leftovers = []
    for ticket_id in leftovers:
        ledger.add("Tickets", ticket_id, "left open by an earlier, interrupted probe").fate = retire(ticket_id)
    for entry in ledger.of("TicketNotes"):
        entry.fate = "stays on its ticket (the API cannot delete ticket notes)"
    return problems
