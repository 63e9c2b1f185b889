"""What compiling the fake's request path with mypyc would give: the app's own time per request, interpreted
against compiled, kind by kind of the mixed workload.

Run: ``python benchmarks/compiled.py [--rounds N] [--keep DIR]`` (needs mypyc, which comes with mypy in the
``dev`` extra, a C compiler and the Python headers; it says what is missing and stops otherwise).

It copies ``fake_server`` into a temporary folder (``--keep DIR``: into DIR, kept), compiles the modules every
request passes through there (``COMPILED``), and runs ``app_cost.py --mixed --json`` against each tree in
turn, in children, one round at a time. A kept tree can be counted in instructions, which this machine's
swings cannot blur: ``instructions.py --baseline DIR`` puts it first on the path of its children. The fake
itself is never compiled: this measures an option, it does not take it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for bench_cli

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sysconfig
import tempfile

from bench_cli import positive

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The modules of the request path. route.py stays interpreted: ``Route.with_record_id`` copies a route with
# ``object.__new__``, which mypyc refuses for the classes it compiles.
COMPILED = [
    *("answering", "asgi", "auth", "coercion", "exchange", "fake", "handlers", "http_types", "journal"),
    *("jsonbody", "paging", "query", "query_bytes", "query_cache", "query_select", "redaction", "rendering"),
    *("routing", "store", "writes"),
]


def missing() -> str | None:
    """What this machine lacks to compile, if anything."""
    if importlib.util.find_spec("mypyc") is None:
        return "mypyc is not installed (pip install -e '.[dev]' brings it with mypy)"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) on the PATH"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers (Python.h); on Debian: apt-get install python3-dev"
    return None


def compile_copy(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "fake_server", work / "fake_server", ignore=shutil.ignore_patterns("__pycache__"))
    sources = [f"fake_server/{name}.py" for name in COMPILED]
    done = subprocess.run(
        [sys.executable, "-m", "mypyc", *sources], cwd=work, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"mypyc failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def per_kind(tree: Path) -> dict[str, float]:
    """One round of ``app_cost.py --mixed`` with ``tree`` first on the path, in seconds per kind."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(HERE / "app_cost.py"), "--mixed", "--json", "--rounds", "1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=positive, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="an empty or new folder to compile into and keep")
    args = parser.parse_args()
    lacking = missing()
    if lacking is not None:
        print(f"benchmarks/compiled.py cannot compile here: {lacking}; nothing measured")
        return
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep} is not empty; name a new or empty folder")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) if args.keep is None else args.keep.resolve()
        print(f"compiling {len(COMPILED)} modules of fake_server with mypyc into {work}...", flush=True)
        compile_copy(work)
        trees = {"interpreted": ROOT, "compiled": work}
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(args.rounds):  # interleaved, so a busy spell of the machine falls on both
            for name, tree in trees.items():
                rounds[name].append(per_kind(tree))
    kinds = list(rounds["interpreted"][0])
    median = {name: {k: statistics.median(r[k] for r in runs) for k in kinds} for name, runs in rounds.items()}
    print(f"the app's own time per request, median of {args.rounds} rounds (us)")
    print(f"{'kind':20} {'interpreted':>12} {'compiled':>10} {'ratio':>7}")
    for kind in [*kinds, "average"]:
        pure, fast = (statistics.mean(m.values()) if kind == "average" else m[kind] for m in median.values())
        print(f"{kind:20} {pure * 1e6:12.2f} {fast * 1e6:10.2f} {fast / pure:6.2f}x")


if __name__ == "__main__":
    main()
