"""One breach per contract rule, as a client step against the fake: each breaks its rule and no other.

``BREACHES[rule_id]`` draws the step; the precision test inserts it anywhere among legal steps
(``tests/workflows.py``). Breaches act on tickets of their own, seeded without traffic, so the legal steps
around them cannot make them legal (a time-entry check before a completing PUT) or stale.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from .conftest import BASE, ticket_body
from .workflow_session import CONTEXT, NOTE, ROOT, Session, Step
from .workflows import CHANGES, LEAVES, NON_COMPLETING, query_model, run_query

COMPLETING = min(CONTEXT.completing_statuses)


def _time_entries(s: Session, ticket: int) -> list[Any]:
    model = {"filter": [{"op": "eq", "field": "ticketID", "value": ticket}]}
    items: list[Any] = s.http.post(f"{BASE}/TimeEntries/query", json=model).json()["items"]
    return items


@st.composite
def ticket_patch(draw: st.DrawFn) -> Step:
    path = draw(st.sampled_from(["/Tickets", "/Tickets/", "/tickets/{id}", "/TICKETS", "/Tickets/{id}/"]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        s.http.patch(BASE + path.format(id=ticket), json={"id": ticket, "title": "patched"})

    return Step(f"PATCH {path}", run)


@st.composite
def mislabelled_body(draw: st.DrawFn) -> Step:
    """autotask-node 2.1: plain JSON labelled gzip (WYRE-AI/autotask-mcp PR #32), a note or a query."""
    coding = draw(st.sampled_from(["gzip", "x-gzip", "GZIP"]))
    note = draw(st.booleans())

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        headers = {"Content-Type": "application/json", "Content-Encoding": coding}
        if note:
            s.http.post(f"{BASE}/Tickets/{ticket}/Notes", content=json.dumps(NOTE).encode(), headers=headers)
        else:
            query = {"filter": [{"op": "eq", "field": "id", "value": ticket}]}
            s.http.post(f"{BASE}/Tickets/query", content=json.dumps(query).encode(), headers=headers)

    return Step(f"plain JSON labelled {coding}", run)


@st.composite
def note_elsewhere(draw: st.DrawFn) -> Step:
    method, path = draw(
        st.sampled_from(
            [
                ("POST", "/TicketNotes"),
                ("POST", "/TicketNote"),
                ("POST", "/Tickets/{id}/TicketNotes"),
                ("GET", "/tickets/{id}/ticketnotes"),
            ]
        )
    )

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        body = None if method == "GET" else {**NOTE, "ticketID": ticket}
        s.http.request(method, BASE + path.format(id=ticket), json=body)

    return Step(f"{method} {path}", run)


@st.composite
def put_without_fresh_get(draw: st.DrawFn) -> Step:
    stale = draw(st.booleans())

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        if stale:  # read once, write, then PUT the first read again
            item = s.read(ticket)
            assert s.http.put(f"{BASE}/Tickets", json={**item, "title": "first write"}).status_code == 200
            s.http.put(f"{BASE}/Tickets", json=item)
        else:  # a cached copy, never read over the API
            record = s.fake.get("Tickets", ticket)
            s.http.put(f"{BASE}/Tickets", json=record)

    return Step("PUT of a stale read" if stale else "PUT of a never-read ticket", run)


@st.composite
def put_missing_stabilising(draw: st.DrawFn) -> Step:
    # A stabilising field the GET read as null: leaving it out nulls nothing, so only this rule applies.
    name = draw(st.sampled_from(["organizationalLevelAssociationID", "dueDateTime"]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket(dueDateTime=None)
        item = s.read(ticket)
        s.http.put(f"{BASE}/Tickets", json={k: v for k, v in item.items() if k != name})

    return Step(f"PUT without {name}", run)


@st.composite
def null_overwrite(draw: st.DrawFn) -> Step:
    name = draw(st.sampled_from(["description", "estimatedHours"]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket(estimatedHours=3)
        item = s.read(ticket)
        s.http.put(f"{BASE}/Tickets", json={**item, name: None})

    return Step(f"PUT nulling {name}", run)


@st.composite
def put_leaving_out(draw: st.DrawFn) -> Step:
    name = draw(st.sampled_from(["description", "estimatedHours"]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket(estimatedHours=3)
        item = s.read(ticket)
        s.http.put(f"{BASE}/Tickets", json={k: v for k, v in item.items() if k != name})

    return Step(f"PUT leaving out {name}", run)


@st.composite
def status_with_more(draw: st.DrawFn) -> Step:
    status = draw(st.sampled_from([s for s in NON_COMPLETING if s != 1]))
    other = draw(st.sampled_from(sorted(set(CHANGES) - {"resolution"})))
    value = draw(CHANGES[other])

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        item = s.read(ticket)
        s.http.put(f"{BASE}/Tickets", json={**item, "status": status, other: value})

    return Step(f"status -> {status} with {other}", run)


@st.composite
def ticket_by_number(draw: st.DrawFn) -> Step:
    child = draw(st.booleans())

    def run(s: Session) -> None:
        _, number = s.seed_ticket()
        s.http.get(f"{BASE}/Tickets/{number}" + ("/Notes" if child else ""))

    return Step("ticket addressed by number" + (" (child path)" if child else ""), run)


@st.composite
def base_path_casing(draw: st.DrawFn) -> Step:
    spelled = draw(st.sampled_from(["atservicesrest/V1.0", "AtServicesRest/v1.0", "ATSERVICESREST/V1.0"]))
    path = draw(st.sampled_from(["/Tickets/{id}", "/Companies/0", "/ThresholdInformation"]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        s.http.get(f"{ROOT}/{spelled}{path.format(id=ticket)}")

    return Step(f"GET {spelled}{path}", run)


@st.composite
def create_with_id(draw: st.DrawFn) -> Step:
    where = draw(st.sampled_from(["note", "ContactGroups", "Tickets"]))
    value = draw(st.sampled_from([7, "12", -1]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        if where == "note":
            s.http.post(f"{BASE}/Tickets/{ticket}/Notes", json={**NOTE, "id": value})
        elif where == "ContactGroups":
            s.http.post(f"{BASE}/ContactGroups", json={"id": value, "name": "Escalations", "isActive": True})
        else:
            s.http.post(f"{BASE}/Tickets", json={**s.read(ticket), "id": value})

    return Step(f"create {where} with id {value!r}", run)


@st.composite
def unknown_write_field(draw: st.DrawFn) -> Step:
    name = draw(st.sampled_from(["colour", "noteTypeID", "ticketTitle"]))
    where = draw(st.sampled_from(["note", "PUT"]))

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        if where == "note":
            s.http.post(f"{BASE}/Tickets/{ticket}/Notes", json={**NOTE, name: 1})
        else:
            s.http.put(f"{BASE}/Tickets", json={**s.read(ticket), name: 1})

    return Step(f"{where} with unknown field {name}", run)


@st.composite
def page_size_out_of_range(draw: st.DrawFn) -> Step:
    size = draw(st.sampled_from([0, -1, 501, 1000, "abc", 500.5, "600"]))
    model = draw(query_model())
    model = {k: v for k, v in model.items() if k.lower() != "maxrecords"} | {"MaxRecords": size}
    how = draw(st.sampled_from(["POST", "GET", "count"]))
    return Step(f"query {how} with MaxRecords {size!r}", run_query(model, how))


@st.composite
def unread_pages(draw: st.DrawFn) -> Step:
    how = draw(st.sampled_from(["first page only", "first GET page only", "bodyless next POST"]))

    def run(s: Session) -> None:
        model = {"filter": [{"op": "eq", "field": "ticketID", "value": s.paged}]}
        url = f"{BASE}/TicketNotes/query"
        if how == "first GET page only":
            s.http.get(url, params={"search": json.dumps(model)})
            return
        page = s.http.post(url, json=model).json()
        if how == "bodyless next POST":  # go-autotask: the API refuses it and the rest stays unread
            s.http.post(page["pageDetails"]["nextPageUrl"])

    return Step(f"paging: {how}", run)


@st.composite
def hasty_retry(draw: st.DrawFn) -> Step:
    wait = draw(st.sampled_from([0.0, 0.2, 0.9]))

    def run(s: Session) -> None:
        s.fake.inject_fault(status=429, errors=["Thread threshold exceeded."], path=r"/Companies/0$")
        s.http.get(f"{BASE}/Companies/0")
        s.clock.sleep(wait)
        s.http.get(f"{BASE}/Companies/0")

    return Step(f"429, retried after {wait} s", run)


@st.composite
def complete_unchecked(draw: st.DrawFn) -> Step:
    with_entries = draw(st.booleans())

    def run(s: Session) -> None:
        ticket, number = s.seed_ticket()
        s.lookup(number)
        if with_entries:  # the check found time entries, and the ticket is completed all the same
            s.fake.seed("TimeEntries", {"ticketID": ticket, "resourceID": 4, "hoursWorked": 1})
            assert _time_entries(s, ticket)
        item = s.read(ticket)
        s.http.put(f"{BASE}/Tickets", json={**item, "status": COMPLETING})

    return Step("completed " + ("with time entries" if with_entries else "without a time-entry check"), run)


@st.composite
def resolve_with_look_alike(draw: st.DrawFn) -> Step:
    status = draw(st.sampled_from([s for s in NON_COMPLETING if s != 1]))

    def run(s: Session) -> None:
        ticket, number = s.seed_ticket()
        s.lookup(number)
        item = s.read(ticket)
        assert _time_entries(s, ticket) == []
        s.http.put(f"{BASE}/Tickets", json={**item, "status": status})

    return Step(f"resolved with status {status}", run)


def _complete_unlooked(s: Session) -> None:
    ticket, _ = s.seed_ticket()
    item = s.read(ticket)
    assert _time_entries(s, ticket) == []
    s.http.put(f"{BASE}/Tickets", json={**item, "status": COMPLETING})


@st.composite
def required_left_out(draw: st.DrawFn) -> Step:
    where, name = draw(
        st.sampled_from(
            [
                *(("Tickets", n) for n in ("title", "priority", "status", "companyID")),
                *(("note", n) for n in ("title", "description", "noteType", "publish")),
                ("contact", "lastName"),
                ("ContactGroups PUT", "name"),
            ]
        )
    )
    nulled = draw(st.booleans())

    def without(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, name: None} if nulled else {k: v for k, v in body.items() if k != name}

    def run(s: Session) -> None:
        ticket, _ = s.seed_ticket()
        if where == "Tickets":
            s.http.post(f"{BASE}/Tickets", json=without(ticket_body(0)))
        elif where == "note":
            s.http.post(f"{BASE}/Tickets/{ticket}/Notes", json=without(NOTE))
        elif where == "contact":
            body = {"firstName": "Ada", "lastName": "Lovelace", "isActive": 1}
            s.http.post(f"{BASE}/Companies/0/Contacts", json=without(body))
        else:
            group = s.fake.seed("ContactGroups", {"name": "Escalations", "isActive": True})
            s.http.put(f"{BASE}/ContactGroups", json=without({"id": group, "name": "Escalations", "isActive": True}))

    return Step(f"{where} {'nulling' if nulled else 'without'} {name}", run)


def _nested(clause: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A clause on its own or inside one or two and/or groups beside legal clauses."""
    legal = st.sampled_from([c for c in LEAVES if not c.get("udf")])

    def wrap(inner: dict[str, Any], op: str, siblings: list[dict[str, Any]], at: int) -> dict[str, Any]:
        items = [*siblings]
        items.insert(min(at, len(items)), inner)
        return {"op": op, "items": items}

    return st.recursive(
        clause,
        lambda children: st.builds(
            wrap, children, st.sampled_from(["and", "or"]), st.lists(legal, max_size=2), st.integers(0, 2)
        ),
        max_leaves=3,
    )


@st.composite
def query_with(draw: st.DrawFn, clause: st.SearchStrategy[dict[str, Any]], label: str) -> Step:
    extra = draw(_nested(clause))
    model = draw(query_model(extra=extra))
    how = draw(st.sampled_from(["POST", "GET", "count"]))
    return Step(f"query {how} with {label}: {json.dumps(model)}", run_query(model, how))


WRONG_OPS = ["ne", "neq", "like", "equals", "startsWith", "isNull", "between", "beginswith", "EQ", "NotEq", "="]
_bad_op = st.builds(
    lambda op, leaf: {**leaf, "op": op} if op is not None else {k: v for k, v in leaf.items() if k != "op"},
    st.sampled_from([*WRONG_OPS, None]),
    st.sampled_from([c for c in LEAVES if not c.get("udf")]),
)
_no_value: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"op": "eq", "field": "priority"},
        {"op": "noteq", "field": "status", "value": None},
        {"op": "gt", "field": "id"},
        {"op": "contains", "field": "title", "value": None},
        {"op": "in", "field": "status", "value": 1},
        {"op": "notIn", "field": "priority"},
    ]
)
_unknown_field: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"op": "eq", "field": "nosuchField", "value": 1},
        {"op": "eq", "field": "creatorType", "value": 1},
        {"op": "exist", "field": "ticketTitle"},
        {"op": "in", "field": "statusID", "value": [1]},
    ]
)


@st.composite
def include_unknown(draw: st.DrawFn) -> Step:
    model = draw(query_model()) | {"IncludeFields": ["id", draw(st.sampled_from(["ticketTitle", "nosuchField"]))]}
    return Step(f"query with IncludeFields {model['IncludeFields']}", run_query(model, "POST"))


BREACHES: dict[str, st.SearchStrategy[Step]] = {
    "no-ticket-patch": ticket_patch(),
    "body-matches-content-encoding": mislabelled_body(),
    "notes-via-ticket": note_elsewhere(),
    "fresh-get-before-put": put_without_fresh_get(),
    "put-carries-stabilising-fields": put_missing_stabilising(),
    "no-null-overwrite": null_overwrite(),
    "put-keeps-unsent-fields": put_leaving_out(),
    "no-implicit-status-change": status_with_more(),
    "numeric-ticket-id-in-url": ticket_by_number(),
    "exact-base-path": base_path_casing(),
    "create-without-id": create_with_id(),
    "known-fields-only": unknown_write_field(),
    "required-fields-sent": required_left_out(),
    "max-records-500": page_size_out_of_range(),
    "follow-next-page": unread_pages(),
    "back-off-after-429": hasty_retry(),
    "complete-only-without-time-entries": complete_unchecked(),
    "resolve-with-completing-status": resolve_with_look_alike(),
    "ticket-number-via-query": st.just(Step("completed by id, number never looked up", _complete_unlooked)),
    "known-query-operators": query_with(_bad_op, "an operator the API does not know"),
    "filter-values-given": query_with(_no_value, "a clause without its value"),
    "known-query-fields": st.one_of(query_with(_unknown_field, "a field Tickets lacks"), include_unknown()),
}
