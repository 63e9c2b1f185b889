"""Deliberately broken clients, each breaking one rule the way real integrations do (not shipped)."""

from __future__ import annotations

from typing import Any

from harness.contract.adapter import ClientConfig, ReferenceAdapter
from harness.contract.client import AutotaskClient
from harness.rules.state import STABILISING_FIELDS


class PatchingClient(AutotaskClient):
    """Updates tickets with PATCH, as the swagger suggests and the tenant refuses."""

    def update(self, entity: str, record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        self.request("PATCH", f"/{entity}", {"id": record_id, **changes})
        return changes


class PartialPutClient(AutotaskClient):
    """PUTs only the id and the change, trusting PUT to leave the rest alone."""

    def update(self, entity: str, record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        body = {"id": record_id, **changes}
        self.request("PUT", f"/{entity}", body)
        return body


class TicketNotesClient(AutotaskClient):
    """Creates notes through /TicketNotes, as entityInformation's canCreate suggests."""

    def add_note(
        self, ticket_id: int, title: str, description: str, *, note_type: int | None = None, publish: int | None = None
    ) -> int:
        return self.create(
            "TicketNotes",
            {
                "ticketID": ticket_id,
                "title": title,
                "description": description,
                "noteType": 1 if note_type is None else note_type,
                "publish": 1 if publish is None else publish,
            },
        )


class CachingClient(AutotaskClient):
    """Reads a ticket once and PUTs from that copy ever after, without a fresh GET."""

    cache: dict[int, dict[str, Any]]

    def update(self, entity: str, record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        cache = self.__dict__.setdefault("cache", {})
        if record_id not in cache:
            cache[record_id] = self.get(entity, record_id) or {}
        body = {**cache[record_id], **changes}
        self.request("PUT", f"/{entity}", body)
        return body


class RootFieldsClient(AutotaskClient):
    """Reads the stabilising fields from the response root instead of ``item``."""

    def update(self, entity: str, record_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        answer = self.request("GET", f"/{entity}/{record_id}")
        body = {"id": record_id, **{name: answer.get(name) for name in STABILISING_FIELDS if name != "id"}, **changes}
        self.request("PUT", f"/{entity}", body)
        return body


class CombinedStatusClient(AutotaskClient):
    """Sets the resolution and the status in one PUT: status changes implicitly, without the check."""

    def resolve(self, ticket_number: str, note: str, resolution: str, **options: Any) -> Any:
        ticket_id = self.ticket_id(ticket_number)
        self.add_note(ticket_id, "Resolution", note)
        self.update("Tickets", ticket_id, {"resolution": resolution, "status": 5})


class Status8Client(AutotaskClient):
    """Resolves with status 8, labelled "Completed", which stamps no completedDate."""

    def set_status(self, ticket_id: int, status: int) -> None:
        super().set_status(ticket_id, 8)


class NoTimeCheckClient(AutotaskClient):
    """Completes the ticket without checking its time entries first."""

    def time_entry_count(self, ticket_id: int) -> int:
        return 0


class TicketNumberUrlClient(AutotaskClient):
    """Uses the ticket number where the URL needs the id."""

    def ticket_id(self, ticket_number: str) -> int:
        answer = self.request("GET", f"/Tickets/{ticket_number}")
        return int((answer.get("item") or {}).get("id", 0))


class LowercaseBaseClient(AutotaskClient):
    """Writes the base path in lower case, as the docs' own examples do."""

    def __init__(self, base_url: str, *args: Any, **options: Any) -> None:
        super().__init__(base_url.replace("ATServicesRest/V1.0", "atservicesrest/v1.0"), *args, **options)


class SwallowingClient(AutotaskClient):
    """Treats any answer as success and carries on."""

    def request(self, method: str, path_or_url: str, body: Any = None) -> Any:
        url = path_or_url if path_or_url.startswith("http") else f"{self.base_url}{path_or_url}"
        answer = self.http.request(method, url, headers=self.headers, json=body)
        try:
            return answer.json()
        except ValueError:
            return {}


class FirstPageClient(AutotaskClient):
    """Reads only the first page of a query."""

    def query(self, entity: str, filters: list[dict[str, Any]], **options: Any) -> Any:
        return iter(self.request("POST", f"/{entity}/query", {"filter": filters})["items"])


def _factory(client_class: type[AutotaskClient]) -> Any:
    def make(config: ClientConfig) -> ReferenceAdapter:
        client = client_class(config.base_url, config.username, config.secret, config.integration_code)
        return ReferenceAdapter(config, client)

    make.__name__ = f"make_{client_class.__name__}"
    return make


# broken client -> the rule id the suite must report for it
CATALOGUE: dict[str, tuple[Any, str]] = {
    "patches a ticket": (_factory(PatchingClient), "no-ticket-patch"),
    "PUTs only id and the change": (_factory(PartialPutClient), "put-carries-stabilising-fields"),
    "posts notes to /TicketNotes": (_factory(TicketNotesClient), "notes-via-ticket"),
    "PUTs from a cached read": (_factory(CachingClient), "fresh-get-before-put"),
    "reads fields from the response root": (_factory(RootFieldsClient), "put-carries-stabilising-fields"),
    "changes status with the resolution": (_factory(CombinedStatusClient), "no-implicit-status-change"),
    "resolves with status 8": (_factory(Status8Client), "resolve-with-completing-status"),
    "completes without checking time entries": (_factory(NoTimeCheckClient), "complete-only-without-time-entries"),
    "puts the ticket number in the URL": (_factory(TicketNumberUrlClient), "numeric-ticket-id-in-url"),
    "writes a lowercase base path": (_factory(LowercaseBaseClient), "exact-base-path"),
    "swallows a 500": (_factory(SwallowingClient), "non-200-is-error"),
    "reads only the first page": (_factory(FirstPageClient), "follow-next-page"),
}


make_status8 = CATALOGUE["resolves with status 8"][0]
make_patching = CATALOGUE["patches a ticket"][0]
