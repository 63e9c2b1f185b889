"""The probe's line to a tenant: zone discovery, then requests that report every answer instead of raising."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from fake_server.face import BASE, error_texts


class ProbeFailed(Exception):
    """A step the probe cannot go on without failed; the message says which and what the tenant answered."""


@dataclass(frozen=True)
class Answer:
    """One answer: the status and the body as JSON (``None`` when it was not JSON)."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return self.status == 200

    def errors(self) -> str:
        return "; ".join(error_texts(self.body)) or f"HTTP {self.status}"

    def value(self, key: str, what: str) -> Any:
        """``body[key]``; an answer without it (not JSON, another shape) stops the probe with a clear message."""
        if not isinstance(self.body, dict) or key not in self.body:
            raise ProbeFailed(f"{what} answered {self.status} without {key!r} in a JSON object")
        return self.body[key]

    def item_id(self, what: str) -> int:
        """The ``itemId`` of a create."""
        try:
            return int(self.value("itemId", what))
        except (TypeError, ValueError):
            raise ProbeFailed(f"{what} answered an itemId that is not a number") from None


def lookup_root(target: str) -> str:
    """``https://host``, ``…/ATServicesRest`` and ``…/ATServicesRest/V1.0`` all name the same zone lookup root."""
    root = target.rstrip("/")
    root = re.sub(r"/v1\.0$", "", root, flags=re.IGNORECASE)
    if not root.lower().endswith("/" + BASE[0].lower()):
        root += "/" + BASE[0]
    return root


class Session:
    """Requests to one zone with the API user's headers; ``requests`` counts what was sent."""

    def __init__(
        self, http: httpx.Client, username: str, secret: str, integration_code: str, redact: Callable[[str], str] = str
    ) -> None:
        self.http = http
        self.redact = redact  # applied to every error text a tenant sends, in case it echoes a credential
        self.username = username
        self.headers = {
            "UserName": username,
            "Secret": secret,
            "ApiIntegrationCode": integration_code,
            "Content-Type": "application/json",
        }
        self.base_url = ""
        self.requests = 0

    def discover(self, target: str) -> dict[str, Any]:
        """Ask the zone lookup host where this user's tenant lives; ``use_zone`` then sends requests there."""
        root = lookup_root(target)
        self.requests += 1
        answer = self.http.get(f"{root}/{BASE[1]}/zoneInformation", params={"user": self.username})
        zone = self._redacted(answer.status_code, _json(answer))
        if answer.status_code != 200 or not isinstance(zone, dict) or not isinstance(zone.get("url"), str):
            raise ProbeFailed(
                f"zone discovery at {urlsplit(root).netloc} answered {answer.status_code}: "
                f"{Answer(answer.status_code, zone).errors()}"
            )
        return zone

    def use_zone(self, zone: dict[str, Any]) -> None:
        self.base_url = str(zone["url"]).rstrip("/") + "/" + BASE[1]

    def call(self, method: str, path_or_url: str, body: Any = None) -> Answer:
        """Send one request and return whatever came back; only a lost connection raises."""
        url = path_or_url if path_or_url.startswith("http") else f"{self.base_url}{path_or_url}"
        self.requests += 1
        answer = self.http.request(method, url, headers=self.headers, json=body)
        return Answer(answer.status_code, self._redacted(answer.status_code, _json(answer)))

    def _redacted(self, status: int, body: Any) -> Any:
        if status == 200 or not isinstance(body, dict):
            return body
        if isinstance(body.get("errors"), list):
            return {**body, "errors": [self.redact(str(e)) for e in body["errors"]]}
        if isinstance(body.get("Message"), str):
            return {**body, "Message": self.redact(body["Message"])}
        return body

    def must(self, method: str, path: str, body: Any = None) -> Answer:
        """A request the probe cannot do without; anything but 200 stops the probe."""
        answer = self.call(method, path, body)
        if not answer.ok:
            raise ProbeFailed(f"{method} {path} answered {answer.status}: {answer.errors()}")
        return answer

    def record(self, entity: str, record_id: int) -> dict[str, Any] | None:
        item = self.must("GET", f"/{entity}/{record_id}").value("item", f"GET /{entity}/{record_id}")
        if item is not None and not isinstance(item, dict):
            raise ProbeFailed(f"GET /{entity}/{record_id} answered an item that is not an object")
        return item

    def query(self, entity: str, filters: list[dict[str, Any]], max_records: int = 500) -> list[dict[str, Any]]:
        """Every match, following ``nextPageUrl`` (within this zone only) to the last page."""
        body = {"MaxRecords": max_records, "filter": filters}
        path, found = f"/{entity}/query", []
        while path:
            page = self.must("POST", path, body)
            found += [item for item in page.value("items", f"POST {path}") or [] if isinstance(item, dict)]
            details = page.value("pageDetails", f"POST {path}")
            path = str((details if isinstance(details, dict) else {}).get("nextPageUrl") or "")
            if path and urlsplit(path).netloc != urlsplit(self.base_url).netloc:
                raise ProbeFailed(f"a query's nextPageUrl leads off this zone, to {urlsplit(path).netloc}")
        return found

    def with_path_case(self, path: str, segment: str) -> str:
        """This zone's URL for ``path`` with the ``ATServicesRest`` segment spelled ``segment``."""
        parts = urlsplit(self.base_url)
        rebased = re.sub(f"/{BASE[0]}/", f"/{segment}/", parts.path, count=1, flags=re.IGNORECASE)
        return f"{parts.scheme}://{parts.netloc}{rebased}{path}"


def _json(answer: httpx.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None
