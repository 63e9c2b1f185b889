"""The plain request and response values the fake's core works on."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# The headers of nearly every answer: one read-only mapping shared by all of them rather than a dict built
# per response, so adapters can tell them by identity. An answer with other headers brings its own.
JSON_HEADERS: Mapping[str, str] = MappingProxyType({"Content-Type": JSON_CONTENT_TYPE})


class _NotParsed:
    """The type of ``NOT_PARSED``: no JSON value is this, so it can stand for "none yet"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_PARSED"


# What ``ApiRequest.parsed`` holds until a reader has parsed the body as strict JSON.
NOT_PARSED: Any = _NotParsed()


class ApiRequest:
    """One HTTP request as any adapter (httpx, requests, aiohttp, ASGI) hands it to the core; read-only.

    A plain slotted class rather than a frozen dataclass: one is built per request, and a frozen
    dataclass takes several times as long to build. An adapter holding the headers as undecoded
    bytes by lowercased name, each name once (as ASGI servers give them), hands them over as
    ``raw_headers`` instead of ``headers``: they are then decoded only when someone asks, which
    for most requests means three credential values. ``path`` may bring the URL's path along.

    ``parsed`` is the body as strict JSON once a handler has read it (``jsonbody.request_json``), so that
    the journal's search for credentials in it (``redaction.scrub_body``) reads no body a second time;
    ``NOT_PARSED`` until then, and for a body that is not strict JSON. ``cut`` is a query body cut at its
    values when the query handler bound it unparsed (``query_bytes.BodyShape``), for the same search.
    """

    __slots__ = ("_headers", "_lower", "_path", "body", "cut", "decoded", "method", "parsed", "raw_headers", "url")

    def __init__(
        self,
        method: str,
        url: str,
        headers: tuple[tuple[str, str], ...] = (),
        body: bytes = b"",
        *,
        raw_headers: dict[bytes, bytes] | None = None,
        path: str | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.body = body
        self.raw_headers = raw_headers
        self._headers = None if raw_headers is not None else headers
        self._lower: dict[str, str] | None = None
        self._path = path
        # What was undone to read the body (``"gzip"``, ``"utf-16"``: see ``wire.as_read``); ``None`` for a
        # body read as it came, which is nearly every one.
        self.decoded: str | None = None
        self.parsed: Any = NOT_PARSED
        self.cut: Any = None

    def with_body(self, body: bytes, decoded: str | None) -> ApiRequest:
        """The same request with another body, noting what was undone to get it (not yet parsed)."""
        raw = self.raw_headers
        copy = ApiRequest(self.method, self.url, self._headers or (), body, raw_headers=raw, path=self._path)
        copy._lower = self._lower
        copy.decoded = decoded
        return copy

    def __repr__(self) -> str:  # no header values: they carry credentials
        return f"ApiRequest({self.method!r}, {self.url!r}, {len(self.body)} body bytes)"

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """Every header as (name, value) text pairs, in the order they came."""
        found = self._headers
        if found is None:
            found = self._headers = tuple(self.by_lower_name.items())
        return found

    def header(self, name: str) -> str | None:
        """The first header of that name, matched case-insensitively as HTTP requires."""
        raw = self.raw_headers
        if raw is not None and self._lower is None:
            value = raw.get(name.lower().encode("latin-1"))
            return None if value is None else value.decode("latin-1")
        return self.by_lower_name.get(name.lower())

    def credentials(self) -> tuple[str | None, str | None, str | None]:
        """The ``UserName``, ``Secret`` and ``ApiIntegrationCode`` headers, asked for on every request."""
        raw = self.raw_headers
        if raw is not None:
            username, secret, code = raw.get(b"username"), raw.get(b"secret"), raw.get(b"apiintegrationcode")
            return (
                None if username is None else username.decode("latin-1"),
                None if secret is None else secret.decode("latin-1"),
                None if code is None else code.decode("latin-1"),
            )
        lower = self.by_lower_name
        return lower.get("username"), lower.get("secret"), lower.get("apiintegrationcode")

    @property
    def by_lower_name(self) -> dict[str, str]:
        """Header values by lowercased name; the first of repeated names wins."""
        found = self._lower
        if found is None:
            if self.raw_headers is not None:
                found = {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers.items()}
            else:
                found = {}
                for key, value in self.headers:
                    found.setdefault(key.lower(), value)
            self._lower = found
        return found

    @property
    def path(self) -> str:
        path = self._path
        if path is None:
            path = self._path = urlsplit(self.url).path
        return path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def origin(self) -> str:
        """Scheme and host the client used, so generated URLs point back at us."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


_UNSET: Any = object()


class ApiResponse:
    """One answer: a status and a JSON body (``None`` for an empty body); never changed once made.

    A handler may hand over the body already serialised (``content=``); it is then parsed when someone
    first reads ``body``, and that value is kept: the bytes are made once and parsed at most once. With
    it, ``parts`` may give the pieces the content was joined from: records' texts the store keeps between
    answers, and the text around them, joined only by ``{}[],:`` characters; equal parts always make equal
    content. The journal then searches each record's text for the caller's credentials once, rather than
    every answer holding it, and finds an answer it holds by its parts. An answer
    the fake hands to every request that repeats a read is a ``KeptAnswer`` instead.
    """

    __slots__ = ("_body", "_content", "headers", "parts", "status")

    def __init__(
        self,
        status: int,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        *,
        content: bytes | None = None,
        parts: tuple[bytes, ...] | None = None,
    ) -> None:
        self.status = status
        self.headers = headers if headers is not None else JSON_HEADERS
        self._body = _UNSET if content is not None else body
        self._content = content
        self.parts = parts

    @property
    def body(self) -> Any:
        found = self._body
        if found is _UNSET:
            found = self._body = json.loads(self._content) if self._content else None
        return found

    def content(self) -> bytes:
        """The body as sent on the wire; serialised once, shared by the journal and the adapters."""
        if self._content is None:
            self._content = b"" if self._body is None else dumps(self._body)
        return self._content


class KeptAnswer(ApiResponse):
    """An answer kept as its bytes and handed to every request that repeats a read until a record changes:
    ``body`` is parsed for each reader, as requests sharing one answer must not share one dict (a caller
    changing the dict it read would change every later request's)."""

    __slots__ = ()

    @property
    def body(self) -> Any:
        return json.loads(self._content) if self._content else None


# What ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` writes with, made once rather than on
# every call (json.dumps builds an encoder per call when given options); it keeps no state between calls.
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def item_id_answer(record_id: int) -> ApiResponse:
    """``{"itemId": N}``, what every write answers, written without an encoder round."""
    return ApiResponse(200, content=b'{"itemId":%d}' % record_id)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the API writes it."""
    return JSON_ENCODER.encode(value).encode("utf-8")
