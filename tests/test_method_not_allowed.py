"""Every route of the swagger, asked with a verb it does not take, is Web API's 405: ``{"Message": ...}`` and an
``Allow`` header naming the verbs it does take. The service endpoints (``/VersionInformation``,
``/V1.0/ZoneInformation``, ``/V1.0/Version``, ``/V1.0/ThresholdInformation``) are routes like any other."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from importlib import resources

import httpx
import pytest

from fake_server import ApiRequest, FakeAutotask
from fake_server.profile import Limits
from harness.serving.server import ServedFake

from .conftest import BASE, CREDENTIALS

ROOT = BASE.removesuffix("/V1.0")
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What a bundled profile takes away from the swagger's verbs (fake_server/profiles/*.toml, [endpoints]).
REFUSED = {"default": {("/V1.0/Tickets", "PATCH")}, "documented": set()}


def _verbs_by_url() -> dict[str, set[str]]:
    """Each concrete URL of the swagger index (placeholders filled) with the verbs the swagger lists for it."""
    index = json.loads(resources.files("fake_server").joinpath("data/swagger_index.json").read_text("utf-8"))
    by_url: dict[str, set[str]] = defaultdict(set)
    for path, verbs in index["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path.replace("{year}", "2026"))
        by_url[concrete] |= {verb.upper() for verb in verbs.split()}
    return by_url


@pytest.mark.parametrize("profile", list(REFUSED))
def test_every_route_answers_every_wrong_verb_with_405_and_allow(profile: str) -> None:
    fake = FakeAutotask(profile, limits=Limits.off())
    headers = tuple(CREDENTIALS.items())
    wrong: list[str] = []
    asked = 0
    for path, listed in _verbs_by_url().items():
        takes = {verb for verb in listed if (path, verb) not in REFUSED[profile]}
        for verb in VERBS:
            if verb in takes:
                continue
            body = b"" if verb in ("GET", "DELETE") else b'{"id": 0}'
            answer = fake.handle(ApiRequest(verb, ROOT + path, headers, body))
            asked += 1
            message = f"The requested resource does not support http method '{verb}'."
            allow = answer.headers.get("Allow")
            if answer.status != 405 or answer.body != {"Message": message} or allow != ", ".join(sorted(takes)):
                wrong.append(f"{verb} {path}: {answer.status} {answer.body} Allow: {allow}")
        if len(fake.journal) > 1000:
            fake.journal.clear()
    assert asked > 7000  # the walk covered the swagger, not a corner of it
    assert wrong == [], "\n".join(wrong[:20])


@pytest.mark.parametrize("verb", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_wrong_verb_on_a_service_endpoint_is_a_405_on_the_wire(verb: str) -> None:
    """Through a served fake (ASGI, real HTTP): the Allow header reaches the client. VersionInformation and
    ZoneInformation need no credentials, so their 405 comes without them too."""
    with ServedFake(FakeAutotask()) as served, httpx.Client() as http:
        root = served.root_url + "/ATServicesRest"
        for url, headers in (
            (f"{root}/VersionInformation", {}),
            (f"{root}/V1.0/zoneInformation?user=someone@example.invalid", {}),
            (f"{root}/V1.0/Version", CREDENTIALS),
            (f"{root}/V1.0/ThresholdInformation", CREDENTIALS),
        ):
            answer = http.request(verb, url, headers=headers)
            assert answer.status_code == 405, (url, answer.text)
            assert answer.headers["Allow"] == "GET"
            assert answer.json() == {"Message": f"The requested resource does not support http method '{verb}'."}


def test_a_get_of_a_post_querys_next_page_names_post_as_allowed(client: httpx.Client) -> None:
    answer = client.get(f"{BASE}/Tickets/query/next", params={"paging": "x"})
    assert answer.status_code == 405 and answer.headers["Allow"] == "POST"
