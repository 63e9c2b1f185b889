"""No credential survives into what the fake and the harness write: journal, ``serve --journal`` file, cassettes,
``check`` reports. Each test sends distinctive values and then searches every output for them."""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from fake_server import FakeAutotask, Limits
from fake_server.redaction import scrub_body, scrub_url
from harness.cassettes.vcr import Provenance, read_cassette, recording
from harness.cli.app import app
from harness.reports import check as report
from harness.rules import CONTRACT, WORKFLOW, check, rules_in
from harness.scrub import Scrubber
from harness.serving.server import ServedFake
from harness.traffic import load_traffic

from .conftest import BASE, ticket_body
from .serve_process import harness_process

ROOT = Path(__file__).resolve().parent.parent


def _values(*names: str) -> dict[str, str]:
    """A distinctive value per name: a marker prefix keeps it from matching ordinary text by chance."""
    return {name: f"zq{name}{secrets.token_hex(10)}" for name in names}


def _assert_absent(values: dict[str, str], *outputs: Any) -> None:
    text = "\n".join(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in outputs)
    for name, value in values.items():
        assert value not in text, f"{name} ({value}) is kept"
        assert value[2:] not in text, f"the tail of {name} is kept"


# -- query parameters -------------------------------------------------------------------------------


def test_user_name_secret_and_code_parameters_in_any_casing_never_reach_the_journal() -> None:
    v = _values("user", "lower", "upper", "code", "secret", "key", "token")
    fake = FakeAutotask(limits=Limits.off())
    headers = {"UserName": "u", "Secret": "s", "ApiIntegrationCode": "c"}  # too short to be hunted as text
    query = (
        f"UserName={v['user']}&username={v['lower']}&USERNAME={v['upper']}&ApiIntegrationCode={v['code']}"
        f"&Secret={v['secret']}&x-SecretKey={v['key']}&access_token={v['token']}&IncludeFields=id"
    )
    with fake.mock(), httpx.Client(headers=headers) as http:
        http.get(f"{BASE}/zoneInformation?user=zquser0&{query}")
        http.get(f"{BASE}/Companies/0?{query}")
        http.get(f"{BASE}/NoSuchEntity?{query}")
    entries = fake.journal.to_dicts()
    _assert_absent({**v, "zone": "zquser0"}, entries)
    assert entries[1]["status"] == 200 and entries[1]["url"].endswith("&IncludeFields=id")
    assert "UserName=REDACTED&username=REDACTED&USERNAME=REDACTED" in entries[1]["url"]


def test_credentials_behind_percent_encoding_or_in_the_authority_are_found() -> None:
    v = _values("secret", "user", "password")
    urls = [
        f"https://h/ATServicesRest/V1.0/Tickets/1%3FSecret%3D{v['secret']}",
        f"https://h/ATServicesRest/V1.0/Tickets/1%253FUserName%253D{v['user']}",
        f"https://{v['user']}:{v['password']}@h/ATServicesRest/V1.0/Tickets/1",
        f"https://h/ATServicesRest/V1.0/Tickets/Secret={v['secret']}/Notes",
    ]
    scrubbed = [scrub_url(url) for url in urls]
    _assert_absent(v, scrubbed)
    assert scrubbed[3] == "https://h/ATServicesRest/V1.0/Tickets/Secret=REDACTED/Notes"
    assert scrub_url(scrubbed[0]) == scrubbed[0]  # redacting twice changes nothing


# -- bodies and answers ------------------------------------------------------------------------------------


def test_credential_named_body_keys_are_redacted_nested_and_in_any_casing() -> None:
    v = _values("user", "nested", "secret", "code", "form")
    fake = FakeAutotask(limits=Limits.off())
    body = {
        **ticket_body(0),
        "UserName": v["user"],
        "extra": {
            "userName": v["nested"],
            "list": [{"SECRET": {"value": v["secret"]}}, {"apiIntegrationCode": [v["code"]]}],
        },
    }
    with fake.mock(), httpx.Client(headers={"UserName": "u", "Secret": "s", "ApiIntegrationCode": "c"}) as http:
        http.post(f"{BASE}/Tickets", json=body)
        http.post(
            f"{BASE}/Tickets",
            content=f"username={v['form']}&note=x".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        http.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "eq", "field": "userName", "value": "kept"}]})
    entries = fake.journal.to_dicts()
    _assert_absent(v, entries)
    sent = entries[0]["request_json"]
    assert (sent["UserName"], sent["extra"]["userName"], sent["extra"]["list"][0]["SECRET"]) == ("REDACTED",) * 3
    assert sent["title"] == body["title"]
    assert entries[1]["request_text"] == "username=REDACTED&note=x"
    # A filter on a field named userName is query data, not a credential: kept as sent.
    assert entries[2]["request_json"]["filter"][0]["value"] == "kept"
    assert scrub_body(b'{"userDefinedFields": []}') == b'{"userDefinedFields": []}'


