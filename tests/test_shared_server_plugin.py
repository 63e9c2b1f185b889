"""The plugin's ``autotask_tenant``: xdist workers share one served fake, each in a tenant of its own."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from harness.serving.shared_server import WorkerTenant, start_shared_server

WORKER_TESTS = """
import json, os
import httpx
import pytest

@pytest.mark.parametrize("n", range(8))
def test_writes_and_reads_only_its_own_tenant(autotask_tenant, n):
    with httpx.Client(base_url=autotask_tenant.base_url, headers=autotask_tenant.headers) as http:
        for k in range(2):
            http.post("/Tickets", json={"companyID": 0, "title": f"{autotask_tenant.worker}/{n}/{k}",
                                        "status": 1, "priority": 2}).raise_for_status()
        seen = http.post("/Tickets/query", json={"filter": [{"op": "gt", "field": "id", "value": 0}]}).json()
    titles = sorted(item["title"] for item in seen["items"])
    assert titles == [f"{autotask_tenant.worker}/{n}/0", f"{autotask_tenant.worker}/{n}/1"]
    assert len(autotask_tenant.journal()) == 3
    with open(os.environ["SEEN_FILE"], "a") as out:
        out.write(json.dumps({"worker": autotask_tenant.worker, "root": autotask_tenant.root_url,
                              "pid": os.getpid()}) + "\\n")
"""


def test_xdist_workers_share_one_server_each_with_its_own_tenant(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen = tmp_path / "seen.jsonl"
    monkeypatch.setenv("SEEN_FILE", str(seen))
    pytester.makepyfile(test_workers=WORKER_TESTS)
    result = pytester.runpytest_subprocess("-n", "4", "--autotask-shared-server", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)
    rows = [json.loads(line) for line in seen.read_text().splitlines()]
    assert len(rows) == 8
    assert len({row["root"] for row in rows}) == 1  # one server for the run
    assert len({row["worker"] for row in rows}) > 1 and len({row["pid"] for row in rows}) > 1


def test_without_the_option_each_process_serves_its_own(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_alone="""
def test_a_tenant_without_xdist(autotask_tenant):
    assert autotask_tenant.worker == "main" and autotask_tenant.journal() == []
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_worker_tenant_resets_seeds_and_reads_its_journal() -> None:
    served = start_shared_server()
    try:
        tenant, other = WorkerTenant(served.root_url, "gw0"), WorkerTenant(served.root_url, "gw1")
        tenant.reset()
        other.reset()
        assert tenant.seed({"Tickets": [{"id": 5, "companyID": 0, "title": "seeded"}]}) == {"Tickets": 1}
        with httpx.Client(base_url=tenant.base_url) as http:
            assert http.get("/Tickets/5", headers=tenant.headers).json()["item"]["title"] == "seeded"
            assert http.get("/Tickets/5", headers=other.headers).json()["item"] is None
        assert len(tenant.journal()) == 1 and len(other.journal()) == 1
        tenant.reset()
        assert tenant.journal() == []
    finally:
        served.stop()
