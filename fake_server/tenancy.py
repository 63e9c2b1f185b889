"""Which tenant answers a request when one served fake holds many: one per API user, by credentials.

Real Autotask answers each API user from its own company's database. ``TenantsByCredentials`` does the
same: each distinct ``ApiIntegrationCode`` + ``UserName`` gets its own fake (store, journal, limit
counters, faults), made on first use by a factory. Requests without those headers (zone discovery, or a
client that forgot them) go to one shared ``anonymous`` fake, which answers the service endpoints and
refuses entity paths with the API's 401, as any tenant would.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from .answering import ServableFake
from .http_types import ApiRequest

ANONYMOUS = "anonymous"
FakeT = TypeVar("FakeT", bound=ServableFake)


def tenant_key(username: str, integration_code: str) -> str:
    """The key a tenant is addressed by in the state API: a digest, never the credentials themselves, so a
    URL, a listing or a log line that names a tenant names no user name or integration code."""
    return hashlib.sha256(f"{integration_code}\0{username}".encode()).hexdigest()[:16]


def request_key(request: ApiRequest) -> str | None:
    """The key of the tenant a request's credential headers name; ``None`` without both headers."""
    username, _, code = request.credentials()
    return tenant_key(username, code) if username and code else None


class TenantsByCredentials(Generic[FakeT]):
    """The tenants of one served fake, one per API user; ``make(key)`` builds a fresh one."""

    def __init__(self, make: Callable[[str], FakeT]) -> None:
        self._make = make
        self._tenants: dict[str, FakeT] = {}
        self._by_credentials: dict[tuple[str, str], FakeT] = {}
        # The ASGI app answers on one event loop, but a served fake's state writer and tests read from
        # other threads: making a tenant is done once, under the lock.
        self._lock = threading.Lock()
        self.anonymous = make(ANONYMOUS)

    def core_for(self, request: ApiRequest) -> FakeT:
        """The tenant that answers this request (made now if its credentials are new)."""
        username, _, code = request.credentials()
        if not username or not code:
            return self.anonymous
        # Found by the credentials themselves, so that a known caller costs a dict lookup, not a digest;
        # they stay in this process's memory only, as the request's headers do.
        found = self._by_credentials.get((username, code))
        if found is None:
            found = self._by_credentials[(username, code)] = self.get_or_make(tenant_key(username, code))
        return found

    def get_or_make(self, key: str) -> FakeT:
        found = self._tenants.get(key)
        if found is None:
            with self._lock:
                found = self._tenants.get(key)
                if found is None:
                    found = self._tenants[key] = self._make(key)
        return found

    def get(self, key: str) -> FakeT | None:
        return self.anonymous if key == ANONYMOUS else self._tenants.get(key)

    def items(self) -> list[tuple[str, FakeT]]:
        """Every tenant made so far, by key, in the order they were made; the anonymous one first."""
        with self._lock:
            return [(ANONYMOUS, self.anonymous), *self._tenants.items()]

    def __len__(self) -> int:
        return len(self._tenants)
