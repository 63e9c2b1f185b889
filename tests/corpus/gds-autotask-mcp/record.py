"""Re-create journal.jsonl: GDSTechnology/autotask-mcp's requests, re-created from its TypeScript source with httpx.

autotask-mcp is an MCP server (Node, native fetch); it is not published as a runnable npm package (its
registry is GitHub Packages), so this script sends, with httpx against the served fake, the requests its
code builds when an MCP client calls a typical run of its tools: resolve a ticket number, read the ticket
and its notes, look up the note picklists, add a note, update the ticket, read its time entries, and list
every time entry (two pages). Each request carries a comment naming the TypeScript file and function it
follows. Source read: commit 03cea005ce862422ddaa00692023cfafdf147540 of src/services/autotask-http.ts,
src/services/autotask.service.ts, src/services/http-cache.ts and src/handlers/tool.handler.ts, and
src/utils/config.ts (c3c271b5385509f5c16581de382999bb4f948fca, its only stored version).

Run from the repository root with the harness's Python (httpx is one of its dependencies):

    python tests/corpus/gds-autotask-mcp/record.py

It serves the fake (profile "default", the sample tenant, as ``autotask-harness serve --seed sample``)
and writes the fake's journal next to this file.

Reproduced from the code:

- zone: ``resolveAutotaskApiUrl`` (config.ts) GETs the hard-coded
  ``https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation?user=<encodeURIComponent>`` with only
  ``Accept: application/json``; here that one URL's origin is the served fake (the only substitution). The
  answer's ``url`` loses its trailing slashes and gains ``/v1.0`` (``AutotaskHttpClient.baseUrl``).
- headers on every API call (``AutotaskHttpClient.headers``): Content-Type, Accept, ``ApiIntegrationcode``,
  ``UserName``, Secret, plus what Node's fetch adds itself (accept-language, sec-fetch-mode, user-agent
  ``node``, accept-encoding). Bodies are ``JSON.stringify`` output (compact, keys in insertion order).
- ``query()`` pages by POSTing the absolute ``nextPageUrl`` with the same body, until no next page or the
  caller's total cap; ``update()`` is PATCH ``/{Entity}`` with ``{id, ...fields}`` and only on a 404 retries as
  PUT ``/{Entity}/{id}``; child queries POST ``/{Parent}/{id}/{Child}/query`` and on a 404 GET the child
  collection. No request is retried on 429: the client arms a per-tenant cooldown and fails locally.
- http-cache.ts serves repeated reads from a 30 s cache; no read repeats in this run, so every call goes out.

Not reproduced: the tool layer's response decoration (``enhanceItems`` through MappingService, and the
ticket card of ``autotask_get_ticket_details``), which issues further Resources / Companies / TimeEntries /
field-info reads; the stored versions of mapping.service.ts and card.builder.ts call service methods
(getCompanyNamesByIds, getResourceNames) that this version of autotask.service.ts does not have, so their
requests cannot be pinned to the code read.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 19) of the sample tenant with notes and a time entry.
TICKET_NUMBER = "T20260111.0045.001"
USERNAME = "api-user@example.invalid"
SECRET = "not-a-secret"
INTEGRATION_CODE = "not-a-code"
AUTOTASK_MAX_PAGE_SIZE = 500  # autotask-http.ts
MATCH_ALL = [{"op": "gte", "field": "id", "value": 0}]  # autotask.service.ts
# What Node's fetch (undici, Node 26 per the Dockerfile) adds to every request it is not given.
NODE_FETCH_DEFAULTS = {
    "accept-language": "*",
    "sec-fetch-mode": "cors",
    "user-agent": "node",
    "accept-encoding": "gzip, deflate",
}


def stringify(value: Any) -> bytes:
    """JSON.stringify: compact, insertion order, non-ASCII as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_uri_component(text: str) -> str:
    return quote(text, safe="-_.!~*'()")


