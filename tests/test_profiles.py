"""Tenant profiles: the default follows the Postman contract, the documented profile the official docs and clients."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import httpx
import pytest

from fake_server import DEFAULT_COMPLETING_STATUS, FakeAutotask, Latency, Limits, TenantProfile
from fake_server.profile import Completion
from fake_server.profile_schema import probed_settings
from fake_server.profile_toml import profile_to_dict
from fake_server.sample import sample_tenant

from .conftest import BASE, CREDENTIALS, ticket_body

LOWERCASE_BASE = "https://webservices19.autotask.net/atservicesrest/v1.0"


def _client_for(fake: FakeAutotask) -> httpx.Client:
    return httpx.Client(headers=CREDENTIALS)


@pytest.mark.parametrize("casing", ["atservicesrest/v1.0", "atservicesrest/V1.0", "atServicesRest/V1.0"])
def test_default_profile_atservicesrest_segment_is_case_sensitive(
    client: httpx.Client, ticket_id: int, casing: str
) -> None:
    answer = client.get(f"https://webservices19.autotask.net/{casing}/Tickets/{ticket_id}")
    assert answer.status_code == 404
    assert answer.json()["Message"].startswith("No HTTP resource was found")
    assert client.get(f"{BASE}/Tickets/{ticket_id}").status_code == 200


@pytest.mark.parametrize("version", ["v1.0", "V1.0"])
def test_default_profile_takes_the_version_segment_in_any_casing(
    client: httpx.Client, ticket_id: int, version: str
) -> None:
    # django-autotask sends v1.0 in production; the Postman contract speaks of ATServicesRest only.
    answer = client.get(f"https://webservices19.autotask.net/ATServicesRest/{version}/Tickets/{ticket_id}")
    assert answer.status_code == 200 and answer.json()["item"]["id"] == ticket_id


@pytest.mark.parametrize(
    "path",
    [
        "atservicesrest/v1.0/zoneInformation?user=api@example.invalid",
        "ATSERVICESREST/V1.0/ZONEINFORMATION?user=api@example.invalid",
        "atservicesrest/versioninformation",
    ],
)
def test_default_profile_answers_zone_lookups_in_any_casing(path: str) -> None:
    fake = FakeAutotask()
    with fake.mock(), httpx.Client() as http:
        answer = http.get(f"https://webservices.autotask.net/{path}")
    assert answer.status_code == 200
    assert set(answer.json()) & {"url", "apiVersions"}


def test_documented_profile_base_path_is_case_insensitive() -> None:
    fake = FakeAutotask("documented")
    with fake.mock(), _client_for(fake) as http:
        answer = http.get(f"{LOWERCASE_BASE}/Companies/0")
    assert answer.status_code == 200 and answer.json()["item"]["id"] == 0


def test_documented_profile_accepts_patch_on_tickets() -> None:
    fake = FakeAutotask("documented")
    ticket = fake.seed("Tickets", ticket_body(0))
    with fake.mock(), _client_for(fake) as http:
        answer = http.patch(f"{BASE}/Tickets", json={"id": ticket, "title": "patched"})
    assert answer.status_code == 200
    stored = fake.get("Tickets", ticket)
    assert stored is not None and (stored["title"], stored["description"]) == ("patched", "Reported by phone.")


def test_documented_profile_labels_status_8_in_progress() -> None:
    fake = FakeAutotask("documented")
    with fake.mock(), _client_for(fake) as http:
        fields = http.get(f"{BASE}/Tickets/entityInformation/fields").json()["fields"]
    status = next(f for f in fields if f["name"] == "status")
    assert {v["value"]: v["label"] for v in status["picklistValues"]}["8"] == "In Progress"


def test_entity_names_are_case_insensitive_in_both_profiles(client: httpx.Client, ticket_id: int) -> None:
    assert client.get(f"{BASE}/tickets/{ticket_id}").json()["item"]["id"] == ticket_id


def test_missing_item_is_200_null_by_default(client: httpx.Client) -> None:
    answer = client.get(f"{BASE}/Tickets/424242")
    assert (answer.status_code, answer.json()) == (200, {"item": None})


def _profile_text(**changes: str) -> str:
    text = (Path(__file__).parent.parent / "fake_server" / "profiles" / "default.toml").read_text("utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_profile_loads_from_a_path_and_switches_missing_item_to_404(tmp_path: Path) -> None:
    path = tmp_path / "tenant.toml"
    path.write_text(_profile_text(**{"missing_item_status = 200": "missing_item_status = 404"}), encoding="utf-8")
    fake = FakeAutotask(profile=path)
    with fake.mock(), _client_for(fake) as http:
        answer = http.get(f"{BASE}/Tickets/424242")
    assert answer.status_code == 404 and answer.json()["errors"]


def test_profile_chooses_which_statuses_complete(tmp_path: Path) -> None:
    path = tmp_path / "tenant.toml"
    path.write_text(_profile_text(**{"completing_values = [5]": "completing_values = [8]"}), encoding="utf-8")
    fake = FakeAutotask(profile=TenantProfile.load(path))
    ticket = fake.seed("Tickets", ticket_body(0))
    with fake.mock(), _client_for(fake) as http:
        for status, stamped in ((5, False), (8, True)):
            item = http.get(f"{BASE}/Tickets/{ticket}").json()["item"]
            http.put(f"{BASE}/Tickets", json={**item, "status": status}).raise_for_status()
            after = http.get(f"{BASE}/Tickets/{ticket}").json()["item"]
            assert (after["completedDate"] is not None) is stamped


def test_profile_can_make_the_notes_endpoint_absent(tmp_path: Path) -> None:
    path = tmp_path / "tenant.toml"
    path.write_text(
        _profile_text(
            **{'absent = ["POST /TicketNotes", "POST /TicketNote"]': 'absent = ["POST /Tickets/{id}/Notes"]'}
        ),
        encoding="utf-8",
    )
    fake = FakeAutotask(profile=path)
    ticket = fake.seed("Tickets", ticket_body(0))
    with fake.mock(), _client_for(fake) as http:
        answer = http.post(
            f"{BASE}/Tickets/{ticket}/Notes", json={"title": "t", "description": "d", "noteType": 1, "publish": 1}
        )
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("old", "new", "field", "dropped", "added"),
    [
        ('{ value = 5, label = "Complete" },', '{ value = 42, label = "Closed" },', "status", 5, 42),
        ('{ value = 6, label = "Post Sale" },', '{ value = 77, label = "Night shift" },', "queueID", 6, 77),
    ],
)
def test_profile_picklists_replace_the_entity_file_values(
    tmp_path: Path, old: str, new: str, field: str, dropped: int, added: int
) -> None:
    path = tmp_path / "tenant.toml"
    path.write_text(_profile_text(**{old: new}), encoding="utf-8")
    fake = FakeAutotask(profile=path)
    with fake.mock(), _client_for(fake) as http:
        assert http.post(f"{BASE}/Tickets", json=ticket_body(0, **{field: dropped})).status_code == 500
        assert http.post(f"{BASE}/Tickets", json=ticket_body(0, **{field: added})).status_code == 200


def test_unknown_profile_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no tenant profile"):
        FakeAutotask("no-such-profile")


def test_bundled_profiles_differ_where_seed_004_and_the_docs_disagree() -> None:
    default, documented = TenantProfile.load("default"), TenantProfile.load("documented")
    assert default.base_path_case_sensitive and not documented.base_path_case_sensitive
    assert default.method_refused("PATCH", "/Tickets") and not documented.method_refused("PATCH", "/Tickets")
    assert default.completion == documented.completion


def test_the_profile_schema_is_declared_once_for_defaults_reading_and_writing() -> None:
    # Every field but entity_dirs names its TOML key; an empty document reads as the dataclass defaults,
    # and what is written reads back equal, for each bundled profile.
    for schema in (TenantProfile, Completion, Limits, Latency):
        undeclared = [f.name for f in fields(schema) if "toml" not in f.metadata]
        assert undeclared == (["entity_dirs"] if schema is TenantProfile else []), schema
    assert TenantProfile.from_dict({}) == TenantProfile()
    for name in ("default", "documented"):
        profile = TenantProfile.load(name)
        assert TenantProfile.from_dict(profile_to_dict(profile)) == profile
    written = profile_to_dict(TenantProfile(limits=Limits(hourly_threshold=7, thread_limit=2)))
    assert written["limits"]["hourly_threshold"] == 7 and written["limits"]["thread_limit"] == 2
    assert written["responses"] == {"missing_item_status": 200, "max_body_bytes": 4 * 1024 * 1024}


def test_the_probe_learns_the_settings_the_schema_marks_probed() -> None:
    profile = TenantProfile(missing_item_status=404, limits=Limits(hourly_threshold=123))
    assert probed_settings(profile) == {
        "base_path_case_sensitive": True,
        "missing_item_status": 404,
        "put_nulls_omitted": True,
        "hourly_threshold": 123,
    }


def test_the_sample_tenant_completes_tickets_in_the_profiles_completing_status() -> None:
    profile = TenantProfile.load("default")
    seven = replace(profile, completion=replace(profile.completion, completing_values=frozenset({7})))
    tickets = sample_tenant(seven).records("Tickets")
    done = [t for t in tickets if t.get("completedDate")]
    assert done and {t["status"] for t in done} == {7}
    assert DEFAULT_COMPLETING_STATUS not in {t["status"] for t in tickets}