def test_the_callers_own_credentials_are_redacted_in_answers_other_records_keep_theirs() -> None:
    # The caller's own values are redacted wherever they appear in the journal; other records' userName
    # fields are data. The API user's Resource shows the profile's name, never the caller's (issue 22).
    v = _values("user", "secret", "code")
    fake = FakeAutotask(limits=Limits.off())
    other = fake.seed(
        "Resources",
        {
            "firstName": "Kept",
            "lastName": "Person",
            "userName": "kept.person",
            "email": "kept.person@example.invalid",
            "isActive": True,
        },
    )
    headers = {"UserName": v["user"], "Secret": v["secret"], "ApiIntegrationCode": v["code"]}
    with fake.mock(), httpx.Client(headers=headers) as http:
        answer = http.post(f"{BASE}/Resources/query", json={"filter": [{"op": "exist", "field": "id"}]})
        http.get(f"{BASE}/Tickets/{v['secret']}")  # a client that put its secret in a path segment
        http.post(f"{BASE}/Tickets", json={**ticket_body(0), "description": f"secret is {v['secret']}"})
    assert answer.status_code == 200 and v["user"] not in answer.text
    entries = fake.journal.to_dicts()
    _assert_absent(v, entries)
    names = {item["id"]: item["userName"] for item in entries[0]["response_json"]["items"]}
    assert names[other] == "kept.person"
    assert names[fake.profile.api_resource_id] == fake.profile.api_user["user_name"]
    assert entries[1]["url"].endswith("/Tickets/REDACTED")


def test_the_callers_credentials_written_into_records_are_redacted_from_every_page_and_item() -> None:
    """A record's text is searched for the caller's credentials once, not on every answer holding it (the
    answer's parts): a record found clean and later changed to carry them is searched again."""
    v = _values("user", "secret", "code")
    fake = FakeAutotask(limits=Limits.off())
    headers = {"UserName": v["user"], "Secret": v["secret"], "ApiIntegrationCode": v["code"]}
    carrying = fake.seed("Tickets", {**ticket_body(0), "title": f"from {v['user']}"})
    plain = fake.seed("Tickets", ticket_body(0, title="Plain"))
    every = {"filter": [{"op": "exist", "field": "id"}]}
    with fake.mock(), httpx.Client(headers=headers) as http:
        for _ in range(2):  # the second time, every part has been searched before
            http.post(f"{BASE}/Tickets/query", json=every)
            http.get(f"{BASE}/Tickets/{carrying}")
            http.get(f"{BASE}/Tickets/{plain}")
        current = http.get(f"{BASE}/Tickets/{plain}").json()["item"]
        http.put(f"{BASE}/Tickets", json={**current, "description": f"secret {v['secret']}, code {v['code']}"})
        http.post(f"{BASE}/Tickets/query", json=every)
        http.get(f"{BASE}/Tickets/{plain}")
    entries = fake.journal.to_dicts()
    _assert_absent(v, entries)
    # two pages and two items of the carrying record before the write, a page and an item of the changed one
    assert sum("REDACTED" in json.dumps(entry["response_json"]) for entry in entries) == 6


def test_a_credential_straddling_two_parts_of_an_answer_is_found() -> None:
    """A value holding a joint character (``{}[],:``) could span two records of a page, so such a caller's
    answers are searched whole."""
    from fake_server import ApiRequest, ApiResponse, Journal

    secret = 'zq1"},{"u'  # the end of one record and the start of the next
    journal = Journal()
    first, second, rest = b'{"t":"zq1"}', b'{"u":"x"}', b'],"pageDetails":{}}'
    content = b'{"items":[' + first + b"," + second + rest
    answer = ApiResponse(200, content=content, parts=(b'{"items":[', first, second, rest))
    request = ApiRequest("GET", f"{BASE}/Tickets/query", (("UserName", "zquser1234"), ("Secret", secret)))
    journal.record(request, answer, 0.0, 0.0)
    kept = next(iter(journal)).response_body
    assert secret.encode() not in kept and b"REDACTED" in kept


