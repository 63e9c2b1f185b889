"""Zone discovery, version information and header handling as real clients use them."""

from __future__ import annotations

import httpx
import pytest

from fake_server import Credentials, FakeAutotask

from .conftest import BASE, ticket_body

ZONE = "https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation"


def test_zone_information_in_process_points_at_the_tenant_zone(client: httpx.Client) -> None:
    zone = client.get(ZONE, params={"user": "api@example.invalid"}).json()
    assert zone == {
        "zoneName": "EU1",
        "url": "https://webservices19.autotask.net/ATServicesRest/",
        "webUrl": "https://ww19.autotask.net/",
        "ci": 19,
    }
    assert client.get(zone["url"] + "V1.0/Companies/0").json()["item"]["id"] == 0


def test_zone_information_needs_no_credentials(fake: FakeAutotask) -> None:
    with fake.mock(), httpx.Client() as http:
        assert http.get(ZONE, params={"user": "x"}).status_code == 200


@pytest.mark.parametrize("path", ["zoneInformation", "ZoneInformation"])
def test_zone_information_path_casing(client: httpx.Client, path: str) -> None:
    url = f"https://webservices.autotask.net/ATServicesRest/V1.0/{path}"
    assert client.get(url, params={"user": "u"}).status_code == 200


def test_zone_information_for_unknown_or_blank_user_is_500() -> None:
    fake = FakeAutotask(credentials=Credentials("known@example.invalid", "s", "c"))
    with fake.mock(), httpx.Client() as http:
        for user in ("", "someone@example.invalid"):
            answer = http.get(ZONE, params={"user": user})
            assert answer.status_code == 500
            assert answer.json() == {"errors": ["Zone information could not be determined"]}
        assert http.get(ZONE, params={"user": "KNOWN@example.invalid"}).status_code == 200


def test_a_kept_zone_answer_is_sent_again_only_while_the_accepted_credentials_stay() -> None:
    fake = FakeAutotask(credentials=Credentials("known@example.invalid", "s", "c"))
    with fake.mock(), httpx.Client() as http:
        first = http.get(ZONE, params={"user": "known@example.invalid"})
        again = http.get(ZONE, params={"user": "known@example.invalid"})
        assert first.status_code == again.status_code == 200 and first.content == again.content
        assert len(fake.journal) == 2  # a kept answer is still journalled
        # Another API user accepted from now on: the answer kept for the first one is not sent any more.
        fake.credentials = Credentials("other@example.invalid", "s", "c")
        refused = http.get(ZONE, params={"user": "known@example.invalid"})
        assert refused.status_code == 500
        assert refused.json() == {"errors": ["Zone information could not be determined"]}
        # A refusal is not kept: the user accepted now is answered.
        fake.credentials = Credentials("known@example.invalid", "s", "c")
        assert http.get(ZONE, params={"user": "known@example.invalid"}).content == first.content


def test_zone_user_name_never_reaches_the_journal(client: httpx.Client, fake: FakeAutotask) -> None:
    client.get(ZONE, params={"user": "private.user@example.invalid"})
    assert "private.user" not in str(fake.journal.to_dicts())


def test_version_information_and_version(client: httpx.Client) -> None:
    assert client.get("https://webservices.autotask.net/ATServicesRest/VersionInformation").json() == {
        "apiVersions": ["V1.0", "V2.0"]
    }
    version = client.get(f"{BASE}/Version").json()
    assert set(version) == {"majorVersion", "minorVersion", "build", "customerType"}
    assert all(isinstance(v, str) for v in version.values())


def test_version_needs_credentials(fake: FakeAutotask) -> None:
    with fake.mock(), httpx.Client() as http:
        assert http.get(f"{BASE}/Version").status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"ApiIntegrationcode": "c", "UserName": "u", "Secret": "s"},
        {"APIIntegrationcode": "c", "Username": "u", "Secret": "s"},
        {"apiintegrationcode": "c", "username": "u", "secret": "s"},
    ],
)
def test_header_names_in_any_casing(fake: FakeAutotask, headers: dict[str, str]) -> None:
    with fake.mock(), httpx.Client(headers=headers) as http:
        assert http.post(f"{BASE}/Tickets", json=ticket_body(0)).status_code == 200


def test_lowercase_base_path_from_zone_url_is_refused_in_the_default_profile(client: httpx.Client) -> None:
    # A client that lowercases the zone URL (as some do) meets the Postman contract's case-sensitive base path.
    assert client.get("https://webservices19.autotask.net/atservicesrest/v1.0/Companies/0").status_code == 404


def test_version_information_path_is_matched_case_insensitively(fake: FakeAutotask) -> None:
    with fake.mock(), httpx.Client() as http:
        answer = http.get("https://webservices.autotask.net/ATServicesRest/versioninformation")
    assert answer.json() == {"apiVersions": ["V1.0", "V2.0"]}


def test_only_the_first_advertised_version_has_a_zone_lookup(fake: FakeAutotask) -> None:
    # KelvinTegelaar/AutotaskAPI PR #76: V1.0 zoneInformation answers, V2.0 has no route.
    with fake.mock(), httpx.Client() as http:
        root = "https://webservices2.autotask.net/atservicesrest"
        assert http.get(f"{root}/V1.0/zoneInformation", params={"user": "a@example.invalid"}).status_code == 200
        missing = http.get(f"{root}/V2.0/zoneInformation", params={"user": "a@example.invalid"})
    assert missing.status_code == 404 and "Message" in missing.json()
