"""Instructions per request, counted by valgrind: a before/after figure that this machine's speed swings
cannot blur.

Run: ``python benchmarks/instructions.py [--baseline DIR ...] [--calls N] [--cases MODE:KIND ...] [--jobs N]``
(needs ``valgrind``).

For this checkout and each ``--baseline`` tree (``git worktree add DIR REV``), it counts the instructions
of a child that makes N requests and of one that makes N + ``--calls``, and prints the difference per
request, for ``GET /Tickets/{id}`` and a ``ticketNumber`` ``eq`` query, through ``fake.transport()``
(httpx, in-process; there also a ``PUT /Tickets`` of a whole record) and through the ASGI app called
directly (what ``serve`` runs, without the server), single-tenant and by credentials. The ``-new`` kinds ask
for a different ticket each time, as a real client does (``get-new`` by id, ``query-new`` by ticketNumber),
so that no kept answer or plan serves them, each ticket for the first time; the ``-warm`` kinds ask the same
after every ticket was read once through the app (its rendering kept and journalled, as after the warm-up of
``benchmarks/http.py``) and a write. ``plan-new`` is only the planning part of ``query-new`` (reading the
body and compiling or binding the query, ``handlers._plan_from_request``), to show its share. Ratios are
against the first tree given (the baseline). The counts include the interpreter's own work, so they are
comparable between trees, not with wall time.
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
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench_cli import checkout, positive

HERE = Path(__file__).resolve()
CASES = [(mode, kind) for mode in ("inprocess", "asgi", "asgi-tenants") for kind in ("get", "query")]
# A write too, in-process only: what a tenant without webhooks pays on the write path (the webhook hook).
CASES.append(("inprocess", "put"))
CASES += [("inprocess", "get-new"), ("inprocess", "query-new"), ("inprocess", "plan-new")]
CASES += [("asgi", "get-new"), ("asgi", "query-new"), ("asgi", "get-warm"), ("asgi", "query-warm")]
# The mixed integration workload of benchmarks/http.py (zone lookup, query, GET, note, PUT, time entries).
CASES.append(("asgi", "mixed"))
# Tickets seeded for the -new kinds, the same number whatever ``calls`` is, so that both children of a
# difference share their setup; requests past it wrap around (and may then meet a kept answer).
NEW_TICKETS = 1400


def mixed_child(calls: int) -> None:
    """``calls`` requests of ``benchmarks/http.py``'s mixed workload through the ASGI app, on the sample tenant
    ``serve --seed sample`` serves, after one pass over its tickets (the warm-up)."""
    import importlib.util

    from fake_server.asgi import AsgiApp

    spec = importlib.util.spec_from_file_location("http_workload", HERE.parent / "http_workload.py")
    assert spec is not None and spec.loader is not None
    workload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workload)
    fake = workload.sample_fake()
    app = AsgiApp(fake)
    requests = [(scope, body) for _, scope, body in workload.mixed_requests(fake)]
    asyncio.run(serve_each(app, (requests[i % len(requests)] for i in range(len(requests) + calls))))


def child(mode: str, kind: str, calls: int) -> None:
    """The measured work: ``calls`` requests of one kind, after the same setup in every tree."""
    import httpx

    if kind == "mixed":
        mixed_child(calls)
        return

    from fake_server import FakeAutotask, Limits
    from fake_server.asgi import AsgiApp

    varied = kind.endswith(("-new", "-warm"))
    fake = FakeAutotask(limits=Limits.off())
    for i in range(NEW_TICKETS if varied else 100):
        fake.seed("Tickets", {"companyID": 0, "title": f"t{i}", "status": 1, "priority": 2})
    record = fake.get("Tickets", 50)
    assert record is not None
    numbers = [fake.get("Tickets", i + 1)["ticketNumber"] for i in range(NEW_TICKETS)] if varied else []  # type: ignore[index]

    def query_of(number: str) -> bytes:
        return json.dumps({"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]}).encode()

    query = query_of(record["ticketNumber"])
    headers = {"UserName": "u@example.invalid", "Secret": "s", "ApiIntegrationCode": "c"}
    headers["Content-Type"] = "application/json"
    base = "https://webservices19.autotask.net/ATServicesRest/V1.0"
    if kind == "plan-new":
        from fake_server import ApiRequest, ApiResponse
        from fake_server.handlers import _plan_from_request

        pairs = tuple(headers.items())
        requests = [ApiRequest("POST", f"{base}/Tickets/query", pairs, query_of(n)) for n in numbers]
        route = fake._route(requests[0])
        assert not isinstance(route, ApiResponse)
        for i in range(calls):
            _plan_from_request(fake.tenant, route, requests[i % NEW_TICKETS])
        return
    if mode == "inprocess":
        client = httpx.Client(transport=fake.transport(), headers=headers)
        replacement = json.dumps({**record, "title": "replaced"}).encode()
        for i in range(calls):
            if kind == "get":
                client.get(f"{base}/Tickets/50")
            elif kind == "get-new":
                client.get(f"{base}/Tickets/{i % NEW_TICKETS + 1}")
            elif kind == "put":
                client.put(f"{base}/Tickets", content=replacement)
            elif kind == "query-new":
                client.post(f"{base}/Tickets/query", content=query_of(numbers[i % NEW_TICKETS]))
            else:
                client.post(f"{base}/Tickets/query", content=query)
        return
    if mode == "asgi-tenants":
        from fake_server.tenancy import TenantsByCredentials

        app = AsgiApp.by_credentials(TenantsByCredentials(lambda key: fake))
    else:
        app = AsgiApp(fake)
    path = "/ATServicesRest/V1.0/Tickets/50" if kind.startswith("get") else "/ATServicesRest/V1.0/Tickets/query"
    scope = {
        "type": "http",
        "method": "GET" if kind.startswith("get") else "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"host", b"127.0.0.1:8765")],
        "scheme": "http",
        "server": ("127.0.0.1", 8765),
    }
    bodies = [b"" if kind.startswith("get") else query]
    scopes = [scope]
    if kind in ("get-new", "get-warm"):
        scopes = [
            {
                **scope,
                "path": f"/ATServicesRest/V1.0/Tickets/{i + 1}",
                "raw_path": b"/ATServicesRest/V1.0/Tickets/%d" % (i + 1),
            }
            for i in range(NEW_TICKETS)
        ]
    elif kind in ("query-new", "query-warm"):
        bodies = [query_of(n) for n in numbers]

    async def run() -> None:
        if kind.endswith("-warm"):  # every ticket read once, as the served benchmark's warm-up does; then a write
            paths = (f"/ATServicesRest/V1.0/Tickets/{i + 1}" for i in range(NEW_TICKETS))
            await serve_each(app, (({**scope, "method": "GET", "path": p, "raw_path": p.encode()}, b"") for p in paths))
            fake.seed("Companies", {"companyName": "Warm", "companyType": 1, "ownerResourceID": 4})  # answers retire
        await serve_each(app, ((scopes[i % len(scopes)], bodies[i % len(bodies)]) for i in range(calls)))

    asyncio.run(run())


async def serve_each(app: Any, requests: Iterable[tuple[dict[str, Any], bytes]]) -> None:
    """Each (scope, body) through an ASGI app, the whole body in one message; the answers are dropped."""
    body = b""

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: object) -> None:
        return None

    for scope, body in requests:  # noqa: B007 - receive reads the body of the request being served
        await app(scope, receive, send)


def valgrind_count(script: Path, arguments: list[str], env: dict[str, str] | None = None) -> int | None:
    """The instructions valgrind counts for ``python script --child *arguments``; None if the child failed."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(script)]
    done = subprocess.run([*command, "--child", *arguments], capture_output=True, text=True, env=env)
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found and done.returncode == 0 else None


