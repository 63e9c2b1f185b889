"""The reference client: an httpx client that follows the Autotask contract exactly. Copy it.

Every update is a GET followed by a full PUT of what was read with only the intended
change; notes go through ``/Tickets/{id}/Notes``; a status changes on its own, and the
resolution workflow completes a ticket only when it has no time entries (the Postman contract, §9).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from fake_server import DEFAULT_COMPLETING_STATUS
from fake_server.face import error_texts

from .picklists import choose

# The Postman contract §5: the status that stamps completedDate and resolvedDateTime on the default tenant.
COMPLETE = DEFAULT_COMPLETING_STATUS


class AutotaskError(Exception):
    """The API answered something other than 200; every such answer is an error (seeds 000-002)."""

    def __init__(self, method: str, url: str, status: int, errors: list[str]) -> None:
        super().__init__(f"{method} {url} answered {status}: {'; '.join(errors) or 'no error text'}")
        self.status = status
        self.errors = errors


@dataclass(frozen=True)
class Resolution:
    """What the resolution workflow did to a ticket."""

    ticket_id: int
    note_id: int
    time_entries: int
    completed: bool


class AutotaskClient:
    """A contract-following client for one zone: ``base_url`` ends in ``/ATServicesRest/V1.0``."""

    def __init__(
        self,
        base_url: str,
        username: str,
        secret: str,
        integration_code: str,
        *,
        http: httpx.Client | None = None,
        max_retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.http = http or httpx.Client(timeout=30)
        self.headers = {
            "UserName": username,
            "Secret": secret,
            "ApiIntegrationCode": integration_code,
            "Content-Type": "application/json",
        }
        self._defaults: dict[str, dict[str, int]] = {}

    @classmethod
    def discover(
        cls, zone_lookup_root: str, username: str, secret: str, integration_code: str, **options: Any
    ) -> AutotaskClient:
        """Find the user's zone first, as the API asks: ``zone_lookup_root`` is e.g.
        ``https://webservices.autotask.net/ATServicesRest``."""
        http = options.pop("http", None) or httpx.Client(timeout=30)
        answer = http.get(f"{zone_lookup_root.rstrip('/')}/V1.0/zoneInformation", params={"user": username})
        if answer.status_code != 200:
            raise AutotaskError("GET", "zoneInformation", answer.status_code, _errors(answer))
        return cls(answer.json()["url"].rstrip("/") + "/V1.0", username, secret, integration_code, http=http, **options)

    # -- transport ---------------------------------------------------------------------------

    def request(self, method: str, path_or_url: str, body: Any = None) -> Any:
        """Send one request; 429 waits as long as the API asks (bounded), any other non-200 raises."""
        url = path_or_url if path_or_url.startswith("http") else f"{self.base_url}{path_or_url}"
        for attempt in range(self.max_retries + 1):
            answer = self.http.request(method, url, headers=self.headers, json=body)
            if answer.status_code == 429 and attempt < self.max_retries:
                time.sleep(min(float(answer.headers.get("Retry-After", 1) or 1), 60.0))
                continue
            if answer.status_code != 200:
                raise AutotaskError(method, url, answer.status_code, _errors(answer))
            return answer.json()
        raise AssertionError("unreachable")  # pragma: no cover

    # -- generic operations ---------------------------------------------------------------------

    def get(self, entity: str, record_id: int) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.request("GET", f"/{entity}/{record_id}")["item"]
        return item

    def query(
        self,
        entity: str,
        filters: list[dict[str, Any]],
        *,
        include_fields: list[str] | None = None,
        max_records: int = 500,
    ) -> Iterator[dict[str, Any]]:
        """Every matching record, following ``nextPageUrl`` (with the same body) to the last page."""
        body: dict[str, Any] = {"MaxRecords": max_records, "filter": filters}
        if include_fields:
            body["IncludeFields"] = include_fields
        page = self.request("POST", f"/{entity}/query", body)
        while True:
            yield from page["items"]
            next_url = page["pageDetails"].get("nextPageUrl")
            if not next_url:
                return
            page = self.request("POST", next_url, body)

    def count(self, entity: str, filters: list[dict[str, Any]]) -> int:
        return int(self.request("POST", f"/{entity}/query/count", {"filter": filters})["queryCount"])

    def create(self, entity: str, body: dict[str, Any]) -> int:
        return int(self.request("POST", f"/{entity}", {k: v for k, v in body.items() if k.lower() != "id"})["itemId"])

    def create_child(self, parent: str, parent_id: int, child: str, body: dict[str, Any]) -> int:
        return int(self.request("POST", f"/{parent}/{parent_id}/{child}", body)["itemId"])

    def update(self, entity: str, record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Read the record fresh, PUT all of it back with only ``changes`` applied; returns what was sent."""
        current = self.get(entity, record_id)
        if current is None:
            raise AutotaskError("GET", f"/{entity}/{record_id}", 200, [f"no {entity} record {record_id}"])
        body = {**current, **changes}
        self.request("PUT", f"/{entity}", body)
        return body

    def delete(self, entity: str, record_id: int) -> None:
        self.request("DELETE", f"/{entity}/{record_id}")

    # -- the ticket workflow of the Postman contract ------------------------------------------------------------

    def ticket_id(self, ticket_number: str) -> int:
        """The Postman contract §1: a ticket number is resolved to its id through a query, never used in a URL."""
        found = self.request(
            "POST", "/Tickets/query", {"filter": [{"op": "eq", "field": "ticketNumber", "value": ticket_number}]}
        )["items"]
        if not found:
            raise AutotaskError("POST", "/Tickets/query", 200, [f"no ticket numbered {ticket_number}"])
        return int(found[0]["id"])

    def add_note(
        self, ticket_id: int, title: str, description: str, *, note_type: int | None = None, publish: int | None = None
    ) -> int:
        """The Postman contract §7: notes are created only through ``/Tickets/{id}/Notes``. The note type and publish
        level default to the tenant's own picklist defaults (the Postman contract: never guess values)."""
        if note_type is None or publish is None:
            defaults = self.picklist_defaults("TicketNotes")
            note_type = defaults.get("noteType", 1) if note_type is None else note_type
            publish = defaults.get("publish", 1) if publish is None else publish
        return self.create_child(
            "Tickets",
            ticket_id,
            "Notes",
            {"title": title, "description": description, "noteType": note_type, "publish": publish},
        )

    def picklist_defaults(self, entity: str) -> dict[str, int]:
        """Each picklist field's default (else first active) value, read once from entityInformation."""
        if entity not in self._defaults:
            fields = self.request("GET", f"/{entity}/entityInformation/fields")["fields"]
            self._defaults[entity] = {
                f["name"]: value for f in fields if f.get("isPickList") and (value := choose(f)) is not None
            }
        return self._defaults[entity]

    def set_resolution(self, ticket_id: int, resolution: str) -> None:
        """The Postman contract §8: a full stabilised PUT changing only ``resolution``."""
        self.update("Tickets", ticket_id, {"resolution": resolution})

    def set_status(self, ticket_id: int, status: int) -> None:
        """A status change on its own, from a fresh read (the Postman contract §9: never implicit)."""
        self.update("Tickets", ticket_id, {"status": status})

    def time_entry_count(self, ticket_id: int) -> int:
        """The Postman contract §6: the decisive check, a TimeEntries query filtered on ticketID."""
        return sum(
            1
            for _ in self.query(
                "TimeEntries", [{"op": "eq", "field": "ticketID", "value": ticket_id}], include_fields=["id"]
            )
        )

    def resolve(
        self,
        ticket_number: str,
        note: str,
        resolution: str,
        *,
        note_title: str = "Resolution",
        completing_status: int = COMPLETE,
    ) -> Resolution:
        """The Postman contract §9, test 2: note, resolution, then the completing status if no time entries exist."""
        ticket_id = self.ticket_id(ticket_number)
        self.get("Tickets", ticket_id)
        note_id = self.add_note(ticket_id, note_title, note)
        self.set_resolution(ticket_id, resolution)
        entries = self.time_entry_count(ticket_id)
        if entries == 0:
            self.set_status(ticket_id, completing_status)
        return Resolution(ticket_id, note_id, entries, completed=entries == 0)


def _errors(answer: httpx.Response) -> list[str]:
    try:
        body = answer.json()
    except ValueError:
        return [answer.text[:200]]
    return error_texts(body)
