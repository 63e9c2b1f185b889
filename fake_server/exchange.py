"""One request and its answer: the one model of traffic, from the journal through cassettes, rules and reports.

Bodies are kept as the bytes that crossed the wire and parsed once, when first asked for: a long journal of
decoded dicts would slow every garbage collection, and a report reads each body many times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .routing import BASE


def json_or_none(text: str | bytes | None) -> Any:
    """A recorded body as JSON, or None when it is none: empty, malformed, or nested deeper than Python parses.

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


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, numbered by its ``position`` in the traffic it belongs to (from 1)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_body: bytes
    started_at: float = 0.0
    duration: float = 0.0
    position: int = 0
    # What the fake undid to read the request body (``"gzip"``, ``"utf-16"``); the body here is the decoded
    # JSON, and the request headers still say how it was sent.
    request_decoded: str = ""
    # A callout the fake sent (a webhook), not a request it answered: the request is the fake's, the answer
    # the receiver's.
    outbound: bool = False

    # -- bodies, parsed once ------------------------------------------------------------------------

    @cached_property
    def request_json(self) -> Any:
        """The request body parsed as JSON, or ``None`` when it is empty or not JSON."""
        return json_or_none(self.request_body)

    @cached_property
    def request_text(self) -> str | None:
        """The request body as text when it is not JSON (malformed, or nested too deeply to parse)."""
        if not self.request_body or self.request_json is not None:
            return None
        return self.request_body.decode("utf-8", errors="replace")

    @cached_property
    def response_json(self) -> Any:
        return json_or_none(self.response_body)

    @cached_property
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
        """The ``items`` of a successful query page or child collection."""
        if (
            self.status == 200
            and isinstance(self.response_json, dict)
            and isinstance(self.response_json.get("items"), list)
        ):
            return list(self.response_json["items"])
        return None

    # -- the URL ----------------------------------------------------------------------------------

    @cached_property
    def path(self) -> str:
        return unquote(urlsplit(self.url).path)

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @cached_property
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

    def describe(self) -> str:
        """``#3 PUT /ATServicesRest/V1.0/Tickets -> 200`` for reports."""
        return f"#{self.position} {self.method} {self.path} -> {self.status}"

    # -- plain values -------------------------------------------------------------------------------

    def numbered(self, position: int) -> Exchange:
        """The same exchange at another position (its parsed bodies come along)."""
        moved = replace(self, position=position)
        moved.__dict__.update({k: v for k, v in self.__dict__.items() if k in _PARSED})
        return moved

    def to_dict(self) -> dict[str, Any]:
        """Plain values: method, url, request_headers, request_json, request_text, status, response_json..."""
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_json": self.request_json,
            "request_text": self.request_text,
            "status": self.status,
            "response_json": self.response_json,
            "started_at": self.started_at,
            "duration": self.duration,
            **({"request_decoded": self.request_decoded} if self.request_decoded else {}),
            **({"outbound": True} if self.outbound else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], position: int = 0) -> Exchange:
        """An exchange from ``to_dict``'s shape (a journal line, ``/_harness/journal``), its bodies already
        parsed: they are kept as given, and written back to bytes only for ``request_body``/``response_body``."""
        request_json = data.get("request_json")
        request_text = data.get("request_text")
        if request_json is None and request_text:
            request_json = json_or_none(request_text)
        response_json = data.get("response_json")
        exchange = cls(
            method=str(data.get("method", "GET")).upper(),
            url=str(data.get("url", "")),
            request_headers={str(k): str(v) for k, v in (data.get("request_headers") or {}).items()},
            request_body=_as_bytes(request_json, request_text),
            status=int(data.get("status", 0)),
            response_body=_as_bytes(response_json, None),
            started_at=float(data.get("started_at") or 0.0),
            duration=float(data.get("duration") or 0.0),
            position=position,
            request_decoded=str(data.get("request_decoded") or ""),
            outbound=bool(data.get("outbound")),
        )
        exchange.__dict__.update(request_json=request_json, response_json=response_json)
        return exchange


_PARSED = frozenset({"request_json", "request_text", "response_json", "body", "path", "segments"})


def _as_bytes(value: Any, text: str | None) -> bytes:
    if value is not None:
        return json.dumps(value, ensure_ascii=False).encode("utf-8", errors="backslashreplace")
    return (text or "").encode("utf-8", errors="backslashreplace")
