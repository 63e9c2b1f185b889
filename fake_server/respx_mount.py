"""Mounting a fake for httpx clients (sync and async), in-process: the fake's own transport answers every
Autotask host, and respx stays mounted for everything else.

httpx's own transports are patched to hand a request for an Autotask zone host straight to the fake's
transport, before respx's per-request route matching (which ran on every request when the fake was a respx
route: a fifth of the in-process cost). Any other request goes on to respx as before, so its user-facing
behaviour is respx's own: URLs starting with ``allow`` pass through, other hosts fail with respx's
not-mocked error (or all pass with ``assert_all_mocked=False``), and routes added to the yielded router
answer as usual. Autotask requests no longer appear in the router's ``calls``: the fake's journal has them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import respx

from .answering import GatedFake
from .routing import AUTOTASK_HOSTS
from .transport import AsyncFakeTransport, FakeTransport

SyncHandler = Callable[[httpx.HTTPTransport, httpx.Request], httpx.Response]
AsyncHandler = Callable[[httpx.AsyncHTTPTransport, httpx.Request], Coroutine[Any, Any, httpx.Response]]

# The fakes mounted now, the latest last: it answers (a nested mock() wins, as the inner respx router did).
_MOUNTED: list[tuple[FakeTransport, AsyncFakeTransport]] = []
_LOCK = threading.Lock()
_ORIGINAL: list[tuple[SyncHandler, AsyncHandler]] = []


def _handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    mounted = _MOUNTED
    if mounted and AUTOTASK_HOSTS.match(request.url.host) is not None:
        return mounted[-1][0].handle_request(request)
    return _ORIGINAL[0][0](transport, request)


async def _handle_async_request(transport: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
    mounted = _MOUNTED
    if mounted and AUTOTASK_HOSTS.match(request.url.host) is not None:
        return await mounted[-1][1].handle_async_request(request)
    return await _ORIGINAL[0][1](transport, request)


@contextmanager
def _on_autotask_hosts(fake: GatedFake) -> Iterator[None]:
    """httpx's transports answer Autotask hosts from ``fake`` while this lasts; patched while any is."""
    entry = (FakeTransport(fake), AsyncFakeTransport(fake))
    with _LOCK:
        if not _MOUNTED:
            _ORIGINAL.append((httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request))
            httpx.HTTPTransport.handle_request = _handle_request  # type: ignore[method-assign,assignment]
            httpx.AsyncHTTPTransport.handle_async_request = _handle_async_request  # type: ignore[method-assign,assignment]
        _MOUNTED.append(entry)
    try:
        yield
    finally:
        with _LOCK:
            _MOUNTED.remove(entry)  # mocks may end in any order; the patch goes with the last
            if not _MOUNTED:
                sync_original, async_original = _ORIGINAL.pop()
                httpx.HTTPTransport.handle_request = sync_original  # type: ignore[method-assign,assignment]
                httpx.AsyncHTTPTransport.handle_async_request = async_original  # type: ignore[method-assign,assignment]


@contextmanager
def mounted(
    fake: GatedFake, *, allow: Sequence[str] = (), assert_all_mocked: bool = True
) -> Iterator[respx.MockRouter]:
    """Route every httpx request to an Autotask host to the fake; URLs starting with ``allow`` pass through."""
    with respx.mock(assert_all_called=False, assert_all_mocked=assert_all_mocked) as router:
        for prefix in allow:
            router.route(url__startswith=prefix).pass_through()
        with _on_autotask_hosts(fake):
            yield router
