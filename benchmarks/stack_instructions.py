"""Instructions per call of each Python HTTP stack through ``fake.mock()`` and through that stack's own bare
mock, counted by valgrind: ``benchmarks/inprocess.py``'s per-stack comparison without this machine's swings.

Run: ``python benchmarks/stack_instructions.py [--calls N] [--jobs N]`` (needs ``valgrind``).

For each pair of ``inprocess.py`` (requests against a static ``responses`` callback, aiohttp against a static
``aioresponses`` answer, httpx through ``fake.mock()`` against a bare respx route, ``fake.transport()`` against
``httpx.MockTransport``), one child makes 300 ``GET /Tickets/{id}`` and 300 ``ticketNumber`` queries and
another 300 + N of each, with the same setup; the difference per GET-and-query pair is printed, and the fake's
ratio to its bare mock. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for inprocess, instructions

import argparse
import shutil
from concurrent.futures import ThreadPoolExecutor

from bench_cli import positive
from instructions import valgrind_count

HERE = Path(__file__).resolve()
PAIRS = {
    "requests": "static responses callback",
    "aiohttp": "static aioresponses answer",
    "httpx mock": "bare respx route",
    "httpx transport": "httpx.MockTransport",
}
FIRST = 300


def child(stack: str, fake_or_bare: str, calls: int) -> None:
    """``calls`` GETs and queries through one stack, by the fake or by its bare mock, as inprocess.py does."""
    import inprocess

    small, _, _ = inprocess.seeded_fake(100)
    item = small.get("Tickets", 51)
    assert item is not None
    fake = small if fake_or_bare == "fake" else None
    if stack == "httpx mock":
        case = inprocess.fake_case(small, 100) if fake is not None else inprocess.bare_case(item)
    else:
        make = {"requests": inprocess.requests_case, "aiohttp": inprocess.aiohttp_case}
        case = make.get(stack, inprocess.transport_case)(item, fake)
    case(calls)


def counted(stack: str, fake_or_bare: str, calls: int) -> int | None:
    return valgrind_count(HERE, [stack, fake_or_bare, str(calls)])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=positive, default=1000)
    parser.add_argument("--jobs", type=positive, default=1, help="valgrind children run at once")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("benchmarks/stack_instructions.py needs valgrind (apt-get install valgrind); nothing measured")
        return
    runs = [(stack, which, n) for stack in PAIRS for which in ("bare", "fake") for n in (FIRST, FIRST + args.calls)]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:  # each child is its own process
        counts = dict(zip(runs, pool.map(lambda run: counted(*run), runs), strict=True))
    print(f"instructions per GET-and-query pair (difference of {args.calls} more of each)")
    for stack, bare_name in PAIRS.items():
        per = {}
        for which in ("bare", "fake"):
            low, high = counts[(stack, which, FIRST)], counts[(stack, which, FIRST + args.calls)]
            per[which] = None if low is None or high is None else (high - low) / args.calls
        if per["bare"] is None or per["fake"] is None:
            print(f"{stack:16} a child failed")
            continue
        print(
            f"{stack:16} fake {per['fake'] / 1000:8.1f}k   {bare_name} {per['bare'] / 1000:8.1f}k   "
            f"ratio {per['fake'] / per['bare']:.3f}x"
        )


if __name__ == "__main__":
    main()
