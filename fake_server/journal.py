"""The journal: every exchange the fake served, in order, with credentials removed."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .messages import ApiRequest, ApiResponse

# Header names compared lowercased; values of these never reach the journal.
CREDENTIAL_HEADERS = frozenset({"username", "secret", "apiintegrationcode", "authorization",
                                "proxy-authorization", "cookie"})


_OTHER_CREDENTIAL_BYTES = frozenset(name.encode() for name in CREDENTIAL_HEADERS) - {
    b"username", b"secret", b"apiintegrationcode"}


def scrub_headers(headers: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dict[str, str]:
    """Headers without any credential, whatever the casing of their names."""
    return {name: value for name, value in headers if name.lower() not in CREDENTIAL_HEADERS}


def _scrub_raw_headers(raw: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """Undecoded headers by lowercased name without any credential; built from C calls alone, as it runs
    on every served request."""
    kept = dict(raw)
    kept.pop(b"username", None)
    kept.pop(b"secret", None)
    kept.pop(b"apiintegrationcode", None)
    if kept.keys() & _OTHER_CREDENTIAL_BYTES:
        kept = {name: value for name, value in kept.items() if name not in _OTHER_CREDENTIAL_BYTES}
    return kept


def _header_text(headers: dict[str, str] | dict[bytes, bytes]) -> dict[str, str]:
    if not headers or isinstance(next(iter(headers)), str):
        return dict(headers)  # type: ignore[arg-type]  # a copy: entries share equal header dicts
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}  # type: ignore[union-attr]


# Words that make a JSON key or query parameter secret-looking; the harness's scrubber shares them.
SECRET_WORDS = ("secret", "password", "passwd", "token", "apikey", "api_key", "integrationcode", "credential")
SECRET_KEY = re.compile("|".join(SECRET_WORDS), re.IGNORECASE)
# Query parameters whose values are credentials: zone discovery's user name, and anything secret-looking.
_SECRET_PARAMETER = re.compile(rf"([?&](?:user|[^=&#]*(?:{'|'.join(SECRET_WORDS)}))=)[^&#]*", re.IGNORECASE)
# Matched against the lowered body: a case-insensitive byte regex is six times slower on small bodies.
_SECRET_BYTES = re.compile("|".join(SECRET_WORDS).encode())


def scrub_url(url: str) -> str:
    """The URL with zone discovery's ``user=`` and secret-looking parameters replaced by a placeholder."""
    if "=" not in url:
        return url
    return _SECRET_PARAMETER.sub(r"\1REDACTED", url)


def scrub_body(body: bytes) -> bytes:
    """A JSON body with the values of secret-looking keys replaced; other bodies as they came."""
    if not body or _SECRET_BYTES.search(body.lower()) is None:  # one byte search before parsing: bodies run to MBs
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body

    def redact(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: redact(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [redact(v, key) for v in value]
        return "REDACTED" if SECRET_KEY.search(key) and value is not None else value

    return json.dumps(redact(data), ensure_ascii=False).encode("utf-8")


def _json_or_none(raw: bytes) -> tuple[Any, str | None]:
    if not raw:
        return None, None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text), None
    except ValueError:
        return None, text


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its answer, made when the journal is read.

    Bodies are kept as the bytes that crossed the wire and decoded on reading:
    a long journal of decoded dicts would slow every garbage collection.
    """

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_body: bytes
    started_at: float
    duration: float

    @property
    def request_json(self) -> Any:
        """The request body parsed as JSON, or ``None`` when it is empty or not JSON."""
        return _json_or_none(self.request_body)[0]

    @property
    def request_text(self) -> str | None:
        """The request body as text when it is not JSON."""
        return _json_or_none(self.request_body)[1]

    @property
    def response_json(self) -> Any:
        return _json_or_none(self.response_body)[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain values: method, url, request_headers, request_json, request_text, status, response_json..."""
        request_json, request_text = _json_or_none(self.request_body)
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_json": request_json,
            "request_text": request_text,
            "status": self.status,
            "response_json": self.response_json,
            "started_at": self.started_at,
            "duration": self.duration,
        }


