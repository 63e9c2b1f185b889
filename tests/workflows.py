"""Client workflows, generated: legal ones every rule must accept, and the same with one rule's breach injected.

A workflow is a list of steps a client takes against the fake (``Session``): the traffic judged is what the
fake really answers. Legal steps follow the contract of the Postman contract and the API's paging and limits: any field
changed on purpose after a fresh GET, status changes on their own, notes under the ticket, UDF updates,
paging by token or by id keyset, counts, queries with every documented operator at any nesting, retries
after a 429 that wait. Each rule in ``REGISTRY`` has a strategy of breaches (``BREACHES``): one step that
breaks that rule and no other, inserted anywhere among legal steps.

Every breach of a contract or resolution-workflow rule is sent through the fake: the 429 of
``back-off-after-429`` comes from a fault injected into the fake (``inject_fault``), and time is a virtual
clock the journal reads, so "waited 2 s" costs nothing. Only the webhook callouts of the receiver rules are
crafted exchanges (``tests/callout_steps.py``): no client sends them.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from .conftest import BASE, ticket_body
from .workflow_session import CONTEXT, NOTE, PAGED_NOTES, ROOT, Session, Step

# -- legal steps --------------------------------------------------------------------------------------------

# Fields a client changes on purpose, with values the tenant takes (picklist values of the default profile).
CHANGES: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(["Printer offline again", "Scanner jams", "VPN drops at 17:00"]),
    "description": st.sampled_from(["Customer called back.", "Seen on two floors."]),
    "priority": st.sampled_from([1, 3, 4]),
    "queueID": st.sampled_from([5, 8, 29683355]),
    "dueDateTime": st.sampled_from(["2026-12-24T12:00:00Z", "2027-01-05T09:30:00.000Z"]),
    "ticketCategory": st.sampled_from([2, 3]),
    "source": st.sampled_from([-1, 1, 4]),
    "resolution": st.sampled_from(["Replaced the toner.", "Restarted the spooler."]),
    "estimatedHours": st.sampled_from([0.5, 2]),
}
NON_COMPLETING = sorted({1, 7, 8, 9, 10, 11, 12, 13} - CONTEXT.completing_statuses)


def _respelled(item: dict[str, Any], respell: bool) -> dict[str, Any]:
    """The GET's values in other forms the API reads as the same (values the fake coerces): numbers as strings, another
    form of the same instant. Field names in other casing too."""
    if not respell:
        return dict(item)
    body = {}
    for name, value in item.items():
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        elif name == "dueDateTime" and isinstance(value, str) and value.endswith("Z"):
            value = value.replace("Z", "+00:00")
        body[name[0].upper() + name[1:] if name != "id" else name] = value
    return body


@st.composite
def update_step(draw: st.DrawFn) -> Step:
    """GET the main ticket, PUT it whole with one to three fields changed on purpose (the Postman contract §4)."""
    names = draw(st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=3, unique=True))
    changes = {name: draw(CHANGES[name]) for name in names}
    respell = draw(st.booleans())
    lowercase_version = draw(st.booleans())

    def run(s: Session) -> None:
        item = s.read(s.main)
        base = BASE.replace("V1.0", "v1.0") if lowercase_version else BASE
        answer = s.http.put(f"{base}/Tickets", json={**_respelled(item, respell), **changes})
        assert answer.status_code == 200, answer.text

    return Step(f"PUT changing {', '.join(names)}{' (respelled)' if respell else ''}", run)


@st.composite
def status_step(draw: st.DrawFn) -> Step:
    """GET, then a PUT that changes the status and nothing else (Postman contract §9), to a non-completing status."""
    status = draw(st.sampled_from(NON_COMPLETING))

    def run(s: Session) -> None:
        item = s.read(s.main)
        assert s.http.put(f"{BASE}/Tickets", json={**item, "status": status}).status_code == 200

    return Step(f"status -> {status}", run)


@st.composite
def udf_step(draw: st.DrawFn) -> Step:
    """A UDF update: the whole ticket with the UDF set, or (DOCS: UDFs left out keep their value) without it."""
    value = draw(st.sampled_from(["EXT-1", "EXT-2", None]))
    leave_out = draw(st.booleans())

    def run(s: Session) -> None:
        item = s.read(s.main)
        udfs = [{"name": "External Reference", "value": value}]
        body = {k: v for k, v in item.items() if k != "userDefinedFields"} if leave_out else {**item}
        if not leave_out:
            body["userDefinedFields"] = udfs
        assert s.http.put(f"{BASE}/Tickets", json=body).status_code == 200

    return Step("UDF left out" if leave_out else f"UDF -> {value}", run)


def _note(s: Session) -> None:
    assert s.http.post(f"{BASE}/Tickets/{s.main}/Notes", json={**NOTE, "id": 0}).status_code == 200


def _read(s: Session) -> None:
    s.read(s.main)


def _create(s: Session) -> None:
    assert s.http.post(f"{BASE}/Tickets", json=ticket_body(0, id=0)).status_code == 200


def _contact(s: Session) -> None:
    # A child create: the parent's id comes from the URL, so the body leaves companyID out.
    body = {"firstName": "Ada", "lastName": "Lovelace", "isActive": 1}
    assert s.http.post(f"{BASE}/Companies/0/Contacts", json=body).status_code == 200


@st.composite
def compressed_step(draw: st.DrawFn) -> Step:
    """autotask-node 2.2+ gzips every body: a compressed note or query is legal wherever the label is true."""
    coding = draw(st.sampled_from(["gzip", "deflate"]))
    what = draw(st.sampled_from(["note", "query"]))
    pack = gzip.compress if coding == "gzip" else zlib.compress

    def run(s: Session) -> None:
        if what == "note":
            url, body = f"{BASE}/Tickets/{s.main}/Notes", {**NOTE, "id": 0}
        else:
            url, body = f"{BASE}/Tickets/query", {"filter": [{"op": "eq", "field": "id", "value": s.main}]}
        headers = {"Content-Type": "application/json", "Content-Encoding": coding}
        assert s.http.post(url, content=pack(json.dumps(body).encode()), headers=headers).status_code == 200

    return Step(f"compressed {what} ({coding})", run)


def _time_entry(s: Session) -> None:
    body = {"ticketID": s.main, "resourceID": 4, "dateWorked": "2026-12-01T00:00:00Z", "hoursWorked": 0.5}
    assert s.http.post(f"{BASE}/TimeEntries", json=body).status_code == 200


@st.composite
def company_step(draw: st.DrawFn) -> Step:
    """Companies take PATCH: a partial update, a UDF among them, or a full PUT after a GET."""
    how = draw(st.sampled_from(["PATCH phone", "PATCH UDF", "PUT"]))

    def run(s: Session) -> None:
        if how == "PUT":
            item = s.http.get(f"{BASE}/Companies/0").json()["item"]
            answer = s.http.put(f"{BASE}/Companies", json={**item, "phone": "5555550199"})
        elif how == "PATCH UDF":
            udfs = [{"name": "CustomerRanking", "value": "Gold"}]
            answer = s.http.patch(f"{BASE}/Companies", json={"id": 0, "userDefinedFields": udfs})
        else:
            answer = s.http.patch(f"{BASE}/Companies", json={"id": 0, "phone": "5555550123"})
        assert answer.status_code == 200, answer.text

    return Step(f"company {how}", run)


def _zone(s: Session) -> None:
    # Zone lookups go lowercase in production clients, and are answered in any casing.
    s.http.get(f"{ROOT}/atservicesrest/v1.0/zoneInformation", params={"user": "someone@example.invalid"})


@st.composite
def resolve_step(draw: st.DrawFn) -> Step:
    """The Postman contract §9 test 2 on a ticket of its own: number -> id, GET, note, resolution, empty time-entry
    check, then the completing status alone."""
    how = draw(st.sampled_from(["POST", "GET"]))

    def run(s: Session) -> None:
        _, number = s.seed_ticket(title="To resolve")
        ticket = s.lookup(number, how)
        item = s.read(ticket)
        assert s.http.post(f"{BASE}/Tickets/{ticket}/Notes", json=NOTE).status_code == 200
        assert s.http.put(f"{BASE}/Tickets", json={**item, "resolution": "Fixed."}).status_code == 200
        model = {"filter": [{"op": "eq", "field": "ticketID", "value": ticket}]}
        if how == "GET":
            entries = s.http.get(f"{BASE}/TimeEntries/query", params={"search": json.dumps(model)})
        else:
            entries = s.http.post(f"{BASE}/TimeEntries/query", json=model)
        assert entries.json()["items"] == []
        item = s.read(ticket)
        status = min(CONTEXT.completing_statuses)
        assert s.http.put(f"{BASE}/Tickets", json={**item, "status": status}).status_code == 200

    return Step(f"resolve ({how} lookups)", run)


def _paged_model(s: Session, **extra: Any) -> dict[str, Any]:
    return {"filter": [{"op": "eq", "field": "ticketID", "value": s.paged}], **extra}


@st.composite
def paging_step(draw: st.DrawFn) -> Step:
    """Reading all the noisy ticket's notes: by nextPageUrl (POSTed with the body, or GET for GET queries), by
    id keyset, a count, or a page the client asked to be short."""
    how = draw(st.sampled_from(["token POST", "token GET", "keyset", "count POST", "count GET", "short page"]))

    def run(s: Session) -> None:
        url = f"{BASE}/TicketNotes/query"
        if how == "token POST":
            body = _paged_model(s)
            page = s.http.post(url, json=body).json()
            while page["pageDetails"]["nextPageUrl"]:
                page = s.http.post(page["pageDetails"]["nextPageUrl"], json=body).json()
        elif how == "token GET":
            page = s.http.get(url, params={"search": json.dumps(_paged_model(s))}).json()
            while page["pageDetails"]["nextPageUrl"]:
                page = s.http.get(page["pageDetails"]["nextPageUrl"]).json()
        elif how == "keyset":
            last = 0
            while True:
                model = _paged_model(s, MaxRecords=500)
                model["filter"].append({"op": "gt", "field": "id", "value": last})
                items = s.http.post(url, json=model).json()["items"]
                if not items:
                    break
                last = items[-1]["id"]
        elif how.startswith("count"):
            if how.endswith("GET"):
                answer = s.http.get(f"{url}/count", params={"search": json.dumps(_paged_model(s))})
            else:
                answer = s.http.post(f"{url}/count", json=_paged_model(s))
            assert answer.json()["queryCount"] == PAGED_NOTES
        else:
            assert s.http.post(url, json=_paged_model(s, maxRecords=10)).status_code == 200

    return Step(f"paging: {how}", run)


# Clauses on Tickets a client may write, one per documented operator, in the API's own spelling.
LEAVES: list[dict[str, Any]] = [
    {"op": "eq", "field": "status", "value": 1},
    {"op": "noteq", "field": "status", "value": 5},
    {"op": "gt", "field": "id", "value": 0},
    {"op": "gte", "field": "priority", "value": 1},
    {"op": "lt", "field": "priority", "value": 5},
    {"op": "lte", "field": "dueDateTime", "value": "2030-01-01T00:00:00Z"},
    {"op": "beginsWith", "field": "title", "value": "Print"},
    {"op": "endsWith", "field": "title", "value": "offline"},
    {"op": "contains", "field": "description", "value": "phone"},
    {"op": "exist", "field": "dueDateTime"},
    {"op": "notExist", "field": "resolution"},
    {"op": "in", "field": "queueID", "value": [29683354, 5]},
    {"op": "notIn", "field": "priority", "value": [9]},
    {"op": "eq", "field": "External Reference", "udf": True, "value": "EXT-1"},
]


def _spelled(clause: dict[str, Any], capitalise: bool) -> dict[str, Any]:
    """Model keys and field names are matched case-insensitively (apigrate/autotask-restapi README);
    operators are not touched."""
    if not capitalise:
        return dict(clause)
    out = {key.capitalize(): value for key, value in clause.items()}
    if isinstance(out.get("Field"), str) and not clause.get("udf"):
        out["Field"] = out["Field"].upper()
    return out


def _leaf(udf_allowed: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    choices = LEAVES if udf_allowed else [c for c in LEAVES if not c.get("udf")]
    return st.builds(_spelled, st.sampled_from(choices), st.booleans())


def _group(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda op, items: {"op": op, "items": items},
        st.sampled_from(["and", "or"]),
        st.lists(children, min_size=1, max_size=3),
    )


def _tree() -> st.SearchStrategy[dict[str, Any]]:
    # No UDF inside trees: the API takes one UDF a query (Autotask UDF docs), and trees may repeat a leaf.
    return st.recursive(_leaf(udf_allowed=False), _group, max_leaves=6)


@st.composite
def query_model(draw: st.DrawFn, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A legal Tickets QueryModel: one to three clause trees, maybe a UDF clause, a page size, fields."""
    filters = draw(st.lists(_tree(), min_size=1, max_size=3))
    if draw(st.booleans()):
        filters.append(dict(LEAVES[-1]))
    if extra is not None:
        filters.insert(draw(st.integers(0, len(filters))), extra)
    model: dict[str, Any] = {draw(st.sampled_from(["filter", "Filter"])): filters}
    if draw(st.booleans()):
        model[draw(st.sampled_from(["MaxRecords", "maxRecords"]))] = draw(st.integers(1, 500))
    if draw(st.booleans()):
        model["IncludeFields"] = draw(
            st.lists(st.sampled_from(["id", "title", "status", "TicketNumber", "queueID"]), min_size=1, unique=True)
        )
    return model


