"""Property: every reader of traffic takes whatever journal or cassette it is handed.

Journals are made two ways: by driving a fake with the malformed requests it is fuzzed with elsewhere
(tests/test_bad_input*.py: bodies that are no object, odd number literals, deep nesting, bytes that are not
UTF-8, search= of anything) and keeping what it streamed, and by mutating the lines of a journal by hand
(cut short, a value of the wrong type, a key gone, a line that is no object). Every rule of every pack, every
``check`` format, the HTML report and the live view's rendering then run over it: no exception, every
exchange either judged or reported as unjudgeable in every format, and no rule needing the net under the
rules (``Rule.run``) to get there. Cassettes made from the same lines go through ``verify``.
"""

from __future__ import annotations

import io
import json
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from fake_server import ApiRequest, Exchange, FakeAutotask
from fake_server.exchange import strict_loads
from fake_server.sample import sample_snapshot
from harness.cassettes.replay import fake_sender, replay
from harness.reports import check as check_report
from harness.reports.live_view import live_view, traffic_html
from harness.reports.pages import check_page
from harness.rules import UNJUDGEABLE, check, rules_in
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS
from .test_bad_input import BAD_REQUESTS

PACKS = ("contract", "resolution-workflow", "webhook-receiver")
RULES = rules_in(PACKS)
KEYS = (
    "id", "title", "status", "priority", "companyID", "ticketNumber", "filter", "op", "field", "value", "items",
    "MaxRecords", "IncludeFields", "udf", "userDefinedFields", "Action", "Guid", "SequenceNumber", "Id",
)  # fmt: skip
# Literals as a client may write them: the odd number spellings the fake is fuzzed with, and plain ones.
LITERALS = (
    "NaN", "Infinity", "-Infinity", "1e999", "-1e999", str(2**70), "-0", "1.5", "5", "0", "true", "false",
    "null", '"5"', '"x"', '""', '"eq"', '"and"', '"id"', '"\\ud800"', '"T20240101.0001.001"',
)  # fmt: skip
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PATHS = (
    "/Tickets", "/Tickets/query", "/Tickets/query/count", "/Tickets/1", "/Tickets/1/Notes", "/Tickets/T1",
    "/TicketNotes", "/Companies", "/TimeEntries/query", "/tickets/QUERY", "/Tickets/1e999", "/Tickets/%EF%BF%BD",
)  # fmt: skip

json_text = st.recursive(
    st.sampled_from(LITERALS),
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]")
        | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4).map(
            lambda d: "{" + ",".join(f'"{k}":{v}' for k, v in d.items()) + "}"
        )
    ),
    max_leaves=12,
)
deep = st.integers(200, 1300).flatmap(lambda n: st.sampled_from(["[" * n + "]" * n, '{"filter":' * n + "1" + "}" * n]))
bodies = json_text | deep | st.binary(max_size=12).map(lambda b: b.decode("latin-1")) | st.just("")


def _strict(text: str) -> Any:
    return json.loads(text, parse_constant=lambda literal: (_ for _ in ()).throw(ValueError(literal)))


def read_everything(traffic: list[Exchange]) -> None:
    """Every reader over the traffic; each exchange judged, or named unjudgeable in every format."""
    unreadable = sorted(e.position for e in traffic if e.unjudgeable)
    found = check(traffic, PACKS)
    assert [v.message for v in found if v.unjudgeable and v.rule != UNJUDGEABLE] == []  # no rule needed the net
    assert sorted(v.exchanges[0] for v in found if v.rule == UNJUDGEABLE) == unreadable
    out = io.StringIO()
    check_report.text(found, traffic, RULES, Console(file=out, width=120))
    for position in unreadable:
        assert f"#{position} (unjudgeable" in out.getvalue()
    report = _strict(check_report.as_json(found, traffic))
    assert sorted(v["exchanges"][0] for v in report["violations"] if v["rule"] == UNJUDGEABLE) == unreadable
    suite = ElementTree.fromstring(check_report.junit(found, traffic, RULES, "fuzzed.jsonl"))
    assert (suite.find("testcase[@name='unjudgeable']/error") is not None) == bool(unreadable)
    page = check_page(Path("fuzzed.jsonl"), traffic, found, RULES, "default")
    (count, findings), journal = traffic_html(traffic)
    assert count == len(check(traffic)) == findings.count('<div class="finding">')  # the default packs
    for position in unreadable:
        assert f'id="w0-e{position}"><span class="dim">#{position}</span> <b class="s0">unjudgeable' in page
        assert f'id="e{position}"><span class="dim">#{position}</span> <b class="s0">unjudgeable' in journal


def _fake() -> FakeAutotask:
    fake = FakeAutotask()
    fake.load_snapshot(sample_snapshot(tickets=2))
    fake.journal.clear()
    return fake


# The fake's own bad-input cases (tests/test_bad_input.py), less the 5 MiB body, as well as generated ones.
KNOWN_BAD = [(method, path, body) for method, path, body, _ in BAD_REQUESTS if len(body) < 65536]
requests = st.tuples(
    st.sampled_from(METHODS), st.sampled_from(PATHS), bodies.map(lambda text: text.encode("utf-8", "surrogatepass"))
) | st.sampled_from(KNOWN_BAD)


