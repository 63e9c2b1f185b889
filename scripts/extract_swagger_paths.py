"""Write ``tests/data/swagger-paths.txt.gz``: every path of the official Autotask REST swagger with its verbs.

Usage: python scripts/extract_swagger_paths.py PATH/TO/autotask-swagger.json

The source is the official swagger Autotask publishes for its PSA REST API ("Datto|Autotask PSA Rest API" v1,
Swagger 2.0, host webservices14.autotask.net, basePath /ATServicesRest), the same file
scripts/build_swagger_index.py builds the fake's route index from. The 3 MB file is not kept in the
repository; this list of its 2,077 paths (about 9 kB gzipped) is, so that tests/test_swagger_paths.py checks
the fake's route index against it in every clone. The output is deterministic (no timestamp in the gzip
header), so regenerating from the same swagger gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "swagger-paths.txt.gz"
VERBS = ("get", "post", "put", "patch", "delete")


def path_lines(swagger: dict[str, Any]) -> list[str]:
    """One ``PATH<TAB>verbs`` line per swagger path, verbs sorted and lowercase, paths sorted."""
    return [
        f"{path}\t{' '.join(sorted(v for v in operations if v in VERBS))}"
        for path, operations in sorted(swagger["paths"].items())
    ]


def render(source: bytes) -> bytes:
    """The gzipped list, headed by comment lines naming the swagger it came from."""
    swagger = json.loads(source)
    info = swagger.get("info", {})
    header = [
        f"# {info.get('title', '?')} {info.get('version', '?')}, Swagger {swagger.get('swagger', '?')}, "
        f"host {swagger.get('host', '?')}, basePath {swagger.get('basePath', '?')}",
        f"# sha256 of the swagger: {hashlib.sha256(source).hexdigest()}",
        "# written by scripts/extract_swagger_paths.py: PATH<TAB>verbs, one line per path",
    ]
    text = "\n".join([*header, *path_lines(swagger)]) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def read(data: bytes) -> dict[str, str]:
    """The path → verbs mapping of a file :func:`render` wrote."""
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line and not line.startswith("#"))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    OUT.write_bytes(render(Path(argv[0]).read_bytes()))
    print(f"wrote {OUT.name}: {len(read(OUT.read_bytes()))} paths")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
