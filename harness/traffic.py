"""The journal model: every source of traffic read into one ordered list of exchanges.

Sources: a ``FakeAutotask`` journal, a JSON-lines journal file written by ``serve``,
or plain dicts in the journal's ``to_dict`` shape (what cassettes convert to).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fake_server import Journal

BASE = ("ATServicesRest", "V1.0")


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, numbered by its position in the traffic (from 1)."""

    position: int
    method: str
    url: str
    status: int
    request_json: Any = None
    response_json: Any = None
    request_headers: dict[str, str] = field(default_factory=dict)
    started_at: float = 0.0

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.url).path)

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def segments(self) -> list[str]:
        """Path segments after ``ATServicesRest/V1.0``, whatever their casing (the rules judge casing)."""
        parts = [s for s in self.path.split("/") if s]
        if len(parts) >= 2 and parts[0].lower() == BASE[0].lower() and parts[1].lower() == BASE[1].lower():
            return parts[2:]
        return []

    @property
    def api_path(self) -> str:
        """The path after the base, as messages name it (``/Tickets/12``); the whole path off the API."""
        return "/" + "/".join(self.segments) if self.segments else self.path

    @property
    def entity(self) -> str:
        """The first segment after the base path in lowercase (``tickets``), or ``""``."""
        return self.segments[0].lower() if self.segments else ""

    def is_entity_root(self, entity: str) -> bool:
        """``/{Entity}`` itself, where creates, PUTs and PATCHes go."""
        return len(self.segments) == 1 and self.entity == entity.lower()

    def is_item(self, entity: str) -> bool:
        """``/{Entity}/{something}`` that is not a query or metadata path."""
        return (
            len(self.segments) == 2
            and self.entity == entity.lower()
            and self.segments[1].lower() not in ("query", "entityinformation")
        )

    def is_query(self, entity: str) -> bool:
        return len(self.segments) >= 2 and self.entity == entity.lower() and self.segments[1].lower() == "query"

    @property
    def body(self) -> dict[str, Any]:
        """The request body as a dict with lower-cased keys (the API matches names case-insensitively)."""
        if isinstance(self.request_json, dict):
            return {str(k).lower(): v for k, v in self.request_json.items()}
        return {}

    @property
    def item(self) -> dict[str, Any] | None:
        """The ``item`` of a successful single-record answer."""
        if self.status == 200 and isinstance(self.response_json, dict):
            found = self.response_json.get("item")
            return found if isinstance(found, dict) else None
        return None

    @property
    def items(self) -> list[Any] | None:
        if (
            self.status == 200
            and isinstance(self.response_json, dict)
            and isinstance(self.response_json.get("items"), list)
        ):
            return list(self.response_json["items"])
        return None

    def describe(self) -> str:
        """``#3 PUT /ATServicesRest/V1.0/Tickets -> 200`` for reports."""
        return f"#{self.position} {self.method} {self.path} -> {self.status}"


def json_or_none(text: str | bytes | None) -> Any:
    """A recorded body as JSON, or None when it is none: malformed, or nested deeper than Python parses.

    A journal keeps what a client sent, which may be a body of 5,000 nested arrays; reading it back must not
    end a report in a RecursionError.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _from_dict(position: int, data: dict[str, Any]) -> Exchange:
    request_json = data.get("request_json")
    if request_json is None and data.get("request_text"):
        request_json = json_or_none(data["request_text"])
    return Exchange(
        position=position,
        method=str(data.get("method", "GET")).upper(),
        url=str(data.get("url", "")),
        status=int(data.get("status", 0)),
        request_json=request_json,
        response_json=data.get("response_json"),
        request_headers=dict(data.get("request_headers") or {}),
        started_at=float(data.get("started_at") or 0.0),
    )


def cassette_exchange(interaction: dict[str, Any]) -> dict[str, Any]:
    """A vcrpy interaction in the journal's dict shape."""
    request, response = interaction["request"], interaction["response"]
    return {
        "method": request["method"],
        "url": request["uri"],
        "status": response["status"]["code"],
        "request_json": json_or_none(request.get("body")),
        "response_json": json_or_none(response["body"].get("string")),
        "request_headers": {k: v[0] if isinstance(v, list) else v for k, v in request.get("headers", {}).items()},
    }


def _journal_lines(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json_or_none(line)
        if not isinstance(record, dict):
            raise ValueError(f"{path}: line {number} is not a journal entry (a JSON object)")
        records.append(record)
    return records


def load_traffic(source: Journal | str | Path | Iterable[dict[str, Any]]) -> list[Exchange]:
    """One ordered list of exchanges from a fake's journal, a JSON-lines journal, a cassette, or journal dicts."""
    if isinstance(source, Journal):
        records: Iterable[dict[str, Any]] = source.to_dicts()
    elif isinstance(source, str | Path):
        path = Path(source)
        from .cassettes import is_cassette, read_cassette

        if is_cassette(path):
            records = [cassette_exchange(i) for i in read_cassette(path)["interactions"]]
        else:
            records = _journal_lines(path)
    else:
        records = source
    return [_from_dict(n, record) for n, record in enumerate(records, 1)]
