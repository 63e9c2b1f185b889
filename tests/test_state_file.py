"""``serve --state FILE``: tenants survive a restart; a torn or foreign file is refused, never loaded."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from fake_server import FakeAutotask
from harness.serving.state_file import SINGLE, StateRefused, read_state, write_state

from .serve_process import run_harness, serve_process
from .tenant_worker import credentials

HEADERS = credentials(0)


def _ticket(base: str, title: str, headers: dict[str, str] = HEADERS) -> int:
    answer = httpx.post(
        f"{base}/Tickets", headers=headers, json={"companyID": 0, "title": title, "status": 1, "priority": 2}
    )
    answer.raise_for_status()
    ticket: int = answer.json()["itemId"]
    return ticket


def _title(base: str, ticket: int, headers: dict[str, str] = HEADERS) -> str | None:
    item = httpx.get(f"{base}/Tickets/{ticket}", headers=headers).json()["item"]
    return None if item is None else str(item["title"])


def _stop(process: subprocess.Popen[str], how: signal.Signals) -> str:
    process.send_signal(how)
    out, _ = process.communicate(timeout=30)
    return out


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_serve_writes_its_state_and_a_restart_reads_it_back(tmp_path: Path, how: signal.Signals) -> None:
    state = tmp_path / "state.json"
    process, base, _ = serve_process("--state", str(state), "--state-interval", "0")
    ticket = _ticket(base, "kept across a restart")
    out = _stop(process, how)
    assert process.returncode == 0 and f"state written to {state}" in " ".join(out.split())
    assert read_state(state) is not None
    process, base, printed = serve_process("--state", str(state))
    try:
        assert "1 tenant read from" in "".join(printed)
        assert _title(base, ticket) == "kept across a restart"
        assert _ticket(base, "the next one") == ticket + 1  # ids go on from the stored ones
    finally:
        _stop(process, signal.SIGTERM)


def test_after_kill_9_the_state_loses_at_most_one_interval(tmp_path: Path) -> None:
    state, interval = tmp_path / "state.json", 0.2
    process, base, _ = serve_process("--state", str(state), "--state-interval", str(interval))
    created: list[tuple[float, int]] = []
    started = time.monotonic()
    while time.monotonic() - started < 1.5:
        created.append((time.monotonic(), _ticket(base, f"ticket {len(created)}")))
    process.kill()
    killed = time.monotonic()
    process.communicate(timeout=30)
    stored = read_state(state)  # whole and valid, whatever moment the kill came at
    assert stored is not None
    kept = {row["id"] for row in stored[SINGLE].get("Tickets", [])}
    # One interval, plus one for the write itself on this shared machine: older tickets are all on disk.
    lost = [ticket for at, ticket in created if at < killed - 2 * interval and ticket not in kept]
    assert lost == [] and len(created) > 10
    process, base, _ = serve_process("--state", str(state))
    try:
        first = created[0][1]
        assert _title(base, first) == "ticket 0"
    finally:
        _stop(process, signal.SIGTERM)


def test_tenants_by_credentials_are_kept_each_under_its_own_key(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    other = credentials(1)
    args = ("--state", str(state), "--tenants", "by-credentials", "--state-interval", "0")
    process, base, _ = serve_process(*args)
    mine, theirs = _ticket(base, "mine"), _ticket(base, "theirs", other)
    _stop(process, signal.SIGTERM)
    process, base, printed = serve_process(*args)
    try:
        assert "2 tenants read from" in "".join(printed)
        assert _title(base, mine) == "mine" and _title(base, theirs, other) == "theirs"
        assert mine == theirs  # separate stores, each numbering from the start
    finally:
        _stop(process, signal.SIGTERM)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"format": "autotask-harness-state", "version": 1, "sha', "not a whole state file"),
        ('{"Tickets": [{"id": 1}]}', "not an autotask-harness state file"),
        ("\xff\xfe garbage", "not a whole state file"),
    ],
)
def test_a_torn_or_foreign_state_file_is_refused_at_start(tmp_path: Path, content: str, says: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content, encoding="latin-1")
    with pytest.raises(StateRefused, match=says):
        read_state(state)
    done = _refused_serve(state)
    assert done.returncode == 2 and says in " ".join(done.stderr.split()), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert state.read_text(encoding="latin-1") == content  # left as it was, for the user to look at


def test_a_state_file_changed_after_writing_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    fake = FakeAutotask()
    fake.seed("Tickets", {"id": 7, "companyID": 0, "title": "as written"})
    write_state(state, {SINGLE: fake.export_snapshot()})
    assert read_state(state) is not None
    state.write_text(state.read_text().replace("as written", "edited"))
    with pytest.raises(StateRefused, match="does not match its own digest"):
        read_state(state)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_state_file_with_a_bare_nan_or_infinity_is_refused_even_with_a_matching_digest(
    tmp_path: Path, literal: str
) -> None:
    """What the fake writes is strict JSON; Python's reader takes these literals, and Python's digest of the
    float it makes of them matches, so only a strict read keeps such a file out."""
    state = tmp_path / "state.json"
    tenants = {SINGLE: {"Tickets": [{"id": 7, "estimatedHours": float(literal)}]}}
    canonical = json.dumps(tenants, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    document = {
        "format": "autotask-harness-state",
        "version": 1,
        "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
        "tenants": tenants,
    }
    state.write_text(json.dumps(document))
    assert literal in state.read_text()
    with pytest.raises(StateRefused, match=f"not strict JSON \\({re.escape(literal)} is no JSON number"):
        read_state(state)


def test_the_state_writer_writes_strict_json_or_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with pytest.raises(ValueError):
        write_state(state, {SINGLE: {"Tickets": [{"id": 7, "estimatedHours": float("nan")}]}})
    assert not state.exists()


def test_the_state_is_written_by_rename_never_in_place(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    write_state(state, {SINGLE: {}})
    before = state.stat().st_ino
    write_state(state, {SINGLE: {"Tickets": []}})
    assert state.stat().st_ino != before  # a new file renamed over the old: readers never see half of one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary left behind
    assert json.loads(state.read_text())["tenants"] == {SINGLE: {"Tickets": []}}


def _refused_serve(state: Path) -> subprocess.CompletedProcess[str]:
    return run_harness("serve", "--port", "0", "--state", str(state), timeout=60)
