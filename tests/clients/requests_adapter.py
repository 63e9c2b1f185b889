"""An Autotask client written with ``requests``, behind the contract suite's adapter protocol.

It discovers its zone at the lookup root it is given (in-process: the production host itself) and
keeps the contract: ticket number to id by query, a fresh GET before each full PUT, notes through
``/Tickets/{id}/Notes`` with the tenant's own picklist defaults, the status change on its own and only
without time entries, and every page of a query.

    pytest --pyargs contract_tests --autotask-in-process --autotask-client tests.clients.requests_adapter:make_adapter
"""

from __future__ import annotations

from typing import Any

import requests

from harness.contract.adapter import ClientConfig


class RequestsAutotask:
    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.session = requests.Session()
        self.session.headers.update(
            {"ApiIntegrationCode": config.integration_code, "UserName": config.username, "Secret": config.secret}
        )
        zone = self.session.get(f"{config.zone_lookup_root}/V1.0/zoneInformation", params={"user": config.username})
        zone.raise_for_status()
        self.base = zone.json()["url"].rstrip("/") + "/V1.0"

    def _call(self, method: str, url: str, body: Any = None) -> Any:
        answer = self.session.request(method, url if url.startswith("http") else self.base + url, json=body)
        if answer.status_code != 200:
            raise RuntimeError(f"{method} {url} answered {answer.status_code}: {answer.text[:200]}")
        return answer.json()

    def _ticket(self, number: str) -> dict[str, Any]:
        found = self._call(
            "POST", "/Tickets/query", {"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}
        )["items"]
        item: dict[str, Any] = self._call("GET", f"/Tickets/{found[0]['id']}")["item"]
        return item

    def _put(self, ticket: dict[str, Any], **changes: Any) -> None:
        self._call("PUT", "/Tickets", {**ticket, **changes})

    def add_note(self, ticket_number: str, title: str, description: str) -> None:
        ticket_id = self._ticket(ticket_number)["id"]
        fields = self._call("GET", "/TicketNotes/entityInformation/fields")["fields"]
        defaults = {}
        for field in fields:
            values = [v for v in field.get("picklistValues") or [] if v.get("isActive", True)]
            if field["name"] in ("noteType", "publish") and values:
                defaults[field["name"]] = int(next((v for v in values if v.get("isDefaultValue")), values[0])["value"])
        self._call("POST", f"/Tickets/{ticket_id}/Notes", {"title": title, "description": description, **defaults})

    def set_resolution(self, ticket_number: str, resolution: str) -> None:
        self._put(self._ticket(ticket_number), resolution=resolution)

    def resolve_ticket(self, ticket_number: str, note: str, resolution: str) -> None:
        self.add_note(ticket_number, "Resolution", note)
        self.set_resolution(ticket_number, resolution)
        ticket = self._ticket(ticket_number)
        entries = self._call(
            "POST", "/TimeEntries/query", {"filter": [{"op": "eq", "field": "ticketID", "value": ticket["id"]}]}
        )["items"]
        if not entries:
            self._put(self._call("GET", f"/Tickets/{ticket['id']}")["item"], status=self.config.completing_status)

    def query_all(self, entity: str, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"MaxRecords": 500, "filter": filters}
        page = self._call("POST", f"/{entity}/query", body)
        items = list(page["items"])
        while page["pageDetails"].get("nextPageUrl"):
            page = self._call("POST", page["pageDetails"]["nextPageUrl"], body)  # the same body, as the API asks
            items += page["items"]
        return items


def make_adapter(config: ClientConfig) -> RequestsAutotask:
    return RequestsAutotask(config)
