"""``autotask-harness serve`` as a user runs it: seed file, journal file, Ctrl-C, and no secret in its output."""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
from pathlib import Path

import httpx

from .conftest import ticket_body
from .serve_process import harness_process


def _start(*args: str) -> tuple[subprocess.Popen[str], str, str]:
    process, base, printed = harness_process("serve", "--port", "0", *args, columns="60", timeout=60)
    return process, base, "".join(printed)


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return output


def test_serve_loads_a_seed_file_writes_the_journal_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    seed = tmp_path / "tenant.json"
    seed.write_text(
        json.dumps(
            {
                "Companies": [{"id": 7, "companyName": "Seeded", "companyType": 1, "ownerResourceID": 4, "phone": "1"}],
                "Tickets": [ticket_body(7, id=41, ticketNumber="T20260101.0001.001")],
            }
        )
    )
    journal = tmp_path / "journal.jsonl"
    user, password, code = (f"zq{name}{secrets.token_hex(12)}" for name in "UPC")
    process, base, _ = _start("--seed", str(seed), "--journal", str(journal))
    try:
        headers = {"UserName": user, "Secret": password, "ApiIntegrationCode": code}
        zone = httpx.get(base + "/zoneInformation", params={"user": user}).json()
        assert zone["url"] + "V1.0" == base
        found = httpx.post(
            base + "/Tickets/query",
            headers=headers,
            json={"filter": [{"op": "eq", "field": "ticketNumber", "value": "T20260101.0001.001"}]},
        ).json()
        assert [i["id"] for i in found["items"]] == [41]
        assert httpx.get(base + "/Companies/7", headers=headers).json()["item"]["companyName"] == "Seeded"
    finally:
        output = _stop(process)
    lines = journal.read_text("utf-8").splitlines()
    assert [json.loads(line)["status"] for line in lines] == [200, 200, 200]
    assert "stopped after 3 exchanges" in output
    everything = output + journal.read_text("utf-8")
    for value in (user, password, code):
        assert value not in everything


def test_serve_sample_seed_and_state_api(tmp_path: Path) -> None:
    process, base, banner = _start("--seed", "sample", "--state-api", "--no-limits")
    root = base.split("/ATServicesRest")[0]
    try:
        headers = {"UserName": "u", "Secret": "s", "ApiIntegrationCode": "c"}
        count = httpx.post(
            base + "/Tickets/query/count", headers=headers, json={"filter": [{"op": "gte", "field": "id", "value": 0}]}
        ).json()
        assert count == {"queryCount": 1200}
        assert httpx.post(root + "/_harness/empty").json() == {"emptied": True}  # the seed gone
        count = httpx.post(
            base + "/Tickets/query/count", headers=headers, json={"filter": [{"op": "gte", "field": "id", "value": 0}]}
        ).json()
        assert count == {"queryCount": 0}
    finally:
        output = _stop(process)
    assert "1200 Tickets" in banner and "1786 TicketNotes" in banner
    assert "stopped after 2 exchanges" in output  # emptying clears the journal, not the count of what was served
