"""The Postman contract's ticket rules: no PATCH, notes through the ticket, fresh full PUTs, explicit status changes."""

from __future__ import annotations

from collections.abc import Sequence

from fake_server import Exchange
from fake_server.face import scrub_url

from .model import Finding, RuleContext, rule
from .state import (
    STABILISING_FIELDS,
    latest_read,
    same_value,
    sent,
    status_changes,
    ticket_puts,
    updates,
    writes_between,
)


def _outcome(exchange: Exchange) -> str:
    """What the tenant did with a request, in words that are true of the journal."""
    if exchange.status == 200:
        return "this tenant accepted it, but the Postman contract's tenant refuses it"
    if exchange.status in (404, 405):
        return f"the tenant refused it ({exchange.status}) and changed nothing"
    return f"the tenant answered {exchange.status}"


def _is_ticket_path(exchange: Exchange) -> bool:
    """``/Tickets`` or ``/Tickets/{anything}`` in any casing (a trailing slash leaves no empty segment)."""
    segments = exchange.segments
    return exchange.entity == "tickets" and (
        len(segments) == 1 or (len(segments) == 2 and segments[1].lower() not in ("query", "entityinformation"))
    )


@rule(
    "no-ticket-patch",
    "Tickets are never updated with PATCH, at /Tickets or /Tickets/{id}.",
    "Postman contract §0.1, §4, rules: Never use PATCH",
)
def no_ticket_patch(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    return [
        Finding(f"PATCH sent to {scrub_url(e.api_path)}: {_outcome(e)}", (e.position,))
        for e in traffic
        if e.method == "PATCH" and _is_ticket_path(e)
    ]


def _wrong_note_path(exchange: Exchange) -> bool:
    segments = [s.lower() for s in exchange.segments]
    if exchange.method == "POST" and len(segments) == 1 and segments[0] in ("ticketnotes", "ticketnote"):
        return True
    # /Tickets/{id}/TicketNotes[/...] is a 404: the child segment is Notes (go-autotask commit 075ab48).
    return len(segments) >= 3 and segments[0] == "tickets" and segments[2] in ("ticketnotes", "ticketnote")


@rule(
    "notes-via-ticket",
    "Ticket notes are created and reached under a ticket only as /Tickets/{id}/Notes.",
    "Postman contract §7, §10",
)
def notes_via_ticket(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    return [
        Finding(
            f"{e.method} {scrub_url(e.api_path)}: the API has no such route (404); "
            "notes go through /Tickets/{id}/Notes",
            (e.position,),
        )
        for e in traffic
        if _wrong_note_path(e)
    ]


@rule(
    "fresh-get-before-put",
    "Every PUT /Tickets follows a GET /Tickets/{id} with no other write in between.",
    "Postman contract §2, §4, rules: Always GET before PUT",
)
def fresh_get_before_put(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for put, target, read in ticket_puts(traffic):
        if read is None:
            found.append(
                Finding(
                    f"PUT of ticket {target} without a GET of it first",
                    (put.position,),
                    {"ticket": target},
                )
            )
            continue
        between = writes_between(traffic, read.position, put.position, "Tickets", target)
        if between:
            found.append(
                Finding(
                    f"PUT of ticket {target} reuses a GET that an earlier write made stale",
                    (read.position, *(e.position for e in between), put.position),
                    {"ticket": target},
                )
            )
    return found


@rule(
    "put-carries-stabilising-fields",
    "Every PUT /Tickets carries each stabilising field, with a value where the latest GET read one "
    "(a value the client changes on purpose is fine).",
    "Postman contract §2.1, §4 (change only the intended fields), §8",
)
def put_carries_stabilising_fields(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    # Presence and non-null are judged, not equality: the Postman contract §4 says to copy the fields from a fresh GET
    # and change the intended ones, so a PUT that changes priority or title on purpose is the contract. A
    # null where the GET read a value is a field not copied (read from the response root instead of item,
    # the Postman contract §2.1); a stale value is fresh-get-before-put's to find.
    found = []
    for put, target, read in ticket_puts(traffic):
        missing = [name for name in STABILISING_FIELDS if not sent(put, name)[0]]
        item = read.item if read is not None else None
        nulled = [
            name
            for name in STABILISING_FIELDS
            if item is not None and item.get(name) not in (None, "") and sent(put, name) == (True, None)
        ]
        if missing or nulled:
            positions = (read.position, put.position) if read else (put.position,)
            said = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"null for {', '.join(nulled)}, which the GET read with a value" if nulled else "",
                )
                if part
            )
            found.append(
                Finding(
                    f"PUT of ticket {target}: {said}",
                    positions,
                    {"ticket": target, "missing": missing, "nulled": nulled},
                )
            )
    return found


@rule(
    "no-null-overwrite", "No update sends null for a field the latest GET read as non-null.", "the Postman contract §8"
)
def no_null_overwrite(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for put, target in updates(traffic, "Tickets"):
        read = latest_read(traffic, put.position, "Tickets", target)
        if read is None or read.item is None:
            continue
        nulled = [
            name for name, value in read.item.items() if value not in (None, "", []) and sent(put, name) == (True, None)
        ]
        if nulled:
            found.append(
                Finding(
                    f"{put.method} of ticket {target} sends null for " + ", ".join(nulled),
                    (read.position, put.position),
                    {"ticket": target, "fields": nulled},
                )
            )
    return found


@rule(
    "put-keeps-unsent-fields",
    "A PUT /Tickets leaves out no writable field the latest GET read as non-null (PUT nulls what it omits).",
    "seed 001 (PUT sets omitted fields to null); the Postman contract §8",
)
def put_keeps_unsent_fields(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    tickets = context.catalog.get("Tickets")
    assert tickets is not None
    writable = [f.name for f in tickets.fields if not f.is_read_only]
    found = []
    for put, target, read in ticket_puts(traffic):
        if read is None or read.item is None:
            continue
        dropped = [name for name in writable if read.item.get(name) not in (None, "", []) and not sent(put, name)[0]]
        if dropped:
            found.append(
                Finding(
                    f"PUT of ticket {target} leaves out " + ", ".join(dropped) + ", which the PUT nulls",
                    (read.position, put.position),
                    {"ticket": target, "fields": dropped},
                )
            )
    return found


@rule(
    "no-implicit-status-change",
    "A ticket update (PUT or PATCH) that changes the status changes nothing else.",
    "Postman contract §9, rules: Never change status implicitly",
)
def no_implicit_status_change(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    tickets = context.catalog.get("Tickets")
    assert tickets is not None
    found = []
    for put, target, _, read in status_changes(traffic):
        if read is None or read.item is None:
            continue
        others = [
            f.name
            for f in tickets.fields
            if f.name != "status"
            and not f.is_read_only
            and sent(put, f.name)[0]
            and not same_value(read.item.get(f.name), sent(put, f.name)[1])
        ]
        if others:
            found.append(
                Finding(
                    f"status of ticket {target} changes together with " + ", ".join(others),
                    (read.position, put.position),
                    {"ticket": target, "fields": others},
                )
            )
    return found


@rule(
    "numeric-ticket-id-in-url",
    "Single-ticket URLs use the numeric TicketID, never a ticket number.",
    "Postman contract §0.1, §1",
)
def numeric_ticket_id_in_url(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for exchange in traffic:
        segments = exchange.segments
        if (
            len(segments) >= 2
            and exchange.entity == "tickets"
            and segments[1].lower() not in ("query", "entityinformation")
            and not segments[1].lstrip("-").isdigit()
        ):
            found.append(Finding(f"ticket addressed as {scrub_url(segments[1])!r}", (exchange.position,)))
    return found
