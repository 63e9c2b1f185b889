"""``serve --verbose``: a line per exchange (method, path, status, milliseconds), credentials redacted.

An ASGI wrapper, so the fake's hot path pays nothing when the option is off. The URL goes through the
fake's own redaction (``scrub_url``: zone discovery's ``user=`` and secret-looking parameters), the same
that keeps credentials out of the journal; headers and bodies are never printed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fake_server.face import Message, Receive, Scope, Send, scrub_url


def exchange_line(method: str, path: str, query: bytes, status: int, seconds: float) -> str:
    url = path + ("?" + query.decode("latin-1") if query else "")
    answered = str(status) if status else "dropped"
    return f"{method} {scrub_url(url)} {answered} {seconds * 1000:.1f} ms"


class ExchangeLog:
    """Wraps an ASGI app; ``write`` gets one line per HTTP exchange once its answer has started."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Any], write: Callable[[str], None]) -> None:
        self.app = app
        self.write = write

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            self.write(exchange_line(scope["method"], scope["path"], scope.get("query_string", b""), status, seconds))
