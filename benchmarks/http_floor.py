"""The floor for benchmarks/http.py: a minimal ASGI app answering fixed bodies, under the same uvicorn setup.

Usage: python benchmarks/http_floor.py PORT BODIES.json   (BODIES.json maps "METHOD /path" to a JSON body;
any other path answers the body given for its method)
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import json
import re
from typing import Any

import uvicorn

from harness.serving.server import free_socket, uvicorn_config

HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


def _shape(method: str, path: str) -> str:
    """A call without its ids or query string: another ticket's GET answers the body given for the first."""
    return f"{method} {re.sub(r'/[0-9]+', '/N', path.split('?', 1)[0])}"


def make_app(bodies: dict[str, bytes]) -> Any:
    # Any other path answers the body of its shape, else its method's first: the rounds that ask for a
    # different ticket each time, and the mixed workload.
    by_shape = {_shape(*key.split(" ", 1)): body for key, body in bodies.items()}
    by_method: dict[str, bytes] = {}
    for key, body in bodies.items():
        by_method.setdefault(key.split(" ", 1)[0], body)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = by_shape.get(_shape(scope["method"], scope["path"])) or by_method.get(scope["method"], b"{}")
        more = True
        while more:  # drain the request body, as any server must
            more = (await receive()).get("more_body", False)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*HEADERS, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


if __name__ == "__main__":
    port, bodies_path = int(sys.argv[1]), Path(sys.argv[2])
    bodies = {k: v.encode("utf-8") for k, v in json.loads(bodies_path.read_text("utf-8")).items()}
    uvicorn.Server(uvicorn_config(make_app(bodies))).run(sockets=[free_socket("127.0.0.1", port)])  # type: ignore[arg-type]
