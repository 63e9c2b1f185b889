"""The Postman contract's resolution workflow (§9): look the ticket up, complete it only without time entries."""

from __future__ import annotations

from collections.abc import Sequence

from fake_server import Exchange

from .model import WORKFLOW, Finding, RuleContext, rule
from .state import as_long, filter_values, sent, status_changes, updates


def _empty_time_entry_check(traffic: Sequence[Exchange], before: int, ticket: int) -> Exchange | None:
    for exchange in reversed(traffic[: before - 1]):
        if (
            exchange.is_query("TimeEntries")
            and exchange.items is not None
            and any(as_long(v) == ticket for v in filter_values(exchange, "ticketID"))
        ):
            return exchange if not exchange.items else None
    return None


@rule(
    "complete-only-without-time-entries",
    "A ticket is set to a completing status only after a TimeEntries query for it returned no items.",
    "Postman contract §6, §9 test 2",
    pack=WORKFLOW,
)
def complete_only_without_time_entries(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for put, target, status, _ in status_changes(traffic):
        if (
            as_long(status) in context.completing_statuses
            and _empty_time_entry_check(traffic, put.position, target) is None
        ):
            found.append(
                Finding(
                    f"ticket {target} set to status {status} without an empty TimeEntries check",
                    (put.position,),
                    {"ticket": target},
                )
            )
    return found


@rule(
    "resolve-with-completing-status",
    "When the workflow resolves a ticket it sets a status that stamps completedDate (5), not a look-alike.",
    "Postman contract §5, §9",
    pack=WORKFLOW,
)
def resolve_with_completing_status(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    found = []
    for put, target, status, _ in status_changes(traffic):
        checked = _empty_time_entry_check(traffic, put.position, target)
        if checked and as_long(status) not in context.completing_statuses:
            found.append(
                Finding(
                    f"ticket {target} resolved with status {status}, which stamps no completedDate",
                    (put.position,),
                    {"ticket": target, "status": status},
                )
            )
    return found


def _resolved_tickets(traffic: Sequence[Exchange], context: RuleContext) -> set[int]:
    """Tickets the traffic resolves: an update sends them a completing status. A resolution text alone
    resolves nothing (the Postman contract §9 test 1), and writing one on a ticket read by id is legal."""
    resolved = set()
    for update, target in updates(traffic, "Tickets"):
        has_status, status = sent(update, "status")
        if has_status and as_long(status) in context.completing_statuses:
            resolved.add(target)
    return resolved


@rule(
    "ticket-number-via-query",
    "A ticket the workflow completes is first found by its number with a Tickets query (ticketNumber eq).",
    "Postman contract §1, §10",
    pack=WORKFLOW,
)
def ticket_number_via_query(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    # Only the resolution workflow starts from a number: a sync or a callback that is handed ids is judged
    # by nothing here.
    resolved = _resolved_tickets(traffic, context)
    looked_up: set[int] = set()
    found = []
    for exchange in traffic:
        if exchange.is_query("Tickets") and filter_values(exchange, "ticketNumber"):
            looked_up.update(as_long(i.get("id")) or -1 for i in exchange.items or [] if isinstance(i, dict))
        elif exchange.method == "GET" and exchange.is_item("Tickets"):
            target = as_long(exchange.segments[1])
            if target is not None and target in resolved and target not in looked_up:
                found.append(
                    Finding(
                        f"ticket {target} read before its number was looked up",
                        (exchange.position,),
                        {"ticket": target},
                    )
                )
                looked_up.add(target)
    return found
