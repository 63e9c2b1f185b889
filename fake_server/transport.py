"""httpx transports answered by a fake, for code that takes a transport: no patching, no router."""

from __future__ import annotations

import httpx

from .answering import Core, Dropped, answer, answer_async
from .respx_mount import to_api_request, to_httpx_response


def _lost(request: httpx.Request) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


class FakeTransport(httpx.BaseTransport):
    """``httpx.Client(transport=fake.transport())``: every request, whatever its host, goes to the fake."""

    def __init__(self, fake: Core) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a streamed (chunked) body is read whole, as the server reads it
        try:
            return to_httpx_response(answer(self.fake, to_api_request(request)))
        except Dropped:
            raise _lost(request) from None


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=fake.async_transport())``; faults' delays wait on the event loop."""

    def __init__(self, fake: Core) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        try:
            return to_httpx_response(await answer_async(self.fake, to_api_request(request)))
        except Dropped:
            raise _lost(request) from None
