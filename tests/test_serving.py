"""The fake over real HTTP: requests and Node clients, zone discovery, trailing slashes, paging, snapshots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from fake_server import FakeAutotask, Limits
from harness.serving.server import ServedFake

from .conftest import ticket_body

CLIENT_HEADERS = {"ApiIntegrationcode": "NODE-OR-REQUESTS", "Username": "api@example.invalid", "Secret": "s3cret"}


def test_served_fake_answers_a_requests_client(autotask_server: ServedFake) -> None:
    session = requests.Session()
    session.headers.update(CLIENT_HEADERS)
    zone = session.get(
        f"{autotask_server.root_url}/ATServicesRest/V1.0/zoneInformation", params={"user": "api@example.invalid"}
    ).json()
    assert zone["url"] == f"{autotask_server.root_url}/ATServicesRest/"
    base = zone["url"] + "V1.0"
    created = session.post(f"{base}/Tickets", json=ticket_body(0)).json()["itemId"]
    item = session.get(f"{base}/Tickets/{created}").json()["item"]  # read at once after create
    assert item["title"] == "Printer offline"
    session.put(f"{base}/Tickets", json={**item, "resolution": "done"}).raise_for_status()
    assert autotask_server.fake.get("Tickets", created)["resolution"] == "done"  # type: ignore[index]
    assert session.patch(f"{base}/Tickets", json={"id": created}).status_code == 405
    assert [e.method for e in autotask_server.journal] == ["GET", "POST", "GET", "PUT", "PATCH"]


@pytest.mark.parametrize("path", ["/Tickets/{id}/", "/Tickets/entityInformation/fields/", "/Tickets/{id}/Notes/"])
def test_trailing_slashes_are_accepted(autotask_server: ServedFake, path: str) -> None:
    ticket = autotask_server.fake.seed("Tickets", ticket_body(0))
    answer = requests.get(autotask_server.base_url + path.format(id=ticket), headers=CLIENT_HEADERS)
    assert answer.status_code == 200


def test_paging_follows_absolute_next_page_url_over_http(autotask_server: ServedFake) -> None:
    ticket = autotask_server.fake.seed("Tickets", ticket_body(0))
    for n in range(12):
        autotask_server.fake.seed(
            "TicketNotes", {"ticketID": ticket, "title": f"n{n}", "description": "d", "noteType": 1, "publish": 1}
        )
    search = json.dumps({"MaxRecords": 5, "filter": [{"op": "exist", "field": "title"}]})
    url: str | None = f"{autotask_server.base_url}/TicketNotes/query?search={search}"
    seen: list[int] = []
    while url:
        assert url.startswith(autotask_server.root_url)
        page = requests.get(url, headers=CLIENT_HEADERS).json()
        seen += [i["id"] for i in page["items"]]
        url = page["pageDetails"]["nextPageUrl"]
    assert seen == sorted(seen) and len(seen) == 12


@pytest.mark.autotask(seed="sample")
def test_sample_seed_loads_a_realistic_tenant(autotask_server: ServedFake) -> None:
    count = requests.post(
        f"{autotask_server.base_url}/Tickets/query/count",
        headers=CLIENT_HEADERS,
        json={"filter": [{"op": "gte", "field": "id", "value": 0}]},
    ).json()
    assert count == {"queryCount": 1200}
    notes = requests.post(
        f"{autotask_server.base_url}/TicketNotes/query/count",
        headers=CLIENT_HEADERS,
        json={"filter": [{"op": "exist", "field": "ticketID"}]},
    ).json()["queryCount"]
    assert notes > 1000
    assert len(autotask_server.journal) == 2


def test_state_api_is_off_by_default(autotask_server: ServedFake) -> None:
    answer = requests.post(f"{autotask_server.root_url}/_harness/reset")
    assert answer.status_code == 404 and answer.json()["Message"]


@pytest.mark.autotask(state_api=True)
def test_state_api_resets_seeds_reads_the_journal_and_injects_faults(autotask_server: ServedFake) -> None:
    root = autotask_server.root_url
    seeded = requests.post(f"{root}/_harness/seed", json={"Tickets": [ticket_body(0, id=77)]}).json()
    assert seeded == {"seeded": {"Tickets": 1}}
    assert requests.get(f"{autotask_server.base_url}/Tickets/77", headers=CLIENT_HEADERS).json()["item"]["id"] == 77
    exchanges = requests.get(f"{root}/_harness/journal").json()["exchanges"]
    assert [e["url"].rsplit("/", 1)[1] for e in exchanges] == ["77"]
    requests.post(f"{root}/_harness/faults", json={"status": 503, "errors": ["maintenance"], "path": "Tickets"})
    assert requests.get(f"{autotask_server.base_url}/Tickets/77", headers=CLIENT_HEADERS).status_code == 503
    assert requests.post(f"{root}/_harness/reset").json() == {"reset": True}
    assert requests.get(f"{autotask_server.base_url}/Tickets/77", headers=CLIENT_HEADERS).json() == {"item": None}
    assert requests.post(f"{root}/_harness/faults", json={"nonsense": 1}).status_code == 400


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_node_client_runs_the_resolution_workflow_against_the_served_fake() -> None:
    fake = FakeAutotask(limits=Limits.off())
    ticket = fake.seed("Tickets", ticket_body(0))
    number = fake.get("Tickets", ticket)["ticketNumber"]  # type: ignore[index]
    script = Path(__file__).parent / "clients" / "node_contract_client.mjs"
    env = {
        **os.environ,
        "AT_INTEGRATION_CODE": "NODE-CODE",
        "AT_USERNAME": "node@example.invalid",
        "AT_SECRET": "node-secret",
    }
    with ServedFake(fake) as served:
        done = subprocess.run(
            ["node", str(script), served.root_url, number, "Checked by a Node client.", "Resolved from Node.", "5"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    after = fake.get("Tickets", ticket)
    assert after is not None and result["ticketId"] == ticket
    assert (after["status"], after["resolution"]) == (5, "Resolved from Node.")
    assert after["completedDate"] is not None and after["description"] == "Reported by phone."
    assert fake.get("TicketNotes", result["noteId"])["ticketID"] == ticket  # type: ignore[index]
    assert [e.status for e in fake.journal] == [200] * 9
    assert fake.get("TicketNotes", result["noteId"])["description"] == "Checked by a Node client."  # type: ignore[index]


def test_fixture_options_select_profile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest, requests
        @pytest.mark.autotask(profile="documented")
        def test_documented(autotask_server):
            answer = requests.get(autotask_server.root_url + "/atservicesrest/v1.0/Companies/0",
                                  headers={"ApiIntegrationCode": "c", "UserName": "u", "Secret": "s"})
            assert answer.json()["item"]["id"] == 0
        def test_in_process(autotask_fake):
            import httpx
            answer = httpx.get("https://webservices3.autotask.net/ATServicesRest/V1.0/Companies/0",
                               headers={"ApiIntegrationCode": "c", "UserName": "u", "Secret": "s"})
            assert answer.json()["item"]["id"] == 0 and len(autotask_fake.journal) == 1
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