@settings(max_examples=25)
@given(st.lists(requests, min_size=1, max_size=6))
def test_journals_the_fake_writes_from_malformed_requests_are_read_whole(sent: list[tuple[str, str, bytes]]) -> None:
    fake = _fake()
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.jsonl"
        fake.journal.stream_to(journal)
        for method, path, body in sent:
            if method == "GET" and path.lower().endswith(("query", "count")):
                path, body = f"{path}?search={quote_from_bytes(body)}", b""
            fake.handle(ApiRequest(method, BASE + path, tuple(CREDENTIALS.items()), body))
        fake.journal.close()
        text = journal.read_text(encoding="utf-8")
        for line in text.splitlines():
            _strict(line)  # strict JSON, as Node's JSON.parse reads it
        traffic = load_traffic(journal)
    assert len(traffic) == len(sent) and not [e for e in traffic if e.unjudgeable]
    read_everything(traffic)
    read_everything(load_traffic(fake.journal))  # the live view reads the journal in memory
    answer = live_view(fake, None)(
        "live/fragment", ApiRequest("GET", "http://127.0.0.1/_harness/live/fragment", (), b"")
    )
    assert answer is not None and answer.status == 200
    assert f'<td id="count">{len(sent)}</td>' in answer.content().decode("utf-8")


def _session() -> list[str]:
    """A realistic journal to mutate: a query, a read, a full PUT, a note, a status change."""
    fake = _fake()
    ticket = fake.export_snapshot()["Tickets"][0]
    headers = (*CREDENTIALS.items(), ("Content-Type", "application/json"))
    for method, path, body in (
        (
            "POST",
            "/Tickets/query",
            {"filter": [{"op": "eq", "field": "ticketNumber", "value": ticket["ticketNumber"]}]},
        ),
        ("GET", f"/Tickets/{ticket['id']}", None),
        ("PUT", "/Tickets", {**ticket, "title": "changed"}),
        ("POST", f"/Tickets/{ticket['id']}/Notes", {"title": "n", "description": "d", "noteType": 1, "publish": 1}),
        ("POST", "/TimeEntries/query", {"filter": [{"op": "eq", "field": "ticketID", "value": ticket["id"]}]}),
        ("PATCH", "/Tickets", {"id": ticket["id"], "status": 5}),
    ):
        fake.handle(ApiRequest(method, BASE + path, headers, json.dumps(body).encode() if body else b""))
    return [json.dumps(entry.to_dict()) for entry in fake.journal]


SESSION = _session()
ENTRY_KEYS = (
    "method",
    "url",
    "request_headers",
    "request_json",
    "request_text",
    "status",
    "response_json",
    "started_at",
)
mutation = st.one_of(
    st.tuples(st.just("cut"), st.floats(0.0, 1.0)),
    st.tuples(st.just("set"), st.sampled_from(ENTRY_KEYS), json_text),
    st.tuples(st.just("set-in-body"), st.sampled_from(KEYS), json_text),
    st.tuples(st.just("drop"), st.sampled_from(ENTRY_KEYS)),
    st.tuples(st.just("replace"), json_text | deep),
)


def _mutated(line: str, change: tuple[Any, ...]) -> str:
    kind = change[0]
    if kind == "cut":
        return line[: int(len(line) * change[1])]
    if kind == "replace":
        return str(change[1])
    try:
        entry = json.loads(line)
    except (ValueError, RecursionError):
        entry = None
    if not isinstance(entry, dict):  # a line an earlier change broke: only cut or replaced
        return line
    if kind == "drop":
        entry.pop(change[1], None)
        return json.dumps(entry)
    placeholder = "\u0000odd\u0000"
    if kind == "set":
        entry[change[1]] = placeholder
    elif isinstance(entry.get("request_json"), dict):
        entry["request_json"][change[1]] = placeholder
    return json.dumps(entry).replace(json.dumps(placeholder), str(change[2]))


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(0, len(SESSION) - 1), mutation), min_size=1, max_size=4))
def test_journals_mutated_by_hand_are_read_whole(changes: list[tuple[int, tuple[Any, ...]]]) -> None:
    lines = list(SESSION)
    for index, change in changes:
        lines[index] = _mutated(lines[index], change)
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.jsonl"
        journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            traffic = load_traffic(journal)
        except ValueError as refused:  # only a file none of whose lines is an entry: not traffic at all
            assert "no line is a journal entry" in str(refused)
            return
        for exchange in traffic:
            json.dumps(exchange.to_dict(), allow_nan=False)  # what /_harness/journal would write is strict
        read_everything(traffic)
        read_everything(load_traffic([_loose(line) for line in lines]))  # /_harness/journal's dicts, or anything
        cassette = Path(folder) / "session.json"
        cassette.write_text(json.dumps({"interactions": [_interaction(line) for line in lines]}), encoding="utf-8")
        replay(cassette, fake_sender("default", None))  # verify: differences, never an exception
        read_everything(load_traffic(cassette))


def _loose(line: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return line


def _interaction(line: str) -> Any:
    """A journal line as a cassette interaction, shaped as well as the line allows (a broken line stays text)."""
    try:
        entry = strict_loads(line)
    except (ValueError, RecursionError):
        return line
    if not isinstance(entry, dict):
        return entry
    body = entry.get("request_json")
    return {
        "request": {
            "method": entry.get("method"),
            "uri": entry.get("url"),
            "headers": entry.get("request_headers"),
            "body": json.dumps(body) if body is not None else entry.get("request_text"),
        },
        "response": {"status": {"code": entry.get("status")}, "body": {"json": entry.get("response_json")}},
    }
