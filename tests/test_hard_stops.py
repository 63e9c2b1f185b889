"""``autotask-harness serve --journal`` stopped every way it gets stopped: SIGTERM and SIGINT keep every answered
exchange and print the summary; SIGKILL under load loses no acknowledged answer; a restarted serve mends the
line a killed one tore, so every line of the file parses."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from fake_server import FakeAutotask, Journal
from fake_server.http_types import ApiRequest, ApiResponse

from .serve_process import serve_process

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"UserName": "api@example.invalid", "Secret": "s", "ApiIntegrationCode": "c"}


def _serve(journal: Path, *args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    return serve_process("--journal", str(journal), *args)


def _lines(journal: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in journal.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_keeps_every_answered_exchange_in_order_and_prints_the_summary(
    tmp_path: Path, stop: signal.Signals
) -> None:
    journal = tmp_path / "journal.jsonl"
    process, base, _ = _serve(journal)
    try:
        with httpx.Client(headers=HEADERS) as http:
            urls = [f"{base}/Tickets/{n}" for n in range(1, 31)]
            assert all(http.get(url).status_code == 200 for url in urls)
    finally:
        process.send_signal(stop)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert [line["url"] for line in _lines(journal)] == urls
    assert f"stopped after 30 exchanges; journal in {journal}" in output
    assert "Traceback" not in output


def _load(base: str, answered: list[str], stop: threading.Event, worker: int) -> None:
    """Send GETs of distinct URLs until the server dies, noting each URL whose answer arrived."""
    n = 0
    with httpx.Client(headers=HEADERS, timeout=5) as http:
        while not stop.is_set():
            n += 1
            url = f"{base}/Tickets/{worker * 1_000_000 + n}"
            try:
                if http.get(url).status_code == 200:
                    answered.append(url)
            except httpx.HTTPError:
                return


def test_kill_9_under_load_loses_no_acknowledged_exchange_and_a_restart_mends_the_file(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    process, base, _ = _serve(journal)
    answered: list[str] = []
    stop = threading.Event()
    workers = [threading.Thread(target=_load, args=(base, answered, stop, w)) for w in range(8)]
    for worker in workers:
        worker.start()
    time.sleep(2)
    process.kill()  # SIGKILL, mid-load: no handler runs
    process.wait(timeout=10)
    stop.set()
    for worker in workers:
        worker.join(timeout=10)
    acknowledged = list(answered)
    text = journal.read_text("utf-8")
    complete = text if text.endswith("\n") else text[: text.rfind("\n") + 1]
    journalled = [json.loads(line)["url"] for line in complete.splitlines()]
    assert len(acknowledged) > 50, "the load never got going"
    # Every answer a client received was journalled before it was sent; at most one answer per connection
    # was journalled but not yet received when the process died.
    assert set(acknowledged) <= set(journalled)
    assert len(journalled) - len(acknowledged) <= len(workers)
    print(
        f"kill -9 after {len(acknowledged)} acknowledged answers: {len(journalled)} journal lines, "
        f"{len(text) - len(complete)} bytes torn"
    )

    # A serve appending to the same file starts on a fresh line: every line parses, the old ones kept.
    restarted, base, _ = _serve(journal)
    try:
        httpx.get(f"{base}/Tickets/1", headers=HEADERS)
    finally:
        restarted.send_signal(signal.SIGTERM)
        output, _ = restarted.communicate(timeout=20)
    assert "stopped after 1 exchange" in output
    assert [line["url"] for line in _lines(journal)] == [*journalled, f"{base}/Tickets/1"]


def test_a_restarted_serve_cuts_a_torn_last_line_off_and_says_so(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    kept = json.dumps({"method": "GET", "url": "http://127.0.0.1:1/ATServicesRest/V1.0/Companies/0", "status": 200})
    torn = '{"method": "GET", "url": "http://127.0.0.1:1/ATServicesRest/V1.0/Tick'
    journal.write_text(f"{kept}\n{kept}\n{torn}", encoding="utf-8")
    process, base, printed = _serve(journal)
    try:
        httpx.get(f"{base}/Companies/0", headers=HEADERS)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert f"cut its {len(torn)} bytes off" in "".join(printed)
    lines = _lines(journal)
    assert len(lines) == 3 and lines[2]["url"] == f"{base}/Companies/0" and "stopped after 1 exchange" in output


def _record(journal: Journal, n: int = 1) -> None:
    request = ApiRequest("GET", "http://127.0.0.1:1/ATServicesRest/V1.0/Companies/0", (("UserName", "u"),))
    for _ in range(n):
        journal.record(request, ApiResponse(200, {"item": {"id": 0}}), 0.0, 0.0)


def test_a_last_line_that_parses_but_lacks_its_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}', encoding="utf-8")
    journal = Journal()
    assert journal.stream_to(path) == 0
    _record(journal)
    journal.close()
    assert [next(iter(line)) for line in _lines(path)] == ["a", "b", "method"]


def test_lines_reach_the_file_as_they_are_recorded_and_split_only_where_they_end(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    fake = FakeAutotask()
    fake.journal.stream_to(path)
    fake.seed("Tickets", {"companyID": 0, "title": "line\u2028separator\x85and\u2029more", "status": 1, "priority": 2})
    with fake.mock(), httpx.Client(headers=HEADERS) as http:
        http.get(
            "https://webservices19.autotask.net/ATServicesRest/V1.0/Tickets/query?search="
            + json.dumps({"filter": [{"op": "exist", "field": "id"}]})
        )
    # Not closed: what a killed process would leave, and every line splits where the record ends.
    (line,) = _lines(path)
    assert line["response_json"]["items"][0]["title"] == "line\u2028separator\x85and\u2029more"  # type: ignore[index]
    fake.journal.close()