class HttpError(Exception):
    """autotask-http.ts send(): `Autotask ${method} ${path} failed: HTTP ${status}: ${detail}`, with .status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RateLimitError(HttpError):
    """autotask-http.ts AutotaskRateLimitError."""


# ---------------------------------------------------------------------------------------------------
# src/services/http-cache.ts (the read cache every request passes through)
# ---------------------------------------------------------------------------------------------------

REFERENCE = {
    "Resources",
    "ResourceRoles",
    "Roles",
    "Departments",
    "BillingCodes",
    "InternalLocations",
    "Countries",
    "Currencies",
    "Holidays",
    "HolidaySets",
    "WorkTypeModifiers",
    "TaxCategories",
    "ServiceBundles",
    "Services",
    "Products",
    "ClassificationIcons",
    "ShippingTypes",
    "Skills",
}
SLOW_REFERENCE = {"Companies", "CompanyLocations", "Contracts", "ContractServices", "Contacts"}
NEVER = {"ThresholdInformation", "Version", "zoneInformation"}
TTL = {"fields": 3600.0, "reference": 900.0, "slow-reference": 300.0, "volatile": 30.0, "never": 0.0}


def entity_of(path: str) -> str:
    """http-cache.ts entityOf."""
    p = re.sub(r"^.*?/v1\.0", "", httpx.URL(path).path, flags=re.IGNORECASE) if path.startswith("http") else path
    return re.split(r"[/?]", p.lstrip("/"))[0] if p else ""


def is_read(method: str, path: str) -> bool:
    """http-cache.ts isRead: GET, and POST of /query, /query/count, /query/next."""
    return method.upper() == "GET" or (
        method.upper() == "POST" and re.search(r"/query(/|\?|$)", path, re.I) is not None
    )


def classify(path: str) -> str:
    """http-cache.ts classify."""
    entity = entity_of(path)
    if not entity or entity in NEVER:
        return "never"
    if re.search(r"/entityInformation(/|$)", path, re.I):
        return "fields"
    if entity in REFERENCE:
        return "reference"
    if entity in SLOW_REFERENCE:
        return "slow-reference"
    return "volatile"


def cacheable(value: Any) -> bool:
    """http-cache.ts isCacheableValue: no {item:null}, no empty items."""
    if not isinstance(value, dict):
        return False
    if "item" in value:
        return value["item"] is not None
    if "items" in value:
        return isinstance(value["items"], list) and len(value["items"]) > 0
    return True


# ---------------------------------------------------------------------------------------------------
# src/utils/config.ts
# ---------------------------------------------------------------------------------------------------


def resolve_autotask_api_url(http: httpx.Client, username: str, explicit_api_url: str | None, zone_origin: str) -> str:
    """config.ts resolveAutotaskApiUrl: explicit AUTOTASK_API_URL wins, else the unauthenticated zone lookup."""
    if explicit_api_url:
        return explicit_api_url
    # config.ts resolveAutotaskApiUrl: fetch(`${ZONE_INFO_URL}?user=${encodeURIComponent(username)}`,
    # { method: 'GET', headers: { Accept: 'application/json' } }); ZONE_INFO_URL's origin is the fake here.
    lookup = f"{zone_origin}/atservicesrest/v1.0/zoneInformation?user={encode_uri_component(username)}"
    response = http.get(lookup, headers={"Accept": "application/json", **NODE_FETCH_DEFAULTS})
    if not response.is_success:
        raise HttpError(
            f"Autotask zone auto-detection failed (HTTP {response.status_code}). Set AUTOTASK_API_URL manually",
            response.status_code,
        )
    url = response.json().get("url")
    if not isinstance(url, str) or not url:
        raise HttpError("Autotask zone auto-detection failed (missing url in response).", response.status_code)
    return url


# ---------------------------------------------------------------------------------------------------
# src/services/autotask-http.ts
# ---------------------------------------------------------------------------------------------------


class AutotaskHttpClient:
    def __init__(self, http: httpx.Client, zone_origin: str, api_url: str | None = None) -> None:
        self.http = http
        self.zone_origin = zone_origin
        self.api_url = api_url
        self.resolved_base_url: str | None = None
        self.cache: dict[str, tuple[float, Any]] = {}
        self.cooldown_until = 0.0

    def base_url(self) -> str:
        """AutotaskHttpClient.baseUrl: strip trailing slashes and append /v1.0."""
        if self.resolved_base_url is None:
            url = resolve_autotask_api_url(self.http, USERNAME, self.api_url, self.zone_origin)
            self.resolved_base_url = re.sub(r"/+$", "", url) + "/v1.0"
        return self.resolved_base_url

    def headers(self) -> dict[str, str]:
        """AutotaskHttpClient.headers (no ImpersonationResourceId: no impersonated caller in this run).
        Names as the code writes them; Node's fetch adds its defaults after them."""
        return {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "ApiIntegrationcode": INTEGRATION_CODE,
            "UserName": USERNAME,
            "Secret": SECRET,
            **NODE_FETCH_DEFAULTS,
        }

    def request(self, method: str, path: str, body: Any = None, allow_empty_body: bool = False) -> Any:
        """AutotaskHttpClient.request: reads through http-cache.ts cachedRead, writes then invalidate."""
        if is_read(method, path):
            key = f"{method.upper()} {path} {'' if body is None else stringify(body).decode()} imp="
            cls = classify(path)
            hit = self.cache.get(key)
            if cls != "never" and hit and hit[0] > time.monotonic():
                return json.loads(json.dumps(hit[1]))  # cachedRead: a fresh hit never goes upstream
            value = self.send(method, path, body, allow_empty_body=allow_empty_body)
            if cls != "never" and TTL[cls] > 0 and cacheable(value):
                self.cache[key] = (time.monotonic() + TTL[cls], value)
            return value
        value = self.send(method, path, body, allow_empty_body=allow_empty_body)
        # http-cache.ts invalidateAfterWrite: drop volatile entries and those of the written entity
        written = entity_of(path)
        for key in [
            k
            for k in self.cache
            if classify(k.split(" ", 2)[1]) == "volatile" or entity_of(k.split(" ", 2)[1]) == written
        ]:
            del self.cache[key]
        return value

    def send(
        self, method: str, path: str, body: Any = None, zone_retry: bool = False, allow_empty_body: bool = False
    ) -> Any:
        """AutotaskHttpClient.send: the one place a request goes upstream."""
        remaining = self.cooldown_until - time.time()
        if remaining > 0:  # 429 cooldown gate: fail locally, nothing is sent
            raise RateLimitError(
                f"Autotask API threshold exceeded (HTTP 429) — this tenant is in a "
                f"{int(remaining) + 1}s cooldown and this call was NOT sent upstream.",
                429,
            )
        url = path if path.startswith("http") else f"{self.base_url()}{'' if path.startswith('/') else '/'}{path}"
        content = stringify(body) if body is not None else None  # init.body = JSON.stringify(body)
        response = self.http.request(method, url, headers=self.headers(), content=content)
        if response.status_code == 204:
            return None
        text = response.text
        if not response.is_success:
            if response.status_code == 401 and not zone_retry and not path.startswith("http"):
                # 401 on a zone-resolved path: drop the cached zone and retry once against a fresh lookup
                self.resolved_base_url = None
                return self.send(method, path, body, zone_retry=True, allow_empty_body=allow_empty_body)
            detail = text[:1000]
            try:
                parsed = json.loads(text)
                if isinstance(parsed, dict) and isinstance(parsed.get("errors"), list) and parsed["errors"]:
                    detail = "; ".join(str(e) for e in parsed["errors"])
            except ValueError:
                pass
            if response.status_code == 429:
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                self.cooldown_until = time.time() + min(retry_after, 300)  # MAX_COOLDOWN_MS
                raise RateLimitError(
                    f"Autotask API threshold exceeded (HTTP 429). Do NOT retry this call "
                    f"automatically ... Detail: {detail}",
                    429,
                )
            raise HttpError(
                f"Autotask {method} {path} failed: HTTP {response.status_code}: {detail}", response.status_code
            )
        if not text:
            if allow_empty_body:
                return None
            raise HttpError(
                f"Autotask {method} {path} returned HTTP {response.status_code} but the response "
                "payload was unusable: empty response body",
                response.status_code,
            )
        return json.loads(text)

    def get(self, entity: str, record_id: int) -> Any:
        """AutotaskHttpClient.get: GET /{Entity}/{id}; null on a 404 or on {item: null}."""
        try:
            # autotask-http.ts get: this.request('GET', `/${entity}/${id}`)
            res = self.request("GET", f"/{entity}/{record_id}")
        except HttpError as error:
            if "HTTP 404" in str(error):
                return None
            raise
        return res.get("item") if isinstance(res, dict) and "item" in res else res  # unwrapEntity

    def query(
        self,
        entity: str,
        filters: list[dict[str, Any]],
        max_records: int | None = None,
        include_fields: list[str] | None = None,
    ) -> list[Any]:
        """AutotaskHttpClient.query: POST /{Entity}/query, then POST every nextPageUrl with the same body."""
        total_cap = max_records if max_records is not None else AUTOTASK_MAX_PAGE_SIZE
        body: dict[str, Any] = {"filter": filters, "MaxRecords": min(total_cap, AUTOTASK_MAX_PAGE_SIZE)}
        if include_fields:
            body["IncludeFields"] = include_fields
        items: list[Any] = []
        # autotask-http.ts query: this.request('POST', `/${entity}/query`, body)
        resp = self.request("POST", f"/{entity}/query", body) or {}
        items.extend(resp.get("items") or [])
        while (resp.get("pageDetails") or {}).get("nextPageUrl") and len(items) < total_cap:
            # autotask-http.ts query: this.request('POST', resp.pageDetails.nextPageUrl, body) — same body
            resp = self.request("POST", resp["pageDetails"]["nextPageUrl"], body) or {}
            items.extend(resp.get("items") or [])
        return items[:total_cap]

    def update(self, entity: str, record_id: int, fields: dict[str, Any]) -> None:
        """AutotaskHttpClient.update: PATCH /{Entity} {id, ...fields}; on a 404 only, PUT /{Entity}/{id}."""
        try:
            # autotask-http.ts update: this.request('PATCH', `/${entity}`, { id, ...body }, false, { allowEmptyBody })
            self.request("PATCH", f"/{entity}", {"id": record_id, **fields}, allow_empty_body=True)
        except HttpError as error:
            if error.status == 404:
                # autotask-http.ts update: this.request('PUT', `/${entity}/${id}`, body, false, { allowEmptyBody })
                self.request("PUT", f"/{entity}/{record_id}", fields, allow_empty_body=True)
                return
            raise

    def field_info(self, entity: str) -> list[Any]:
        """AutotaskHttpClient.fieldInfo: GET /{Entity}/entityInformation/fields."""
        # autotask-http.ts fieldInfo: this.request('GET', `/${entity}/entityInformation/fields`)
        res = self.request("GET", f"/{entity}/entityInformation/fields") or {}
        return res.get("fields") or res.get("items") or []

    def child_query(
        self, parent: str, parent_id: int, child: str, filters: list[dict[str, Any]], max_records: int | None = None
    ) -> list[Any]:
        """AutotaskHttpClient.childQuery: POST /{Parent}/{id}/{Child}/query; on a 404 GET /{Parent}/{id}/{Child}."""
        body = {"filter": filters, "MaxRecords": min(max_records or AUTOTASK_MAX_PAGE_SIZE, AUTOTASK_MAX_PAGE_SIZE)}
        try:
            # autotask-http.ts childQuery: this.request('POST', `/${parent}/${parentId}/${child}/query`, body)
            res = self.request("POST", f"/{parent}/{parent_id}/{child}/query", body)
        except HttpError as error:
            if "HTTP 404" not in str(error):
                raise
            # autotask-http.ts childQuery fallback: this.request('GET', `/${parent}/${parentId}/${child}`)
            res = self.request("GET", f"/{parent}/{parent_id}/{child}")
        return (res or {}).get("items") or []

    def child_create(self, parent: str, parent_id: int, child: str, body: dict[str, Any]) -> int:
        """AutotaskHttpClient.childCreate: POST /{Parent}/{id}/{Child}, returns itemId."""
        # autotask-http.ts childCreate: this.request('POST', `/${parent}/${parentId}/${child}`, body)
        res = self.request("POST", f"/{parent}/{parent_id}/{child}", body) or {}
        return res.get("itemId") or (res.get("item") or {}).get("id") or res.get("id")


