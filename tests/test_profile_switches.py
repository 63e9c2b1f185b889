"""The profile switches a probed tenant may need, the TOML writer, and faults that start after N requests."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

import httpx
from hypothesis import given
from hypothesis import strategies as st

from fake_server import FakeAutotask, TenantProfile
from fake_server.profile_toml import write_profile

from .conftest import BASE

HEADERS = {"ApiIntegrationCode": "CODE", "UserName": "user@example.invalid", "Secret": "secret"}


def _ticket(http: httpx.Client) -> dict[str, object]:
    created = http.post(
        f"{BASE}/Tickets",
        json={"companyID": 0, "title": "Switches", "status": 1, "priority": 2, "description": "kept or nulled"},
    ).json()["itemId"]
    item: dict[str, object] = http.get(f"{BASE}/Tickets/{created}").json()["item"]
    return item


def test_put_nulls_omitted_fields_by_default_and_merges_when_the_profile_says_so() -> None:
    for nulls, expected in ((True, None), (False, "kept or nulled")):
        profile = replace(TenantProfile.load("default"), put_nulls_omitted=nulls)
        fake = FakeAutotask(profile)
        with fake.mock(), httpx.Client(headers=HEADERS) as http:
            ticket = _ticket(http)
            body = {k: v for k, v in ticket.items() if k != "description"}
            assert http.put(f"{BASE}/Tickets", json=body).status_code == 200
            assert http.get(f"{BASE}/Tickets/{ticket['id']}").json()["item"]["description"] == expected


def test_an_added_endpoint_accepts_a_verb_the_swagger_does_not_list() -> None:
    plain = FakeAutotask(replace(TenantProfile.load("default"), absent_endpoints=frozenset()))
    added = FakeAutotask(
        replace(
            TenantProfile.load("default"), absent_endpoints=frozenset(), added_methods=frozenset({"POST /ticketnotes"})
        )
    )
    answers = []
    for fake in (plain, added):
        with fake.mock(), httpx.Client(headers=HEADERS) as http:
            ticket = _ticket(http)
            answers.append(
                http.post(
                    f"{BASE}/TicketNotes",
                    json={"ticketID": ticket["id"], "title": "t", "description": "d", "noteType": 1, "publish": 1},
                )
            )
    assert answers[0].status_code == 405
    assert answers[1].status_code == 200
    note = added.get("TicketNotes", answers[1].json()["itemId"])
    assert note is not None and note["title"] == "t"


def test_written_profiles_load_back_equal(tmp_path: Path) -> None:
    for name in ("default", "documented"):
        profile = TenantProfile.load(name)
        assert TenantProfile.load(write_profile(profile, tmp_path / f"{name}.toml")) == profile


@given(
    put_nulls=st.booleans(),
    case=st.booleans(),
    labels=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4),
)
def test_any_switches_and_labels_survive_the_toml_round_trip(put_nulls: bool, case: bool, labels: list[str]) -> None:
    statuses = [
        {
            "value": str(i + 1),
            "label": label,
            "isDefaultValue": i == 0,
            "sortOrder": i,
            "parentValue": "",
            "isActive": True,
            "isSystem": False,
        }
        for i, label in enumerate(labels)
    ]
    profile = replace(
        TenantProfile.load("default"),
        put_nulls_omitted=put_nulls,
        base_path_case_sensitive=case,
        added_methods=frozenset({"POST /ticketnotes"}),
        picklists={"Tickets": {"status": statuses}},
    )
    with tempfile.TemporaryDirectory() as folder:
        assert TenantProfile.load(write_profile(profile, Path(folder) / "p.toml")) == profile


def test_a_profile_names_its_entity_dir_relative_to_itself(tmp_path: Path) -> None:
    tickets = json.loads((Path(__file__).parents[1] / "fake_server/entities/Tickets.json").read_text("utf-8"))
    for described in tickets["fields"]:
        if described["name"] == "title":
            described["length"] = 80  # a tenant whose titles are shorter than the bundled file says
    (tmp_path / "captured").mkdir()
    (tmp_path / "captured/Tickets.json").write_text(json.dumps(tickets), encoding="utf-8")
    profile = replace(TenantProfile.load("default"), entity_dirs=((tmp_path / "captured").resolve(),))
    path = write_profile(profile, tmp_path / "tenant.toml")
    assert 'entity_dir = "captured"' in path.read_text("utf-8")
    title = FakeAutotask(path).catalog.get("Tickets").field("title")  # type: ignore[union-attr]
    assert title is not None and title.length == 80


def test_a_fault_can_start_after_n_matching_requests() -> None:
    fake = FakeAutotask()
    fake.inject_fault(status=503, after=2, times=1, method="GET")
    with fake.mock(), httpx.Client(headers=HEADERS) as http:
        statuses = [http.get(f"{BASE}/Tickets/{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 503, 200]


def test_nulls_a_tenant_answers_are_left_out_of_the_written_profile(tmp_path: Path) -> None:
    udf = {
        "name": "Region",
        "label": "Region",
        "type": "string",
        "length": 20,
        "defaultValue": None,
        "picklistValues": [{"value": "1", "label": "North", "parentValue": None}, None],
    }
    profile = replace(
        TenantProfile.load("default"),
        udfs={"Tickets": [udf]},
        zone={**TenantProfile.load("default").zone, "web_url": None},
    )
    loaded = TenantProfile.load(write_profile(profile, tmp_path / "nulls.toml"))
    assert loaded.udfs["Tickets"] == [
        {
            "name": "Region",
            "label": "Region",
            "type": "string",
            "length": 20,
            "picklistValues": [{"value": "1", "label": "North"}],
        }
    ]
    assert "web_url" not in loaded.zone
