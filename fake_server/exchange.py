"""One request and its answer: the one model of traffic, from the journal through cassettes, rules and reports.

Bodies are kept as the bytes that crossed the wire and parsed once, when first asked for: a long journal of
decoded dicts would slow every garbage collection, and a report reads each body many times. ``to_dict`` gives
each body parsed, for readers, and also as the text that was sent when that is not what ``from_dict`` would
write back from the parsed value (other spacing, escapes, a body that is not JSON), so a body read back from
a journal line is the body that was sent.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .route import BASE


def _no_constant(literal: str) -> Any:
    raise ValueError(f"{literal} is not a JSON number")


def _finite(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"{literal} is beyond the range of a double")
    return number


# One decoder, made once: json.loads with hooks would build a decoder on every call.
_STRICT = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)


def strict_loads(text: str | bytes) -> Any:
    """JSON as RFC 8259 has it: the ``NaN``/``Infinity``/``-Infinity`` literals Python's reader takes, and
    numbers beyond a double (``1e999``, which Python reads as infinity), are a ``ValueError``. Whatever this
    returns, ``json.dumps`` writes back as strict JSON, which every other reader (Node's ``JSON.parse``) takes."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # a body that is not UTF-8 is a ValueError too (UnicodeDecodeError)
    return _STRICT.decode(text)


def json_or_none(text: str | bytes | None) -> Any:
    """A recorded body as strict JSON, or None when it is none: empty, malformed, not strict (``NaN``,
    ``1e999``: see ``strict_loads``), or nested deeper than Python parses.

    A journal keeps what a client sent, which may be a body of 5,000 nested arrays; reading it back must not
    end a report in a RecursionError. A body that is not strict JSON is kept as text (``request_text``), so
    the journal line that holds it is strict JSON.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not text:
        return None
    try:
        return strict_loads(text)
    except (ValueError, RecursionError):
        return None


def has_non_finite(value: Any) -> bool:
    """Whether a parsed value holds NaN or an infinity anywhere; a loop, so any depth is safe."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


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
    # Why this is no exchange the rules can judge (a journal line cut short, a status that is not a number),
    # or "" for every exchange the fake itself records. Reports show it; the rules never see it.
    unjudgeable: str = ""

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
        if self.unjudgeable:
            return f"#{self.position} (unjudgeable: {self.unjudgeable})"
        return f"#{self.position} {self.method} {self.path} -> {self.status}"

    # -- plain values -------------------------------------------------------------------------------

    def numbered(self, position: int) -> Exchange:
        """The same exchange at another position (its parsed bodies come along)."""
        moved = replace(self, position=position)
        moved.__dict__.update({k: v for k, v in self.__dict__.items() if k in _PARSED})
        return moved

    def to_dict(self, *, own_answer: bool = False) -> dict[str, Any]:
        """Plain values: method, url, request_headers, request_json, request_text, status, response_json...,
        and ``request_body``/``response_body``, the text that was sent, for a body ``from_dict`` would not
        write back byte for byte from its parsed value. ``own_answer``: the answer is JSON the fake wrote,
        which ``from_dict`` always writes back as it was (tests/test_stage_representations.py holds it to
        that), so the journal spares the comparison on every line it writes."""
        request_json, request_text, response_json = self.request_json, self.request_text, self.response_json
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_json": request_json,
            "request_text": request_text,
            **_as_sent("request_body", self.request_body, request_json, request_text),
            "status": self.status,
            "response_json": response_json,
            **(
                {}
                if own_answer and response_json is not None
                else _as_sent("response_body", self.response_body, response_json, None)
            ),
            "started_at": self.started_at,
            "duration": self.duration,
            **({"request_decoded": self.request_decoded} if self.request_decoded else {}),
            **({"outbound": True} if self.outbound else {}),
            **({"unjudgeable": self.unjudgeable} if self.unjudgeable else {}),
        }

    @classmethod
    def unreadable(cls, why: str, position: int = 0) -> Exchange:
        """A place-holder for something in a journal or cassette that is no exchange at all (a line cut short,
        a list where an object belongs): it keeps its position, and reports say ``why``."""
        return cls("", "", {}, b"", 0, b"", position=position, unjudgeable=why)

    @classmethod
    def from_dict(cls, data: Any, position: int = 0) -> Exchange:
        """An exchange from ``to_dict``'s shape (a journal line, ``/_harness/journal``), its bodies already
        parsed: they are kept as given. A body's bytes are its text as sent (``request_body``,
        ``response_body``) when the entry has it, else the parsed value written back as compact JSON.

        Anything at all is taken, never an exception: a missing key has its default (GET, status 0), and a
        value of the wrong type (a status of ``"abc"``, headers that are a list) makes an exchange marked
        ``unjudgeable`` with the reason. A body holding NaN or an infinity (a hand-made or an older journal)
        is kept as text, as ``json_or_none`` keeps one.
        """
        if not isinstance(data, dict):
            return cls.unreadable(f"an entry is a JSON object, not {_kind(data)}", position)
        problems: list[str] = []

        def text(key: str, default: str) -> str:
            value = data.get(key)
            if value is None:
                return default
            if not isinstance(value, str):
                problems.append(f"{key} is {_kind(value)}, not text")
                return default
            return value

        def number(key: str) -> float:
            value = data.get(key)
            if value is None:
                return 0.0
            number = float(value) if isinstance(value, float) else _as_float(value)
            if number is None or not math.isfinite(number):
                problems.append(f"{key} is {_kind(value)}, not a finite number")
                return 0.0
            return number

        status = data.get("status", 0)
        if isinstance(status, bool) or not isinstance(status, int) or not 0 <= status <= 999:
            problems.append(f"status is {_kind(status)}, not an HTTP status")
            status = 0
        headers = data.get("request_headers") or {}
        if not isinstance(headers, dict):
            problems.append(f"request_headers is {_kind(headers)}, not an object")
            headers = {}
        request_text = data.get("request_text")
        if request_text is not None and not isinstance(request_text, str):
            problems.append(f"request_text is {_kind(request_text)}, not text")
            request_text = None
        request_json, request_text = _kept(data.get("request_json"), request_text)
        if request_json is None and request_text:
            request_json = json_or_none(request_text)
        response_json, response_text = _kept(data.get("response_json"), None)
        outbound = data.get("outbound")
        if outbound is not None and not isinstance(outbound, bool):
            problems.append(f"outbound is {_kind(outbound)}, not true or false")
        request_sent, response_sent = text("request_body", ""), text("response_body", "")
        request_body = _encoded(request_sent) if request_sent else _as_bytes(request_json, request_text)
        response_body = _encoded(response_sent) if response_sent else _as_bytes(response_json, response_text)
        if request_body is None or response_body is None:
            problems.append("a body is nested too deeply to read")
            request_json = response_json = None
        exchange = cls(
            method=text("method", "GET").upper(),
            url=text("url", ""),
            request_headers={str(k): v if isinstance(v, str) else str(v) for k, v in headers.items()},
            request_body=request_body or b"",
            status=status,
            response_body=response_body or b"",
            started_at=number("started_at"),
            duration=number("duration"),
            position=position,
            request_decoded=text("request_decoded", ""),
            outbound=outbound is True,
        )
        if problems:
            exchange = replace(exchange, unjudgeable="; ".join(problems))
        # A body given only as sent (a hand-made entry) is parsed when first read, as the journal's are.
        if not request_sent or "request_json" in data:
            exchange.__dict__["request_json"] = request_json
        if not response_sent or "response_json" in data:
            exchange.__dict__["response_json"] = response_json
        return exchange


