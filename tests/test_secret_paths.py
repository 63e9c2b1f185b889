"""The four ways a secret still reached an output (issue 22, item 3), each shut: a secret-named key inside a
GET's ``search=`` JSON; the caller's own ``Secret`` value inside a request body; the ``UserName`` header as the
API user's name; ``record --upstream http://user:password@host`` printing the password."""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
from pathlib import Path

import httpx

from fake_server import FakeAutotask, Limits
from harness.cassettes.vcr import read_cassette
from harness.serving.server import ServedFake

from .serve_process import harness_process, run_harness


def _marked(name: str) -> str:
    return f"zq{name}{secrets.token_hex(8)}"


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output


def _search(key: str, value: str) -> dict[str, str]:
    return {"search": json.dumps({"filter": [{"op": "exist", "field": "id"}], key: value})}


def test_a_secret_key_inside_a_get_search_reaches_no_output(tmp_path: Path) -> None:
    values = {key: _marked(key) for key in ("password", "Secret", "apiKey", "x_token")}
    journal = tmp_path / "served.jsonl"
    served, base, _ = harness_process("serve", "--port", "0", "--no-limits", "--state-api", "--journal", str(journal))
    root = base.split("/ATServicesRest")[0]
    out = tmp_path / "recorded"
    recorder, proxied, _ = harness_process("record", "--port", "0", "--upstream", root, "--out", str(out))
    outputs: list[str] = []
    try:
        headers = {"UserName": "u", "Secret": "s", "ApiIntegrationCode": "c"}
        for key, value in values.items():
            for at in (base, proxied):  # the served fake itself, and through record to it
                answer = httpx.get(f"{at}/Tickets/query", params=_search(key, value), headers=headers)
                assert answer.status_code == 200, answer.text
        outputs += [httpx.get(f"{root}/_harness/journal").text]
        outputs += [httpx.get(f"{root}/_harness/").text, httpx.get(f"{root}/_harness/live/fragment").text]
    finally:
        outputs += [_stop(recorder), _stop(served)]
    outputs += [journal.read_text("utf-8"), (out / "recording.jsonl").read_text("utf-8")]
    outputs += [(out / "recording.json").read_text("utf-8")]
    html = tmp_path / "check.html"
    # A journal an older fake wrote, the search unredacted: check --html must not repeat it either.
    older = tmp_path / "older.jsonl"
    older.write_text(
        "".join(
            json.dumps(
                {
                    "method": "GET",
                    "url": str(httpx.URL(f"{base}/Tickets/query", params=_search(k, v))),
                    "status": 200,
                    "response_json": {"items": [], "pageDetails": {"count": 0}},
                }
            )
            + "\n"
            for k, v in values.items()
        ),
        encoding="utf-8",
    )
    for checked in (journal, older):
        result = run_harness("check", str(checked), "--html", str(html))
        assert result.returncode in (0, 1), result.stdout + result.stderr
        outputs += [result.stdout, html.read_text("utf-8")]
    text = "\n".join(outputs)
    assert "/Tickets/query" in text and "REDACTED" in text
    for key, value in values.items():
        assert value not in text, f"the value of {key} is kept"


def test_the_callers_own_secret_inside_a_body_reaches_no_cassette(tmp_path: Path) -> None:
    secret, code = _marked("secret"), _marked("code")
    headers = {"UserName": "api@example.invalid", "Secret": secret, "ApiIntegrationCode": code}
    fake = FakeAutotask(limits=Limits.off())
    out = tmp_path / "recorded"
    with ServedFake(fake) as upstream:
        recorder, proxied, _ = harness_process(
            "record", "--port", "0", "--upstream", upstream.root_url, "--out", str(out)
        )
        try:
            # A body that is not a credential by its key: only the caller's own values find it.
            body = {
                "companyID": 0,
                "title": f"pasted {secret} by mistake",
                "description": f"code {code}",
                "status": 1,
                "priority": 2,
                "queueID": 29683378,
                "dueDateTime": "2030-01-01T00:00:00Z",
            }
            httpx.post(f"{proxied}/Tickets", json=body, headers=headers)
            httpx.get(
                f"{proxied}/Tickets/query",
                params={"search": json.dumps({"filter": [{"op": "eq", "field": "title", "value": secret}]})},
                headers=headers,
            )
        finally:
            printed = _stop(recorder)
    cassette = out / "recording.json"
    assert len(read_cassette(cassette)["interactions"]) == 2
    html = tmp_path / "cassette.html"
    result = run_harness("check", str(cassette), "--html", str(html))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    text = "\n".join(
        [
            cassette.read_text("utf-8"),
            (out / "recording.jsonl").read_text("utf-8"),
            printed,
            result.stdout,
            html.read_text("utf-8"),
        ]
    )
    assert "pasted REDACTED by mistake" in text
    assert secret not in text and code not in text


def test_the_user_name_header_is_kept_nowhere_and_shown_as_the_profiles(tmp_path: Path) -> None:
    username = f"{_marked('user')}@example.invalid"
    headers = {"UserName": username, "Secret": "s", "ApiIntegrationCode": "c"}
    state = tmp_path / "state.json"
    served, base, _ = harness_process(
        "serve", "--port", "0", "--no-limits", "--state-api", "--state", str(state), "--state-interval", "0"
    )
    root = base.split("/ATServicesRest")[0]
    try:
        # Who am I, as autotask-client asks on start: still answered with the API user's Resource.
        whoami = {"filter": [{"op": "eq", "field": "email", "value": username}]}
        found = httpx.post(f"{base}/Resources/query", json=whoami, headers=headers).json()["items"]
        everyone = httpx.get(
            f"{base}/Resources/query",
            params={"search": json.dumps({"filter": [{"op": "exist", "field": "id"}]})},
            headers=headers,
        ).text
        views = [httpx.get(f"{root}/_harness/").text, httpx.get(f"{root}/_harness/live/fragment").text]
        views.append(httpx.get(f"{root}/_harness/journal").text)
    finally:
        printed = _stop(served)
    text = "\n".join([json.dumps(found), everyone, *views, printed, state.read_text("utf-8")])
    assert username not in text and username.split("@")[0] not in text
    assert [record["email"] for record in found] == ["api-user@example.invalid"]


def test_record_prints_no_password_of_its_upstream_url(tmp_path: Path) -> None:
    password = _marked("password")
    with ServedFake(FakeAutotask(limits=Limits.off())) as upstream:
        url = upstream.root_url.replace("http://", f"http://someone:{password}@")
        recorder, _, printed = harness_process("record", "--port", "0", "--upstream", url, "--out", str(tmp_path))
        printed.append(_stop(recorder))
    text = "".join(printed)
    assert "Recording proxy to http://REDACTED@127.0.0.1" in text
    assert password not in text
