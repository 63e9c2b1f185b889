"""Mounting a fake with ``responses``, so ``requests`` clients reach it in-process.

``responses`` patches ``requests.adapters.HTTPAdapter.send``, so every ``requests`` session a library
makes for itself is intercepted, the one py-autotask, django-autotask and atrest build included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import requests
import responses

from .answering import Dropped, GatedFake, admit_and_handle
from .http_types import ApiRequest
from .routing import AUTOTASK_HOST

# Every zone host and the pre-release hosts (routing.AUTOTASK_HOST), as the start of a URL.
AUTOTASK_URL = re.compile(rf"^https?://{AUTOTASK_HOST}(:\d+)?(/|$)", re.IGNORECASE)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _content(body: object) -> bytes:
    """The bytes ``requests`` would send: a body as given, or a file's or a generator's (sent chunked)."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    read = getattr(body, "read", None)
    chunks = [read()] if callable(read) else list(body)  # type: ignore[call-overload]
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in chunks)


def to_api_request(request: requests.PreparedRequest) -> ApiRequest:
    content = _content(request.body)
    headers = tuple(
        (name, value.decode("latin-1") if isinstance(value, bytes) else value)
        for name, value in request.headers.items()
    )
    return ApiRequest(request.method or "GET", request.url or "", headers, content)


def respond(fake: GatedFake, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
    try:
        answered = admit_and_handle(fake, to_api_request(request))
    except Dropped:
        raise requests.ConnectionError(
            "Connection aborted: the server closed it without a response.", request=request
        ) from None
    return answered.status, dict(answered.headers), answered.content()


@contextmanager
def mounted(fake: GatedFake, *, allow: Sequence[str] = ()) -> Iterator[responses.RequestsMock]:
    """Route every ``requests`` call to an Autotask host to the fake. Any other URL fails with
    ``requests.ConnectionError`` naming it, unless it starts with one of ``allow``."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        return respond(fake, request)

    for method in METHODS:
        # content_type=None: the fake's own Content-Type stands, not responses' text/plain.
        mock.add_callback(method, AUTOTASK_URL, callback=callback, content_type=None)
    for prefix in allow:
        mock.add_passthru(prefix)
    with mock:
        yield mock
