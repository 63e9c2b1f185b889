"""Every reader of traffic (rules, ``check`` in every format, the HTML report, the live view, ``record``,
``verify``) takes any journal or cassette without an exception: what it cannot judge it reports as
``unjudgeable``, and the rules judge odd but valid exchanges themselves, without the net under them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from fake_server import ApiRequest, Exchange, FakeAutotask
from harness.cassettes.replay import fake_sender, replay
from harness.cli.app import app
from harness.reports.live_view import live_view
from harness.rules import check
from harness.serving.record_proxy import RecordingProxy
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS

FORMATS = (["--format", "text"], ["--format", "json"], ["--format", "junit"])
DEEP_SEARCH = "%5B" * 1200 + "%5D" * 1200


def _line(method: str, path: str, request_json: Any = None, status: int = 500, **more: Any) -> str:
    entry = {
        "method": method,
        "url": BASE + path,
        "request_headers": {"Content-Type": "application/json"},
        "request_json": request_json,
        "request_text": None,
        "status": status,
        "response_json": {"errors": ["x"]},
        "started_at": 1.0,
        "duration": 0.01,
        **more,
    }
    return json.dumps(entry)


def _check(journal: Path, *options: str) -> Any:
    result = CliRunner().invoke(
        app, ["check", str(journal), "--pack", "contract", "--pack", "resolution-workflow", *options]
    )
    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def _rule_crashes(traffic: list[Exchange]) -> list[str]:
    """Findings the net under the rules made: a rule that raised. Each should be none."""
    packs = ("contract", "resolution-workflow", "webhook-receiver")
    return [v.message for v in check(traffic, packs) if v.unjudgeable and v.rule != "unjudgeable"]


# -- the known crashes, one by one --------------------------------------------------------------------------


@pytest.mark.parametrize("body", [True, 5, None, [1], "x"], ids=["true", "5", "null", "list", "string"])
def test_a_put_whose_body_is_no_object_is_judged_in_every_format(tmp_path: Path, body: Any) -> None:
    journal = tmp_path / "journal.jsonl"
    journal.write_text(_line("PUT", "/Tickets", body) + "\n" + _line("GET", "/Tickets/1", status=404) + "\n")
    assert _rule_crashes(load_traffic(journal)) == []
    for options in FORMATS:
        result = _check(journal, *options)
        assert "unjudgeable" not in result.output  # judged, not given up on
    _check(journal, "--html", str(tmp_path / "report.html"))
    assert "#1" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("literal", ["1e999", "Infinity", "-Infinity", "NaN"])
def test_an_id_beyond_a_double_in_a_hand_made_journal_is_judged(tmp_path: Path, literal: str) -> None:
    journal = tmp_path / "journal.jsonl"
    put = _line("PUT", "/Tickets", {"id": 7, "title": "t"}, status=200).replace('"id": 7', f'"id": {literal}')
    read = _line("GET", "/Tickets/7", status=200, response_json={"item": {"id": 7, "status": 1}})
    journal.write_text(read + "\n" + put + "\n")
    traffic = load_traffic(journal)
    assert _rule_crashes(traffic) == []
    assert "NaN" not in json.dumps(traffic[1].to_dict()) or traffic[1].request_json is None
    for options in FORMATS:
        _check(journal, *options)


def test_a_search_nested_1200_levels_is_judged(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    journal.write_text(_line("GET", f"/Tickets/query?search={DEEP_SEARCH}") + "\n")
    assert _rule_crashes(load_traffic(journal)) == []
    for options in FORMATS:
        _check(journal, *options)


def test_a_fake_journal_of_odd_requests_is_read_by_the_live_view(tmp_path: Path) -> None:
    fake = FakeAutotask()
    sent = [
        ("PUT", "/Tickets", b"true"),
        ("PUT", "/Tickets", b'{"id": 1e999}'),
        ("PUT", "/Tickets", b'{"id": Infinity}'),
        ("POST", "/Tickets/query", b'{"filter": [{"op": [[[[1]]]], "field": "id"}]}'),
        ("GET", f"/Tickets/query?search={DEEP_SEARCH}", b""),
    ]
    for method, path, body in sent:
        fake.handle(ApiRequest(method, BASE + path, tuple(CREDENTIALS.items()), body))
    assert _rule_crashes(load_traffic(fake.journal)) == []
    view = live_view(fake, None)
    answer = view("live/fragment", ApiRequest("GET", "http://127.0.0.1/_harness/live/fragment", (), b""))
    assert answer is not None and answer.status == 200
    page = answer.content().decode("utf-8")
    assert f'<td id="count">{len(sent)}</td>' in page
    assert "could not show" not in page


def test_record_keeps_proxying_and_journalling_after_a_body_of_true() -> None:
    """One PUT /Tickets with the body ``true`` once made every later request through ``record`` a plain-text
    500 while the upstream answered 200."""
    upstream = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"item": {}})))
    journal = FakeAutotask().journal
    journal.clear()
    found: list[Any] = []
    proxy = RecordingProxy("https://upstream.example.invalid", upstream, journal, on_violation=found.append)

    async def go() -> list[int]:
        transport = httpx.ASGITransport(app=proxy)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9") as client:
            statuses = []
            for method, body in (("PUT", b"true"), ("GET", b""), ("PUT", b'{"id": 1}')):
                answer = await client.request(method, "/ATServicesRest/V1.0/Tickets", content=body)
                statuses.append(answer.status_code)
            return statuses

    import asyncio

    assert asyncio.run(go()) == [200, 200, 200]
    assert [e.method for e in journal] == ["PUT", "GET", "PUT"]
    assert not [v for v in found if v.unjudgeable]


# -- what no rule can read: shown in every format ------------------------------------------------------------


def _odd_journal(tmp_path: Path) -> Path:
    good = _line("GET", "/Tickets/1", status=404)
    lines = [
        good,
        good[: len(good) // 2],  # cut short
        json.dumps([1, 2]),
        _line("GET", "/Tickets/2", status="abc"),  # type: ignore[arg-type]
        _line("GET", "/Tickets/3", request_headers=["a"]),
        _line("GET", "/Tickets/4", status=2**70),
        good.replace('"status": 404', '"status": Infinity'),
        "[" * 5000 + "]" * 5000,
        _line("GET", "/Tickets/5", started_at=2**2000),  # beyond a double
        good,
    ]
    journal = tmp_path / "odd.jsonl"
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return journal


def test_lines_that_are_no_exchange_are_unjudgeable_in_every_format(tmp_path: Path) -> None:
    journal = _odd_journal(tmp_path)
    traffic = load_traffic(journal)
    assert [e.position for e in traffic if e.unjudgeable] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [e.position for e in traffic if not e.unjudgeable] == [1, 10]
    assert "line 2 is not JSON" in traffic[1].unjudgeable
    assert "status is the text" in traffic[3].unjudgeable
    assert _rule_crashes(traffic) == []
    text = _check(journal, "--format", "text").output
    assert text.count("unjudgeable") >= 8 and "#8 (unjudgeable: line 8" in text
    report = json.loads(_check(journal, "--format", "json").output)
    assert sorted(v["exchanges"][0] for v in report["violations"] if v.get("unjudgeable")) == [2, 3, 4, 5, 6, 7, 8, 9]
    junit = _check(journal, "--format", "junit").output
    assert '<testcase classname="autotask.traffic" name="unjudgeable"><error' in junit
    html = tmp_path / "report.html"
    assert _check(journal, "--html", str(html)).exit_code == 1
    assert html.read_text(encoding="utf-8").count("unjudgeable") >= 16  # each finding and each exchange


def test_a_file_with_no_journal_entry_at_all_is_still_refused(tmp_path: Path) -> None:
    journal = tmp_path / "notes.jsonl"
    journal.write_text('{"a": 1}\n[1]\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(journal)])
    assert result.exit_code == 2 and "no line is a journal entry" in result.output


def test_callouts_left_out_do_not_shift_what_the_rules_read() -> None:
    """The rules index traffic by position: leaving the fake's callouts out without renumbering made a GET
    *after* a PUT count as the read before it."""
    callout = {"method": "POST", "url": "http://receiver.invalid/hook", "status": 200, "outbound": True}
    put = {"method": "PUT", "url": BASE + "/Tickets", "request_json": {"id": 5, "title": "t"}, "status": 200}
    read = {"method": "GET", "url": BASE + "/Tickets/5", "status": 200, "response_json": {"item": {"id": 5}}}
    found = check(load_traffic([callout, callout, callout, put, read]))
    stale = [v for v in found if v.rule == "fresh-get-before-put"]
    assert [v.exchanges for v in stale] == [(4,)]


# -- verify ---------------------------------------------------------------------------------------------------


def test_verify_reports_an_interaction_it_cannot_replay(tmp_path: Path) -> None:
    request = {"method": "GET", "uri": BASE + "/Tickets/1", "body": "", "headers": {}}
    cassette = {
        "interactions": [
            {"request": request, "response": {"status": {"message": "OK"}, "body": {"string": ""}}},
            {"request": request},
            "not an interaction",
            {"request": request, "response": {"status": {"code": 404}, "body": {"json": [[[[[[1]]]]]]}}},
        ],
        "metadata": ["not", "an", "object"],
    }
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(cassette), encoding="utf-8")
    differences = replay(path, fake_sender("default", None))
    unjudgeable = [d.exchange for d in differences if d.what.startswith("unjudgeable")]
    assert unjudgeable == [1, 2, 3]
    assert {d.exchange for d in differences if not d.what.startswith("unjudgeable")} == {4}
    assert [e.position for e in load_traffic(path) if e.unjudgeable] == [1, 2, 3]


def test_verify_on_the_command_line_reports_odd_interactions_and_refuses_an_odd_seed(tmp_path: Path) -> None:
    request = {"method": "GET", "uri": BASE + "/Tickets/1", "body": "", "headers": ["not", "an", "object"]}
    cassette: dict[str, Any] = {
        "interactions": [{"request": request, "response": {"status": {"code": 404}, "body": {}}}, 5]
    }
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(cassette), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(path), "--html", str(tmp_path / "verify.html")])
    assert result.exit_code == 1, result.output
    assert "#1 $: unjudgeable: the request headers are no object" in result.output
    assert "#2 $: unjudgeable: the interaction is no JSON object" in result.output
    cassette["metadata"] = {"provenance": {"seed": [1, 2]}}
    path.write_text(json.dumps(cassette), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "refused: the cassette's seed is no snapshot the fake can load: a snapshot is" in result.output
