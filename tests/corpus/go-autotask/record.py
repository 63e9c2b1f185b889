"""Re-create journal.jsonl: tphakala/go-autotask's requests, re-created from its Go source with httpx.

go-autotask is a Go module (github.com/tphakala/go-autotask, net/http); there is no Go toolchain to run
it here, so this script sends, with httpx against the served fake, the requests the library's code
builds for a typical program (its README and examples/): zone discovery, a ticket looked up by number,
read, given a note, updated with the library's own Update, its time entries, the field metadata, and
the iterator listing of examples/query/main.go. Every request carries a comment naming the Go file and
function it follows. Source read: commit ef0c7b1f5e89bb16d9aaedb47511acacd0e438b9 (2026-03-26, after
075ab48 moved child notes to /Tickets/{id}/Notes).

Run from the repository root with the harness's Python (httpx is one of its dependencies):

    python tests/corpus/go-autotask/record.py

It serves the fake (profile "default", the sample tenant, as ``autotask-harness serve --seed sample``)
and writes the fake's journal next to this file.

What the Go code does on the wire, reproduced here:

- headers: ``req.Header.Set`` canonicalises names, so the wire names are ``Username``, ``Secret``,
  ``Apiintegrationcode``, ``Content-Type`` (on every request, GETs included) and ``User-Agent:
  go-autotask/1.3.0``; net/http adds ``Accept-Encoding: gzip``. The two discovery requests carry no
  credentials and Go's default ``User-Agent: Go-http-client/1.1``.
- bodies: ``encoding/json`` output (compact, struct-field order; a Query marshals through a map, so its
  keys come sorted: ``IncludeFields``, ``MaxRecords``, ``filter``; ``<``, ``>``, ``&`` escaped).
- paging: the next page is the absolute ``nextPageUrl`` POSTed with no body (``queryBody = nil``), as
  Content-Length 0 with the JSON content type still set.
- no retries of any kind; an error ends the Go call. Each step below is one library call; the script
  logs a step's error and goes on to the next step, as a program driving the steps independently would.

Only configuration the library offers is used: ``WithZoneBaseURL`` (discovery against the fake) and,
since discovery fails here, ``WithBaseURL`` (the documented override) for the client that does the work.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import httpx

from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 19) of the sample tenant with notes and a time entry.
TICKET_NUMBER = "T20260110.0041.001"
USERNAME = "api-user@example.invalid"
SECRET = "not-a-secret"
INTEGRATION_CODE = "not-a-code"
USER_AGENT = "go-autotask/1.3.0"  # client.go: const version = "1.3.0"; userAgent "go-autotask/" + version
GO_DEFAULT_USER_AGENT = "Go-http-client/1.1"  # net/http's own, used by zone.go's bare requests


class GoError(Exception):
    """An error a go-autotask call returns (error.go: parseResponse / statusToError, or a decode error)."""


# ---------------------------------------------------------------------------------------------------
# encoding/json, as go-autotask's types use it
# ---------------------------------------------------------------------------------------------------


def go_marshal(value: Any) -> bytes:
    """encoding/json.Marshal: compact, keys in the order given, HTML characters escaped."""
    text = json.dumps(_go_floats(value), separators=(",", ":"), ensure_ascii=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text.encode("utf-8")


def _go_floats(value: Any) -> Any:
    """float64 values Go writes without a fraction (2.0 -> 2)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _go_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_floats(v) for v in value]
    return value