def parse_retry_after(value: str | None) -> float:
    """autotask-http.ts parseRetryAfter: seconds, an HTTP-date, or 60."""
    if not value:
        return 60.0
    try:
        return max(0.0, float(int(value)))
    except ValueError:
        return 60.0


# ---------------------------------------------------------------------------------------------------
# The tools (src/handlers/tool.handler.ts dispatch table -> src/services/autotask.service.ts)
# ---------------------------------------------------------------------------------------------------


def paginate(
    fetch, page: int = 1, page_size: int | None = None, default_page_size: int = 25, max_page_size: int = 500
) -> list[Any]:
    """AutotaskService.paginate: fetch page*pageSize + 1 records and slice the page out."""
    page = max(1, page)
    size = min(page_size or default_page_size, max_page_size)
    fetched = fetch(page * size + 1)
    return fetched[(page - 1) * size : page * size]


def tool_resolve_record_reference(at: AutotaskHttpClient, reference: str) -> Any:
    """tool 'autotask_resolve_record_reference' -> AutotaskService.resolveRecordReference: Tickets and Tasks
    queried by their display number (Promise.all: both go out at once; here one after the other)."""
    tickets = at.query(
        "Tickets",
        [{"op": "eq", "field": "ticketNumber", "value": reference}],
        max_records=5,
        include_fields=["id", "ticketNumber", "title"],
    )
    tasks = at.query(
        "Tasks",
        [{"op": "eq", "field": "taskNumber", "value": reference}],
        max_records=5,
        include_fields=["id", "taskNumber", "title"],
    )
    matches = [("ticket", t["id"]) for t in tickets if t.get("id") is not None]
    matches += [("task", t["id"]) for t in tasks if t.get("id") is not None]
    return matches


