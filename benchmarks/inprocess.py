"""In-process speed of the fake, printed as ratios against baselines measured in the same run.

Run: ``python benchmarks/inprocess.py [--calls N] [--large N]``

1. httpx through ``fake.mock()`` against a bare respx route that returns a fixed
   JSON body (the same item the fake returns), for ``GET /Tickets/{id}`` and an
   ``eq`` query on ``ticketNumber``. Target: the fake within 1.5x of the bare route.
2. The same two calls with 100 and with 100,000 tickets seeded. Target: the
   large case within 1.2x of the small one (indexed lookups, not scans).
3. Seeding 100,000 tickets: wall time and resident memory added.

Nothing here asserts a time; it prints what it measured.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import gc
import os
import time
from collections.abc import Callable
from typing import Any

import httpx
import respx

from fake_server import FakeAutotask, Limits

BASE = "https://webservices19.autotask.net/ATServicesRest/V1.0"
HEADERS = {"ApiIntegrationCode": "BENCH", "UserName": "bench@example.invalid", "Secret": "bench"}


def ticket(n: int) -> dict[str, Any]:
    return {"companyID": 0, "title": f"Ticket {n}", "status": 1 + (n % 2) * 7, "priority": 1 + n % 4,
            "queueID": 29683354, "issueType": 4, "subIssueType": 201, "source": 2, "ticketCategory": 1,
            "dueDateTime": "2026-12-01T17:00:00Z", "description": f"Description of ticket {n}",
            "assignedResourceID": 29682899, "ticketNumber": f"T20261123.{n:05d}.001"}


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
    page = {"items": [item], "pageDetails": {"count": 1, "requestCount": 500, "prevPageUrl": None,
                                             "nextPageUrl": None}}

    def run(calls: int) -> tuple[float, float]:
        with respx.mock(assert_all_called=False) as router, httpx.Client(headers=HEADERS) as client:
            router.get(f"{BASE}/Tickets/{item['id']}").mock(return_value=httpx.Response(200, json={"item": item}))
            router.post(f"{BASE}/Tickets/query").mock(return_value=httpx.Response(200, json=page))
            get = timed(lambda: client.get(f"{BASE}/Tickets/{item['id']}"), calls)
            found = timed(lambda: client.post(f"{BASE}/Tickets/query", json=query), calls)
        return get, found

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
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    small, _, _ = seeded_fake(args.small)
    large, seed_seconds, seed_bytes = seeded_fake(args.large)
    item = small.get("Tickets", args.small // 2 + 1)
    assert item is not None
    results = best_of_rounds({"bare": bare_case(item), "small": fake_case(small, args.small),
                              "large": fake_case(large, args.large)}, args.calls, args.rounds)
    (bare_get, bare_query), (small_get, small_query), (large_get, large_query) = (
        results["bare"], results["small"], results["large"])

    micro = 1e6
    print(f"{args.calls} calls per measurement, best of {args.rounds} interleaved rounds")
    print(f"{'case':44} {'GET /Tickets/{id}':>18} {'query eq ticketNumber':>22}")
    print(f"{'bare respx route (baseline)':44} {bare_get * micro:15.1f} us {bare_query * micro:19.1f} us")
    print(f"{f'fake, {args.small} tickets':44} {small_get * micro:15.1f} us {small_query * micro:19.1f} us")
    print(f"{f'fake, {args.large} tickets':44} {large_get * micro:15.1f} us {large_query * micro:19.1f} us")
    print(f"ratio fake({args.small}) / bare:                  GET {small_get / bare_get:.2f}x   "
          f"query {small_query / bare_query:.2f}x   (target <= 1.5x)")
    print(f"ratio fake({args.large}) / fake({args.small}):       GET {large_get / small_get:.2f}x   "
          f"query {large_query / small_query:.2f}x   (target <= 1.2x)")
    print(f"seeding {args.large} tickets: {seed_seconds:.2f} s, {seed_bytes / 2**20:.0f} MiB resident added "
          f"(targets < 10 s, < 500 MiB)")


if __name__ == "__main__":
    main()
