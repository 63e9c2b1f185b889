"""Re-create the journals: wyre-technology/autotask-mcp 2.7.2 (the MCP server formerly asachs01/autotask-mcp,
built on autotask-node 2.1.0), unchanged, started over stdio by an MCP client (driver.mjs) against the served
fake.

The server pins its SDK as a git dependency (github:wyre-technology/autotask-node#v2.1.0, commit
c079864d6fa8127a611d83b634c18894b601d50f), which npm cannot fetch here, so both are built from their
repositories: the SDK at that commit, packed; the server at commit
703b5c9dda22171c718c68abe764a8288ee2799d (main, 2026-02-18, package.json 2.7.2) with that tarball installed
under the same name, then compiled (Node 18 or newer). Then run this script from the repository root with
the harness's Python:

    git clone https://github.com/wyre-technology/autotask-node <sdk> && git -C <sdk> checkout v2.1.0
    (cd <sdk> && npm ci --ignore-scripts && npx tsc && npm pack --ignore-scripts)
    git clone https://github.com/wyre-technology/autotask-mcp <server> && git -C <server> checkout 703b5c9
    (cd <server> && npm install --ignore-scripts "autotask-node@file:<sdk>/asachs01-autotask-node-2.1.0.tgz" \
        && npx tsc)
    AUTOTASK_CORPUS_MCP_SERVER=<server> python tests/corpus/autotask-mcp/record.py

For each profile (default, then documented) it serves the sample tenant and runs ``node driver.mjs <server>
<root url> <ticket number>``, which starts ``node <server>/dist/entry.js`` with the server's documented
environment (credentials, AUTOTASK_API_URL = <root url>/ATServicesRest/v1.0) and calls its tools over MCP;
then it writes the fake's journal.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from recording import TICKET_NUMBER, record_profiles, run_driver  # noqa: E402


def main() -> int:
    server = os.environ.get("AUTOTASK_CORPUS_MCP_SERVER")
    if not server:
        sys.exit("set AUTOTASK_CORPUS_MCP_SERVER to the built autotask-mcp folder")
    if not (Path(server) / "dist" / "entry.js").is_file():
        sys.exit(f"{server} holds no built server (dist/entry.js)")
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH")

    def drive(root_url: str, ca_file: Path | None) -> None:
        run_driver([node, "driver.mjs", server, root_url, TICKET_NUMBER], "driver.mjs", cwd=HERE)

    record_profiles(HERE, drive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
