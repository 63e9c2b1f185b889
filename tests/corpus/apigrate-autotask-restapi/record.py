"""Re-create journal.jsonl: the published @apigrate/autotask-restapi 2.0.1, unchanged, against the served fake.

Install the package (Node 18 or newer; it uses the built-in fetch) into an npm prefix outside the
repository, then run this script from the repository root with the harness's Python:

    npm install --prefix <prefix> @apigrate/autotask-restapi@2.0.1
    AUTOTASK_CORPUS_NODE_PREFIX=<prefix> python tests/corpus/apigrate-autotask-restapi/record.py

It serves the fake (profile "default", the sample tenant, as ``autotask-harness serve --seed sample``),
runs ``node driver.mjs <root url> <ticket number>`` with NODE_PATH=<prefix>/node_modules so the driver
finds the package, waits for it, and writes the fake's journal next to this file. The only
configuration the driver gives the connector is its base_url (``<root url>/ATServicesRest/``) and
credentials (any non-empty strings).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake

HERE = Path(__file__).resolve().parent
# An open ticket (status 1, New) of the sample tenant that has a time entry and a note.
TICKET_NUMBER = "T20260106.0012.001"


def main() -> int:
    prefix = os.environ.get("AUTOTASK_CORPUS_NODE_PREFIX")
    if not prefix:
        sys.exit("set AUTOTASK_CORPUS_NODE_PREFIX to the npm prefix holding @apigrate/autotask-restapi@2.0.1")
    modules = Path(prefix) / "node_modules"
    if not (modules / "@apigrate" / "autotask-restapi" / "package.json").is_file():
        sys.exit(f"@apigrate/autotask-restapi is not installed under {modules}")
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH")

    snapshot = sample_snapshot()
    assert any(t["ticketNumber"] == TICKET_NUMBER for t in snapshot["Tickets"])
    fake = sample_tenant()  # what `serve --seed sample` serves
    env = {**os.environ, "NODE_PATH": str(modules)}
    env.pop("DEBUG", None)
    with ServedFake(fake) as served:
        run = subprocess.run(
            [node, "driver.mjs", served.root_url, TICKET_NUMBER], cwd=HERE, env=env, timeout=300, check=False
        )
    if run.returncode != 0:
        sys.exit(f"driver.mjs exited with {run.returncode}")
    fake.journal.dump_jsonl(HERE / "journal.jsonl")
    print(f"{len(fake.journal)} exchanges written to {HERE / 'journal.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