def tool_get_ticket_details(at: AutotaskHttpClient, ticket_id: int) -> Any:
    """tool 'autotask_get_ticket_details' {ticketID, fullDetails} -> AutotaskService.getTicket -> http.get."""
    return at.get("Tickets", ticket_id)


def tool_search_ticket_notes(at: AutotaskHttpClient, ticket_id: int) -> Any:
    """tool 'autotask_search_ticket_notes' {ticketId} (system notes hidden: one 500-record read) ->
    AutotaskService.searchTicketNotes(ticketId, {pageSize: 500}) -> searchNotesImpl -> http.childQuery."""
    return at.child_query("Tickets", ticket_id, "Notes", MATCH_ALL, max_records=500)


def tool_get_field_info(at: AutotaskHttpClient, entity: str, field: str) -> Any:
    """tool 'autotask_get_field_info' {entityType, fieldName} (the note tool's error text sends the model
    here for noteType/publish) -> PicklistCache.getFields -> AutotaskService.getFieldInfo -> http.fieldInfo."""
    fields = at.field_info(entity)
    return next((f for f in fields if str(f.get("name", "")).lower() == field.lower()), None)


def tool_create_ticket_note(
    at: AutotaskHttpClient, ticket_id: int, title: str, description: str, note_type: int, publish: int
) -> Any:
    """tool 'autotask_create_ticket_note' -> AutotaskService.createTicketNote -> createNoteImpl, which adds
    ticketID to {title, description, noteType, publish} and calls http.childCreate('Tickets', id, 'Notes')."""
    note = {"title": title or "Note", "description": description, "noteType": note_type, "publish": publish}
    return at.child_create("Tickets", ticket_id, "Notes", {**note, "ticketID": ticket_id})


