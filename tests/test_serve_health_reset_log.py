"""``serve``'s health endpoint, its reset to the seeded baseline (and the separate reset to empty), the same
in-process, and ``serve -v``'s line per exchange with credentials redacted."""

from __future__ import annotations

import re
import secrets
import signal
import subprocess
from pathlib import Path

import httpx

from fake_server import FakeAutotask
from fake_server.sample import sample_snapshot

from .serve_process import serve_process

HEADERS = {"UserName": "reset-user@example.invalid", "Secret": "reset-secret", "ApiIntegrationCode": "RESET"}
ALL = {"filter": [{"op": "exist", "field": "id"}]}


def _count(base: str, entity: str) -> int:
    answer = httpx.post(f"{base}/{entity}/query/count", headers=HEADERS, json=ALL, timeout=30)
    answer.raise_for_status()
    count: int = answer.json()["queryCount"]
    return count


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output


def test_reset_returns_to_the_seed_and_empty_is_its_own_call() -> None:
    """``POST /_harness/reset`` on ``serve --seed sample`` emptied the tenant; it now gives the sample back."""
    process, base, _ = serve_process("--seed", "sample", "--state-api")
    root = base.rsplit("/ATServicesRest", 1)[0]
    try:
        seeded = _count(base, "Tickets")
        assert seeded == len(sample_snapshot()["Tickets"]) > 0
        companies = _count(base, "Companies")
        company = {"companyName": "x", "companyType": 1, "ownerResourceID": 4, "phone": "1"}
        httpx.post(f"{base}/Companies", headers=HEADERS, json=company, timeout=30).raise_for_status()
        assert _count(base, "Companies") == companies + 1
        assert httpx.post(f"{root}/_harness/reset").json() == {"reset": True}
        assert _count(base, "Tickets") == seeded and _count(base, "Companies") == companies
        assert httpx.post(f"{root}/_harness/empty").json() == {"emptied": True}
        assert _count(base, "Tickets") == 0
        assert httpx.post(f"{root}/_harness/empyt").status_code == 404  # a typo is not some other reset
        httpx.post(f"{root}/_harness/reset").raise_for_status()
        assert _count(base, "Tickets") == seeded  # empty kept the baseline for the next reset
    finally:
        _stop(process)


def test_the_stop_summary_counts_every_exchange_served_across_resets(tmp_path: Path) -> None:
    """A reset clears the tenant's journal; the summary still counts what the --journal file holds."""
    journal = tmp_path / "journal.jsonl"
    process, base, _ = serve_process("--seed", "sample", "--state-api", "--journal", str(journal))
    root = base.rsplit("/ATServicesRest", 1)[0]
    try:
        for _ in range(3):
            _count(base, "Tickets")
        httpx.post(f"{root}/_harness/reset").raise_for_status()
        _count(base, "Tickets")
    finally:
        output = _stop(process)
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert "stopped after 4 exchanges" in output, output


def test_health_answers_without_credentials_while_serving() -> None:
    for tenants in ("one", "by-credentials"):
        process, base, _ = serve_process("--state-api", "--tenants", tenants)
        root = base.rsplit("/ATServicesRest", 1)[0]
        try:
            answer = httpx.get(f"{root}/_harness/health", timeout=10)
            assert answer.status_code == 200 and answer.json()["status"] == "ok", answer.text
        finally:
            _stop(process)


def test_in_process_reset_keeps_the_baseline_and_empty_drops_it() -> None:
    fake = FakeAutotask()
    counts = fake.load_baseline(sample_snapshot())
    fake.seed("Tickets", fake.records("Tickets")[0] | {"id": None, "title": "extra"})
    fake.reset()
    assert len(fake.records("Tickets")) == counts["Tickets"]
    fake.empty()
    assert fake.records("Tickets") == []
    fake.reset()
    assert len(fake.records("Tickets")) == counts["Tickets"]


def test_verbose_prints_a_line_per_exchange_without_credentials() -> None:
    user, secret, code = (f"zq{name}{secrets.token_hex(10)}" for name in "USC")
    process, base, _ = serve_process("-v")
    try:
        httpx.get(f"{base}/zoneInformation", params={"user": user}, timeout=10)
        headers = {"UserName": user, "Secret": secret, "ApiIntegrationCode": code}
        httpx.get(f"{base}/Tickets/424242", headers=headers, timeout=10)
    finally:
        printed = _stop(process)
    assert re.search(r"^GET /ATServicesRest/V1\.0/zoneInformation\?user=\S+ 200 \d+\.\d ms$", printed, re.M), printed
    assert re.search(r"^GET /ATServicesRest/V1\.0/Tickets/424242 \d{3} \d+\.\d ms$", printed, re.M), printed
    assert user not in printed and secret not in printed and code not in printed
