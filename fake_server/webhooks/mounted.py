"""Receivers mounted in this process (``Outbox.mount``): a WSGI app through httpx's own transport, an ASGI app
through one that runs it on an event loop of its own, so delivery works whether or not the caller is inside a
running loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx


def transport_for(app: Any, *, asgi: bool) -> httpx.BaseTransport:
    return _AsgiOnItsOwnLoop(app) if asgi else httpx.WSGITransport(app=app)


class _AsgiOnItsOwnLoop(httpx.BaseTransport):
    """An ASGI app behind a sync transport: each request runs on a fresh event loop in a thread of its own."""

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        result: dict[str, Any] = {}

        async def call() -> None:
            response = await self._transport.handle_async_request(request)
            result["content"] = await response.aread()
            result["response"] = response

        def run() -> None:
            try:
                asyncio.run(call())
            except BaseException as error:  # handed to the caller's thread below
                result["error"] = error

        worker = threading.Thread(target=run, name="webhook-asgi-receiver")
        worker.start()
        worker.join()
        if "error" in result:
            raise result["error"]
        answered: httpx.Response = result["response"]
        return httpx.Response(answered.status_code, headers=answered.headers, content=result["content"])
