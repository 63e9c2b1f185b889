"""Leaving the tenant as tidy as the API allows: delete what can be deleted, close and mark the rest.

Tickets cannot be deleted through the API (``canDelete`` is false), so a probe ticket is set to a
closing status and retitled from ``[contract-probe]`` to ``[contract-probe-closed]``. Any ticket still
titled ``[contract-probe]`` is an interrupted run's leftover, and the next run closes it too.
"""

from __future__ import annotations

from typing import Any

from .ledger import CLOSED_PREFIX, PREFIX, Ledger
from .session import Session

CLOSING_LABELS = ("complete", "completed", "closed")


def closing_status(statuses: list[dict[str, Any]], completing: list[int]) -> int | None:
    """A status that closes a ticket: one seen stamping completion this run, else one labelled as closing."""
    labels = {int(v["value"]): str(v.get("label", "")).strip().lower() for v in statuses if v.get("isActive", True)}
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


def open_leftovers(session: Session) -> list[int]:
    """Tickets still titled as the probe's open ones: this run's and any an earlier run could not close."""
    found = session.query("Tickets", [{"op": "beginsWith", "field": "title", "value": PREFIX}])
    return [int(t["id"]) for t in found if str(t.get("title", "")).startswith(PREFIX)]


def retire_ticket(session: Session, ticket_id: int, status: int | None, can_delete: bool) -> str:
    """Delete the ticket if the tenant allows it; otherwise close it and mark its title. Returns its fate."""
    if can_delete and session.call("DELETE", f"/Tickets/{ticket_id}").ok:
        return "deleted"
    record = session.record("Tickets", ticket_id)
    if record is None:
        return "already gone"
    title = str(record.get("title") or "")
    marked = CLOSED_PREFIX + title.removeprefix(PREFIX) if title.startswith(PREFIX) else title
    changes: dict[str, Any] = {"title": marked}
    if status is not None:
        changes["status"] = status
    if session.call("PUT", "/Tickets", {**record, **changes}).ok:
        return f"closed (status {status}) and retitled" if status is not None else "retitled (no closing status known)"
    if status is not None and session.call("PUT", "/Tickets", {**record, "title": marked}).ok:
        return f"retitled; status {status} was refused"
    return "could not be closed: close it by hand"


def tidy(session: Session, ledger: Ledger, status: int | None, can_delete: bool) -> list[str]:
    """Retire every ticket this run created and every open leftover; returns what could not be done."""
    problems = []
    done: set[int] = set()
    for entry in ledger.of("Tickets"):
        try:
            entry.fate = retire_ticket(session, entry.record_id, status, can_delete)
            done.add(entry.record_id)
        except Exception as error:  # keep going: every ticket gets its own chance
            entry.fate = f"not closed: {error}"
            problems.append(f"ticket {entry.record_id}: {error}")
    try:
        for ticket_id in open_leftovers(session):
            if ticket_id not in done:
                fate = retire_ticket(session, ticket_id, status, can_delete)
                ledger.add("Tickets", ticket_id, "left open by an earlier, interrupted probe").fate = fate
    except Exception as error:
        problems.append(f"looking for leftovers from earlier runs: {error}")
    for entry in ledger.of("TicketNotes"):
        entry.fate = "stays on its closed ticket (the API cannot delete ticket notes)"
    return problems