def counted(tree: Path, mode: str, kind: str, calls: int) -> int | None:
    return valgrind_count(HERE, [mode, kind, str(calls)], {**os.environ, "PYTHONPATH": str(tree)})


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=checkout, action="append", default=[], help="another commit's tree")
    parser.add_argument("--calls", type=positive, default=1000)
    parser.add_argument("--cases", nargs="*", help="only these, as mode:kind (inprocess:query-new ...)")
    parser.add_argument("--jobs", type=positive, default=1, help="valgrind children run at once")
    args = parser.parse_args()
    named = [f"{mode}:{kind}" for mode, kind in CASES]
    unknown = [case for case in args.cases or () if case not in named]
    if unknown:
        parser.error(f"no case {', '.join(unknown)}; the cases are {' '.join(named)}")
    cases = [c for c in CASES if not args.cases or f"{c[0]}:{c[1]}" in args.cases]
    if shutil.which("valgrind") is None:
        print("benchmarks/instructions.py needs valgrind (apt-get install valgrind); nothing measured")
        return
    trees = [*(b.resolve() for b in args.baseline), HERE.parent.parent]
    print(f"instructions per request (difference of {args.calls} more requests), by tree")
    runs = [(tree, mode, kind, n) for tree in trees for mode, kind in cases for n in (300, 300 + args.calls)]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:  # each child is its own process
        counts = dict(zip(runs, pool.map(lambda run: counted(*run), runs), strict=True))
    first: dict[tuple[str, str], float] = {}
    for tree in trees:
        cells = []
        for mode, kind in cases:
            low, high = counts[(tree, mode, kind, 300)], counts[(tree, mode, kind, 300 + args.calls)]
            if low is None or high is None:  # an older tree without tenants by credentials
                cells.append(f"{mode} {kind}: -")
                continue
            per = (high - low) / args.calls
            ratio = f" ({per / first[(mode, kind)]:.3f}x)" if (mode, kind) in first else ""
            first.setdefault((mode, kind), per)
            cells.append(f"{mode} {kind}: {per / 1000:.1f}k{ratio}")
        print(f"{tree.name}: " + "; ".join(cells))


if __name__ == "__main__":
    main()
