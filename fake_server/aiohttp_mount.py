"""Mounting a fake with ``aioresponses``, so ``aiohttp`` clients reach it in-process.

``aioresponses`` patches ``aiohttp.ClientSession._request`` and hands its callback the request's
arguments with the session's own headers merged in, so credentials a library sets on its session
(py-autotask's async client does) reach the fake.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aioresponses import CallbackResult, aioresponses

from .answering import Dropped, GatedFake, admit_and_handle_async
from .http_types import ApiRequest
from .requests_mount import AUTOTASK_URL, METHODS


async def _body(kwargs: dict[str, Any]) -> bytes:
    """The bytes aiohttp would send for ``json=`` or ``data=`` (text, bytes, a form dict, or chunks from an
    async iterator, which aiohttp sends chunked)."""
    if kwargs.get("json") is not None:
        return json.dumps(kwargs["json"]).encode("utf-8")  # aiohttp's own default serialiser
    data = kwargs.get("data")
    if data is None:
        return b""
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, dict):
        return urlencode(data).encode("ascii")
    if hasattr(data, "__aiter__"):
        return b"".join([bytes(chunk) async for chunk in data])
    raise TypeError(f"the fake reads json=, bytes, text or a dict form body, not {type(data).__name__}")


async def to_api_request(method: str, url: Any, kwargs: dict[str, Any]) -> ApiRequest:
    headers = kwargs.get("headers") or {}
    pairs = tuple((str(k), str(v)) for k, v in headers.items())
    if kwargs.get("json") is not None and not any(k.lower() == "content-type" for k, _ in pairs):
        pairs += (("Content-Type", "application/json"),)  # what aiohttp itself adds for json=
    return ApiRequest(method, str(url), pairs, await _body(kwargs))


class _SentRequest:
    """What aiohttp 3.14's ClientResponse reads of a request already sent: how much of it went out."""

    output_size = 0


class _Response(aiohttp.ClientResponse):
    """aiohttp 3.14 made ``stream_writer`` a required argument that aioresponses 0.7 does not pass
    (pnuckowski/aioresponses #289); a request already sent only has its size read from it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if _NEEDS_STREAM_WRITER:
            kwargs.setdefault("stream_writer", _SentRequest())
        super().__init__(*args, **kwargs)


_NEEDS_STREAM_WRITER = "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters


def responder(fake: GatedFake, method: str) -> Callable[..., Awaitable[CallbackResult]]:
    async def respond(url: Any, **kwargs: Any) -> CallbackResult:
        try:
            answered = await admit_and_handle_async(fake, await to_api_request(method, url, kwargs))
        except Dropped:
            raise aiohttp.ServerDisconnectedError("Server disconnected without sending a response.") from None
        headers = dict(answered.headers)
        content_type = headers.pop("Content-Type", "application/json")
        return CallbackResult(
            method=method,
            status=answered.status,
            body=answered.content(),
            content_type=content_type,
            headers=headers,
            response_class=_Response,
        )

    return respond


@contextmanager
def mounted(fake: GatedFake, *, allow: Sequence[str] = ()) -> Iterator[aioresponses]:
    """Route every ``aiohttp`` request to an Autotask host to the fake. Any other URL fails with
    ``aiohttp.ClientConnectionError`` naming it, unless it starts with one of ``allow``."""
    with aioresponses(passthrough=list(allow)) as mock:
        for method in METHODS:
            mock.add(AUTOTASK_URL, method=method, callback=responder(fake, method), repeat=True)
        yield mock
