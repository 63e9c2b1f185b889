"""Re-create journal.jsonl: the requests msoukhomlinov/n8n-nodes-autotask 2.28.3 sends for a six-node workflow.

source = "written": the package is on npm, but its nodes only run inside the n8n runtime (IExecuteFunctions,
credentials, the resource mapper), so this script sends, with httpx, exactly the requests the node's code
builds, against the harness's served fake. Run it from the repository root with the harness's Python:

    python tests/corpus/n8n-nodes-autotask/record.py [--profile documented]

Code followed (commit 5068192028cf228513628cd64ebddff9e81cb2fc, 2026-08-19, package.json version 2.28.3):
  credentials/AutotaskApi.credentials.ts        zone URLs ("https://webservicesN.autotask.net/atservicesrest"),
                                                "Other (Custom URL)", the APIIntegrationcode/Username/Secret
  nodes/Autotask/helpers/http/request.ts        autotaskApiRequest (URL building, the paging branch),
                                                processEndpointPath, buildEntityUrl, buildChildEntityUrl,
                                                fetchThresholdInformation
  nodes/Autotask/helpers/http/headers.ts        getAutotaskHeaders
  nodes/Autotask/helpers/http/retryHandler.ts   executeWithRetry (429 and thread-limit back-off)
  nodes/Autotask/helpers/http/initRateTracker.ts, rateLimit.ts   the ThresholdInformation sync
  nodes/Autotask/helpers/entity/api.ts          getFields (entityInformation/fields, userDefinedFields)
  nodes/Autotask/helpers/filter.ts              buildFiltersFromResourceMapper
  nodes/Autotask/helpers/http/body-builder.ts   buildRequestBody (id 0 on child creates, id on updates)
  nodes/Autotask/operations/base/get-many.ts, get-operation.ts, base-operation.ts, create-operation.ts,
  update-operation.ts, field-values.ts          the operations (update is a PATCH)
  nodes/Autotask/resources/tickets/execute.ts, ticketNotes/execute.ts, constants/entities.ts
and n8n's legacy `this.helpers.request` (packages/core .../request-helper-functions.ts proxyRequestToAxios
and parseRequestObject): json: true adds "Accept: application/json", the body (`{}` for every GET, the
default of autotaskApiRequest) goes as axios JSON, an empty `qs` adds no query string; a failed request
throws with `response: {headers, status}`, which is what executeWithRetry reads.

The workflow (each step one Autotask node, "Get All" on for the time entries and the notes, cold field
cache, Add Picklist/Reference Labels off, the defaults): Ticket > Get Many (ticketNumber), Ticket > Get,
Ticket Note > Create, Ticket > Update (status), Time Entry > Get Many (ticketID), Ticket Note > Get Many.

Configuration: the credential's Zone is "Other (Custom URL)" with Custom Zone URL "<root>/atservicesrest",
written like the listed zones; any non-empty credentials. The fake answers one injected 429 (its own
thread-limit text) to the time-entry query, to show the client's back-off. Profile "documented" by default:
on the default profile every entity request answers 404 (the client writes "atservicesrest").
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from fake_server import FakeAutotask
from fake_server.admission import THREAD_LIMIT_MESSAGE
from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 1, New) of the sample tenant with a time entry and a note.
TICKET_NUMBER = "T20260106.0012.001"
CREDENTIALS = {
    "APIIntegrationcode": "ANY-INTEGRATION-CODE",
    "Username": "api-user@example.invalid",
    "Secret": "any-secret",
}
API_VERSION = "v1.0"  # constants/operations.ts API_VERSION.VERSION
# constants/entities.ts: the entity names these endpoints touch. Note, Field, Query and EntityInformation
# are not entity names there, so processEndpointPath leaves "Notes", "fields", "query" as they are.
ENTITY_NAMES = {"ticket", "ticketnote", "timeentry"}  # compared lower-cased, as getEntityMetadata does


class NodeApiError(Exception):
    """What autotaskApiRequest throws once the request has failed (n8n shows it and the workflow stops)."""


# --- pluralize 8 as processEndpointPath uses it (only the rules these words reach) ----------------------------
def singular(word: str) -> str:
    if re.search(r"([^aeiouy]|qu)ies$", word, re.IGNORECASE):
        return word[:-3] + "y"
    if re.search(r"[^s]s$", word, re.IGNORECASE):
        return word[:-1]
    return word


def plural(word: str) -> str:
    if re.search(r"([^aeiouy]|qu)y$", word, re.IGNORECASE):
        return word[:-1] + "ies"
    if word.lower().endswith("s"):
        return word
    return word + "s"


def process_endpoint_path(endpoint: str, is_query: bool = False) -> str:
    """request.ts processEndpointPath: strip the slashes, re-pluralise entity segments from the word as
    written (so "ticket" becomes "tickets", lower case), append "query" for queries, end with a slash."""
    if endpoint.startswith("http"):
        return endpoint
    parts = endpoint.strip("/").split("/")
    out = []
    for part in parts:
        if part.isdigit():
            out.append(part)
            continue
        single = singular(part)
        out.append(plural(single) if single.lower() in ENTITY_NAMES else part)
    if is_query and "query" not in out:
        out.append("query")
    return "/".join(out) + "/"


def build_entity_url(entity: str, entity_id: int | str | None = None, is_query: bool = False) -> str:
    """request.ts buildEntityUrl."""
    endpoint = f"{entity}/{entity_id}" if entity_id is not None else entity
    return process_endpoint_path(endpoint, is_query)


def build_child_entity_url(parent: str, subname: str, parent_id: int | str) -> str:
    """request.ts buildChildEntityUrl: `${parentUrlSegment || parent}/${parentId}/${subname}`."""
    return process_endpoint_path(f"{parent}/{parent_id}/{subname}")


# --- the node's HTTP layer ------------------------------------------------------------------------------------
class AutotaskNode:
    def __init__(self, custom_zone_url: str, rng: random.Random) -> None:
        self.credentials = {**CREDENTIALS, "zone": "other", "customZoneUrl": custom_zone_url}
        self.http = httpx.Client(timeout=60)
        for name in list(self.http.headers.keys()):
            del self.http.headers[name]
        self.rng = rng
        self.field_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}  # CacheService, cold at start
        self.rate_tracker_initialised = False

    @property
    def base_url(self) -> str:
        creds = self.credentials
        return creds["customZoneUrl"] if creds["zone"] == "other" else creds["zone"]

    def headers(self) -> dict[str, str]:
        """headers.ts getAutotaskHeaders, then n8n/axios: json: true -> Accept: application/json; n8n's
        default outbound User-Agent "n8n"; axios's Accept-Encoding."""
        headers = {
            "APIIntegrationcode": self.credentials["APIIntegrationcode"],
            "Username": self.credentials["Username"],
            "Secret": self.credentials["Secret"],
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "n8n",
            "Accept-Encoding": "gzip, compress, deflate, br",
        }
        return headers

    def send(self, method: str, url: str, body: Any) -> httpx.Response:
        content = None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        return self.http.request(method, url, headers=self.headers(), content=content)

    def initialize_rate_tracker(self) -> None:
        """Autotask.node.ts execute -> initRateTracker.ts initializeRateTracker (once per credential per 5 min)
        -> tracker.syncWithApi -> request.ts fetchThresholdInformation: GET {base}/v1.0/ThresholdInformation,
        no body. Its answer sets lastSyncTime, so rateLimit.ts maybeSyncWithApi stays quiet afterwards."""
        if self.rate_tracker_initialised:
            return
        self.rate_tracker_initialised = True
        url = f"{self.base_url.rstrip('/')}/{API_VERSION}/ThresholdInformation"
        self.send("GET", url, None)  # a failure here is logged and ignored (returns null)

    def request(self, method: str, endpoint: str, body: Any | None = None) -> Any:
        """request.ts autotaskApiRequest(method, endpoint, body = {}, query = {})."""
        body = {} if body is None else body
        if endpoint.startswith("http") and "/query/" in endpoint:
            # The paging branch: with a custom zone the nextPageUrl's path and query are appended to the
            # custom URL (which already ends in /atservicesrest), and only the filter goes in the body.
            if self.credentials["zone"] == "other" and self.credentials["customZoneUrl"]:
                parts = urlsplit(endpoint)
                url = (
                    self.credentials["customZoneUrl"].rstrip("/")
                    + parts.path
                    + (f"?{parts.query}" if parts.query else "")
                )
            else:
                url = endpoint
            body = {"filter": body.get("filter") or []}
        else:
            is_query = "/query/" in endpoint or endpoint.endswith("/query")
            url = f"{self.base_url.rstrip('/')}/{API_VERSION}/{process_endpoint_path(endpoint, is_query)}"
        response = self.execute_with_retry(lambda: self.send(method, url, body))
        if response.status_code >= 400:
            raise NodeApiError(f"{method} {url} -> {response.status_code}: {response.text[:300]}")
        return response.json()

    def execute_with_retry(self, attempt_request: Callable[[], httpx.Response]) -> httpx.Response:
        """retryHandler.ts executeWithRetry: retry a 429 or a thread-limit rejection; wait Retry-After
        (floored at 1 s) or 1 s * 2^(attempt-1) +/- 25 % jitter (floored at 1 s), within a 5 min budget."""
        attempt = 0
        started = time.monotonic()
        while True:
            response = attempt_request()
            errors = ""
            if response.status_code >= 400:
                try:
                    errors = " ".join(
                        str(e.get("message", e) if isinstance(e, dict) else e)
                        for e in response.json().get("errors", [])
                    )
                except (ValueError, AttributeError):
                    errors = response.text
            haystack = f"{response.status_code} - {response.text} {errors}".lower()
            thread_limited = (
                "itgenatr005" in haystack
                or re.search(r"thread\s+threshold.*exceeded", haystack)
                or "thread limit" in haystack
            )
            if response.status_code != 429 and not thread_limited:
                return response
            attempt += 1
            retry_after = response.headers.get("retry-after")
            if retry_after and retry_after.strip().lstrip("-").isdigit():
                wait_ms = max(1_000, min(int(retry_after) * 1_000, 600_000))
            else:
                backoff = min(1_000 * 2 ** (attempt - 1), 60_000)
                jitter_range = backoff * 0.25
                wait_ms = max(1_000, backoff + self.rng.random() * jitter_range * 2 - jitter_range)
            if (time.monotonic() - started) * 1000 + wait_ms > 300_000:
                raise NodeApiError("Autotask API rate limit exceeded (429 Too Many Requests).")
            time.sleep(wait_ms / 1000)

    def get_fields(self, entity_type: str, field_type: str = "standard") -> list[dict[str, Any]]:
        """entity/api.ts getFields: GET /{pluralize(entity)}/entityInformation/fields (or
        /userDefinedFields), cached for the credential's Entity Info TTL (a day)."""
        key = (entity_type, field_type)
        if key not in self.field_cache:
            suffix = "userDefinedFields" if field_type == "udf" else "fields"
            answer = self.request("GET", f"/{plural(entity_type)}/entityInformation/{suffix}")
            self.field_cache[key] = answer["fields"]
        return self.field_cache[key]

    def processed_fields_map(self, entity_type: str, has_udfs: bool) -> None:
        """filter.ts getProcessedFieldsMap: standard and (for hasUserDefinedFields entities) UDF fields under
        Promise.all; sent here one after the other, standard first, so the journal keeps one order."""
        self.get_fields(entity_type, "standard")
        if has_udfs:
            self.get_fields(entity_type, "udf")

    def get_many(
        self, entity_type: str, has_udfs: bool, mapped: dict[str, Any], return_all: bool, max_records: int = 10
    ) -> list[dict[str, Any]]:
        """GetManyOperation: filters from the resource mapper (each mapped field `eq`, several AND-ed, none ->
        `id exist`), MaxRecords only when Get All is off, then POST every nextPageUrl while there is one."""
        self.initialize_rate_tracker()
        self.processed_fields_map(entity_type, has_udfs)
        filters = [
            {"field": name, "value": value, "op": "eq"}
            for name, value in mapped.items()
            if value is not None and value != ""
        ]
        if len(filters) > 1:
            filters = [{"op": "and", "items": filters}]
        elif not filters:
            filters = [{"field": "id", "op": "exist"}]
        query: dict[str, Any] = {"filter": filters}
        if not return_all:
            query["MaxRecords"] = max_records
        page = self.request("POST", build_entity_url(entity_type, is_query=True), query)
        items = list(page["items"])
        pages = 1
        next_url = (page.get("pageDetails") or {}).get("nextPageUrl")
        while return_all and next_url and pages < 50:  # PaginationHandler, PAGINATION.MAX_PAGES
            page = self.request("POST", next_url, query)
            items.extend(page["items"])
            pages += 1
            next_url = (page.get("pageDetails") or {}).get("nextPageUrl")
        return items