def tool_update_ticket(at: AutotaskHttpClient, ticket_id: int, **changes: Any) -> Any:
    """tool 'autotask_update_ticket' {ticketId, ...} -> buildTicketPayload (the writable allowlist) ->
    AutotaskService.updateTicket -> http.update('Tickets', id, payload)."""
    allowed = [
        "companyID",
        "title",
        "description",
        "status",
        "priority",
        "assignedResourceID",
        "assignedResourceRoleID",
        "contactID",
        "queueID",
        "ticketCategory",
        "ticketType",
        "issueType",
        "subIssueType",
        "source",
        "billingCodeID",
        "serviceLevelAgreementID",
        "estimatedHours",
        "projectID",
        "ticketAdditionalContacts",
        "resolution",
        "userDefinedFields",
        "dueDateTime",
        "companyLocationID",
        "configurationItemID",
        "contractID",
        "contractServiceID",
        "contractServiceBundleID",
        "externalID",
        "problemTicketId",
    ]  # tool.handler.ts TICKET_WRITABLE_FIELDS, in that order
    payload = {name: changes[name] for name in allowed if name in changes}
    at.update("Tickets", ticket_id, payload)
    return ticket_id


def tool_search_time_entries(
    at: AutotaskHttpClient, ticket_id: int | None = None, page: int = 1, page_size: int | None = None
) -> Any:
    """tool 'autotask_search_time_entries' -> AutotaskService.searchTimeEntries -> queryPaged('TimeEntries')
    -> paginate -> http.query(entity, filters or MATCH_ALL, {maxRecords: page*pageSize + 1})."""
    filters = [{"op": "eq", "field": "ticketID", "value": ticket_id}] if ticket_id is not None else []
    return paginate(
        lambda limit: at.query("TimeEntries", filters or MATCH_ALL, max_records=limit),
        page=page,
        page_size=page_size,
        max_page_size=500,
    )