def test_a_credential_keyed_value_in_a_query_body_bound_unparsed_is_redacted() -> None:
    """Query bodies of one shape are judged by their shape once (``ApiRequest.cut``): a shape holding a
    credential-named key keeps being scrubbed, whatever its values."""
    fake = FakeAutotask(limits=Limits.off())
    tokens = [f"zqtoken{secrets.token_hex(8)}" for _ in range(4)]
    with fake.mock(), httpx.Client(headers=_values("UserName", "Secret", "ApiIntegrationCode")) as http:
        for token in tokens:
            query = {"filter": [{"op": "eq", "field": "title", "value": "x"}], "token": {"value": token}}
            assert http.post(f"{BASE}/Tickets/query", json=query).status_code == 200
    _assert_absent({f"token {i}": token for i, token in enumerate(tokens)}, fake.journal.to_dicts())


# -- headers -------------------------------------------------------------------------------------------


SECRET_HEADERS = ("X-Api-Secret", "x-auth-token", "X-API-KEY", "Cookie", "X-Session-Id", "Proxy-Authorization")


def test_secret_looking_headers_are_dropped_from_the_journal_and_cassettes(tmp_path: Path) -> None:
    v = _values(*SECRET_HEADERS, "user", "secret", "code")
    headers = {
        "UserName": v["user"],
        "Secret": v["secret"],
        "ApiIntegrationCode": v["code"],
        **{name: v[name] for name in SECRET_HEADERS},
    }
    fake = FakeAutotask(limits=Limits.off())
    with fake.mock(), httpx.Client(headers=headers) as http:  # headers as text (in-process)
        http.get(f"{BASE}/Companies/0")
    cassette = tmp_path / "c.json"
    with ServedFake(fake) as served, recording(cassette, Provenance("fake", profile="default")):
        httpx.get(f"{served.base_url}/Companies/0", headers=headers)  # headers as bytes (served)
        httpx.get(f"{served.base_url}/Companies/0?UserName={v['user']}&apiintegrationcode={v['code']}", headers=headers)
    entries = fake.journal.to_dicts()
    assert len(entries) == 3 and all(e["status"] == 200 for e in entries)
    kept = {name.lower() for e in entries for name in e["request_headers"]}
    assert "user-agent" in kept and not kept & {name.lower() for name in SECRET_HEADERS}
    _assert_absent(v, entries, cassette.read_text("utf-8"))
    assert "UserName=REDACTED" in read_cassette(cassette)["interactions"][1]["request"]["uri"]
    assert Scrubber().headers({"X-Api-Secret": "x", "User-Agent": "y"}) == {"User-Agent": "y"}


def test_the_cassette_scrubber_redacts_credential_parameters_and_keys() -> None:
    v = _values("user", "secret", "code", "nested")
    scrubber = Scrubber()
    url = scrubber.url(
        f"https://h/ATServicesRest/V1.0/zoneInformation?UserName={v['user']}&Secret={v['secret']}"
        f"&apiIntegrationCode={v['code']}&user=x"
    )
    body = scrubber.text(json.dumps({"credentials": {"pass": v["nested"]}, "Secret": v["secret"]}))
    _assert_absent(v, url, body)
    assert json.loads(body) == {"credentials": "REDACTED", "Secret": "REDACTED"}


# -- check reports -----------------------------------------------------------------------------------


