"""The plain request and response values the fake's core works on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP request as any adapter (respx, ASGI) hands it to the core."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first header of that name, matched case-insensitively as HTTP requires."""
        return self._by_lower_name.get(name.lower())

    @property
    def _by_lower_name(self) -> dict[str, str]:
        # Cached by hand in the instance dict: functools.cached_property takes a lock on every read in 3.11.
        found: dict[str, str] | None = self.__dict__.get("_lower")
        if found is None:
            found = {}
            for key, value in self.headers:
                found.setdefault(key.lower(), value)
            self.__dict__["_lower"] = found
        return found

    @property
    def path(self) -> str:
        path: str | None = self.__dict__.get("_path")
        if path is None:
            path = self.__dict__["_path"] = urlsplit(self.url).path
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
    """One answer: a status and a JSON body (``None`` for an empty body).

    A handler may hand over the body already serialised (``content=``); it is
    then parsed only if someone reads ``body``.
    """

    __slots__ = ("_body", "_content", "headers", "status")

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None, *,
                 content: bytes | None = None) -> None:
        self.status = status
        self.headers = headers if headers is not None else {"Content-Type": JSON_CONTENT_TYPE}
        self._body = _UNSET if content is not None else body
        self._content = content

    @property
    def body(self) -> Any:
        if self._body is _UNSET:
            self._body = json.loads(self._content) if self._content else None
        return self._body

    def content(self) -> bytes:
        """The body as sent on the wire; serialised once, shared by the journal and the adapters."""
        if self._content is None:
            self._content = b"" if self._body is None else dumps(self._body)
        return self._content


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the API writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
