"""Where callouts may go, and how one is POSTed: loopback by default, other hosts only when named, and
in-process receivers (a WSGI or ASGI app) by URL prefix.

The fake must never become a relay to arbitrary hosts: a webhook URL is whatever a client POSTed, so a URL
whose host is neither loopback nor allowed is refused without a connection (not even a DNS lookup). Callouts
are sent with httpx, so inside ``fake.mock()`` they go through the same interception as requests (a URL the
test lets through with ``allow=``, or a respx route, receives them).
"""

from __future__ import annotations

import inspect
import ipaddress
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # httpx is imported when a callout is sent: importing the fake must not load it
    import httpx

# DOCS Webhooks_Error_Handling.htm: "If the callout is not delivered successfully, it will time out after 10
# seconds."
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    """What one POST got: the receiver's status and body (status 0: no answer, ``error`` says why)."""

    status: int
    content: bytes = b""
    error: str | None = None
    duration: float = 0.0

    @property
    def delivered(self) -> bool:
        # DOCS Webhooks_Error_Handling.htm: a 2xx response means the payload was delivered.
        return 200 <= self.status < 300


def is_loopback(host: str) -> bool:
    """``localhost`` and loopback addresses (127.0.0.0/8, ::1), by name alone: nothing is resolved."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Courier:
    """Sends callouts. ``allow_hosts`` names the hosts beyond loopback that may be contacted (exact host names
    or addresses, compared case-insensitively); ``mount`` serves a URL prefix from an app in this process."""

    def __init__(self, allow_hosts: Iterable[str] = (), timeout: float = TIMEOUT_SECONDS) -> None:
        self.allow_hosts = frozenset(h.strip().lower() for h in allow_hosts if h.strip())
        self.timeout = timeout
        self._mounts: list[tuple[str, httpx.BaseTransport]] = []

    def mount(self, prefix: str, app: Any, *, asgi: bool | None = None) -> None:
        """Deliver callouts whose URL starts with ``prefix`` to ``app`` in this process: a WSGI app (Flask,
        Django's ``get_wsgi_application()``) or an ASGI app (FastAPI, Starlette; told apart by
        ``inspect.iscoroutinefunction``, or say ``asgi=``)."""
        from .mounted import transport_for

        is_asgi = inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(type(app).__call__)
        self._mounts.append((prefix, transport_for(app, asgi=asgi if asgi is not None else is_asgi)))

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be contacted, or ``None`` when it may."""
        if any(url.startswith(prefix) for prefix, _ in self._mounts):
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"callout URL {url!r} is not an absolute http(s) URL"
        host = parts.hostname.lower()
        if is_loopback(host) or host in self.allow_hosts:
            return None
        return f"callout host {host} is neither loopback nor allowed (serve --webhook-allow-host {host})"

    def post(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        started = time.perf_counter()
        refused = self.refusal(url)
        if refused is not None:
            return Outcome(0, error=refused)
        import httpx

        transport = next((t for prefix, t in self._mounts if url.startswith(prefix)), None)
        try:
            with httpx.Client(transport=transport, timeout=self.timeout, trust_env=False) as client:
                answer = client.post(url, content=body, headers=headers)
                return Outcome(answer.status_code, answer.content, duration=time.perf_counter() - started)
        except httpx.TimeoutException:
            return Outcome(0, error=f"no answer within {self.timeout:g} s", duration=time.perf_counter() - started)
        except Exception as error:  # a refused connection, respx's "not mocked", a receiver app that raised
            return Outcome(0, error=f"{type(error).__name__}: {error}", duration=time.perf_counter() - started)
