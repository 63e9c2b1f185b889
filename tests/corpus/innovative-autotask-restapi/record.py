"""Re-create the journals: @innovative-inc/autotask-restapi 21.0.1 (Innovative-Inc/autotask-restapi, a fork of
@apigrate/autotask-restapi that added queryAll() paging and 429 retries), unchanged, against the fake
served over loopback TLS.

The fork is published to GitHub's package registry only, so it is built from its repository at commit
168135cda5f9fbeb5ffeb51ef6baab1aec0ecb21 (2024-06-18, "chore: bump version" to 21.0.1): pack it and install
the tarball into an npm prefix outside the repository (Node 18 or newer; openssl on PATH), then run this
script from the repository root with the harness's Python:

    git clone https://github.com/Innovative-Inc/autotask-restapi <src> && git -C <src> checkout 168135c
    (cd <src> && npm pack --ignore-scripts)
    npm install --prefix <prefix> <src>/innovative-inc-autotask-restapi-21.0.1.tgz
    AUTOTASK_CORPUS_NODE_PREFIX=<prefix> python tests/corpus/innovative-autotask-restapi/record.py

For each profile (default, then documented) it serves the sample tenant over TLS on 127.0.0.1 with a
fresh self-signed certificate, runs ``node driver.mjs <https root url> <ticket number>`` with
NODE_PATH=<prefix>/node_modules and NODE_EXTRA_CA_CERTS=<that certificate>, and writes the fake's journal.
TLS is needed, not chosen: queryAll() uses a nextPageUrl as a full URL only if it starts with "https://"
(index.js _fetch); over http:// it would append the link to the zone URL.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from recording import TICKET_NUMBER, record_profiles, run_driver  # noqa: E402

PACKAGE = Path("@innovative-inc") / "autotask-restapi"


def main() -> int:
    prefix = os.environ.get("AUTOTASK_CORPUS_NODE_PREFIX")
    if not prefix:
        sys.exit("set AUTOTASK_CORPUS_NODE_PREFIX to the npm prefix holding @innovative-inc/autotask-restapi")
    modules = Path(prefix) / "node_modules"
    if not (modules / PACKAGE / "package.json").is_file():
        sys.exit(f"@innovative-inc/autotask-restapi is not installed under {modules}")
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not on PATH")

    def drive(root_url: str, ca_file: Path | None) -> None:
        env = {**os.environ, "NODE_PATH": str(modules), "NODE_EXTRA_CA_CERTS": str(ca_file)}
        env.pop("DEBUG", None)
        run_driver([node, "driver.mjs", root_url, TICKET_NUMBER], "driver.mjs", cwd=HERE, env=env)

    record_profiles(HERE, drive, tls=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
