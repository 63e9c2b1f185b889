"""httpx transports answered by a fake, for code that takes a transport: no patching, no router."""

from __future__ import annotations

import httpx

from .answering import Dropped, GatedFake, admit_and_handle, admit_and_handle_async
from .http_types import ApiRequest, ApiResponse


def to_api_request(request: httpx.Request) -> ApiRequest:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)
    return ApiRequest(request.method, str(request.url), headers, request.content)


def to_httpx_response(answered: ApiResponse) -> httpx.Response:
    content = answered.content()
    headers = [*answered.headers.items(), ("Content-Length", str(len(content)))]
    # A ByteStream is handed over unread; content= would make httpx read it through its chunker first.
    return httpx.Response(answered.status, headers=headers, stream=httpx.ByteStream(content))


def _lost(request: httpx.Request) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


class FakeTransport(httpx.BaseTransport):
    """``httpx.Client(transport=fake.transport())``: every request, whatever its host, goes to the fake."""

    def __init__(self, fake: GatedFake) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a streamed (chunked) body is read whole, as the server reads it
        try:
            return to_httpx_response(admit_and_handle(self.fake, to_api_request(request)))
        except Dropped:
            raise _lost(request) from None


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncClient(transport=fake.async_transport())``; faults' delays wait on the event loop."""

    def __init__(self, fake: GatedFake) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        try:
            return to_httpx_response(await admit_and_handle_async(self.fake, to_api_request(request)))
        except Dropped:
            raise _lost(request) from None