def _leaky_traffic(v: dict[str, str]) -> list[dict[str, Any]]:
    base = "https://h/ATServicesRest/V1.0"
    page = {
        "items": [{"id": n} for n in range(1, 501)],
        "pageDetails": {"count": 500, "nextPageUrl": f"{base}/Tickets/query/next?paging=x&Secret={v['next']}"},
    }
    return [
        {
            "method": "PATCH",
            "url": f"{base}/Tickets/Secret={v['segment']}?ApiIntegrationCode={v['code']}",
            "status": 405,
        },
        {"method": "GET", "url": f"https://h/atservicesrest/V1.0/Tickets/x%3FUserName%3D{v['user']}", "status": 404},
        {
            "method": "POST",
            "url": f"{base}/Tickets/query",
            "status": 200,
            "request_json": {"filter": []},
            "response_json": page,
        },
        {"method": "GET", "url": f"{base}/Tickets/{v['bare']}", "status": 404},
        {"method": "POST", "url": f"{base}/TicketNotes?secret={v['secret']}", "status": 404},
    ]


def test_check_reports_never_repeat_a_credential_from_a_path_or_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = _values("segment", "code", "user", "next", "bare", "secret")
    # A bare segment names no credential: only the credential this process was given finds it.
    monkeypatch.setenv("AUTOTASK_SECRET", v["bare"])
    traffic = load_traffic(_leaky_traffic(v))
    violations = check(traffic, (CONTRACT, WORKFLOW))
    fired = {violation.rule for violation in violations}
    assert {
        "no-ticket-patch",
        "numeric-ticket-id-in-url",
        "exact-base-path",
        "follow-next-page",
        "notes-via-ticket",
    } <= fired
    written = StringIO()
    console = Console(file=written, width=500)
    report.text(violations, traffic, rules_in((CONTRACT, WORKFLOW)), console)
    outputs = [
        written.getvalue(),
        report.as_json(violations, traffic),
        report.junit(violations, traffic, rules_in((CONTRACT, WORKFLOW))),
    ]
    journal = tmp_path / "leaky.jsonl"
    journal.write_text("".join(json.dumps(entry) + "\n" for entry in _leaky_traffic(v)))
    for output_format in ("text", "json", "junit"):
        result = CliRunner().invoke(
            app,
            ["check", str(journal), "--format", output_format],
            env={"AUTOTASK_SECRET": v["bare"], "COLUMNS": "500"},
        )
        assert result.exit_code == 1, result.output
        outputs.append(result.output)
    _assert_absent(v, *outputs)
    found = {item["rule"]: item for item in json.loads(outputs[1])["violations"]}
    assert {item["message"] for item in json.loads(outputs[1])["violations"]} >= {
        "ticket addressed as 'Secret=REDACTED'",
        "ticket addressed as 'REDACTED'",
    }
    assert found["follow-next-page"]["details"]["nextPageUrl"].endswith("&Secret=REDACTED")
    assert found["no-ticket-patch"]["message"].startswith("PATCH sent to /Tickets/Secret=REDACTED:")


# -- the 404 answer, end to end ------------------------------------------------------------------------------


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    process, base, _ = harness_process("serve", "--port", "0", *args)
    return process, base


def test_the_404_echo_of_a_uri_with_credentials_reaches_no_journal_in_clear(tmp_path: Path) -> None:
    v = _values("secret", "code", "user", "header_user", "header_secret", "header_code")
    query = f"?Secret={v['secret']}&ApiIntegrationCode={v['code']}&UserName={v['user']}"
    headers = {"UserName": v["header_user"], "Secret": v["header_secret"], "ApiIntegrationCode": v["header_code"]}
    fake = FakeAutotask(limits=Limits.off())
    with fake.mock(), httpx.Client(headers=headers) as http:
        answer = http.get(f"{BASE}/NoSuchEntity{query}")
        lowercase = http.get(f"{BASE.replace('ATServicesRest', 'atservicesrest')}/Tickets/1{query}")
    assert (answer.status_code, lowercase.status_code) == (404, 404)
    _assert_absent(v, answer.text, lowercase.text, fake.journal.to_dicts())
    assert "Secret=REDACTED" in fake.journal.to_dicts()[0]["response_json"]["Message"]

    journal = tmp_path / "journal.jsonl"
    process, base = _serve("--journal", str(journal), "--no-limits")
    try:
        served = httpx.get(f"{base}/NoSuchEntity{query}", headers=headers)
        httpx.get(f"{base}/Tickets/{v['header_secret']}{query}", headers=headers)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert served.status_code == 404 and "stopped after 2 exchanges" in output
    lines = journal.read_text("utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)
    _assert_absent(v, served.text, output, journal.read_text("utf-8"))
