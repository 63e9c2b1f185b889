"""Regenerate ``autotask-swagger-tickets.json``: the operations tests/test_schemathesis.py runs, cut from the official
swagger with every definition they reference (transitively) and nothing else.

    python tests/data/extract_swagger.py PATH/TO/autotask-swagger.json \
        tests/data/autotask-swagger-tickets.json

The source is a local copy of the official Autotask REST swagger (Swagger 2.0, host
webservices14.autotask.net); the test reads only the extraction, never the source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OPERATIONS = {
    "/V1.0/Tickets": ["post", "put"],
    "/V1.0/Tickets/query": ["post"],
    "/V1.0/Tickets/{id}": ["get"],
    "/V1.0/Tickets/{parentId}/Notes": ["post"],
}
PREFIX = "#/definitions/"


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"][len(PREFIX) :]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def extract(swagger: dict[str, Any]) -> dict[str, Any]:
    paths = {path: {m: swagger["paths"][path][m] for m in methods} for path, methods in OPERATIONS.items()}
    wanted, todo = set(), _refs(paths)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo |= _refs(swagger["definitions"][name])
    info = dict(swagger["info"])
    info["description"] = (
        "Extracted by tests/data/extract_swagger.py from the official Autotask REST swagger "
        "(Swagger 2.0, host webservices14.autotask.net): only the operations "
        "tests/test_schemathesis.py runs and the definitions they reference."
    )
    return {
        "swagger": swagger["swagger"],
        "info": info,
        "host": swagger["host"],
        "basePath": swagger["basePath"],
        "schemes": swagger["schemes"],
        "paths": paths,
        "definitions": {name: swagger["definitions"][name] for name in sorted(wanted)},
    }


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.write_text(json.dumps(extract(json.loads(source.read_text("utf-8"))), indent=1) + "\n", "utf-8")
