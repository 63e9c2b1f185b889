"""Mistakes against the ``/_harness/`` state API get an answer saying what to send instead, in the state API's
own ``{"errors": [...]}`` shape and never in Python's words: a known action asked with the wrong verb is a
405 naming the right one (with ``Allow``), an unknown action a 404 listing the actions, a fault with a field
``inject_fault`` does not take a 400 naming the fields it does take. Nothing is changed by any of them."""

from __future__ import annotations

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.state_api import VERBS
from harness.serving.server import ServedFake

WRONG = {"GET": "POST", "POST": "GET"}


@pytest.fixture(scope="module")
def root() -> str:  # type: ignore[misc]
    with ServedFake(FakeAutotask(), state_api=True) as served:
        yield served.root_url


@pytest.mark.parametrize("action", sorted(a for a in VERBS if a not in ("tenants", "tenant")))
def test_a_known_action_with_the_wrong_verb_is_a_405_naming_the_right_one(root: str, action: str) -> None:
    verb = VERBS[action]
    answer = httpx.request(WRONG[verb], f"{root}/_harness/{action}")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == verb
    assert answer.json() == {"errors": [f"/_harness/{action} takes {verb}, not {WRONG[verb]}."]}


def test_an_unknown_action_is_a_404_listing_the_actions(root: str) -> None:
    answer = httpx.post(f"{root}/_harness/empyt")
    assert answer.status_code == 404
    assert "the actions are health, reset, empty, seed, journal, faults, webhooks" in answer.json()["errors"][0]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"statu": 503}', "no fault field 'statu'; give any of status, errors, times, method, path, delay"),
        (b"[503]", "a fault is a JSON object with any of status"),
        (b"{", "The request body is not JSON"),
    ],
)
def test_a_fault_it_cannot_make_is_a_400_in_its_own_words(root: str, body: bytes, says: str) -> None:
    answer = httpx.post(f"{root}/_harness/faults", content=body)
    assert answer.status_code == 400
    message = answer.json()["errors"][0]
    assert says in message and "TypeError" not in message and "inject_fault()" not in message, message
    # nothing was injected: the next API request is answered as usual
    ticket = httpx.get(
        f"{root}/ATServicesRest/V1.0/Companies/0",
        headers={"ApiIntegrationCode": "c", "UserName": "u@example.invalid", "Secret": "s"},
    )
    assert ticket.status_code == 200
