"""The plain request and response values the fake's core works on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def origin(self) -> str:
        """Scheme and host the client used, so generated URLs point back at us."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass
class ApiResponse:
    """One answer: a status and a JSON body (``None`` for an empty body)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": JSON_CONTENT_TYPE})

    def content(self) -> bytes:
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
