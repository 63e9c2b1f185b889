"""``autotask-harness record``: a proxy any client points at; it writes a scrubbed cassette and journal."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_server import FakeAutotask, Limits
from fake_server.sample import sample_snapshot
from harness.cassettes.vcr import read_cassette
from harness.serving.server import ServedFake

from .serve_process import ROOT, harness_process, run_harness

NODE_CLIENT = ROOT / "tests" / "clients" / "node_contract_client.mjs"
CREDENTIALS = {
    "AT_USERNAME": "recorder-user-8c41@example.invalid",
    "AT_SECRET": "recorder-secret-5d2e9a",
    "AT_INTEGRATION_CODE": "RECORDER-CODE-77F3",
}


def _record(*args: str) -> tuple[subprocess.Popen[str], str]:
    process, base, _ = harness_process("record", "--port", "0", *args)
    return process, base


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[tuple[ServedFake, Path, str]]:
    snapshot = sample_snapshot(tickets=4)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(snapshot), encoding="utf-8")
    fake = FakeAutotask(limits=Limits.off())
    fake.load_snapshot(snapshot)
    fake.journal.clear()
    open_ticket = next(t for t in snapshot["Tickets"] if not t.get("completedDate"))
    with ServedFake(fake) as served:
        yield served, seed, str(open_ticket["ticketNumber"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_node_client_recorded_through_the_proxy_verifies_against_a_fresh_fake(
    upstream: tuple[ServedFake, Path, str], tmp_path: Path
) -> None:
    served, seed, number = upstream
    out = tmp_path / "recorded"
    process, base = _record("--upstream", served.root_url, "--out", str(out), "--seed", str(seed))
    root = base.rsplit("/ATServicesRest", 1)[0]
    try:
        client = subprocess.run(
            ["node", str(NODE_CLIENT), root, number, "fixed it", "Resolved remotely.", "5"],
            env={**os.environ, **CREDENTIALS},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert client.returncode == 0, client.stderr
        # The zone answer named the proxy, so every later call went through it too.
        assert json.loads(client.stdout)["zoneUrl"].startswith(root)
    finally:
        process.send_signal(signal.SIGTERM)
        printed, _ = process.communicate(timeout=30)
    assert process.returncode == 0, printed
    assert re.search(r"recorded \d+ exchanges", printed)
    cassette = read_cassette(out / "recording.json")
    assert len(cassette["interactions"]) == len(served.journal) >= 7
    assert cassette["metadata"]["provenance"]["kind"] == "fake"
    journal = (out / "recording.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(journal) == len(cassette["interactions"])
    for path in out.iterdir():  # no credential value in any file written
        text = path.read_text(encoding="utf-8")
        assert not [value for value in CREDENTIALS.values() if value in text], path
    verified = run_harness("verify", str(out / "recording.json"), "--target", "fake")
    assert verified.returncode == 0, verified.stdout
    assert "0 differences" in verified.stdout


def test_the_proxy_rewrites_next_page_links_and_prints_findings(
    upstream: tuple[ServedFake, Path, str], tmp_path: Path
) -> None:
    served, _, _ = upstream
    out = tmp_path / "recorded"
    process, base = _record("--upstream", served.root_url, "--out", str(out))
    headers = {"UserName": "u@example.invalid", "Secret": "s3cr3t-value", "ApiIntegrationCode": "CODE-1"}
    try:
        with httpx.Client(headers=headers) as http:
            query = {"MaxRecords": 2, "filter": [{"op": "gt", "field": "id", "value": 0}]}
            page = http.post(f"{base}/Tickets/query", json=query)
            link = page.json()["pageDetails"]["nextPageUrl"]
            assert link.startswith(base.rsplit("/ATServicesRest", 1)[0])  # the proxy, not the upstream
            # A POST query's link is POSTed with the query's body (docs/reference/fake-api.md, "Queries").
            assert len(http.post(link, json=query).json()["items"]) == 2
            http.patch(f"{base}/Tickets", json={"id": 1, "title": "patched"})  # a rule breach
    finally:
        process.send_signal(signal.SIGINT)
        printed, _ = process.communicate(timeout=30)
    assert "[no-ticket-patch]" in printed
    assert "s3cr3t-value" not in printed and "CODE-1" not in printed


def test_a_production_upstream_is_refused_without_the_flag(tmp_path: Path) -> None:
    done = run_harness(
        "record", "--upstream", "https://webservices.autotask.net", "--out", str(tmp_path / "x"), "--port", "0"
    )
    assert done.returncode == 2 and "allow-production" in done.stderr
    assert not (tmp_path / "x").exists()
