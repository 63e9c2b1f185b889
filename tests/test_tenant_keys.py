"""Tenants by credentials are told apart by integration code AND user name, under keys that never change.

Real Autotask gives an API user its own company's database; two API users of one integration (one
``ApiIntegrationCode``, two ``UserName``s) are two users, and ``serve --tenants by-credentials`` gives them two
tenants. The keys are pinned as literals, not computed with ``tenant_key``: a ``--state`` file and every
``/_harness/tenants/{key}`` URL a worker has written down are keyed by them, so a change of the key's recipe
would orphan every kept tenant, and a test that computed its expectation with the function under test would
follow the change instead of catching it.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from fake_server import Limits
from fake_server.tenancy import TenantsByCredentials, tenant_key
from harness.serving.server import ServedFake, tenant_maker

SHARED = "SHARED-CODE"
ALICE = {"ApiIntegrationCode": SHARED, "UserName": "alice@example.invalid", "Secret": "alice-secret"}
BOB = {"ApiIntegrationCode": SHARED, "UserName": "bob@example.invalid", "Secret": "bob-secret"}
ALICE_ELSEWHERE = {**ALICE, "ApiIntegrationCode": "OTHER-CODE"}
# The first 16 hex digits of SHA-256 over "code\0user name", worked out once by hand and kept.
KEYS = {
    ("alice@example.invalid", SHARED): "873d822dcb917163",
    ("bob@example.invalid", SHARED): "8b7cf49499755a60",
    ("alice@example.invalid", "OTHER-CODE"): "5639bc5afaee5cc5",
}
API = "/ATServicesRest/V1.0"


@pytest.mark.parametrize(("who", "key"), list(KEYS.items()))
def test_a_tenant_key_is_stable_and_names_both_credentials(who: tuple[str, str], key: str) -> None:
    assert tenant_key(*who) == key


@pytest.fixture
def served() -> Iterator[ServedFake]:
    tenants = TenantsByCredentials(tenant_maker("default", limits=Limits.off()))
    with ServedFake(tenants=tenants, state_api=True) as server:
        yield server


def test_two_users_of_one_integration_code_get_two_tenants(served: ServedFake) -> None:
    ticket = {"companyID": 0, "title": "alice's", "status": 1, "priority": 2}
    with httpx.Client(base_url=served.root_url) as http:
        made = http.post(f"{API}/Tickets", headers=ALICE, json=ticket)
        assert made.status_code == 200, made.text
        url = f"{API}/Tickets/{made.json()['itemId']}"
        assert http.get(url, headers=ALICE).json()["item"]["title"] == "alice's"
        assert http.get(url, headers=BOB).json()["item"] is None  # same code, other user: another database
        assert http.get(url, headers=ALICE_ELSEWHERE).json()["item"] is None  # same user, other code
        for headers in (ALICE, BOB, ALICE_ELSEWHERE):
            key = KEYS[(headers["UserName"], headers["ApiIntegrationCode"])]
            assert http.get("/_harness/tenant", headers=headers).json() == {"key": key}
    assert served.tenants is not None and len(served.tenants) == 3
    alice = served.tenants.get(KEYS[("alice@example.invalid", SHARED)])
    assert alice is not None and [t["title"] for t in alice.records("Tickets")] == ["alice's"]


@pytest.mark.parametrize("missing", ["ApiIntegrationCode", "UserName"])
def test_a_request_with_one_credential_makes_no_tenant(served: ServedFake, missing: str) -> None:
    """Half the credentials name no API user: the request is the anonymous tenant's 401, and no tenant is made
    for it (a tenant per user name alone would let one user's half-configured client fill another's)."""
    headers = {name: value for name, value in ALICE.items() if name != missing}
    with httpx.Client(base_url=served.root_url) as http:
        assert http.get(f"{API}/Tickets/1", headers=headers).status_code == 401
    assert served.tenants is not None and len(served.tenants) == 0
    assert [e.status for e in served.tenants.anonymous.journal] == [401]


def test_the_anonymous_tenant_is_addressable_by_its_key(served: ServedFake) -> None:
    with httpx.Client(base_url=served.root_url) as http:
        http.get(f"{API}/Tickets/1")  # no credentials: the anonymous tenant answers it
        journal = http.get("/_harness/tenants/anonymous/journal")
    assert journal.status_code == 200 and [e["status"] for e in journal.json()["exchanges"]] == [401]
