"""Mounting a fake with respx, so httpx clients (sync and async) reach it in-process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
import respx

from .messages import ApiRequest
from .routing import AUTOTASK_HOSTS

if TYPE_CHECKING:
    from .fake import FakeAutotask



def to_api_request(request: httpx.Request) -> ApiRequest:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw)
    return ApiRequest(request.method, str(request.url), headers, request.content)


def respond(fake: FakeAutotask, request: httpx.Request) -> httpx.Response:
    api_request = to_api_request(request)
    admission = fake.gate.admit(api_request)
    try:
        if admission.delay:
            time.sleep(admission.delay)
        if admission.drop:
            fake.journal.record_drop(api_request)
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        answer = fake.handle(api_request, admission.response)
    finally:
        fake.gate.release(admission)
    content = answer.content()
    headers = [*answer.headers.items(), ("Content-Length", str(len(content)))]
    # A ByteStream is handed over unread; content= would make httpx read it through its chunker first.
    return httpx.Response(answer.status, headers=headers, stream=httpx.ByteStream(content))


@contextmanager
def mounted(fake: FakeAutotask, *, assert_all_mocked: bool = True) -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False, assert_all_mocked=assert_all_mocked) as router:
        router.route(host__regex=AUTOTASK_HOSTS).mock(side_effect=lambda request: respond(fake, request))
        yield router