def run_query(model: dict[str, Any], how: str) -> Callable[[Session], None]:
    def run(s: Session) -> None:
        if how == "GET":
            s.http.get(f"{BASE}/Tickets/query", params={"search": json.dumps(model)})
        elif how == "count":
            s.http.post(f"{BASE}/Tickets/query/count", json=model)
        else:
            s.http.post(f"{BASE}/Tickets/query", json=model)

    return run


@st.composite
def query_step(draw: st.DrawFn) -> Step:
    model = draw(query_model())
    how = draw(st.sampled_from(["POST", "GET", "count"]))
    return Step(f"query {how} {json.dumps(model)}", run_query(model, how))


@st.composite
def retry_step(draw: st.DrawFn) -> Step:
    """A 429, then the same request again after waiting at least a second (back-off-after-429)."""
    wait = draw(st.sampled_from([1.0, 1.5, 5.0]))

    def run(s: Session) -> None:
        s.fake.inject_fault(status=429, errors=["Thread threshold exceeded."], path=r"/Companies/0$")
        assert s.http.get(f"{BASE}/Companies/0").status_code == 429
        s.clock.sleep(wait)
        assert s.http.get(f"{BASE}/Companies/0").status_code == 200

    return Step(f"429, retried after {wait} s", run)


LEGAL_STEPS: st.SearchStrategy[Step] = st.one_of(
    update_step(),
    status_step(),
    udf_step(),
    resolve_step(),
    paging_step(),
    query_step(),
    retry_step(),
    company_step(),
    compressed_step(),
    *(
        st.just(Step(label, run))
        for label, run in [
            ("note", _note),
            ("read", _read),
            ("create", _create),
            ("zone lookup", _zone),
            ("contact under a company", _contact),
            ("time entry", _time_entry),
        ]
    ),
)


# The first word of each legal step's label (Step.kind).
LEGAL_KINDS = frozenset(
    {"PUT", "status", "UDF", "resolve", "paging:", "query", "429,", "company", "note", "read", "create", "zone"}
    | {"contact", "time", "compressed"}
)


def legal_workflows() -> st.SearchStrategy[list[Step]]:
    return st.lists(LEGAL_STEPS, min_size=1, max_size=6)
