"""fake.mock() for every Python HTTP stack: requests and aiohttp clients run the Postman contract's workflow in-process,
against the production zone-lookup host, with the journal, faults and refusals httpx clients get."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import requests

from fake_server import FakeAutotask, Limits
from harness.serving.server import ServedFake

from .conftest import CREDENTIALS, ticket_body

LOOKUP = "https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation"
USER = CREDENTIALS["UserName"]
Send = Callable[[str, str, Any], tuple[int, Any]]


@pytest.fixture
def no_name_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """A request the fake failed to intercept would have to look its host up: make that fail loudly."""

    def refuse(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("127.0.0.1", "localhost", "::1"):
            return real(host, *args, **kwargs)
        raise AssertionError(f"a name lookup of {host!r} would have left the machine")

    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def tenant() -> Iterator[tuple[FakeAutotask, int, str]]:
    fake = FakeAutotask()
    ticket = fake.seed("Tickets", ticket_body(0, description="Reported by phone."))
    fake.journal.clear()
    yield fake, ticket, fake.get("Tickets", ticket)["ticketNumber"]  # type: ignore[index]


def resolve(send: Send, number: str) -> None:
    """The Postman contract §9 the way a client does it: zone, number -> id, GET, note, PUT, time entries, complete."""
    status, zone = send("GET", f"{LOOKUP}?user={USER}", None)
    assert status == 200, zone
    base = zone["url"].rstrip("/") + "/V1.0"
    status, found = send(
        "POST", f"{base}/Tickets/query", {"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}
    )
    ticket_id = found["items"][0]["id"]
    ticket = send("GET", f"{base}/Tickets/{ticket_id}", None)[1]["item"]
    assert (
        send(
            "POST",
            f"{base}/Tickets/{ticket_id}/Notes",
            {"title": "Resolution", "description": "Fixed.", "noteType": 1, "publish": 1},
        )[0]
        == 200
    )
    assert send("PUT", f"{base}/Tickets", {**ticket, "resolution": "Toner replaced."})[0] == 200
    entries = send(
        "POST", f"{base}/TimeEntries/query", {"filter": [{"op": "eq", "field": "ticketID", "value": ticket_id}]}
    )[1]["items"]
    if not entries:
        fresh = send("GET", f"{base}/Tickets/{ticket_id}", None)[1]["item"]
        assert send("PUT", f"{base}/Tickets", {**fresh, "status": 5})[0] == 200


def _assert_resolved(fake: FakeAutotask, ticket: int) -> None:
    after = fake.get("Tickets", ticket)
    assert after is not None
    assert (after["resolution"], after["status"], after["description"]) == ("Toner replaced.", 5, "Reported by phone.")
    assert after["completedDate"] is not None
    assert [n["description"] for n in fake.records("TicketNotes")] == ["Fixed."]
    assert [e.method for e in fake.journal] == ["GET", "POST", "GET", "POST", "PUT", "POST", "GET", "PUT"]
    assert all(e.status == 200 for e in fake.journal)


def test_a_requests_client_runs_the_workflow_in_process(
    tenant: tuple[FakeAutotask, int, str], no_name_lookups: None
) -> None:
    fake, ticket, number = tenant
    with fake.mock(), requests.Session() as session:
        session.headers.update(CREDENTIALS)

        def send(method: str, url: str, body: Any) -> tuple[int, Any]:
            answer = session.request(method, url, json=body)
            return answer.status_code, answer.json()

        resolve(send, number)
    _assert_resolved(fake, ticket)
    assert "https://webservices19.autotask.net/ATServicesRest/" in fake.journal[0].response_body.decode()


def test_an_aiohttp_client_runs_the_workflow_in_process(
    tenant: tuple[FakeAutotask, int, str], no_name_lookups: None
) -> None:
    fake, ticket, number = tenant

    async def run() -> None:
        async with aiohttp.ClientSession(headers=CREDENTIALS) as session:  # credentials on the session
            loop = asyncio.get_running_loop()

            async def call(method: str, url: str, body: Any) -> tuple[int, Any]:
                async with session.request(method, url, json=body) as answer:
                    return answer.status, await answer.json()

            def send(method: str, url: str, body: Any) -> tuple[int, Any]:
                return asyncio.run_coroutine_threadsafe(call(method, url, body), loop).result(10)

            await loop.run_in_executor(None, resolve, send, number)

    with fake.mock():
        asyncio.run(run())
    _assert_resolved(fake, ticket)


def test_threads_share_one_fake_through_requests() -> None:
    fake = FakeAutotask(limits=Limits.off())  # eight threads at once would meet the API's thread limit of 3

    def create(n: int) -> None:
        with requests.Session() as session:
            for k in range(10):
                answer = session.post(
                    "https://webservices19.autotask.net/ATServicesRest/V1.0/Tickets",
                    json=ticket_body(0, title=f"thread {n} ticket {k}"),
                    headers=CREDENTIALS,
                )
                assert answer.status_code == 200, answer.text

    with fake.mock():
        threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    titles = sorted(t["title"] for t in fake.records("Tickets"))
    assert titles == sorted(f"thread {n} ticket {k}" for n in range(8) for k in range(10))
    assert len(fake.journal) == 80 and len({t["id"] for t in fake.records("Tickets")}) == 80


def test_other_hosts_are_refused_by_name_on_every_stack(fake: FakeAutotask, no_name_lookups: None) -> None:
    url = "https://example.invalid/anything"
    with fake.mock():
        with pytest.raises(requests.ConnectionError, match=r"example\.invalid"):
            requests.get(url)
        with pytest.raises(Exception, match=r"example\.invalid"):
            httpx.get(url)

        async def fetch() -> None:
            async with aiohttp.ClientSession() as session:
                await session.get(url)

        with pytest.raises(aiohttp.ClientConnectionError, match=r"example\.invalid"):
            asyncio.run(fetch())
    assert len(fake.journal) == 0


def test_allow_lets_a_named_host_through_on_every_stack(fake: FakeAutotask) -> None:
    elsewhere = FakeAutotask()
    with ServedFake(elsewhere) as served, fake.mock(allow=(served.root_url,)):
        url = f"{served.base_url}/Companies/0"
        assert requests.get(url, headers=CREDENTIALS).json()["item"]["id"] == 0
        assert httpx.get(url, headers=CREDENTIALS).json()["item"]["id"] == 0

        async def fetch() -> int:
            async with aiohttp.ClientSession(headers=CREDENTIALS) as session, session.get(url) as answer:
                return int((await answer.json())["item"]["id"])

        assert asyncio.run(fetch()) == 0
    assert len(elsewhere.journal) == 3 and len(fake.journal) == 0


def test_faults_and_drops_reach_requests_and_aiohttp_clients(fake: FakeAutotask) -> None:
    url = "https://webservices19.autotask.net/ATServicesRest/V1.0/Companies/0"
    fake.inject_fault(status=503, errors=["maintenance"], times=1)
    with fake.mock():
        refused = requests.get(url, headers=CREDENTIALS)
        assert (refused.status_code, refused.json()) == (503, {"errors": ["maintenance"]})
        fake.inject_fault(drop=True, times=1)
        with pytest.raises(requests.ConnectionError):
            requests.get(url, headers=CREDENTIALS)
        fake.inject_fault(drop=True, times=1)

        async def fetch() -> None:
            async with aiohttp.ClientSession(headers=CREDENTIALS) as session:
                await session.get(url)

        with pytest.raises(aiohttp.ServerDisconnectedError):
            asyncio.run(fetch())
    assert [e.status for e in fake.journal] == [503, 0, 0]


def test_transport_answers_without_patching_anything(fake: FakeAutotask) -> None:
    with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as http:
        assert http.get("https://webservices19.autotask.net/ATServicesRest/V1.0/Companies/0").status_code == 200

    async def fetch() -> int:
        async with httpx.AsyncClient(transport=fake.async_transport(), headers=CREDENTIALS) as http:
            answer = await http.post(
                "https://webservices19.autotask.net/ATServicesRest/V1.0/Tickets", json=ticket_body(0)
            )
            return int(answer.json()["itemId"])

    ticket = asyncio.run(fetch())
    assert fake.get("Tickets", ticket) is not None
    assert [e.method for e in fake.journal] == ["GET", "POST"]
    with pytest.raises(requests.ConnectionError):  # nothing else was mounted: requests goes nowhere near
        requests.get("http://127.0.0.1:9/", timeout=2)


@pytest.mark.parametrize(
    "host",
    [
        "webservices.autotask.net",
        "WEBSERVICES19.autotask.net",
        "prde.autotask.net",
        "pres.autotask.net",
        "webservicesx.autotask.net",
        "webservices19.autotask.net.evil.example",
        "example.com",
        "autotask.net",
    ],
)
def test_the_requests_mount_takes_the_hosts_routing_takes(host: str) -> None:
    from fake_server.requests_mount import AUTOTASK_URL
    from fake_server.routing import AUTOTASK_HOSTS

    taken = AUTOTASK_HOSTS.match(host) is not None
    assert (AUTOTASK_URL.match(f"https://{host}/ATServicesRest/V1.0/Tickets/1") is not None) is taken
    assert (AUTOTASK_URL.match(f"https://{host}:443") is not None) is taken
    assert taken is (
        host.lower().split(".")[0] in {"webservices", "webservices19", "prde", "pres"} and host.count(".") == 2
    )
