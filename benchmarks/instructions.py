"""Instructions per request, counted by valgrind: a before/after figure that this machine's speed swings
cannot blur.

Run: ``python benchmarks/instructions.py [--baseline DIR ...] [--calls N]`` (needs ``valgrind``).

For this checkout and each ``--baseline`` tree (``git worktree add DIR REV``), it counts the instructions
of a child that makes N requests and of one that makes N + ``--calls``, and prints the difference per
request, for ``GET /Tickets/{id}`` and a ``ticketNumber`` ``eq`` query, through ``fake.transport()``
(httpx, in-process; there also a ``PUT /Tickets`` of a whole record) and through the ASGI app called
directly (what ``serve`` runs, without the server), single-tenant and by credentials. Ratios are against
the first tree given (the baseline). The counts include the interpreter's own work, so they are comparable
between trees, not with wall time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess

HERE = Path(__file__).resolve()
CASES = [(mode, kind) for mode in ("inprocess", "asgi", "asgi-tenants") for kind in ("get", "query")]
# A write too, in-process only: what a tenant without webhooks pays on the write path (the webhook hook).
CASES.append(("inprocess", "put"))


def child(mode: str, kind: str, calls: int) -> None:
    """The measured work: ``calls`` requests of one kind, after the same setup in every tree."""
    import httpx

    from fake_server import FakeAutotask, Limits
    from fake_server.asgi import AsgiApp

    fake = FakeAutotask(limits=Limits.off())
    for i in range(100):
        fake.seed("Tickets", {"companyID": 0, "title": f"t{i}", "status": 1, "priority": 2})
    record = fake.get("Tickets", 50)
    assert record is not None
    query = json.dumps({"filter": [{"op": "eq", "field": "ticketNumber", "value": record["ticketNumber"]}]}).encode()
    headers = {"UserName": "u@example.invalid", "Secret": "s", "ApiIntegrationCode": "c"}
    headers["Content-Type"] = "application/json"
    base = "https://webservices19.autotask.net/ATServicesRest/V1.0"
    if mode == "inprocess":
        client = httpx.Client(transport=fake.transport(), headers=headers)
        replacement = json.dumps({**record, "title": "replaced"}).encode()
        for _ in range(calls):
            if kind == "get":
                client.get(f"{base}/Tickets/50")
            elif kind == "put":
                client.put(f"{base}/Tickets", content=replacement)
            else:
                client.post(f"{base}/Tickets/query", content=query)
        return
    if mode == "asgi-tenants":
        from fake_server.tenancy import TenantsByCredentials

        app = AsgiApp.by_credentials(TenantsByCredentials(lambda key: fake))
    else:
        app = AsgiApp(fake)
    path = "/ATServicesRest/V1.0/Tickets/50" if kind == "get" else "/ATServicesRest/V1.0/Tickets/query"
    scope = {
        "type": "http",
        "method": "GET" if kind == "get" else "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"host", b"127.0.0.1:8765")],
        "scheme": "http",
        "server": ("127.0.0.1", 8765),
    }
    body = b"" if kind == "get" else query

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: object) -> None:
        return None

    async def run() -> None:
        for _ in range(calls):
            await app(scope, receive, send)

    asyncio.run(run())


def counted(tree: Path, mode: str, kind: str, calls: int) -> int | None:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(HERE)]
    command += ["--child", mode, kind, str(calls)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found and done.returncode == 0 else None


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, action="append", default=[], help="another commit's tree")
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("benchmarks/instructions.py needs valgrind (apt-get install valgrind); nothing measured")
        return
    trees = [*(b.resolve() for b in args.baseline), HERE.parent.parent]
    print(f"instructions per request (difference of {args.calls} more requests), by tree")
    first: dict[tuple[str, str], float] = {}
    for tree in trees:
        cells = []
        for mode, kind in CASES:
            low, high = counted(tree, mode, kind, 300), counted(tree, mode, kind, 300 + args.calls)
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
