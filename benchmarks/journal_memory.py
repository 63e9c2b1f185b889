"""Bytes a journal entry costs a long-running served fake, measured with tracemalloc.

Run: ``python benchmarks/journal_memory.py [--requests N]``

Sends N GETs straight through the ASGI app (no server, so only the fake allocates) twice: one
ticket over and over (a client polling a record), then each of the sample's 1,200 tickets in
turn. Prints the memory still held afterwards per request, which is what the journal (and the
fake's caches) grow by. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

from fake_server import FakeAutotask, Limits
from fake_server.asgi import AsgiApp
from fake_server.sample import sample_snapshot

HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"username", b"bench@example.invalid"),
    (b"secret", b"bench"),
    (b"apiintegrationcode", b"BENCH"),
    (b"user-agent", b"journal-memory"),
]


async def serve_gets(app: AsgiApp, path_of: Callable[[int], str], count: int) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_: Any) -> None:
        return None

    for number in range(count):
        path = path_of(number)
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": list(HEADERS),
            "scheme": "http",
            "server": ("127.0.0.1", 8000),
        }
        await app(scope, receive, send)


def held_per_request(path_of: Callable[[int], str], count: int) -> float:
    fake = FakeAutotask(limits=Limits.off())
    fake.load_snapshot(sample_snapshot())
    app = AsgiApp(fake)
    asyncio.run(serve_gets(app, path_of, 1_200))  # every record rendered once, as a warm server has
    fake.journal.clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    asyncio.run(serve_gets(app, path_of, count))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(fake.journal) == count
    return (after - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=24_000)
    args = parser.parse_args()
    same = held_per_request(lambda _: "/ATServicesRest/V1.0/Tickets/600", args.requests)
    spread = held_per_request(lambda n: f"/ATServicesRest/V1.0/Tickets/{n % 1200 + 1}", args.requests)
    print(f"{args.requests} GETs through the ASGI app; memory held afterwards per request:")
    print(f"  the same ticket each time:        {same:6.0f} bytes")
    print(f"  each of 1,200 tickets in turn:    {spread:6.0f} bytes")


if __name__ == "__main__":
    main()
