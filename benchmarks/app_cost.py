"""What the fake's ASGI app costs per request with no server around it, against the floor app.

Run: ``python benchmarks/app_cost.py [--calls N] [--rounds N] [--mixed] [--json]``

Both apps are called directly with an in-memory ``receive`` and a ``send`` that drops what it is
given, so the figures are the apps' own Python work: what ``benchmarks/http.py``'s floor/fake
ratio is made of, minus the server. Best round of each; nothing is asserted.

``--mixed`` instead sends ``benchmarks/http.py``'s mixed workload (zone lookup, query of a new number, GET,
note create, PUT, time-entry query, ticket after ticket) after one pass over it, and prints the median time
of each kind of request (``--json``: as JSON, for ``benchmarks/compiled.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for http_floor

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from bench_cli import positive
from http_floor import make_app
from http_workload import MIXED_KINDS, mixed_requests, sample_fake

from fake_server import FakeAutotask, Limits
from fake_server.asgi import AsgiApp
from fake_server.sample import sample_snapshot

TICKET_ID = 600
HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"username", b"bench@example.invalid"),
    (b"secret", b"bench"),
    (b"apiintegrationcode", b"BENCH"),
]


def scope(method: str, path: str, body: bytes) -> dict[str, Any]:
    extra = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())] if body else []
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": HEADERS + extra,
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
    }


async def per_call(app: Any, method: str, path: str, body: bytes, calls: int) -> float:
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(_: Any) -> None:
        return None

    request = scope(method, path, body)
    started = time.perf_counter()
    for _ in range(calls):
        await app(request, receive, send)
    return (time.perf_counter() - started) / calls


async def mixed_per_kind(rounds: int) -> dict[str, float]:
    """The median time of each kind of request of the mixed workload, in seconds, sent in its order."""
    fake = sample_fake()
    app = AsgiApp(fake)
    requests = [
        (kind, scope, {"type": "http.request", "body": body, "more_body": False})
        for kind, scope, body in mixed_requests(fake)
    ]
    current: list[dict[str, Any]] = [{}]  # the body message of the request being sent

    async def receive() -> dict[str, Any]:
        return current[0]

    async def send(_: Any) -> None:
        return None

    statuses: list[int] = []

    async def send_checked(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for kind, request, current[0] in requests:  # the warm-up, as benchmarks/http.py has; every answer a 200
        await app(request, receive, send_checked)
        if statuses.pop() != 200:
            raise RuntimeError(f"the fake refuses the mixed workload's {kind} {request['path']}")
    times: dict[str, list[float]] = {kind: [] for kind in MIXED_KINDS}
    for _ in range(rounds):
        for kind, request, current[0] in requests:
            started = time.perf_counter()
            await app(request, receive, send)
            times[kind].append(time.perf_counter() - started)
    return {kind: statistics.median(spent) for kind, spent in times.items()}


def print_mixed(rounds: int, as_json: bool) -> None:
    per_kind = asyncio.run(mixed_per_kind(rounds))
    if as_json:
        print(json.dumps(per_kind))
        return
    for kind, seconds in per_kind.items():
        print(f"{kind:20} {seconds * 1e6:8.2f} us per request (median)")
    print(f"{'average of the kinds':20} {statistics.mean(per_kind.values()) * 1e6:8.2f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=positive, default=20_000)
    parser.add_argument("--rounds", type=positive, default=5)
    parser.add_argument("--mixed", action="store_true", help="the mixed workload's kinds of request instead")
    parser.add_argument("--json", action="store_true", help="with --mixed: print the medians as JSON")
    args = parser.parse_args()
    if args.mixed:
        print_mixed(args.rounds, args.json)
        return
    fake = FakeAutotask(limits=Limits.off())
    fake.load_snapshot(sample_snapshot())
    app = AsgiApp(fake)
    number = fake.get("Tickets", TICKET_ID)["ticketNumber"]  # type: ignore[index]
    query = json.dumps({"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}).encode()
    get_path, query_path = f"/ATServicesRest/V1.0/Tickets/{TICKET_ID}", "/ATServicesRest/V1.0/Tickets/query"
    floor = make_app({f"GET {get_path}": b"{}", f"POST {query_path}": b"{}"})
    cases = {
        "fake GET /Tickets/{id}": (app, "GET", get_path, b""),
        "fake ticketNumber query": (app, "POST", query_path, query),
        "floor GET": (floor, "GET", get_path, b""),
        "floor query": (floor, "POST", query_path, query),
    }
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(args.rounds):
        for name, (target, method, path, body) in cases.items():
            best[name] = min(best[name], asyncio.run(per_call(target, method, path, body, args.calls)))
            fake.journal.clear()  # each round starts from the same journal
    for name, seconds in best.items():
        print(f"{name:28} {seconds * 1e6:8.2f} us per request")
    print(
        f"fake / floor, app only:      GET {best['fake GET /Tickets/{id}'] / best['floor GET']:.0f}x   "
        f"query {best['fake ticketNumber query'] / best['floor query']:.0f}x"
    )


if __name__ == "__main__":
    main()
