"""Cassettes: scrubbed recording, offline replay, provenance, and verify finding drift or none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner
from vcr.errors import CannotOverwriteExistingCassetteException

from fake_server import Credentials, FakeAutotask, Limits
from harness.cassettes.replay import compare, fake_sender, replay
from harness.cassettes.vcr import Provenance, autotask_vcr, read_cassette, recording
from harness.cli.app import app
from harness.contract.client import AutotaskClient
from harness.rules import CONTRACT, WORKFLOW, check
from harness.scrub import Scrubber, placeholder
from harness.serving.server import ServedFake
from harness.traffic import load_traffic

from .conftest import ticket_body

PROFILE_DIR = Path(__file__).resolve().parent.parent / "fake_server" / "profiles"


def _record_workflow(
    path: Path, username: str = "api@example.invalid", secret: str = "s3cret", code: str = "CODE"
) -> FakeAutotask:
    fake = FakeAutotask(limits=Limits.off())
    ticket = fake.seed("Tickets", ticket_body(0))
    number = fake.get("Tickets", ticket)["ticketNumber"]  # type: ignore[index]
    with (
        ServedFake(fake) as served,
        recording(path, Provenance("fake", profile="default", seed=fake.export_snapshot())),
    ):
        client = AutotaskClient.discover(f"{served.root_url}/ATServicesRest", username, secret, code)
        outcome = client.resolve(number, "Replaced the toner.", "Printer fixed.")
        client.get("Tickets", outcome.ticket_id)  # the read that shows what completing stamped
    return fake


def test_recorded_workflow_replays_offline_and_verifies_against_a_fresh_fake(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    fake = _record_workflow(cassette)
    number = fake.get("Tickets", 1)["ticketNumber"]  # type: ignore[index]
    with autotask_vcr().use_cassette(str(cassette)) as played:
        client = AutotaskClient.discover("http://127.0.0.1:9/ATServicesRest", "api@example.invalid", "s", "c")
        client.get("Tickets", client.resolve(number, "Replaced the toner.", "Printer fixed.").ticket_id)
        assert played.all_played
    seed = read_cassette(cassette)["metadata"]["provenance"]["seed"]
    assert replay(cassette, fake_sender("default", seed)) == []


def test_verify_finds_drift_when_status_5_stops_stamping(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    drifted = tmp_path / "no-stamps.toml"
    drifted.write_text(
        (PROFILE_DIR / "default.toml").read_text("utf-8").replace("completing_values = [5]", "completing_values = []"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["verify", str(cassette), "--target", f"fake:{drifted}"])
    assert result.exit_code == 1
    assert "$.item.completedDate: null on one side" in result.output
    clean = CliRunner().invoke(app, ["verify", str(cassette), "--target", "fake"])
    assert clean.exit_code == 0 and "0 differences" in clean.output


def test_cassette_is_readable_json_with_provenance(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    stored = json.loads(cassette.read_text("utf-8"))
    provenance = stored["metadata"]["provenance"]
    assert (provenance["kind"], provenance["profile"]) == ("fake", "default")
    assert provenance["recorded_at"].endswith("Z") and provenance["harness_version"]
    put = next(i for i in stored["interactions"] if i["request"]["method"] == "PUT")
    assert put["request"]["body"]["json"]["resolution"] == "Printer fixed."
    assert "item" in stored["interactions"][2]["response"]["body"]["json"]


def test_check_reads_a_cassette_as_a_journal(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    traffic = load_traffic(cassette)
    assert [e.method for e in traffic][:3] == ["GET", "POST", "GET"]
    assert check(traffic, (CONTRACT, WORKFLOW)) == []
    assert CliRunner().invoke(app, ["check", str(cassette), "--pack", "resolution-workflow"]).exit_code == 0


def test_provenance_must_name_a_known_source() -> None:
    with pytest.raises(ValueError, match="sandbox, the fake or documented"):
        Provenance("somewhere")


def test_unrecorded_request_fails_naming_request_and_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    with autotask_vcr().use_cassette(str(cassette)), pytest.raises(CannotOverwriteExistingCassetteException) as failed:
        httpx.get("http://127.0.0.1:9/ATServicesRest/V1.0/Companies/12345")
    assert "Companies/12345" in str(failed.value) and "workflow.json" in str(failed.value)


def test_matching_ignores_body_key_order_and_replays_repeats_in_order(tmp_path: Path) -> None:
    cassette = tmp_path / "repeats.json"
    fake = FakeAutotask(limits=Limits.off())
    headers = {"UserName": "u", "Secret": "s", "ApiIntegrationCode": "c"}
    with ServedFake(fake) as served, recording(cassette, Provenance("fake", profile="default")):
        for title in ("first", "second"):
            httpx.post(f"{served.base_url}/ContactGroups", headers=headers, json={"name": "G", "isActive": True})
            httpx.post(f"{served.base_url}/ContactGroups", headers=headers, json={"name": title, "isActive": True})
    with autotask_vcr().use_cassette(str(cassette)):
        base = "http://127.0.0.1:9/ATServicesRest/V1.0"
        first = httpx.post(f"{base}/ContactGroups", content=b'{"isActive": true,   "name": "G"}')
        httpx.post(f"{base}/ContactGroups", json={"name": "first", "isActive": True})
        second = httpx.post(f"{base}/ContactGroups", content=b'{"isActive":true,"name":"G"}')
    assert first.status_code == 200 and second.status_code == 500  # the duplicate name, in recorded order


def test_path_case_matters_when_matching(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    with autotask_vcr().use_cassette(str(cassette)), pytest.raises(CannotOverwriteExistingCassetteException):
        httpx.get("http://127.0.0.1:9/atservicesrest/v1.0/zoneInformation?user=REDACTED")


def test_personal_values_get_stable_placeholders() -> None:
    scrubber = Scrubber()
    once = scrubber.text(json.dumps({"firstName": "Ada", "note": "mail ada@example.com"}))
    again = scrubber.text(json.dumps({"firstName": "Ada", "note": "mail ada@example.com"}))
    assert once == again
    assert "Ada" not in once and "ada@example.com" not in once
    assert placeholder("email", "ada@example.com") in once


def test_compare_treats_ids_times_and_urls_by_shape() -> None:
    recorded = {"item": {"id": 1, "createDate": "2026-01-01T00:00:00Z", "title": "x"}, "url": "http://a/"}
    replayed = {"item": {"id": 7, "createDate": "2026-11-23T09:00:00.5Z", "title": "x"}, "url": "https://b/"}
    assert compare(recorded, replayed) == []
    assert compare({"item": {"title": "x"}}, {"item": {"title": "y"}})[0][0] == "$.item.title"
    assert compare({"a": 1}, {"a": 1, "b": 2})[0][3] == "unexpected key"


# -- verify against a live target -----------------------------------------------------------------------


def test_verify_refuses_without_credentials_and_never_sends_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    for name in ("AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE"):
        monkeypatch.delenv(name, raising=False)
    # The target accepts only the live credentials: a placeholder sent as user or header would fail.
    fake = FakeAutotask(
        limits=Limits.off(), credentials=Credentials("live-user@example.invalid", "live-secret", "LIVE")
    )
    fake.load_snapshot(read_cassette(cassette)["metadata"]["provenance"]["seed"])
    with ServedFake(fake) as served:
        refused = CliRunner().invoke(app, ["verify", str(cassette), "--target", served.root_url, "--yes"])
        assert refused.exit_code == 2 and "AUTOTASK_USERNAME" in refused.output
        assert len(fake.journal) == 0
        monkeypatch.setenv("AUTOTASK_USERNAME", "live-user@example.invalid")
        monkeypatch.setenv("AUTOTASK_SECRET", "live-secret")
        monkeypatch.setenv("AUTOTASK_INTEGRATION_CODE", "LIVE")
        result = CliRunner().invoke(app, ["verify", str(cassette), "--target", served.root_url, "--yes"])
    assert result.exit_code == 0, result.output
    assert "PUT /ATServicesRest/V1.0/Tickets" in result.output  # writes listed before sending
    assert [e.status for e in fake.journal] == [200] * 11  # the workflow, with the note picklists read once


def test_verify_refuses_a_production_host(tmp_path: Path) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    result = CliRunner().invoke(app, ["verify", str(cassette), "--target", "https://webservices19.autotask.net"])
    assert result.exit_code == 2 and "allow-production" in result.output


# -- secrets never reach anything the harness writes ----------------------------------------------------

secret = st.text(alphabet="0123456789abcdef", min_size=16, max_size=24)


@settings(max_examples=10, phases=[Phase.explicit, Phase.generate])  # shrinking re-records: too slow
@given(
    user=secret.map(lambda s: f"zqu{s}@example.com"),
    password=secret.map(lambda s: "zqP" + s),
    code=secret.map(lambda s: "zqC" + s),
    token=secret.map(lambda s: "zqT" + s),
)
def test_recordings_hold_no_secret(
    tmp_path_factory: pytest.TempPathFactory, user: str, password: str, code: str, token: str
) -> None:
    folder = tmp_path_factory.mktemp("secrets")
    cassette = folder / "c.json"
    fake = _record_workflow(cassette, user, password, code)
    headers = {"userName": user, "SECRET": password, "apiintegrationcode": code, "Authorization": f"Bearer {token}"}
    extra = folder / "extra.json"
    with ServedFake(fake) as served, recording(extra, Provenance("fake", profile="default")):
        httpx.get(f"{served.base_url}/Companies/0", headers=headers, params={"apiToken": token})
        httpx.post(
            f"{served.base_url}/ContactGroups",
            headers=headers,
            json={"name": "n", "isActive": True, "password": password, "note": f"mail {user}"},
        )
    journal = folder / "journal.jsonl"
    fake.journal.dump_jsonl(journal)
    report = CliRunner().invoke(app, ["check", str(extra), "--format", "json"]).output
    recordings = cassette.read_text("utf-8") + extra.read_text("utf-8") + report
    for value in (user, password, code, token):
        assert value not in recordings
    # The fake's own journal keeps bodies as sent (the note names the user), but never a credential.
    for value in (password, code, token):
        assert value not in journal.read_text("utf-8")


def test_verify_maps_created_ids_to_the_ones_the_replay_creates(tmp_path: Path) -> None:
    cassette = tmp_path / "create.json"
    fake = FakeAutotask(limits=Limits.off())
    headers = {"UserName": "u", "Secret": "s", "ApiIntegrationCode": "c"}
    with ServedFake(fake) as served, recording(cassette, Provenance("fake", profile="default")):
        created = httpx.post(
            f"{served.base_url}/ContactGroups", headers=headers, json={"name": "Mapped", "isActive": True}
        ).json()["itemId"]
        httpx.get(f"{served.base_url}/ContactGroups/{created}", headers=headers)
        httpx.delete(f"{served.base_url}/ContactGroups/{created}", headers=headers)
    # The target already holds other groups, so the replay's create gets a different id.
    crowded = {"ContactGroups": [{"id": n, "name": f"Existing {n}", "isActive": True} for n in range(1, 40)]}
    assert replay(cassette, fake_sender("default", crowded)) == []


def test_verify_asks_before_writing_to_a_live_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassette = tmp_path / "workflow.json"
    _record_workflow(cassette)
    monkeypatch.setenv("AUTOTASK_USERNAME", "u")
    monkeypatch.setenv("AUTOTASK_SECRET", "s")
    monkeypatch.setenv("AUTOTASK_INTEGRATION_CODE", "c")
    fake = FakeAutotask(limits=Limits.off())
    with ServedFake(fake) as served:
        declined = CliRunner().invoke(app, ["verify", str(cassette), "--target", served.root_url], input="n\n")
    assert declined.exit_code == 2 and "Send them?" in declined.output
    assert len(fake.journal) == 0


def test_compressed_answers_are_stored_decoded(tmp_path: Path) -> None:
    import gzip
    import threading
    import time

    import uvicorn

    from harness.serving.server import free_socket, uvicorn_config

    payload = gzip.compress(json.dumps({"item": {"id": 1, "title": "zipped"}}).encode())

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-encoding", b"gzip"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    sock = free_socket()
    server = uvicorn.Server(uvicorn_config(app))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    cassette = tmp_path / "zipped.json"
    try:
        with recording(cassette, Provenance("fake", profile="default")):
            httpx.get(f"http://127.0.0.1:{sock.getsockname()[1]}/ATServicesRest/V1.0/Tickets/1")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    stored = json.loads(cassette.read_text("utf-8"))["interactions"][0]["response"]
    assert stored["body"]["json"] == {"item": {"id": 1, "title": "zipped"}}


def test_a_cassette_body_stored_as_json_is_read_as_parsed_not_written_out_and_parsed_again() -> None:
    from harness.cassettes.vcr import cassette_traffic

    query = {"filter": [{"op": "eq", "field": "ticketNumber", "value": "T1"}]}
    items = {"items": [], "pageDetails": {"count": 0}}
    interaction = {
        "request": {"method": "post", "uri": "https://x/ATServicesRest/V1.0/Tickets/query", "body": {"json": query}},
        "response": {"status": {"code": 200}, "body": {"json": items}},
    }
    [exchange] = cassette_traffic({"interactions": [interaction]})
    assert exchange.request_json is query and exchange.response_json is items  # the parse the file had
    assert json.loads(exchange.request_body) == query and exchange.method == "POST"
