"""User-defined fields on create and update, as Autotask's UDF page documents them (fake_server/writes.py, _udfs).

Every rule holds under both bundled profiles: the default one (PUT nulls the entity's own fields it leaves out)
and the documented one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.profile import TenantProfile

from .conftest import BASE, CREDENTIALS, TickingClock

PROFILES = ["default", "documented"]
COMPANY = {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4, "phone": "5555550100"}
# A tenant whose Companies carry, besides the bundled UDFs, two required in the UI: one with a default value.
REQUIRED_UDFS = [
    {"name": "Region", "type": "string", "isRequired": True, "defaultValue": "North"},
    {"name": "Tier", "type": "string", "isRequired": True},
]


def _fake(profile_name: str, *, required: bool = False) -> FakeAutotask:
    profile = TenantProfile.load(profile_name)
    if required:
        udfs = dict(profile.udfs)
        udfs["Companies"] = [*udfs.get("Companies", []), *REQUIRED_UDFS]
        profile = replace(profile, udfs=udfs)
    return FakeAutotask(profile, clock=TickingClock())


@pytest.fixture(params=PROFILES)
def tenant(request: pytest.FixtureRequest) -> Iterator[tuple[FakeAutotask, httpx.Client]]:
    fake = _fake(request.param)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        yield fake, http


def _udfs(http: httpx.Client, company: int) -> dict[str, Any]:
    item = http.get(f"{BASE}/Companies/{company}").json()["item"]
    return {u["name"]: u["value"] for u in item["userDefinedFields"]}


def _company_with_udfs(fake: FakeAutotask) -> int:
    udfs = [{"name": "CustomerRanking", "value": "Golden"}, {"name": "Number of Employees", "value": "12"}]
    return fake.seed("Companies", {**COMPANY, "userDefinedFields": udfs})


def test_put_without_user_defined_fields_keeps_every_udf(tenant: tuple[FakeAutotask, httpx.Client]) -> None:
    fake, http = tenant
    company = _company_with_udfs(fake)
    item = http.get(f"{BASE}/Companies/{company}").json()["item"]
    del item["userDefinedFields"]
    assert http.put(f"{BASE}/Companies", json=item).status_code == 200
    assert _udfs(http, company) == {"CustomerRanking": "Golden", "Number of Employees": "12"}


def test_put_with_one_udf_changes_it_and_keeps_the_others(tenant: tuple[FakeAutotask, httpx.Client]) -> None:
    fake, http = tenant
    company = _company_with_udfs(fake)
    item = http.get(f"{BASE}/Companies/{company}").json()["item"]
    item["userDefinedFields"] = [{"name": "CustomerRanking", "value": "Silver"}]
    assert http.put(f"{BASE}/Companies", json=item).status_code == 200
    assert _udfs(http, company) == {"CustomerRanking": "Silver", "Number of Employees": "12"}


def test_put_keeps_udfs_while_it_nulls_an_own_field_it_leaves_out() -> None:
    """The contrast, under the default profile: the entity's own field left out is nulled, its UDFs are not."""
    fake = _fake("default")
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        company = _company_with_udfs(fake)
        read = http.get(f"{BASE}/Companies/{company}").json()["item"]
        body = {k: v for k, v in read.items() if k not in ("userDefinedFields", "webAddress")}
        http.patch(f"{BASE}/Companies", json={"id": company, "webAddress": "contoso.example"}).raise_for_status()
        assert http.put(f"{BASE}/Companies", json=body).status_code == 200
        item = http.get(f"{BASE}/Companies/{company}").json()["item"]
    assert item["webAddress"] is None
    assert {u["name"]: u["value"] for u in item["userDefinedFields"]}["CustomerRanking"] == "Golden"


@pytest.mark.parametrize("verb", ["PUT", "PATCH"])
def test_a_udf_sent_as_null_is_cleared(tenant: tuple[FakeAutotask, httpx.Client], verb: str) -> None:
    fake, http = tenant
    company = _company_with_udfs(fake)
    body: dict[str, Any] = http.get(f"{BASE}/Companies/{company}").json()["item"] if verb == "PUT" else {}
    body.update(id=company, userDefinedFields=[{"name": "Number of Employees", "value": None}])
    assert http.request(verb, f"{BASE}/Companies", json=body).status_code == 200
    assert _udfs(http, company) == {"CustomerRanking": "Golden", "Number of Employees": None}


@pytest.mark.parametrize("profile", PROFILES)
def test_a_udf_required_in_the_ui_is_not_required_through_the_api(profile: str) -> None:
    fake = _fake(profile, required=True)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        created = http.post(f"{BASE}/Companies", json=COMPANY)
        assert created.status_code == 200, created.text
        udfs = _udfs(http, created.json()["itemId"])
    # Left out of the create: the one with a default takes it, the other stays empty.
    assert (udfs["Region"], udfs["Tier"]) == ("North", None)


@pytest.mark.parametrize("profile", PROFILES)
def test_a_populated_required_udf_cannot_be_removed(profile: str) -> None:
    fake = _fake(profile, required=True)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        set_both = [{"name": "Tier", "value": "Gold"}, {"name": "Region", "value": "South"}]
        body = {**COMPANY, "userDefinedFields": set_both}
        company = http.post(f"{BASE}/Companies", json=body).json()["itemId"]
        cleared = [{"name": "Tier", "value": None}, {"name": "CustomerRanking", "value": None}]
        assert http.patch(f"{BASE}/Companies", json={"id": company, "userDefinedFields": cleared}).status_code == 200
        udfs = _udfs(http, company)
    assert (udfs["Tier"], udfs["Region"]) == ("Gold", "South")


def test_the_default_of_a_required_udf_fills_a_create_not_an_update() -> None:
    """A record without the UDF (stored before the tenant added it) stays without it when updated: the docs
    give the default to creates only ("if no value is provided for a required UDF on create")."""
    fake = _fake("default", required=True)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        seeded = fake.seed("Companies", COMPANY)  # straight into the store: no UDF at all
        assert http.patch(f"{BASE}/Companies", json={"id": seeded, "phone": "1"}).status_code == 200
        assert _udfs(http, seeded)["Region"] is None
