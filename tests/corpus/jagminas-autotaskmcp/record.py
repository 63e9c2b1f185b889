"""Re-create the journals: JagminasJ/AutoTaskMCP (an MCP server made with MCP Builder from Autotask's Postman
collection; Streamable HTTP over Express; Node's fetch), unchanged, against the fake served over loopback TLS.

Every URL in the server is hard-wired to https://webservices15.autotask.net (tools.ts), with no setting to
change it. So record.py serves the fake over TLS on 127.0.0.1 with a fresh certificate that is valid for
webservices15.autotask.net, and starts the server with ``node --require loopback.cjs``: that file (next to
this one) sets Node's fetch dispatcher (undici) to connect every *.autotask.net connection to the fake and
to trust that certificate, so the server's requests go out as they would in production (same URL, Host,
TLS name) and reach the fake. It also keeps the server's listener on loopback (the server binds 0.0.0.0).

Build the server from its repository at commit 254d8dcc378663c01b57341ad5e278fc2521502a (2025-11-21; it is
not published) and install undici 6 (Node 20's own fetch is undici 6) into an npm prefix, both outside the
repository, then run this script from the repository root with the harness's Python:

    git clone https://github.com/JagminasJ/AutoTaskMCP <server> && git -C <server> checkout 254d8dc
    (cd <server> && npm ci --ignore-scripts && npx tsc -p .)
    npm install --prefix <prefix> undici@6
    AUTOTASK_CORPUS_MCP_SERVER=<server> AUTOTASK_CORPUS_NODE_PREFIX=<prefix> \\
        python tests/corpus/jagminas-autotaskmcp/record.py

For each profile (default, then documented) it serves the sample tenant, starts the server on a free port
with its documented environment (AUTOTASK_USER_NAME, AUTOTASK_SECRET, AUTOTASK_API_INTEGRATION_CODE, PORT),
runs ``node driver.mjs`` (an MCP client on the SDK's Streamable HTTP transport), stops the server and writes
the fake's journal.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from recording import record_profiles, run_driver  # noqa: E402

from fake_server.sample import sample_snapshot  # noqa: E402
from harness.serving.server import free_socket  # noqa: E402

HOST = "webservices15.autotask.net"  # tools.ts: every URL


def wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the MCP server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the MCP server did not start listening")


def main() -> int:
    server_dir, prefix = os.environ.get("AUTOTASK_CORPUS_MCP_SERVER"), os.environ.get("AUTOTASK_CORPUS_NODE_PREFIX")
    if not server_dir or not prefix:
        sys.exit("set AUTOTASK_CORPUS_MCP_SERVER (the built server) and AUTOTASK_CORPUS_NODE_PREFIX (undici 6)")
    if not (Path(server_dir) / "dist" / "index.js").is_file():
        sys.exit(f"{server_dir} holds no built server (dist/index.js)")
    modules = Path(prefix) / "node_modules"
    if not (modules / "undici" / "package.json").is_file():
        sys.exit(f"undici is not installed under {modules}")
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH")
    snapshot = sample_snapshot()
    ticket = next(t for t in snapshot["Tickets"] if t["ticketNumber"] == "T20260106.0012.001")
    company = next(c for c in snapshot["Companies"] if c["id"] == ticket["companyID"])
    resource = next(r for r in snapshot["Resources"] if r["id"] == ticket["assignedResourceID"])

    def drive(root_url: str, ca_file: Path | None) -> None:
        sock = free_socket()
        port = sock.getsockname()[1]
        sock.close()
        env = {
            "PATH": os.environ["PATH"],
            "NODE_PATH": str(modules),
            "PORT": str(port),
            "AUTOTASK_USER_NAME": "api-user@example.invalid",
            "AUTOTASK_SECRET": "any-secret",
            "AUTOTASK_API_INTEGRATION_CODE": "ANYINTEGRATIONCODE",
            "AUTOTASK_CORPUS_LOOPBACK": root_url.removeprefix("https://"),
            "AUTOTASK_CORPUS_CA": str(ca_file),
        }
        server = subprocess.Popen(
            [node, "--require", str(HERE / "loopback.cjs"), "dist/index.js"],
            cwd=server_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_port(port, server)
            args = [server_dir, f"http://127.0.0.1:{port}/mcp", company["companyName"],
                    f"{resource['firstName']} {resource['lastName']}", str(ticket["id"])]  # fmt: skip
            run_driver([node, "driver.mjs", *args], "driver.mjs", cwd=HERE)
        finally:
            server.terminate()
            server.wait(timeout=10)

    record_profiles(HERE, drive, tls=True, tls_names=[HOST])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
