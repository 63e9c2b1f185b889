"""One served fake for a whole pytest run, a tenant per worker: what ``autotask_tenant`` stands on.

With ``--autotask-shared-server`` under pytest-xdist, the controller process serves one fake with tenants
by credentials and hands its URL to every worker; each worker calls it with credentials of its own, so
it reads and writes its own tenant while all of them share one server. Without xdist (or without the
option) each process serves its own, started on first use; tests see the same fixture either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from fake_server import Limits, TenantProfile
from fake_server.face import BASE, TenantsByCredentials, tenant_key

from .server import ServedFake, tenant_maker

WORKER_INPUT = "autotask_shared_server"


def start_shared_server(profile: str | TenantProfile = "default") -> ServedFake:
    """A served fake keeping a tenant per API user, with the state API on; the caller stops it."""
    tenants = TenantsByCredentials(tenant_maker(profile, limits=Limits.off()))
    return ServedFake(tenants=tenants, state_api=True).start()


@dataclass(frozen=True)
class WorkerTenant:
    """This worker's tenant on the shared server: its own credentials, so its own store and journal."""

    root_url: str
    worker: str

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/{BASE[0]}/{BASE[1]}"

    @property
    def headers(self) -> dict[str, str]:
        """The credential headers that name this worker's tenant; send them with every request."""
        return {
            "ApiIntegrationCode": f"PYTEST-{self.worker.upper()}",
            "UserName": f"{self.worker}@pytest.invalid",
            "Secret": f"pytest-secret-{self.worker}",
        }

    @property
    def key(self) -> str:
        return tenant_key(self.headers["UserName"], self.headers["ApiIntegrationCode"])

    def _state(self, method: str, action: str, body: Any = None) -> Any:
        answer = httpx.request(method, f"{self.root_url}/_harness/tenants/{self.key}/{action}", json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def reset(self) -> None:
        """Back to a fresh tenant: a test starts from nothing another test of this worker left."""
        # Through the credential route, so that the tenant exists even before the client's first call.
        httpx.post(f"{self.root_url}/_harness/reset", headers=self.headers, timeout=30).raise_for_status()

    def seed(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        counts: dict[str, int] = self._state("POST", "seed", snapshot)["seeded"]
        return counts

    def journal(self) -> list[dict[str, Any]]:
        """The exchanges this tenant answered since its last reset, credentials removed."""
        exchanges: list[dict[str, Any]] = self._state("GET", "journal")["exchanges"]
        return exchanges
