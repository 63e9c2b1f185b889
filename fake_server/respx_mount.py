"""Mounting a fake with respx, so httpx clients (sync and async) reach it in-process."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx
import respx

from .answering import Core, Dropped, answer
from .http_types import ApiRequest, ApiResponse
from .routing import AUTOTASK_HOSTS


def to_api_request(request: httpx.Request) -> ApiRequest:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)
    return ApiRequest(request.method, str(request.url), headers, request.content)


def respond(fake: Core, request: httpx.Request) -> httpx.Response:
    try:
        answered = answer(fake, to_api_request(request))
    except Dropped:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request) from None
    return to_httpx_response(answered)


def to_httpx_response(answered: ApiResponse) -> httpx.Response:
    content = answered.content()
    headers = [*answered.headers.items(), ("Content-Length", str(len(content)))]
    # A ByteStream is handed over unread; content= would make httpx read it through its chunker first.
    return httpx.Response(answered.status, headers=headers, stream=httpx.ByteStream(content))


@contextmanager
def mounted(fake: Core, *, allow: Sequence[str] = (), assert_all_mocked: bool = True) -> Iterator[respx.MockRouter]:
    """Route every httpx request to an Autotask host to the fake; URLs starting with ``allow`` pass through."""
    with respx.mock(assert_all_called=False, assert_all_mocked=assert_all_mocked) as router:
        router.route(host__regex=AUTOTASK_HOSTS).mock(side_effect=lambda request: respond(fake, request))
        for prefix in allow:
            router.route(url__startswith=prefix).pass_through()
        yield router
