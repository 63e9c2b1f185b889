"""Strict JSON in and out: the fake reads number literals as Json.NET on .NET Framework does (no NaN, no
infinity, nothing beyond a double), and everything the project writes is RFC 8259 JSON, which Node's
``JSON.parse`` reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from fake_server import ApiRequest, FakeAutotask
from harness.cassettes.vcr import ReadableJson
from harness.cli.app import app

from .conftest import BASE, CREDENTIALS, ticket_body

PYTHON_SPELLINGS = ("'inf'", "'-inf'", "'nan'", "inf'", "nan'")
JSON_HEADERS = (*CREDENTIALS.items(), ("Content-Type", "application/json"))


def _strict(text: str) -> Any:
    """``json.loads`` as strict as Node's ``JSON.parse``: a bare NaN or Infinity is an error."""

    def refuse(literal: str) -> Any:
        raise ValueError(f"{literal} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _send(fake: FakeAutotask, method: str, path: str, body: bytes = b"") -> Any:
    answer = fake.handle(ApiRequest(method, BASE + path, JSON_HEADERS, body))
    return answer.status, answer.body


@pytest.mark.parametrize(
    ("literal", "said"),
    [
        ("NaN", "Cannot read NaN value."),
        ("Infinity", "Cannot read Infinity value."),
        ("-Infinity", "Cannot read -Infinity value."),
        ("1e999", "Input string '1e999' is not a valid number."),
        ("-1.5E+400", "Input string '-1.5E+400' is not a valid number."),
    ],
)
def test_non_finite_numbers_in_a_body_are_refused_as_json_net_reads_them(
    fake: FakeAutotask, ticket_id: int, literal: str, said: str
) -> None:
    before = fake.snapshot()
    for method, path, body in (
        ("PUT", "/Tickets", f'{{"id": {ticket_id}, "priority": {literal}}}'),
        ("POST", "/Tickets", json.dumps(ticket_body(0)).replace('"priority": 2', f'"priority": {literal}')),
        ("POST", "/Tickets/query", f'{{"filter": [{{"op": "eq", "field": "id", "value": {literal}}}]}}'),
    ):
        status, answer = _send(fake, method, path, body.encode())
        assert status == 500
        assert answer == {
            "errors": [f"The {'query' if 'query' in path else 'request body'} could not be parsed as JSON: {said}"]
        }
    assert fake.snapshot() == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_in_search_are_refused_in_json_spelling(fake: FakeAutotask, literal: str) -> None:
    search = quote(f'{{"filter": [{{"op": "gt", "field": "id", "value": {literal}}}]}}')
    status, answer = _send(fake, "GET", f"/Tickets/query?search={search}")
    assert status == 500 and literal in answer["errors"][0]
    assert not any(python in answer["errors"][0] for python in PYTHON_SPELLINGS)


def test_an_id_beyond_int64_is_refused_by_its_field_not_by_the_reader(fake: FakeAutotask, ticket_id: int) -> None:
    status, answer = _send(fake, "PUT", "/Tickets", f'{{"id": {2**70}, "title": "x"}}'.encode())
    assert status == 500
    assert answer["errors"] == [
        f"Unable to convert value '{2**70}' of field 'id' to type long: it is outside the range "
        "-9223372036854775808 to 9223372036854775807."
    ]


FUZZ_BODIES = [
    b'{"id": NaN}',
    b'{"id": Infinity, "title": -Infinity}',
    b'{"id": 1e999}',
    b"[NaN, 1e400, -1e400]",
    b'{"filter": [{"op": "eq", "field": "id", "value": NaN}]}',
    b"true",
    b"5",
    b'{"id": 1180591620717411303424}',
    b"[" * 300 + b"NaN" + b"]" * 300,
]


def _fuzzed_journal(tmp_path: Path) -> Path:
    """A journal the fake streamed while taking bodies with every odd number literal, at every place."""
    fake = FakeAutotask()
    journal = tmp_path / "journal.jsonl"
    fake.journal.stream_to(journal)
    for body in FUZZ_BODIES:
        for method, path in (("PUT", "/Tickets"), ("POST", "/Tickets/query"), ("POST", "/Companies")):
            _send(fake, method, path, body)
        search = quote(body.decode())
        _send(fake, "GET", f"/Tickets/query?search={search}")
    fake.journal.close()
    return journal


def test_every_line_the_fake_writes_from_fuzzed_input_is_strict_json(tmp_path: Path) -> None:
    journal = _fuzzed_journal(tmp_path)
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(FUZZ_BODIES) * 4
    for line in lines:
        entry = _strict(line)
        assert not any(python in json.dumps(entry["response_json"]) for python in PYTHON_SPELLINGS), line
    # The body the fake could not read strictly is kept as the text that came.
    first = _strict(lines[0])
    assert first["request_json"] is None and first["request_text"] == '{"id": NaN}'


def test_check_writes_strict_json_about_a_journal_of_non_finite_numbers(tmp_path: Path) -> None:
    journal = tmp_path / "hand-made.jsonl"
    journal.write_text(
        json.dumps({"method": "PUT", "url": BASE + "/Tickets", "request_json": {"id": 5, "priority": 1}, "status": 200})
        .replace('"priority": 1', '"priority": NaN')
        .replace('"id": 5', '"id": Infinity')
        + "\n"
        + '{"method": "GET", "url": "'
        + BASE
        + '/Tickets/5", "status": 200, "started_at": NaN}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(journal), "--format", "json"])
    assert result.exit_code == 1
    report = _strict(result.output)
    assert [v["exchanges"] for v in report["violations"] if v.get("unjudgeable")] == [[2]]


def test_a_cassette_holding_a_non_finite_body_is_written_strict() -> None:
    cassette = {
        "interactions": [
            {
                "request": {"method": "PUT", "uri": BASE + "/Tickets", "body": b'{"id": NaN}', "headers": {}},
                "response": {"status": {"code": 500}, "headers": {}, "body": {"string": b'{"x": 1e999}'}},
            }
        ]
    }
    written = ReadableJson.serialize(cassette)
    stored = _strict(written)["interactions"][0]
    assert stored["request"]["body"] == {"string": '{"id": NaN}'}
    assert stored["response"]["body"] == {"string": '{"x": 1e999}'}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the Python strict reader stands in")
def test_node_reads_every_line_of_a_fuzzed_journal(tmp_path: Path) -> None:
    journal = _fuzzed_journal(tmp_path)
    script = (
        "const lines = require('fs').readFileSync(process.argv[1], 'utf8').split('\\n').filter(Boolean);"
        "lines.forEach((line) => JSON.parse(line)); console.log(lines.length);"
    )
    done = subprocess.run(["node", "-e", script, str(journal)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(FUZZ_BODIES) * 4
