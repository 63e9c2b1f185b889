"""What happens to a request before the core answers it: rate limits, thread limits and injected faults.

Every adapter (httpx's transport, which the respx mount uses, requests, aiohttp, ASGI) asks
``Gate.admit`` first, waits the delay it names in its own style (``time.sleep`` or ``asyncio.sleep``),
answers or drops as it says, and calls ``Gate.release`` when done (``answering`` does this for all of
them), so a request counts as in flight for the thread limit across its whole life, delay included.

The delay is the profile's latency (how long the API takes to answer, ``[limits]
latency_ms``; off in the bundled profiles) plus the hourly threshold's tiers: with
latency on, concurrent requests overlap as they do against the real API, and the
fourth at once on one endpoint meets the thread limit.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .http_types import JSON_CONTENT_TYPE, ApiRequest, ApiResponse
from .profile import Limits
from .route import BASE

THREAD_LIMIT_MESSAGE = (
    "Itgenatr005: The thread threshold of {limit} concurrent requests for this integration and the "
    "{endpoint} endpoint has been exceeded."
)
HOURLY_LIMIT_MESSAGE = (
    "The request threshold of {limit} requests per {minutes} minutes has been exceeded for this database."
)


@dataclass
class Fault:
    """One injected fault: it lets ``after`` matching requests pass, then applies to the next ``times``."""

    times: int = 1
    status: int = 500
    errors: list[str] = field(default_factory=lambda: ["Injected fault."])
    method: str | None = None
    path: str | None = None
    delay: float = 0.0
    drop: bool = False
    after: int = 0
    remaining: int = field(init=False)
    to_pass: int = field(init=False)

    def __post_init__(self) -> None:
        self.remaining = self.times
        self.to_pass = self.after
        self._pattern = re.compile(self.path) if self.path else None

    def matches(self, request: ApiRequest) -> bool:
        if self.method and request.method.upper() != self.method.upper():
            return False
        return self._pattern is None or bool(self._pattern.search(request.path))

    def to_dict(self) -> dict[str, Any]:
        return {
            "times": self.times,
            "remaining": self.remaining,
            "status": self.status,
            "errors": self.errors,
            "method": self.method,
            "path": self.path,
            "delay": self.delay,
            "drop": self.drop,
            "after": self.after,
        }


@dataclass(frozen=True)
class Admission:
    """The gate's verdict: wait ``delay`` seconds, then drop, answer ``response``, or let the core answer."""

    delay: float = 0.0
    response: ApiResponse | None = None
    drop: bool = False
    slot: tuple[str, str] | None = None


# The verdict for a request nothing applies to; shared, as admissions are never changed once made.
LET_THROUGH = Admission()


def operation_kind(request: ApiRequest) -> str:
    """``query`` (``…/query``, ``…/query/count``, ``…/query/next``), ``read`` (other GETs) or ``write``."""
    segments = [s.lower() for s in request.path.split("/") if s]
    if "query" in segments[3:]:
        return "query"
    return "read" if request.method.upper() in ("GET", "HEAD") else "write"


def _endpoint_and_code(request: ApiRequest) -> tuple[str, str] | None:
    """The thread-limit key: integration code and object endpoint (a child counts under its parent)."""
    segments = [s for s in request.path.split("/") if s]
    if len(segments) < 3 or segments[0].lower() != BASE[0].lower():
        return None
    endpoint = segments[2].lower()
    if endpoint == "zoneinformation":
        return None  # ZoneInformation requests are not subject to thread limiting
    return (request.header("ApiIntegrationCode") or "", endpoint)


class Gate:
    """Rate limits, thread limits and faults for one fake tenant. Thread-safe."""

    def __init__(
        self, limits: Limits, clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.rng = rng or random.Random()
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._in_flight: dict[tuple[str, str], int] = {}
        self._faults: list[Fault] = []

    @property
    def limits(self) -> Limits:
        return self._limits

    @limits.setter
    def limits(self, limits: Limits) -> None:
        self._limits = limits
        self._latency_on = limits.latency_on  # read on every request: worked out once

    # -- faults ------------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        """Queue a fault; faults are used in the order they were injected."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    # -- limits --------------------------------------------------------------------

    def usage(self) -> int:
        """Requests counted in the current rolling window."""
        with self._lock:
            self._expire(self.clock())
            return len(self._recent)

    def reset(self) -> None:
        with self._lock:
            self._recent.clear()
            self._faults.clear()

    def _expire(self, now: float) -> None:
        horizon = now - self._limits.window_seconds
        while self._recent and self._recent[0] <= horizon:
            self._recent.popleft()

    def in_flight(self) -> dict[tuple[str, str], int]:
        """Requests admitted and not yet answered, per (integration code, endpoint)."""
        with self._lock:
            return dict(self._in_flight)

    def admit(self, request: ApiRequest) -> Admission:
        if not self._limits.enabled and not self._faults and not self._latency_on:
            return LET_THROUGH  # the common case in tests: nothing to count, wait for or inject
        slot = _endpoint_and_code(request)
        with self._lock:
            fault = next((f for f in self._faults if f.matches(request)), None)
            if fault is not None and fault.to_pass > 0:
                fault.to_pass -= 1  # one of the requests the fault lets through before it starts
                fault = None
            if fault is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                response = None if fault.drop else ApiResponse(fault.status, {"errors": list(fault.errors)})
                return Admission(delay=fault.delay, response=response, drop=fault.drop)
            if slot is None or not self._limits.enabled:
                # Not counted (zoneInformation, or limits off), but the API still takes its time to answer.
                return Admission(delay=self._answer_time(request)) if self._latency_on else LET_THROUGH
            now = self.clock()
            self._expire(now)
            threshold = self._limits.hourly_threshold
            if threshold and len(self._recent) >= threshold:
                retry = max(1, int(self._recent[0] + self._limits.window_seconds - now) + 1)
                message = HOURLY_LIMIT_MESSAGE.format(limit=threshold, minutes=self._limits.window_seconds // 60)
                headers = {"Content-Type": JSON_CONTENT_TYPE, "Retry-After": str(retry)}
                return Admission(response=ApiResponse(429, {"errors": [message]}, headers))
            if self._limits.thread_limit and self._in_flight.get(slot, 0) >= self._limits.thread_limit:
                message = THREAD_LIMIT_MESSAGE.format(limit=self._limits.thread_limit, endpoint=slot[1])
                return Admission(response=ApiResponse(429, {"errors": [message]}))
            self._recent.append(now)
            self._in_flight[slot] = self._in_flight.get(slot, 0) + 1
            tier = self._latency(len(self._recent) / threshold if threshold else 0.0)
            return Admission(delay=tier + self._answer_time(request), slot=slot)

    def _latency(self, usage: float) -> float:
        """The delay the hourly threshold adds at this share of it used."""
        delay = 0.0
        for share, seconds in self._limits.latency_tiers:
            if usage >= share:
                delay = seconds
        return delay

    def _answer_time(self, request: ApiRequest) -> float:
        """Seconds the API takes to answer this request: the profile's latency, with its jitter drawn."""
        if not self._latency_on:
            return 0.0
        latency = self._limits.latency_for(operation_kind(request))
        jitter = self.rng.uniform(-latency.jitter_ms, latency.jitter_ms) if latency.jitter_ms else 0.0
        return max(0.0, latency.typical_ms + jitter) / 1000.0

    def release(self, admission: Admission) -> None:
        if admission.slot is None:
            return
        with self._lock:
            left = self._in_flight.get(admission.slot, 0) - 1
            if left > 0:
                self._in_flight[admission.slot] = left
            else:
                self._in_flight.pop(admission.slot, None)
