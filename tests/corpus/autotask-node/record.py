"""Re-create the journals: @wyre-technology/autotask-node 2.3.0 (wyre-technology/autotask-node, formerly
asachs01/autotask-node), unchanged, against the served fake.

The SDK is published to GitHub's package registry only, so it is built from its repository at commit
0e0175f3fbcf19e43f378569e3e420c9ac0b150f (main, 2026-08-20, package.json 2.3.0): install its dependencies,
compile it, pack it and install the tarball into an npm prefix outside the repository (Node 18 or newer),
then run this script from the repository root with the harness's Python:

    git clone https://github.com/wyre-technology/autotask-node <src> && git -C <src> checkout 0e0175f
    (cd <src> && npm ci --ignore-scripts && npx tsc && npm pack --ignore-scripts)
    npm install --prefix <prefix> --ignore-scripts <src>/wyre-technology-autotask-node-2.3.0.tgz
    AUTOTASK_CORPUS_NODE_PREFIX=<prefix> python tests/corpus/autotask-node/record.py

For each profile (default, then documented) it serves the sample tenant, runs ``node driver.mjs <root url>
<ticket number>`` with NODE_PATH=<prefix>/node_modules (the SDK's own request log on stdout is dropped; the
driver's step lines go to stderr), and writes the fake's journal. The SDK gzips every request body and says
so with ``Content-Encoding: gzip``; the journal keeps the decoded JSON.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from recording import TICKET_NUMBER, record_profiles, run_driver  # noqa: E402

PACKAGE = Path("@wyre-technology") / "autotask-node"


def main() -> int:
    prefix = os.environ.get("AUTOTASK_CORPUS_NODE_PREFIX")
    if not prefix:
        sys.exit("set AUTOTASK_CORPUS_NODE_PREFIX to the npm prefix holding @wyre-technology/autotask-node")
    modules = Path(prefix) / "node_modules"
    if not (modules / PACKAGE / "dist" / "index.js").is_file():
        sys.exit(f"@wyre-technology/autotask-node (built) is not installed under {modules}")
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH")

    def drive(root_url: str, ca_file: Path | None) -> None:
        env = {**os.environ, "NODE_PATH": str(modules)}
        command = [node, "driver.mjs", root_url, TICKET_NUMBER]
        run_driver(command, "driver.mjs", cwd=HERE, env=env, stdout=subprocess.DEVNULL)

    record_profiles(HERE, drive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