def _exchange(entry: tuple[Any, ...]) -> Exchange:
    method, url, headers, *rest = entry
    return Exchange(method, url, _header_text(headers), *rest)


class Journal:
    """What was served, in order. Thread-safe; reads return plain values."""

    def __init__(self) -> None:
        # Each exchange as a plain tuple of Exchange's fields, made into an Exchange when read: a tuple is
        # several times cheaper to build on every request, and the garbage collector can stop tracking it.
        self._entries: list[tuple[Any, ...]] = []
        # Equal bodies share one bytes object: a client polling the same record would otherwise keep a fresh
        # copy per exchange, and that growth, more than the bookkeeping, is what slows a busy served fake.
        self._bodies: dict[bytes, bytes] = {}
        # Request bodies seen before that had nothing to scrub, so a repeated one skips the scan.
        self._clean_bodies: dict[bytes, bytes] = {}
        self._urls: dict[str, str] = {}
        self._last_headers: Any = None
        self._lock = threading.Lock()
        self._sink: TextIO | None = None

    def stream_to(self, path: str | Path) -> None:
        """Also append every exchange from now on to ``path`` as a JSON line (``serve --journal``)."""
        with self._lock:
            # Open for the life of the stream, not a block: close() ends it.
            self._sink = Path(path).open("a", encoding="utf-8")  # noqa: SIM115

    def close(self) -> None:
        """Flush and close the stream, if any."""
        with self._lock:
            if self._sink is not None:
                self._sink.close()
                self._sink = None

    def record_drop(self, request: ApiRequest) -> None:
        """A request whose connection was dropped: journalled with status 0 and no answer."""
        self.record(request, ApiResponse(0), time.time(), 0.0)

    def record(self, request: ApiRequest, response: ApiResponse, started_at: float, duration: float) -> None:
        raw = request.raw_headers  # kept undecoded until the journal is read, when it came that way
        headers = scrub_headers(request.headers) if raw is None else _scrub_raw_headers(raw)
        url = scrub_url(request.url)
        method = request.method
        with self._lock:
            # A client sends the same headers and polls the same URLs: keep one copy of each.
            if headers == self._last_headers:
                headers = self._last_headers
            else:
                self._last_headers = headers
            entry = (method if method.isupper() else method.upper(), self._urls.setdefault(url, url), headers,
                     self._request_body(body) if (body := request.body) else b"", response.status,
                     self._shared(response.content()), started_at, duration)
            self._entries.append(entry)
            if self._sink is not None:
                self._sink.write(json.dumps(_exchange(entry).to_dict(), ensure_ascii=False) + "\n")

    def _request_body(self, body: bytes) -> bytes:
        clean = self._clean_bodies.get(body)
        if clean is not None:
            return clean
        scrubbed = self._shared(scrub_body(body))
        if scrubbed == body:  # only bodies without secrets are remembered as they came
            self._clean_bodies[scrubbed] = scrubbed
        return scrubbed

    def _shared(self, body: bytes) -> bytes:
        return self._bodies.setdefault(body, body)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            entries = list(self._entries)
        return (_exchange(entry) for entry in entries)

    def __getitem__(self, index: int) -> Exchange:
        return _exchange(self._entries[index])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bodies.clear()
            self._clean_bodies.clear()
            self._urls.clear()
            self._last_headers = None

    def to_dicts(self) -> list[dict[str, Any]]:
        return [entry.to_dict() for entry in self]

    def dump_jsonl(self, path: str | Path) -> None:
        """Write one JSON object a line, the format ``serve --journal`` uses."""
        with Path(path).open("w", encoding="utf-8") as out:
            for entry in self:
                out.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
