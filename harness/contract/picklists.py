"""Choosing values from a tenant's picklists, as ``entityInformation/fields`` describes them.

The Postman contract: never guess fields or values. Whoever makes a record (the reference client, the contract
suite, a live set-up) takes the tenant's own default, else its first active value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# The ticket picklists a realistic ticket fills (the stabilising fields of the Postman contract §2.1 and two more).
TICKET_PICKLISTS = ("queueID", "priority", "issueType", "source", "ticketCategory", "ticketType")


def active_values(field: dict[str, Any]) -> list[dict[str, Any]]:
    """The active picklist entries of an ``entityInformation/fields`` entry."""
    return [v for v in field.get("picklistValues") or [] if v.get("isActive", True)]


def choose(field: dict[str, Any], *, parent: Any = None, avoid: Iterable[int] = ()) -> int | None:
    """The picklist's default value, else its first active one (under ``parent`` for a dependent list)."""
    banned = set(avoid)
    values = [
        v
        for v in active_values(field)
        if int(v["value"]) not in banned
        and (str(v.get("parentValue") or "") == ("" if parent is None else str(parent)))
    ]
    if not values:
        return None
    return int(next((v for v in values if v.get("isDefaultValue")), values[0])["value"])


def ticket_from_fields(
    fields: Sequence[dict[str, Any]], company: int, *, required_only: bool, avoid_statuses: Iterable[int] = ()
) -> dict[str, Any]:
    """A ticket on the tenant's own picklist values: every required picklist, or the realistic set too."""
    by_name = {f["name"]: f for f in fields}
    ticket: dict[str, Any] = {"companyID": company}
    wanted = [f["name"] for f in fields if f.get("isRequired") and not f.get("isReadOnly")]
    if not required_only:
        wanted += [name for name in (*TICKET_PICKLISTS, "status") if name in by_name and name not in wanted]
    for name in wanted:
        described = by_name[name]
        if name == "subIssueType" or not described.get("isPickList"):
            continue
        value = choose(described, avoid=avoid_statuses if name == "status" else ())
        if value is not None:
            ticket[name] = value
    if not required_only and "subIssueType" in by_name and ticket.get("issueType") is not None:
        sub_issue = choose(by_name["subIssueType"], parent=ticket["issueType"])
        if sub_issue is not None:
            ticket["subIssueType"] = sub_issue
    return ticket
