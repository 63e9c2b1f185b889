"""Bytes a journal entry costs a long-running served fake, below its in-memory bound and past it, measured
with tracemalloc.

Run: ``python benchmarks/journal_memory.py [--keep N] [--past M]``

Sends GETs straight through the ASGI app (no server, so only the fake allocates), with the journal bounded
as ``serve`` bounds it (``--keep``, by default serve's own default), in two patterns: one ticket over and
over (a client polling a record), then each of the sample's 1,200 tickets in turn. For each it prints the
memory held per request while the journal fills (from a quarter of the bound to the bound) and past the
bound (from the bound to ``--past`` times it), the second of which should be about nothing. Both are
differences between two points of one run, so what a warm fake holds once (rendered records, kept answers,
the bodies the journal shares) is not counted as if every request grew it. Nothing is asserted.
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
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench_cli import positive

from fake_server import FakeAutotask, Limits
from fake_server import journal as journal_module
from fake_server.asgi import AsgiApp
from fake_server.sample import sample_snapshot

HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"username", b"bench@example.invalid"),
    (b"secret", b"bench"),
    (b"apiintegrationcode", b"BENCH"),
    (b"user-agent", b"journal-memory"),
]
# What serve keeps; a tree from before the bound (a baseline) keeps everything.
SERVED_KEEP = getattr(journal_module, "SERVED_KEEP", 10_000)


async def serve_gets(app: AsgiApp, path_of: Callable[[int], str], start: int, stop: int) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_: Any) -> None:
        return None

    for number in range(start, stop):
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


def held_per_request(path_of: Callable[[int], str], checkpoints: list[int], keep: int) -> list[float]:
    """Bytes held per request between consecutive checkpoints (counts of requests)."""
    fake = FakeAutotask(limits=Limits.off())
    fake.load_snapshot(sample_snapshot())
    if hasattr(fake.journal, "limit"):
        fake.journal.limit(keep)
    app = AsgiApp(fake)
    asyncio.run(serve_gets(app, path_of, 0, 1_200))  # every record rendered once, as a warm server has
    fake.journal.clear()
    gc.collect()
    tracemalloc.start()
    held, done = [], 0
    for checkpoint in checkpoints:
        asyncio.run(serve_gets(app, path_of, done, checkpoint))
        done = checkpoint
        # The fake's kept answers (at most 1,024, cleared when full) are emptied at every point: 1,200
        # tickets in turn refill them without end, and how full they happened to be is not the journal's.
        fake._answers.clear()
        gc.collect()
        held.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    steps = zip(held, held[1:], checkpoints, checkpoints[1:], strict=False)  # consecutive pairs
    return [(after - before) / (b - a) for before, after, a, b in steps]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=positive, default=SERVED_KEEP, help="the journal's bound (serve's default)")
    parser.add_argument("--past", type=positive, default=3, help="measure past the bound up to this many times it")
    args = parser.parse_args()
    keep = args.keep
    checkpoints = [keep // 4, keep, keep * args.past]
    print(f"GETs through the ASGI app, journal bound {keep}; memory held per request:")
    print(f"  {'':34} {'filling':>9} {'past the bound':>15}")
    for name, path_of in [
        ("the same ticket each time", lambda _: "/ATServicesRest/V1.0/Tickets/600"),
        ("each of 1,200 tickets in turn", lambda n: f"/ATServicesRest/V1.0/Tickets/{n % 1200 + 1}"),
    ]:
        filling, past = held_per_request(path_of, checkpoints, keep)
        print(f"  {name:34} {filling:7.0f} B {past:13.0f} B")


if __name__ == "__main__":
    main()
