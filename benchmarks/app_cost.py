"""What the fake's ASGI app costs per request with no server around it, against the floor app.

Run: ``python benchmarks/app_cost.py [--calls N] [--rounds N]``

Both apps are called directly with an in-memory ``receive`` and a ``send`` that drops what it is
given, so the figures are the apps' own Python work: what ``benchmarks/http.py``'s floor/fake
ratio is made of, minus the server. Best round of each; nothing is asserted.
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
import time
from typing import Any

from http_floor import make_app

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
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