def call_tool(name: str, call):
    """AutotaskToolHandler.callTool: an error becomes an error result; the MCP client goes on."""
    try:
        result = call()
    except HttpError as error:
        print(f"{name}: error: {error}")
        return None
    print(f"{name}: ok")
    return result


def workflow(http: httpx.Client, root_url: str) -> None:
    at = AutotaskHttpClient(http, zone_origin=root_url)  # AUTOTASK_API_URL unset: the zone is looked up

    matches = call_tool("autotask_resolve_record_reference", lambda: tool_resolve_record_reference(at, TICKET_NUMBER))
    tickets = [i for kind, i in matches or [] if kind == "ticket"]
    if len(tickets) != 1:
        raise SystemExit(f"{TICKET_NUMBER} did not resolve to one ticket")
    ticket_id = tickets[0]

    call_tool("autotask_get_ticket_details", lambda: tool_get_ticket_details(at, ticket_id))
    call_tool("autotask_search_ticket_notes", lambda: tool_search_ticket_notes(at, ticket_id))
    call_tool(
        "autotask_get_field_info TicketNotes.noteType", lambda: tool_get_field_info(at, "TicketNotes", "noteType")
    )
    # The field info is cached (http-cache 'fields', one hour): publish is read from the same answer.
    call_tool("autotask_get_field_info TicketNotes.publish", lambda: tool_get_field_info(at, "TicketNotes", "publish"))
    call_tool(
        "autotask_create_ticket_note",
        lambda: tool_create_ticket_note(
            at, ticket_id, "Customer update", "Called the customer; waiting for their reply.", note_type=18, publish=2
        ),
    )
    call_tool("autotask_update_ticket", lambda: tool_update_ticket(at, ticket_id, status=7))
    call_tool("autotask_search_time_entries {ticketId}", lambda: tool_search_time_entries(at, ticket_id=ticket_id))
    call_tool("autotask_search_time_entries {pageSize: 500}", lambda: tool_search_time_entries(at, page_size=500))


def main() -> int:
    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER and t["status"] != 5 for t in snapshot["Tickets"])
    fake = sample_tenant()  # what `serve --seed sample` serves
    with ServedFake(fake) as served, httpx.Client(timeout=60) as http:
        for name in list(http.headers):  # only the headers the client sends: none of httpx's defaults
            del http.headers[name]
        workflow(http, served.root_url)
    out = HERE / "journal.jsonl"
    fake.journal.dump_jsonl(out)
    print(f"{len(fake.journal)} exchanges written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
