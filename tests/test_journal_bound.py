"""A bounded in-memory journal (``serve --journal-keep``): the latest exchanges held, the older counted as
dropped and said to be by every reader of it, the streamed file still complete, memory flat past the bound."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server import FakeAutotask, Limits
from fake_server.journal import SERVED_KEEP, Journal

from .conftest import BASE, CREDENTIALS
from .serve_process import harness_process, run_harness


def _fake(keep: int | None) -> FakeAutotask:
    fake = FakeAutotask(limits=Limits.off())
    fake.journal.limit(keep)
    return fake


def test_a_bounded_journal_holds_the_latest_and_numbers_them_as_recorded(tmp_path: Path) -> None:
    fake = _fake(3)
    stream = tmp_path / "all.jsonl"
    fake.journal.stream_to(stream)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        for company in range(5):
            http.get(f"{BASE}/Companies/{company}")
    journal = fake.journal
    assert (len(journal), journal.dropped, journal.total, journal.keep) == (3, 2, 5, 3)
    assert [e.position for e in journal] == [3, 4, 5]
    assert [e.url.rsplit("/", 1)[1] for e in journal] == ["2", "3", "4"]
    assert (journal[0].position, journal[-1].position, journal[-1].url) == (3, 5, f"{BASE}/Companies/4")
    with pytest.raises(IndexError):
        journal[3]
    lines = [json.loads(line) for line in stream.read_text("utf-8").splitlines()]
    assert [line["url"].rsplit("/", 1)[1] for line in lines] == ["0", "1", "2", "3", "4"]  # the file: all


def test_the_bound_can_be_set_on_a_full_journal_and_lifted() -> None:
    fake = _fake(None)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        for company in range(6):
            http.get(f"{BASE}/Companies/{company}")
        fake.journal.limit(2)
        assert [e.position for e in fake.journal] == [5, 6] and fake.journal.dropped == 4
        http.get(f"{BASE}/Companies/6")
        fake.journal.limit(None)
        http.get(f"{BASE}/Companies/7")
    assert [e.position for e in fake.journal] == [6, 7, 8] and fake.journal.total == 8
    fake.journal.clear()
    assert (len(fake.journal), fake.journal.dropped, fake.journal.total) == (0, 0, 0)
    with pytest.raises(ValueError, match="0 or more"):
        Journal(keep=-1)


def test_what_the_journal_remembers_stays_bounded_past_the_bound() -> None:
    # Rows are a ring; the URLs, bodies and answers remembered for sharing are forgotten once a turn, so a
    # client sending a new URL and body each time grows nothing past the bound.
    fake = _fake(50)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        for n in range(400):
            http.post(f"{BASE}/Tickets/query?n={n}", json={"filter": [{"op": "eq", "field": "id", "value": n}]})
    journal = fake.journal
    assert len(journal) == 50 and journal.total == 400
    remembered = (journal._bodies, journal._clean_bodies, journal._urls, journal._scanned)
    assert all(len(kept) <= 2 * 50 for kept in remembered), [len(kept) for kept in remembered]
    assert len(journal._rows_held) == 50 and len(journal._kinds) <= 2 * 50


def test_the_in_process_fake_holds_every_exchange_by_default() -> None:
    # Tests read an in-process fake's journal whole: no bound unless one is asked for.
    assert FakeAutotask().journal.keep is None and SERVED_KEEP > 0


def test_serve_keeps_its_bound_and_every_reader_says_what_was_dropped(tmp_path: Path) -> None:
    stream = tmp_path / "journal.jsonl"
    process, base, _ = harness_process(
        "serve", "--port", "0", "--no-limits", "--state-api", "--journal", str(stream), "--journal-keep", "3"
    )
    root = base.split("/ATServicesRest")[0]
    try:
        for company in range(5):
            assert httpx.get(f"{base}/Companies/{company}", headers=CREDENTIALS).status_code in (200, 404)
        held = httpx.get(f"{root}/_harness/journal").json()
        fragment = httpx.get(f"{root}/_harness/live/fragment").text
    finally:
        process.send_signal(signal.SIGINT)
        printed, _ = process.communicate(timeout=30)
    assert (len(held["exchanges"]), held["dropped"], held["keep"]) == (3, 2, 3)
    assert "The 2 oldest exchanges were dropped from memory" in fragment and '<td id="count">5</td>' in fragment
    assert "stopped after 5 exchanges" in printed
    assert len(stream.read_text("utf-8").splitlines()) == 5


def test_serve_refuses_a_negative_bound_in_one_line() -> None:
    result = run_harness("serve", "--journal-keep", "-1")
    assert result.returncode == 2 and "--journal-keep" in result.stderr + result.stdout


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["record", "limit"]), st.integers(0, 7)), max_size=25))
def test_the_ring_holds_what_a_list_cut_to_the_bound_would(steps: list[tuple[str, int]]) -> None:
    # ("record", n): record n callouts; ("limit", k): hold the latest k (0: all).
    journal, held, total, keep = Journal(), list[int](), 0, 0
    for action, step in steps:
        if action == "record":
            for _ in range(step):
                total += 1
                journal.record_outbound(f"http://h/{total}", (), b"", 200, b"", 0.0, 0.0)
                held.append(total)
        else:
            keep = step
            journal.limit(step)
        held = held[-keep:] if keep else held  # what is dropped stays dropped, whatever the bound later
        assert [int(e.url.rsplit("/", 1)[1]) for e in journal] == [e.position for e in journal] == held
        assert journal.dropped == total - len(held) and journal.total == total