_PARSED = frozenset({"request_json", "request_text", "response_json", "body", "path", "segments"})


def _kind(value: Any) -> str:
    """What a value is, in a few words that quote no more than a short scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        shown = json.dumps(value) if isinstance(value, int) or math.isfinite(value) else _spelling(value)
        return f"the number {shown[:30]}"
    if isinstance(value, str):
        return f"the text {json.dumps(value[:30])}"
    return "a list" if isinstance(value, list) else "an object"


def _spelling(value: float) -> str:
    """NaN and the infinities as JSON readers that take them spell them, never Python's ``nan``/``inf``."""
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _as_float(value: Any) -> float | None:
    """A whole number as a float, or None for anything else (``true``, text, a number beyond a double)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _kept(value: Any, text: str | None) -> tuple[Any, str | None]:
    """A parsed body as it can be kept: one holding NaN or an infinity becomes the text it was (JSON
    readers that take those literals write them so), and one nested too deeply to write back is dropped."""
    if value is None or not has_non_finite(value):
        return value, text
    try:
        return None, json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None, text


def _as_bytes(value: Any, text: str | None) -> bytes | None:
    """The body's bytes from its parsed value, written as the fake writes JSON (compact, UTF-8), or from its
    text; None when it is nested deeper than ``json.dumps`` writes."""
    if value is not None:
        try:
            return _encoded(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        except (ValueError, RecursionError):
            return None
    return _encoded(text or "")


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", errors="backslashreplace")  # a lone surrogate as its escape, not an error


def _as_sent(key: str, body: bytes, parsed: Any, text: str | None) -> dict[str, str]:
    """``{key: the body's text}`` when ``from_dict`` would not write these bytes back from ``parsed`` (or from
    ``text``, the request's when it is not JSON); else nothing, as for every answer the fake writes."""
    if not body:
        return {}
    if parsed is not None:
        if _as_bytes(parsed, None) == body:
            return {}
    elif text is not None:
        return {}  # the text is the body already: as exact as a text can be
    return {key: body.decode("utf-8", errors="replace")}
