"""One admitted request through a fake, as every adapter answers it: delay, drop, the core, release.

``admit_and_handle`` and ``admit_and_handle_async`` serve the in-process stacks (httpx's transports, which
``mock()`` patches in for respx too, requests, aiohttp): the gate's common verdict (``LET_THROUGH``: nothing
to count, wait for or inject) goes straight to the core's ``handle``, anything else is waited, dropped or
answered here. The ASGI app checks ``LET_THROUGH`` itself and calls ``handle_admitted_async`` for the rest.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from .admission import LET_THROUGH, Admission, Fault, Gate
from .http_types import ApiRequest, ApiResponse
from .journal import Journal
from .profile import TenantProfile

if TYPE_CHECKING:
    from .webhooks import Outbox


class GatedFake(Protocol):
    """A fake as an in-process adapter sees it: its gate (limits and faults), its journal (for dropped
    connections) and ``handle``, the core that answers. ``FakeAutotask`` is one."""

    @property
    def gate(self) -> Gate: ...

    @property
    def journal(self) -> Journal: ...

    def handle(self, request: ApiRequest, override: ApiResponse | None = None) -> ApiResponse: ...


class ServableFake(GatedFake, Protocol):
    """A fake as the ASGI app and the state API see it: beyond a ``GatedFake``, the profile (its body
    limit), the webhook outbox, and reset, seed and faults. ``FakeAutotask`` is one."""

    @property
    def profile(self) -> TenantProfile: ...

    @property
    def webhooks(self) -> Outbox: ...

    def reset(self) -> None: ...

    def empty(self) -> None: ...

    def load_snapshot(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]: ...

    def inject_fault(
        self,
        *,
        status: int = 500,
        errors: list[str] | None = None,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        delay: float = 0.0,
        drop: bool = False,
        after: int = 0,
    ) -> Fault: ...


class Dropped(Exception):
    """A fault dropped the connection: the adapter answers with its own stack's connection error."""


def _after_waiting(fake: GatedFake, request: ApiRequest, admission: Admission) -> ApiResponse:
    """Drop the connection or answer, once the admission's delay is over (either way of waiting)."""
    if admission.drop:
        fake.journal.record_drop(request)
        raise Dropped
    return fake.handle(request, admission.response)


def handle_admitted(fake: GatedFake, request: ApiRequest, admission: Admission) -> ApiResponse:
    """Wait the admission's delay (blocking), then drop or answer; the gate is released whatever happens."""
    try:
        if admission.delay:
            time.sleep(admission.delay)
        return _after_waiting(fake, request, admission)
    finally:
        fake.gate.release(admission)


async def handle_admitted_async(fake: GatedFake, request: ApiRequest, admission: Admission) -> ApiResponse:
    """The same, waiting on the event loop."""
    try:
        if admission.delay:
            # imported here: this module is loaded by every tool that imports ``fake_server.face``,
            # and only a delayed answer on an event loop needs asyncio
            import asyncio

            await asyncio.sleep(admission.delay)
        return _after_waiting(fake, request, admission)
    finally:
        fake.gate.release(admission)


def admit_and_handle(fake: GatedFake, request: ApiRequest) -> ApiResponse:
    """Admit and answer one request on a thread (``Dropped`` when a fault drops it)."""
    admission = fake.gate.admit(request)
    if admission is LET_THROUGH:
        return fake.handle(request)
    return handle_admitted(fake, request, admission)


async def admit_and_handle_async(fake: GatedFake, request: ApiRequest) -> ApiResponse:
    """Admit and answer one request on an event loop (``Dropped`` when a fault drops it)."""
    admission = fake.gate.admit(request)
    if admission is LET_THROUGH:
        return fake.handle(request)
    return await handle_admitted_async(fake, request, admission)
