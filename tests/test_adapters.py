"""The respx mount: sync and async httpx clients, every zone host, and nothing else intercepted."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from respx.models import AllMockedAssertionError

from fake_server import ApiRequest, FakeAutotask
from fake_server.profile import Limits

from .conftest import CREDENTIALS, ticket_body


def test_async_client_reaches_the_fake(fake: FakeAutotask) -> None:
    async def run() -> tuple[int, int]:
        async with httpx.AsyncClient(headers=CREDENTIALS) as http:
            base = "https://webservices19.autotask.net/ATServicesRest/V1.0"
            created = (await http.post(f"{base}/Tickets", json=ticket_body(0))).json()["itemId"]
            item = (await http.get(f"{base}/Tickets/{created}")).json()["item"]
            return created, item["id"]

    with fake.mock():
        created, read = asyncio.run(run())
    assert created == read


@pytest.mark.parametrize(
    "host", ["webservices.autotask.net", "webservices2.autotask.net", "webservices29.autotask.net", "prde.autotask.net"]
)
def test_every_zone_host_is_routed(fake: FakeAutotask, host: str) -> None:
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.get(f"https://{host}/ATServicesRest/V1.0/Companies/0")
    assert answer.json()["item"]["id"] == 0


def test_other_hosts_are_not_served_by_the_fake(fake: FakeAutotask) -> None:
    with fake.mock(), httpx.Client() as http, pytest.raises(AllMockedAssertionError):
        http.get("https://example.invalid/ATServicesRest/V1.0/Companies/0")
    assert len(fake.journal) == 0


def test_handle_works_without_any_http_library(fake: FakeAutotask) -> None:
    request = ApiRequest(
        "GET", "https://webservices19.autotask.net/ATServicesRest/V1.0/Companies/0", tuple(CREDENTIALS.items())
    )
    answer = fake.handle(request)
    assert answer.status == 200 and answer.body["item"]["companyName"] == "Own Company"
    assert answer.headers["Content-Type"].startswith("application/json")


def test_concurrent_creates_get_distinct_ids_and_no_update_is_torn() -> None:
    fake = FakeAutotask(limits=Limits.off())  # eight threads on one endpoint would meet the thread limit
    base = "https://webservices19.autotask.net/ATServicesRest/V1.0"
    created: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        with httpx.Client(headers=CREDENTIALS) as http:
            for i in range(25):
                item_id = http.post(f"{base}/Tickets", json=ticket_body(0, title=f"w{n}-{i}")).json()["itemId"]
                item = http.get(f"{base}/Tickets/{item_id}").json()["item"]
                http.put(f"{base}/Tickets", json={**item, "title": f"w{n}-{i}-done"}).raise_for_status()
                with lock:
                    created.append(item_id)

    with fake.mock():
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(created) == len(set(created)) == 200
    titles = {t["title"] for t in fake.records("Tickets")}
    assert titles == {f"w{n}-{i}-done" for n in range(8) for i in range(25)}
    assert len(fake.journal) == 600