def workflow(node: AutotaskNode, fake: FakeAutotask) -> None:
    # Node 1, Ticket > Get Many, Fields: ticketNumber = T...; Get All off (Max Records 10).
    # resources/tickets/execute.ts 'getMany' -> GetManyOperation('ticket').
    found = node.get_many("ticket", True, {"ticketNumber": TICKET_NUMBER}, return_all=False)
    ticket_id = found[0]["id"]

    # Node 2, Ticket > Get, Ticket ID = {{ $json.id }}: GetOperation -> BaseOperation.getEntityById:
    # GET tickets/{id}/ with autotaskApiRequest's default body {} and no IncludeFields.
    node.initialize_rate_tracker()
    node.request("GET", build_entity_url("ticket", ticket_id))

    # Node 3, Ticket Note > Create, Fields: description, noteType, publish, ticketID, title (the required
    # ones the resource mapper shows, in the metadata's order). CreateOperation('ticketNote'): the fields for
    # validateFieldValues, then POST Tickets/{ticketID}/Notes/ (childOf Ticket, subname Notes);
    # body-builder.ts adds id 0 because TicketNote has childOf.
    node.initialize_rate_tracker()
    node.get_fields("ticketNote")
    note = {
        "description": "Remote session held; the access point was restarted.",
        "noteType": 1,
        "publish": 1,
        "ticketID": ticket_id,
        "title": "Update from the workflow",
        "id": 0,
    }
    node.request("POST", build_child_entity_url("Ticket", "Notes", ticket_id), note)

    # Node 4, Ticket > Update, Ticket ID = {{ $json.id }}, Fields: status = 8 ("In Progress" on the
    # documented tenant). UpdateOperation('ticket'): fields cached; body-builder.ts sets body.id; the verb
    # is PATCH and the URL the entity root tickets/.
    node.initialize_rate_tracker()
    node.request("PATCH", build_entity_url("ticket"), {"status": 8, "id": ticket_id})

    # Node 5, Time Entry > Get Many, Fields: ticketID = {{ id }}, Get All on. The fake refuses the first
    # query with its own thread-limit 429; executeWithRetry backs off and sends it again.
    # (resources/timeEntries/execute.ts: ENTITY_TYPE is 'TimeEntry', so the path says "TimeEntries").
    fake.inject_fault(
        status=429,
        errors=[THREAD_LIMIT_MESSAGE.format(limit=3, endpoint="timeentries")],
        method="POST",
        path=r"(?i)/timeentries/query/$",
    )
    node.get_many("TimeEntry", True, {"ticketID": ticket_id}, return_all=True)

    # Node 6, Ticket Note > Get Many, no Fields, Get All on: every note, page after page
    # (ticketNotes/execute.ts 'getMany' -> GetManyOperation('ticketNote', { parentType: 'ticket' }), which
    # queries ticketNotes/query/ directly since TicketNote's query operation is 'self').
    notes = node.get_many("ticketNote", False, {}, return_all=True)
    print(f"{len(notes)} ticket notes read")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="documented")
    parser.add_argument("--out", type=Path, default=HERE / "journal.jsonl")
    args = parser.parse_args()
    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER for t in snapshot["Tickets"])
    fake = sample_tenant(args.profile)  # what `serve --seed sample` serves
    with ServedFake(fake) as served:
        node = AutotaskNode(f"{served.root_url}/atservicesrest", random.Random(2026))
        try:
            workflow(node, fake)
        except NodeApiError as error:  # the failing node stops the workflow
            print(f"workflow stopped: {error}")
        finally:
            node.http.close()
    fake.journal.dump_jsonl(args.out)
    print(f"{len(fake.journal)} exchanges written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
