"""``serve --tenants by-credentials``: each API user (ApiIntegrationCode + UserName) gets its own tenant."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_server import Limits
from fake_server.tenancy import ANONYMOUS, TenantsByCredentials, tenant_key
from harness.serving.server import ServedFake, tenant_maker

from .serve_process import serve_process
from .tenant_worker import TICKETS, credentials

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 8


@pytest.fixture
def served() -> Iterator[ServedFake]:
    tenants = TenantsByCredentials(tenant_maker("default", limits=Limits.off()))
    with ServedFake(tenants=tenants, state_api=True) as server:
        yield server


def test_eight_worker_processes_each_see_only_their_own_tenant(served: ServedFake, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.tenant_worker", served.base_url, str(i), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for i in range(WORKERS)
    ]
    go.touch()  # all of them at once
    results = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    assert served.tenants is not None and len(served.tenants) == WORKERS
    for i, seen in enumerate(results):
        # Ids start at the same number in every tenant: each has its own store.
        assert seen["titles"] == sorted(f"worker {i} ticket {n}" for n in range(TICKETS))
        tenant = served.tenants.get(tenant_key(f"worker-{i}@example.invalid", f"WORKER-CODE-{i}"))
        assert tenant is not None
        journal = list(tenant.journal)
        assert len(journal) == seen["sent"]
        assert [e.status for e in journal] == [200] * seen["sent"]
        assert all(
            f"worker {i} " in e.request_body.decode() for e in journal if e.method == "POST" and "query" not in e.url
        )
    assert len({tuple(r["created"]) for r in results}) == 1  # same ids, separate tenants


def test_the_state_api_addresses_a_tenant_by_key_or_by_its_credentials(served: ServedFake) -> None:
    one, two = credentials(1), credentials(2)
    key_one = tenant_key(one["UserName"], one["ApiIntegrationCode"])
    with httpx.Client(base_url=served.root_url) as http:
        assert http.get("/_harness/tenant", headers=one).json() == {"key": key_one}
        seeded = http.post(
            "/_harness/seed", headers=one, json={"Tickets": [{"id": 41, "companyID": 0, "title": "mine"}]}
        )
        assert seeded.status_code == 200
        api = "/ATServicesRest/V1.0/Tickets/41"
        assert http.get(api, headers=one).json()["item"]["title"] == "mine"
        assert http.get(api, headers=two).json()["item"] is None  # another API user: another database
        listed = http.get("/_harness/tenants").json()["tenants"]
        keys = [t["key"] for t in listed]
        assert keys[0] == ANONYMOUS and key_one in keys and len(keys) == 3
        assert "worker" not in json.dumps(listed) and "WORKER" not in json.dumps(listed)  # keys, not credentials
        journal = http.get(f"/_harness/tenants/{key_one}/journal").json()["exchanges"]
        assert [e["status"] for e in journal] == [200]
        assert http.post(f"/_harness/tenants/{key_one}/reset").json() == {"reset": True}
        assert http.get(api, headers=one).json()["item"] is None
        assert http.post("/_harness/tenants/0000000000000000/reset").status_code == 404
        refused = http.post("/_harness/reset")
        assert refused.status_code == 400 and "UserName" in refused.json()["errors"][0]


def test_each_tenant_has_its_own_faults_and_limit_counters(served: ServedFake) -> None:
    one, two = credentials(1), credentials(2)
    api = "/ATServicesRest/V1.0/Tickets/1"
    with httpx.Client(base_url=served.root_url) as http:
        spec = {"status": 503, "errors": ["maintenance"], "times": 1}
        assert http.post("/_harness/faults", headers=one, json=spec).status_code == 200
        assert http.get(api, headers=two).status_code == 200
        assert http.get(api, headers=one).status_code == 503


def test_requests_without_credentials_reach_no_tenant(served: ServedFake) -> None:
    with httpx.Client(base_url=served.root_url) as http:
        zone = http.get("/ATServicesRest/V1.0/zoneInformation", params={"user": "someone@example.invalid"})
        assert zone.status_code == 200 and zone.json()["url"]
        assert http.get("/ATServicesRest/V1.0/Tickets/1").status_code == 401
    assert served.tenants is not None and len(served.tenants) == 0


def test_serve_by_credentials_journals_each_tenant_to_its_own_file(tmp_path: Path) -> None:
    journals = tmp_path / "journals"
    process, base, _ = serve_process("--tenants", "by-credentials", "--journal", str(journals))
    try:
        for i, count in ((1, 3), (2, 1)):
            for _ in range(count):
                assert httpx.get(f"{base}/Tickets/1", headers=credentials(i)).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        printed, _ = process.communicate(timeout=30)
    assert "stopped after 4 exchanges with 2 tenants" in " ".join(printed.split())
    for i, count in ((1, 3), (2, 1)):
        key = tenant_key(credentials(i)["UserName"], credentials(i)["ApiIntegrationCode"])
        assert len((journals / f"{key}.jsonl").read_text().splitlines()) == count
    for path in journals.iterdir():
        text = path.read_text()
        assert not any(value in text for i in (1, 2) for value in credentials(i).values()), path


def test_each_tenant_counts_its_own_requests_against_the_hourly_limit() -> None:
    tenants = TenantsByCredentials(tenant_maker("default", limits=Limits(hourly_threshold=2, latency_tiers=())))
    api = "/ATServicesRest/V1.0/Tickets/1"
    with ServedFake(tenants=tenants) as server, httpx.Client(base_url=server.root_url) as http:
        assert [http.get(api, headers=credentials(1)).status_code for _ in range(3)] == [200, 200, 429]
        assert http.get(api, headers=credentials(2)).status_code == 200  # another API user's own hour
