"""In-process speed of the fake, printed as ratios against baselines measured in the same run.

Run: ``python benchmarks/inprocess.py [--calls N] [--large N]``

1. httpx through ``fake.mock()`` against a bare respx route that returns a fixed
   JSON body (the same item the fake returns), for ``GET /Tickets/{id}`` and an
   ``eq`` query on ``ticketNumber``. Target: the fake within 1.5x of the bare route.
2. The same two calls with 100 and with 100,000 tickets seeded. Target: the
   large case within 1.2x of the small one (indexed lookups, not scans).
3. Seeding 100,000 tickets: wall time and resident memory added.
4. Per HTTP stack, the fake (100 tickets) against that stack's own bare mock answering the same fixed
   body: requests through ``fake.mock()`` against a static ``responses`` callback, aiohttp against a
   static ``aioresponses`` answer, httpx against a bare respx route, and ``fake.transport()`` against
   ``httpx.MockTransport``. Targets: each within 1.2x of its bare mock; ``fake.transport()`` faster than
   a bare respx route.

Nothing here asserts a time; it prints what it measured.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for bench_cli

import argparse
import asyncio
import gc
import json
import os
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
import requests
import responses
import respx
from aioresponses import aioresponses
from bench_cli import positive

from fake_server import FakeAutotask, Limits
from fake_server.aiohttp_mount import _Response

BASE = "https://webservices19.autotask.net/ATServicesRest/V1.0"
HEADERS = {"ApiIntegrationCode": "BENCH", "UserName": "bench@example.invalid", "Secret": "bench"}


def ticket(n: int) -> dict[str, Any]:
    return {
        "companyID": 0,
        "title": f"Ticket {n}",
        "status": 1 + (n % 2) * 7,
        "priority": 1 + n % 4,
        "queueID": 29683354,
        "issueType": 4,
        "subIssueType": 201,
        "source": 2,
        "ticketCategory": 1,
        "dueDateTime": "2026-12-01T17:00:00Z",
        "description": f"Description of ticket {n}",
        "assignedResourceID": 29682899,
        "ticketNumber": f"T20261123.{n:05d}.001",
    }


def timed(action: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - start) / calls


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def seeded_fake(count: int) -> tuple[FakeAutotask, float, int]:
    gc.collect()
    before = rss_bytes()
    fake = FakeAutotask(limits=Limits.off())  # thousands of calls would meet the hourly limit's latency
    start = time.perf_counter()
    for n in range(count):
        fake.seed("Tickets", ticket(n))
    seconds = time.perf_counter() - start
    gc.collect()
    return fake, seconds, rss_bytes() - before


Case = Callable[[int], tuple[float, float]]


def fake_case(fake: FakeAutotask, count: int) -> Case:
    """Times both calls through ``fake.mock()``; the journal is emptied so it does not grow across rounds."""
    target_id = count // 2 + 1
    number = ticket(target_id - 1)["ticketNumber"]
    query = {"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}

    def run(calls: int) -> tuple[float, float]:
        with fake.mock(), httpx.Client(headers=HEADERS) as client:
            assert client.get(f"{BASE}/Tickets/{target_id}").json()["item"]["ticketNumber"] == number
            assert [i["id"] for i in client.post(f"{BASE}/Tickets/query", json=query).json()["items"]] == [target_id]
            get = timed(lambda: client.get(f"{BASE}/Tickets/{target_id}"), calls)
            found = timed(lambda: client.post(f"{BASE}/Tickets/query", json=query), calls)
        fake.journal.clear()
        return get, found

    return run


def bare_case(item: dict[str, Any]) -> Case:
    """The baseline: respx routes answering a fixed body, no state, no checks."""
    query = {"filter": [{"op": "eq", "field": "ticketNumber", "value": item["ticketNumber"]}]}
    page = {"items": [item], "pageDetails": {"count": 1, "requestCount": 500, "prevPageUrl": None, "nextPageUrl": None}}

    def run(calls: int) -> tuple[float, float]:
        with respx.mock(assert_all_called=False) as router, httpx.Client(headers=HEADERS) as client:
            router.get(f"{BASE}/Tickets/{item['id']}").mock(return_value=httpx.Response(200, json={"item": item}))
            router.post(f"{BASE}/Tickets/query").mock(return_value=httpx.Response(200, json=page))
            get = timed(lambda: client.get(f"{BASE}/Tickets/{item['id']}"), calls)
            found = timed(lambda: client.post(f"{BASE}/Tickets/query", json=query), calls)
        return get, found

    return run


def _page(item: dict[str, Any]) -> dict[str, Any]:
    return {"items": [item], "pageDetails": {"count": 1, "requestCount": 500, "prevPageUrl": None, "nextPageUrl": None}}


def _calls(item: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return (
        f"{BASE}/Tickets/{item['id']}",
        f"{BASE}/Tickets/query",
        {"filter": [{"op": "eq", "field": "ticketNumber", "value": item["ticketNumber"]}]},
    )


def requests_case(item: dict[str, Any], fake: FakeAutotask | None) -> Case:
    """requests through fake.mock(), or (no fake) through a static responses callback."""
    get_url, query_url, query = _calls(item)
    fixed = {get_url: json.dumps({"item": item}).encode(), query_url: json.dumps(_page(item)).encode()}

    def run(calls: int) -> tuple[float, float]:
        with requests.Session() as session:
            session.headers.update(HEADERS)
            if fake is None:
                with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
                    for method, url in (("GET", get_url), ("POST", query_url)):
                        mock.add_callback(
                            method, url, callback=lambda r: (200, {}, fixed[r.url]), content_type="application/json"
                        )
                    return _both(session, get_url, query_url, query, calls)
            with fake.mock():
                result = _both(session, get_url, query_url, query, calls)
            fake.journal.clear()
            return result

    return run


def _both(
    session: requests.Session, get_url: str, query_url: str, query: dict[str, Any], calls: int
) -> tuple[float, float]:
    assert session.get(get_url).json()["item"]["id"] == int(get_url.rsplit("/", 1)[1])
    return (timed(lambda: session.get(get_url), calls), timed(lambda: session.post(query_url, json=query), calls))


def aiohttp_case(item: dict[str, Any], fake: FakeAutotask | None) -> Case:
    """aiohttp through fake.mock(), or (no fake) through a static aioresponses answer."""
    get_url, query_url, query = _calls(item)

    async def measure(calls: int) -> tuple[float, float]:
        async with aiohttp.ClientSession(headers=HEADERS) as session:

            async def get() -> None:
                async with session.get(get_url) as answer:
                    await answer.read()

            async def find() -> None:
                async with session.post(query_url, json=query) as answer:
                    await answer.read()

            await get()
            results = []
            for action in (get, find):
                start = time.perf_counter()
                for _ in range(calls):
                    await action()
                results.append((time.perf_counter() - start) / calls)
            return results[0], results[1]

    def run(calls: int) -> tuple[float, float]:
        if fake is None:
            with aioresponses() as mock:
                # The same aiohttp 3.14 response class the fake's mount needs (aioresponses #289).
                mock.get(get_url, payload={"item": item}, repeat=True, response_class=_Response)
                mock.post(query_url, payload=_page(item), repeat=True, response_class=_Response)
                return asyncio.run(measure(calls))
        with fake.mock():
            result = asyncio.run(measure(calls))
        fake.journal.clear()
        return result

    return run


def transport_case(item: dict[str, Any], fake: FakeAutotask | None) -> Case:
    """httpx with fake.transport(), or (no fake) with an httpx.MockTransport answering fixed bodies."""
    get_url, query_url, query = _calls(item)
    fixed = {get_url: {"item": item}, query_url: _page(item)}

    def run(calls: int) -> tuple[float, float]:
        transport = (
            fake.transport()
            if fake is not None
            else httpx.MockTransport(lambda request: httpx.Response(200, json=fixed[str(request.url)]))
        )
        with httpx.Client(transport=transport, headers=HEADERS) as client:
            result = (
                timed(lambda: client.get(get_url), calls),
                timed(lambda: client.post(query_url, json=query), calls),
            )
        if fake is not None:
            fake.journal.clear()
        return result

    return run


def best_of_rounds(cases: dict[str, Case], calls: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Interleave the cases round by round and keep each one's best, so drift hits all alike."""
    best = {name: (float("inf"), float("inf")) for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            get, found = case(calls)
            best[name] = (min(best[name][0], get), min(best[name][1], found))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=positive, default=1000)
    parser.add_argument("--rounds", type=positive, default=7)
    parser.add_argument("--small", type=positive, default=100)
    parser.add_argument("--large", type=positive, default=100_000)
    args = parser.parse_args()

    small, _, _ = seeded_fake(args.small)
    large, seed_seconds, seed_bytes = seeded_fake(args.large)
    item = small.get("Tickets", args.small // 2 + 1)
    assert item is not None
    results = best_of_rounds(
        {"bare": bare_case(item), "small": fake_case(small, args.small), "large": fake_case(large, args.large)},
        args.calls,
        args.rounds,
    )
    (bare_get, bare_query), (small_get, small_query), (large_get, large_query) = (
        results["bare"],
        results["small"],
        results["large"],
    )

    micro = 1e6
    print(f"{args.calls} calls per measurement, best of {args.rounds} interleaved rounds")
    print(f"{'case':44} {'GET /Tickets/{id}':>18} {'query eq ticketNumber':>22}")
    print(f"{'bare respx route (baseline)':44} {bare_get * micro:15.1f} us {bare_query * micro:19.1f} us")
    print(f"{f'fake, {args.small} tickets':44} {small_get * micro:15.1f} us {small_query * micro:19.1f} us")
    print(f"{f'fake, {args.large} tickets':44} {large_get * micro:15.1f} us {large_query * micro:19.1f} us")
    print(
        f"ratio fake({args.small}) / bare:                  GET {small_get / bare_get:.2f}x   "
        f"query {small_query / bare_query:.2f}x   (target <= 1.5x)"
    )
    print(
        f"ratio fake({args.large}) / fake({args.small}):       GET {large_get / small_get:.2f}x   "
        f"query {large_query / small_query:.2f}x   (target <= 1.2x)"
    )
    print(
        f"seeding {args.large} tickets: {seed_seconds:.2f} s, {seed_bytes / 2**20:.0f} MiB resident added "
        f"(targets < 10 s, < 500 MiB)"
    )

    stacks = best_of_rounds(
        {
            "requests bare": requests_case(item, None),
            "requests fake": requests_case(item, small),
            "aiohttp bare": aiohttp_case(item, None),
            "aiohttp fake": aiohttp_case(item, small),
            "transport bare": transport_case(item, None),
            "transport fake": transport_case(item, small),
        },
        args.calls,
        args.rounds,
    )
    print()
    print(
        f"{'per stack (fake with ' + str(args.small) + ' tickets)':44} {'GET /Tickets/{id}':>18} "
        f"{'query eq ticketNumber':>22}"
    )
    rows = [
        ("requests: static responses callback", "requests bare"),
        ("requests: fake.mock()", "requests fake"),
        ("aiohttp: static aioresponses answer", "aiohttp bare"),
        ("aiohttp: fake.mock()", "aiohttp fake"),
        ("httpx: httpx.MockTransport", "transport bare"),
        ("httpx: fake.transport()", "transport fake"),
    ]
    for label, name in rows:
        get, found = stacks[name]
        print(f"{label:44} {get * micro:15.1f} us {found * micro:19.1f} us")
    for stack, bare_name in (
        ("requests", "requests bare"),
        ("aiohttp", "aiohttp bare"),
        ("httpx fake.mock()", None),
        ("httpx fake.transport()", "transport bare"),
    ):
        fake_get, fake_query = {
            "requests": stacks["requests fake"],
            "aiohttp": stacks["aiohttp fake"],
            "httpx fake.mock()": (small_get, small_query),
            "httpx fake.transport()": stacks["transport fake"],
        }[stack]
        bare = stacks[bare_name] if bare_name else (bare_get, bare_query)
        print(
            f"ratio {stack} / its bare mock:{'':{max(0, 22 - len(stack))}} GET {fake_get / bare[0]:.2f}x   "
            f"query {fake_query / bare[1]:.2f}x   (target <= 1.2x)"
        )
    transport_get, transport_query = stacks["transport fake"]
    print(
        f"ratio fake.transport() / bare respx route:   GET {transport_get / bare_get:.2f}x   "
        f"query {transport_query / bare_query:.2f}x   (target < 1x)"
    )


if __name__ == "__main__":
    main()
