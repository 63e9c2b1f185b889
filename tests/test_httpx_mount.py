"""fake.mock() for httpx: the fake's own transport answers Autotask hosts ahead of respx, which stays mounted
for every other host with its own behaviour (user routes, allow=, the not-mocked error, assert_all_mocked)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from fake_server import FakeAutotask
from fake_server.respx_mount import mounted

from .conftest import BASE, CREDENTIALS

HOOK = "https://hooks.example.com/hook"


def test_autotask_requests_skip_the_router_and_user_routes_still_answer(fake: FakeAutotask) -> None:
    with fake.mock() as router:
        hook = router.post(HOOK).respond(204)
        with httpx.Client(headers=CREDENTIALS) as client:
            assert client.get(f"{BASE}/Companies/0").json()["item"]["id"] == 0
            assert client.post(HOOK, json={}).status_code == 204
        assert hook.call_count == 1
        assert router.calls.call_count == 1  # the Autotask request never went through respx's route matching
    assert len(fake.journal) == 1


def test_async_clients_reach_the_fake_and_other_hosts_are_refused_by_respx(fake: FakeAutotask) -> None:
    async def run() -> int:
        async with httpx.AsyncClient(headers=CREDENTIALS) as client:
            found = (await client.get(f"{BASE}/Companies/0")).json()["item"]["id"]
            with pytest.raises(respx.models.AllMockedAssertionError, match=r"example\.invalid"):
                await client.get("https://example.invalid/x")
            return int(found)

    with fake.mock():
        assert asyncio.run(run()) == 0
    assert len(fake.journal) == 1


def test_assert_all_mocked_false_lets_other_hosts_through_to_respx(fake: FakeAutotask) -> None:
    with fake.mock(assert_all_mocked=False) as router:
        with httpx.Client(headers=CREDENTIALS) as client:
            answer = client.get("https://example.invalid/x")
            assert answer.status_code == 200  # respx's auto-mocked answer, as its own switch gives
            assert client.get(f"{BASE}/Companies/0").json()["item"]["id"] == 0
        assert router.calls.call_count == 1
    assert len(fake.journal) == 1


def test_mocks_ending_in_any_order_leave_httpx_as_it_was(fake: FakeAutotask) -> None:
    """Two fakes mounted at once: the latest answers; whichever ends last puts httpx's transports back."""
    original = (httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request)
    other = FakeAutotask()
    first, second = mounted(fake), mounted(other)  # httpx's mount alone: aioresponses' patches cannot overlap
    first.__enter__()
    second.__enter__()
    with httpx.Client(headers=CREDENTIALS) as client:
        client.get(f"{BASE}/Companies/0")
    assert (len(fake.journal), len(other.journal)) == (0, 1)
    first.__exit__(None, None, None)
    with httpx.Client(headers=CREDENTIALS) as client:
        client.get(f"{BASE}/Companies/0")
    assert len(other.journal) == 2
    second.__exit__(None, None, None)
    assert (httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request) == original
