"""Seeds, snapshots and state files are checked as a write's body is, whole, before any record is stored.

What the API would refuse in a write (an unknown entity or field, a value its type cannot hold, a record that
is no object) and what no write can store (a lone surrogate, two records with one id) is refused at load,
naming the file, the entity, the record and the field: ``SnapshotRefused`` in Python, the API's error
envelope from ``/_harness/seed``, one or two lines and exit 2 from ``serve --seed``, ``serve --state`` and
``record --seed``. Nothing of a refused snapshot is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.seed_check import SnapshotRefused
from fake_server.tenancy import TenantsByCredentials
from harness.serving.seeding import SeedRefused, load_seed
from harness.serving.server import ServedFake, tenant_maker
from harness.serving.state_file import SINGLE, StateRefused, read_state, restore_served, write_state

from .serve_process import run_harness

GOOD = {"id": 41, "companyID": 0, "title": "good", "status": 1, "priority": 2}

# Each bad snapshot puts a good record first, so a half-load would show, and says what the refusal names:
# (entity, record, field, words of the reason).
BAD: dict[str, tuple[Any, tuple[str, ...]]] = {
    "unknown entity": ({"Tickets": [GOOD], "Tickettes": [{"id": 1}]}, ("Tickettes", "no entity")),
    "unknown field": ({"Tickets": [GOOD, {"id": 42, "colour": "red"}]}, ("Tickets", "record 2", "colour")),
    "wrong type": ({"Tickets": [GOOD, {"id": 42, "priority": "high"}]}, ("record 2", "field priority", "high")),
    "non-integer id": ({"Tickets": [GOOD, {"id": "seven"}]}, ("record 2", "field id", "seven")),
    "fractional id": ({"Tickets": [GOOD, {"id": 4.5}]}, ("record 2", "field id")),
    "id beyond Int64": ({"Tickets": [GOOD, {"id": 2**70}]}, ("record 2", "field id", "outside the range")),
    "integer beyond Int32": ({"Tickets": [GOOD, {"id": 42, "priority": 2**31}]}, ("field priority", "range")),
    "record not an object": ({"Tickets": [GOOD, [42]]}, ("Tickets", "record 2", "JSON object")),
    "records not an array": ({"Tickets": [GOOD], "Companies": {"id": 1}}, ("Companies", "array")),
    "duplicate ids": ({"Tickets": [GOOD, {**GOOD, "title": "again"}]}, ("record 2", "field id", "id 41 is taken")),
    "lone surrogate": ({"Tickets": [GOOD, {**GOOD, "id": 42, "title": "a\ud800b"}]}, ("field title", "surrogate")),
    "lone surrogate in a UDF": (
        {"Tickets": [GOOD, {"id": 42, "userDefinedFields": [{"name": "x\udc00", "value": 1}]}]},
        ("record 2", "user-defined field"),
    ),
    "too long for its field": ({"Tickets": [GOOD, {"id": 42, "title": "t" * 300}]}, ("field title", "at most")),
    "not a snapshot": ([GOOD], ("JSON object mapping entity names",)),
}


def _stored(fake: FakeAutotask) -> dict[str, Any]:
    return fake.snapshot()


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_snapshot_is_refused_whole_naming_where(case: str) -> None:
    snapshot, says = BAD[case]
    fake = FakeAutotask()
    before = _stored(fake)
    with pytest.raises(SnapshotRefused) as refused:
        fake.load_snapshot(snapshot)
    assert all(word in str(refused.value) for word in says), str(refused.value)
    str(refused.value).encode("utf-8")  # the message itself can be answered: no lone surrogate echoed
    assert _stored(fake) == before  # not one record of it, not even the good one before the fault


def test_a_seed_record_without_an_id_is_given_one_as_a_create_is() -> None:
    fake = FakeAutotask()
    fake.load_snapshot({"Tickets": [GOOD, {"companyID": 0, "title": "numbered by the fake"}]})
    assert [t["title"] for t in fake.records("Tickets")] == ["good", "numbered by the fake"]
    assert fake.records("Tickets")[1]["id"] == 42


def test_a_kept_record_without_an_id_is_refused_on_restore() -> None:
    fake = FakeAutotask()
    fake.load_snapshot({"Tickets": [GOOD]})
    before = _stored(fake)
    with pytest.raises(SnapshotRefused, match="Tickets, record 1, field id: a kept record needs its id"):
        fake.restore_snapshot({"Tickets": [{"title": "no id"}]})
    assert _stored(fake) == before  # checked before the tenant was emptied


def test_the_state_api_seed_refuses_in_the_api_envelope_and_loads_nothing() -> None:
    fake = FakeAutotask()
    before = _stored(fake)
    with ServedFake(fake, state_api=True) as served:
        for case in ("unknown field", "lone surrogate", "duplicate ids", "id beyond Int64"):
            snapshot, says = BAD[case]
            body = json.dumps(snapshot).encode()  # ensure_ascii: the lone surrogate travels as \ud800
            answer = httpx.post(f"{served.root_url}/_harness/seed", content=body)
            assert answer.status_code == 400, answer.text
            (message,) = answer.json()["errors"]
            assert "nothing of it loaded" in message and all(word in message for word in says), message
        assert _stored(fake) == before


def test_a_lone_surrogate_in_an_api_write_is_stored_as_u_fffd_and_reads_back() -> None:
    """A request body's lone surrogate escape is read as U+FFFD, as Newtonsoft reads it: the stored record
    stays readable (the seed path is where an unreadable record could come from)."""
    fake = FakeAutotask()
    with ServedFake(fake) as served:
        headers = {"ApiIntegrationCode": "CODE", "UserName": "user@example.invalid", "Secret": "s"}
        body = b'{"companyID": 0, "title": "a\\ud800b", "status": 1, "priority": 2}'
        made = httpx.post(f"{served.base_url}/Tickets", content=body, headers=headers)
        assert made.status_code == 200, made.text
        read = httpx.get(f"{served.base_url}/Tickets/{made.json()['itemId']}", headers=headers)
        assert read.status_code == 200 and read.json()["item"]["title"] == "a\ufffdb"
    with pytest.raises(ValueError, match="surrogate"):
        fake.seed("Tickets", {"companyID": 0, "title": "a\ud800b"})  # a Python caller's raw surrogate


# -- files: serve --seed, record --seed, serve --state ----------------------------------------------


def _seed_file(tmp_path: Path, snapshot: Any) -> Path:
    path = tmp_path / "tenant.json"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    return path


FILE_FAULTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "a directory": (lambda tmp: tmp, "is a directory"),
    "missing": (lambda tmp: tmp / "absent.json", "does not exist"),
    "not JSON": (lambda tmp: _write(tmp / "t.json", b"{'Tickets': []}"), "is not JSON"),
    "not UTF-8": (lambda tmp: _write(tmp / "t.json", b"\xff\xfe{}"), "not UTF-8"),
    "NaN": (lambda tmp: _write(tmp / "t.json", b'{"Tickets": [{"id": NaN}]}'), "not strict JSON"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fault", list(FILE_FAULTS))
def test_load_seed_refuses_a_file_it_cannot_read_naming_it(fault: str, tmp_path: Path) -> None:
    make, says = FILE_FAULTS[fault]
    path = make(tmp_path)
    fake = FakeAutotask()
    with pytest.raises(SeedRefused, match=says) as refused:
        load_seed(fake, str(path))
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("case", ["unknown field", "lone surrogate", "duplicate ids", "id beyond Int64"])
def test_load_seed_names_the_file_entity_record_and_field(case: str, tmp_path: Path) -> None:
    snapshot, says = BAD[case]
    path = _seed_file(tmp_path, snapshot)
    fake = FakeAutotask()
    before = _stored(fake)
    with pytest.raises(SeedRefused) as refused:
        load_seed(fake, str(path))
    assert str(refused.value).startswith(f"{path}: Tickets, record 2")
    assert all(word in str(refused.value) for word in says)
    assert _stored(fake) == before


def _short_refusal(done: Any, *names: str) -> None:
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, output
    assert "Traceback" not in output and len((done.stdout + done.stderr).strip().splitlines()) <= 3, output
    assert all(name in output for name in names), output


@pytest.mark.parametrize("tenants", ["one", "by-credentials"])
def test_serve_refuses_a_bad_seed_at_start_with_exit_2(tenants: str, tmp_path: Path) -> None:
    path = _seed_file(tmp_path, BAD["lone surrogate"][0])
    done = run_harness("serve", "--port", "0", "--tenants", tenants, "--seed", str(path), timeout=60)
    _short_refusal(done, "tenant.json", "Tickets, record 2 (id 42), field title", "surrogate")


def test_serve_refuses_a_seed_directory_with_exit_2(tmp_path: Path) -> None:
    done = run_harness("serve", "--port", "0", "--seed", str(tmp_path), timeout=60)
    _short_refusal(done, str(tmp_path), "is a directory")


def test_record_refuses_a_seed_that_is_no_snapshot_with_exit_2(tmp_path: Path) -> None:
    path = _write(tmp_path / "seed.json", b"[1, 2]")
    done = run_harness(
        "record", "--upstream", "http://127.0.0.1:9", "--out", str(tmp_path / "out"), "--seed", str(path)
    )
    _short_refusal(done, "seed.json", "no tenant snapshot")
    assert not (tmp_path / "out").exists()  # refused before anything was written


# A state file whose digest is right but whose content the fake would not hold: written with write_state,
# which stamps the digest of whatever it is given.
STATE_FAULTS: dict[str, tuple[dict[str, Any], str]] = {
    "non-integer id": ({"Tickets": [{"id": "x"}]}, "Tickets, record 1 (id x), field id"),
    "unknown entity": ({"Nothing": []}, "no entity named 'Nothing'"),
    "unknown field": ({"Tickets": [{"id": 1, "colour": 1}]}, "field colour"),
    "non-object record": ({"Tickets": [7]}, "Tickets, record 1: a record must be a JSON object"),
    "id beyond Int64": ({"Tickets": [{"id": 2**70}]}, "field id"),
    "duplicate ids": ({"Tickets": [GOOD, GOOD]}, "record 2 (id 41), field id"),
    "record without id": ({"Tickets": [{"title": "x"}]}, "Tickets, record 1, field id"),
    "lone surrogate": ({"Tickets": [{**GOOD, "title": "\udfff"}]}, "field title"),
}


@pytest.mark.parametrize("fault", list(STATE_FAULTS))
def test_a_state_file_with_a_valid_digest_and_bad_content_is_refused(fault: str, tmp_path: Path) -> None:
    content, says = STATE_FAULTS[fault]
    state = tmp_path / "state.json"
    write_state(state, {SINGLE: content})
    kept = read_state(state)
    assert kept is not None  # the digest is right: the content is what is wrong
    fake = FakeAutotask()
    before = _stored(fake)
    with pytest.raises(StateRefused) as refused:
        restore_served(kept, state, fake, None)
    assert str(refused.value).startswith(f"{state}: tenant 'tenant', ") and says in str(refused.value)
    assert _stored(fake) == before


def test_serve_refuses_a_bad_state_file_with_exit_2(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    write_state(state, {SINGLE: {"Tickets": [{"id": 2**70}]}})
    done = run_harness("serve", "--port", "0", "--state", str(state), timeout=60)
    _short_refusal(done, "state.json", "Tickets, record 1", "field id", "Nothing was loaded")


def test_serve_refuses_a_state_path_that_is_a_directory(tmp_path: Path) -> None:
    done = run_harness("serve", "--port", "0", "--state", str(tmp_path), timeout=60)
    _short_refusal(done, str(tmp_path), "is a folder; give a file name")


def test_by_credentials_a_bad_tenant_in_the_state_file_restores_no_tenant(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    good = {"Tickets": [GOOD]}
    write_state(state, {"aaa": good, "bbb": {"Tickets": [{"id": 1, "colour": 1}]}})
    kept = read_state(state)
    assert kept is not None
    journals = tmp_path / "journals"
    directory = TenantsByCredentials(tenant_maker("default", journal_dir=journals))
    with pytest.raises(StateRefused, match="tenant 'bbb', Tickets, record 1 \\(id 1\\), field colour"):
        restore_served(kept, state, directory.anonymous, directory)
    assert [key for key, _ in directory.items() if key != "anonymous"] == []  # tenant aaa was not made either
    assert sorted(p.name for p in journals.iterdir()) == ["anonymous.jsonl"]  # no journal begun for aaa