def go_time(text: Any) -> str:
    """time.Time: UnmarshalJSON takes RFC 3339 only; MarshalJSON writes RFC 3339 with trimmed nanoseconds."""
    if not isinstance(text, str) or "T" not in text:
        raise GoError(f"parsing time {json.dumps(text)} as RFC 3339: cannot parse")
    moment = datetime.fromisoformat(text)  # Python 3.11 reads Z and fractions as RFC 3339 does
    if moment.tzinfo is None:
        raise GoError(f'parsing time "{text}" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"')
    fraction = text.split("T", 1)[1]
    digits = ""
    if "." in fraction:
        digits = "".join(ch for ch in fraction.split(".", 1)[1] if ch.isdigit()).rstrip("0")
    offset = moment.utcoffset()
    assert offset is not None
    if offset.total_seconds() == 0:
        zone = "Z"
    else:
        minutes = int(offset.total_seconds() // 60)
        zone = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{digits}" if digits else "") + zone


def _decode(kind: str, value: Any, name: str) -> Any:
    """One Optional[T] field: UnmarshalJSON keeps null as an explicit null, else decodes T (or fails)."""
    if value is None:
        return None
    if kind == "int64":
        if isinstance(value, bool) or not isinstance(value, int):
            raise GoError(f"json: cannot unmarshal {json.dumps(value)} into Go struct field .{name} of type int64")
        return value
    if kind == "float64":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise GoError(f"json: cannot unmarshal {json.dumps(value)} into Go struct field .{name} of type float64")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise GoError(f"json: cannot unmarshal {json.dumps(value)} into Go struct field .{name} of type string")
        return value
    if kind == "time":
        return go_time(value)
    raise AssertionError(kind)


# entities/ticket.go: type Ticket struct (json tags with omitzero, in field order)
TICKET_FIELDS = [
    ("id", "int64"),
    ("title", "string"),
    ("description", "string"),
    ("ticketNumber", "string"),
    ("status", "int64"),
    ("priority", "int64"),
    ("queueID", "int64"),
    ("companyID", "int64"),
    ("companyLocationID", "int64"),
    ("contactID", "int64"),
    ("contractID", "int64"),
    ("configurationItemID", "int64"),
    ("assignedResourceID", "int64"),
    ("assignedResourceRoleID", "int64"),
    ("dueDateTime", "time"),
    ("createDate", "time"),
    ("lastActivityDate", "time"),
    ("completedDate", "time"),
    ("ticketType", "int64"),
    ("issueType", "int64"),
    ("subIssueType", "int64"),
    ("ticketCategory", "int64"),
    ("source", "int64"),
    ("billingCodeID", "int64"),
    ("estimatedHours", "float64"),
    ("externalID", "string"),
    ("lastModifiedDate", "time"),
]
# entities/ticket_note.go: type TicketNote struct
TICKET_NOTE_FIELDS = [
    ("id", "int64"),
    ("ticketID", "int64"),
    ("title", "string"),
    ("description", "string"),
    ("noteType", "int64"),
    ("publish", "int64"),
    ("createDateTime", "time"),
    ("creatorResourceID", "int64"),
    ("lastActivityDate", "time"),
]
# entities/time_entry.go: type TimeEntry struct
TIME_ENTRY_FIELDS = [
    ("id", "int64"),
    ("ticketID", "int64"),
    ("resourceID", "int64"),
    ("dateWorked", "time"),
    ("startDateTime", "time"),
    ("endDateTime", "time"),
    ("hoursWorked", "float64"),
    ("summaryNotes", "string"),
    ("internalNotes", "string"),
    ("billingCodeID", "int64"),
    ("createDateTime", "time"),
    ("lastModifiedDateTime", "time"),
]


def unmarshal_entity(fields: list[tuple[str, str]], raw: Any) -> dict[str, Any]:
    """json.Unmarshal into an entity struct: only its tagged fields survive (names match case-insensitively,
    as encoding/json matches them); a key present in the JSON, null included, is set; userDefinedFields
    become []UDF{name, value}. What this returns marshals back exactly as the struct does (omitzero)."""
    if not isinstance(raw, dict):
        raise GoError("json: cannot unmarshal into Go value of type entity")
    lowered = {str(k).lower(): v for k, v in raw.items()}
    entity: dict[str, Any] = {}
    for name, kind in fields:
        if name.lower() in lowered:
            entity[name] = _decode(kind, lowered[name.lower()], name)
    udfs = lowered.get("userdefinedfields")
    if isinstance(udfs, list) and udfs:  # []autotask.UDF `json:"userDefinedFields,omitempty"`
        entity["userDefinedFields"] = [
            {"name": u.get("name", ""), "value": u.get("value")} for u in udfs if isinstance(u, dict)
        ]
    return entity


def query(
    conditions: list[dict[str, Any]] | None = None, fields: list[str] | None = None, limit: int = 0
) -> dict[str, Any]:
    """query.go: (*Query).MarshalJSON builds a map[string]any, which encoding/json writes with sorted keys."""
    body: dict[str, Any] = {}
    if fields:
        body["IncludeFields"] = fields
    if limit > 0:
        body["MaxRecords"] = min(limit, 500)  # maxRecordsLimit
    body["filter"] = conditions if conditions is not None else []  # nil conditions -> []Condition{}
    return dict(sorted(body.items()))


def where(field: str, op: str, value: Any) -> dict[str, Any]:
    """query.go: FieldCondition{Field, Op, Value} with `udf,omitempty` left out when false."""
    return {"field": field, "op": op, "value": value}


# ---------------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------------


class GoAutotaskClient:
    """client.go's Client: one http.Client, the base URL from discovery or WithBaseURL."""

    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    def do(self, method: str, path: str, body: Any = None) -> Any:
        """client.go: (*Client).do. ``path`` is appended to baseURL unless it starts with "http"."""
        url = path if path.startswith("http") else self.base_url + path
        # Header.Set canonicalises every name; Go writes User-Agent first, then the others sorted,
        # then the transport's Accept-Encoding. isSameOrigin(url, baseURL) holds for every URL here.
        headers = {
            "User-Agent": USER_AGENT,
            "Apiintegrationcode": INTEGRATION_CODE,
            "Content-Type": "application/json",
            "Secret": SECRET,
            "Username": USERNAME,
            "Accept-Encoding": "gzip",
        }
        content = go_marshal(body) if body is not None else None  # http.NoBody when body is nil
        response = self.http.request(method, url, headers=headers, content=content)
        return parse_response(response)


def parse_response(response: httpx.Response) -> Any:
    """error.go: parseResponse — a 2xx with errors[] is an error too; any other status is an error."""
    try:
        data = response.json() if response.content else None
    except ValueError:
        data = None
    errors = (
        [
            e if isinstance(e, str) else e.get("message", "")
            for e in (data or {}).get("errors", []) or []
            if isinstance(e, (str, dict))
        ]
        if isinstance(data, dict)
        else []
    )
    if 200 <= response.status_code < 300:
        if errors:
            raise GoError(f"autotask: {response.status_code} unexpected error in success response: {errors[0]}")
        return data
    text = httpx.codes.get_reason_phrase(response.status_code)
    raise GoError(f"autotask: {response.status_code} {text}" + (f": {errors[0]}" if errors else ""))


def discover_zone(http: httpx.Client, base: str, username: str) -> dict[str, Any]:
    """zone.go: discoverZone — versioninformation, then zoneInformation under the last apiVersion, bare."""
    headers = {"User-Agent": GO_DEFAULT_USER_AGENT, "Accept-Encoding": "gzip"}
    # zone.go discoverZone: GET baseURL + "/atservicesrest/versioninformation" (no credentials)
    versions = http.get(base + "/atservicesrest/versioninformation", headers=headers)
    if versions.status_code != 200:
        raise GoError(f"autotask: version request returned {versions.status_code}")
    api_versions = versions.json().get("apiVersions") or []
    if not api_versions:
        raise GoError("autotask: no API versions available")
    api_version = api_versions[-1]  # "1.0": the code puts it in the path as given, without a "v"
    # zone.go discoverZone: GET "%s/atservicesrest/%s/zoneInformation?user=%s" with url.QueryEscape(username)
    zone = http.get(
        f"{base}/atservicesrest/{api_version}/zoneInformation?user={quote_plus(username, safe='-_.~')}", headers=headers
    )
    if zone.status_code != 200:
        raise GoError(f"autotask: zone discovery returned {zone.status_code}")
    info = zone.json()
    if not info.get("url"):
        raise GoError("autotask: zone discovery returned empty URL")
    return info


def get_ticket(c: GoAutotaskClient, ticket_id: int) -> dict[str, Any]:
    """crud.go: Get[entities.Ticket] — GET /v1.0/Tickets/{id}, decode resp.item."""
    # crud.go Get: c.do(GET, fmt.Sprintf("/v1.0/%s/%d", zero.EntityName(), id), nil)
    resp = c.do("GET", f"/v1.0/Tickets/{ticket_id}")
    item = (resp or {}).get("item")
    if item is None:
        raise GoError(f"autotask: Tickets {ticket_id} returned no item")
    return unmarshal_entity(TICKET_FIELDS, item)


def list_entities(
    c: GoAutotaskClient, entity: str, fields: list[tuple[str, str]], q: dict[str, Any], limit: int = 0
) -> list[dict[str, Any]]:
    """crud.go: List[T] — POST /v1.0/{Entity}/query, then each nextPageUrl POSTed with a nil body."""
    path = f"/v1.0/{entity}/query"
    query_body: Any = q
    items: list[dict[str, Any]] = []
    for _page in range(1000):  # pagination.go: maxPages
        # crud.go List: c.do(POST, path, queryBody) — the query first, then nextPageUrl with queryBody = nil
        resp = c.do("POST", path, query_body) or {}
        for raw in resp.get("items") or []:
            items.append(unmarshal_entity(fields, raw))
        if limit > 0 and len(items) >= limit:
            return items[:limit]
        next_url = (resp.get("pageDetails") or {}).get("nextPageUrl") or ""
        if not next_url:
            return items
        path, query_body = next_url, None
    raise GoError(f"autotask: exceeded maximum page limit (1000) fetching {entity}")


def list_iter(c: GoAutotaskClient, entity: str, fields: list[tuple[str, str]], q: dict[str, Any]):
    """iter.go: ListIter[T] — the same requests as List, yielded page by page; the caller stops at an error."""
    path = f"/v1.0/{entity}/query"
    query_body: Any = q
    for _page in range(1000):
        # iter.go fetchAndYieldPage: c.do(POST, path, queryBody); ListIter sets queryBody = nil after page 1
        resp = c.do("POST", path, query_body) or {}
        for raw in resp.get("items") or []:
            yield unmarshal_entity(fields, raw)
        next_url = (resp.get("pageDetails") or {}).get("nextPageUrl") or ""
        if not next_url:
            return
        path, query_body = next_url, None


def create_ticket_note(c: GoAutotaskClient, ticket_id: int, note: dict[str, Any]) -> Any:
    """child.go: CreateChild[entities.Ticket] with an entities.TicketNote (ChildEntityName "Notes")."""
    # child.go CreateChild: c.do(POST, fmt.Sprintf("/v1.0/%s/%d/%s", "Tickets", parentID, "Notes"), child)
    resp = c.do("POST", f"/v1.0/Tickets/{ticket_id}/Notes", note) or {}
    return resp.get("itemId")


def update_ticket(c: GoAutotaskClient, ticket: dict[str, Any]) -> Any:
    """crud.go: Update[T] — PATCH /v1.0/{Entity} with the whole struct (every set field) as the body."""
    # crud.go Update: c.do(PATCH, fmt.Sprintf("/v1.0/%s", entity.EntityName()), entity)
    return c.do("PATCH", "/v1.0/Tickets", ticket)


def get_fields(c: GoAutotaskClient, entity: str) -> list[Any]:
    """metadata/metadata.go: GetFields — GET /v1.0/{Entity}/entityInformation/fields."""
    # metadata.go GetFields: c.Do(GET, fmt.Sprintf("/v1.0/%s/entityInformation/fields", entityName), nil)
    return (c.do("GET", f"/v1.0/{entity}/entityInformation/fields") or {}).get("fields") or []


# ---------------------------------------------------------------------------------------------------
# The program
# ---------------------------------------------------------------------------------------------------


def step(name: str, call):
    try:
        result = call()
    except GoError as error:
        print(f"{name}: error: {error}")
        return None
    print(f"{name}: ok")
    return result


def workflow(http: httpx.Client, root_url: str) -> None:
    # client.go NewClient with WithZoneBaseURL(root): c.baseURL == "" so resolveZone -> discoverZone.
    zone = step("NewClient (zone discovery)", lambda: discover_zone(http, root_url, USERNAME))
    # Discovery succeeded: NewClient sets c.baseURL = zone.URL, used as given (trailing slash and all).
    # It failed: NewClient returned the error; the documented way on is WithBaseURL(<zone URL>), which skips
    # discovery. Paths are "/v1.0/...", so that base is the zone URL without its trailing slash.
    base_url = zone["url"] if zone is not None else root_url + "/ATServicesRest"
    c = GoAutotaskClient(http, base_url)

    # README "List with query": autotask.List[entities.Ticket](ctx, client, NewQuery().Where(...))
    found = step(
        "List[Ticket] by ticketNumber",
        lambda: list_entities(c, "Tickets", TICKET_FIELDS, query([where("ticketNumber", "eq", TICKET_NUMBER)])),
    )
    if not found:
        raise SystemExit(f"ticket {TICKET_NUMBER} not found")
    ticket_id = found[0]["id"]

    # README "Get by ID": autotask.Get[entities.Ticket](ctx, client, id)
    ticket = step("Get[Ticket]", lambda: get_ticket(c, ticket_id))
    if ticket is None:
        raise SystemExit("Get[Ticket] failed")

    # README "Create a note on a ticket": autotask.CreateChild[entities.Ticket](ctx, client, ticketID,
    # &entities.TicketNote{Title, Description, ...}); unset Optional fields are left out (omitzero).
    note = {
        "title": "Customer update",
        "description": "Called the customer; waiting for their reply.",
        "noteType": 1,
        "publish": 1,
    }
    step("CreateChild[Ticket, TicketNote]", lambda: create_ticket_note(c, ticket_id, note))

    # README "Update": ticket.Status = autotask.Set(int64(7)); autotask.Update(ctx, client, ticket) — the
    # ticket read by Get, so every field the GET returned (nulls included) goes back in the PATCH body.
    ticket["status"] = 7
    step("Update[Ticket]", lambda: update_ticket(c, ticket))

    # autotask.List[entities.TimeEntry](ctx, client, NewQuery().Where("ticketID", OpEq, id))
    step(
        "List[TimeEntry] by ticketID",
        lambda: list_entities(c, "TimeEntries", TIME_ENTRY_FIELDS, query([where("ticketID", "eq", ticket_id)])),
    )

    # README "Metadata": metadata.GetFields(ctx, client, "Tickets")
    step("metadata.GetFields(Tickets)", lambda: get_fields(c, "Tickets"))

    # examples/query/main.go: for ticket, err := range autotask.ListIter[entities.Ticket](ctx, client,
    # autotask.NewQuery()) { if err != nil { return err } ... }
    step("ListIter[Ticket] (NewQuery())", lambda: sum(1 for _ in list_iter(c, "Tickets", TICKET_FIELDS, query())))

    # The same iterator over every ticket note, with a filter: NewQuery().Where("id", OpGte, 0).
    step(
        "ListIter[TicketNote] (id gte 0)",
        lambda: sum(1 for _ in list_iter(c, "TicketNotes", TICKET_NOTE_FIELDS, query([where("id", "gte", 0)]))),
    )


def main() -> int:
    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER and t["status"] != 5 for t in snapshot["Tickets"])
    fake = sample_tenant()  # what `serve --seed sample` serves
    with ServedFake(fake) as served, httpx.Client(timeout=30) as http:
        for name in list(http.headers):  # only the headers Go sends: none of httpx's defaults
            del http.headers[name]
        workflow(http, served.root_url)
    out = HERE / "journal.jsonl"
    fake.journal.dump_jsonl(out)
    print(f"{len(fake.journal)} exchanges written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
