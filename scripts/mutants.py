"""A mutation check: apply each small realistic slip of ``scripts/mutant_list.py`` in turn and see whether the
tests meant to notice it fail.

Usage (from the repository's root, with its venv's python):

    python scripts/mutants.py list                 # every mutant, its file and its tests
    python scripts/mutants.py run [NAME ...]       # run them (all, or those named); --jobs N, --timeout S
    python scripts/mutants.py stale                # which mutants' snippets are no longer found

Each mutant is applied in a private copy of the tree (one per job, in a temporary directory), never in the
tree itself, so Ctrl-C or a crash cannot leave the working tree mutated; the copies are removed at the end.
A mutant is "killed" when its tests fail (a failure, an error or a timeout all count), "survived" when they
pass, and "stale" when its snippet is not found exactly once in its file (refactored code): stale mutants are
listed but not counted. The tests are first run unmutated; a set that fails already is reported as broken.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutant_list import MUTANTS, Mutant  # a script beside its list, not a package

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "*.egg-info"
)


def is_stale(mutant: Mutant, root: Path = ROOT) -> bool:
    """Whether the mutant's snippet is not found exactly once in its file (or the file is gone)."""
    path = root / mutant.file
    return not path.is_file() or path.read_text(encoding="utf-8").count(mutant.original) != 1


def _pytest(copy: Path, tests: Sequence[str], timeout: float) -> tuple[str, float]:
    """Run the tests in the copy: "passed", "failed" or "timeout", and the seconds it took."""
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *tests]
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run(command, cwd=copy, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    # 0: all passed; 5: no test collected, which is a wrong test list, not a kill.
    outcome = {0: "passed", 5: "no tests"}.get(done.returncode, "failed")
    return outcome, time.monotonic() - started


def _run_one(mutant: Mutant, copy: Path, timeout: float) -> tuple[str, float]:
    path = copy / mutant.file
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace(mutant.original, mutant.replacement, 1), encoding="utf-8")
        outcome, seconds = _pytest(copy, mutant.tests, timeout)
    finally:
        path.write_text(original, encoding="utf-8")  # the copy is whole again for the next mutant
    verdict = {"failed": "killed", "timeout": "killed (timeout)", "passed": "survived"}.get(outcome, outcome)
    return verdict, seconds


def run(mutants: Sequence[Mutant], jobs: int, timeout: float, baseline: bool) -> int:
    live = [m for m in mutants if not is_stale(m)]
    for mutant in mutants:
        if mutant not in live:
            print(f"stale     {mutant.name}: its snippet is not found once in {mutant.file}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="mutants-"))
    try:
        copies = [workdir / f"tree-{n}" for n in range(max(1, jobs))]
        for copy in copies:
            shutil.copytree(ROOT, copy, ignore=SKIPPED)
        free = list(copies)
        if baseline:
            print("baseline: the tests of every mutant, unmutated ...", flush=True)
            broken = _baseline(live, copies, timeout)
            if broken:
                print("broken    the unmutated tree fails: " + ", ".join(broken), flush=True)
                return 2
        results: dict[str, str] = {}

        def work(mutant: Mutant) -> None:
            copy = free.pop()
            try:
                verdict, seconds = _run_one(mutant, copy, timeout)
            finally:
                free.append(copy)
            results[mutant.name] = verdict
            print(f"{verdict:<9} {mutant.name} ({seconds:.0f} s): {mutant.slip}", flush=True)

        with ThreadPoolExecutor(max_workers=len(copies)) as pool:
            list(pool.map(work, live))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    killed = sum(1 for verdict in results.values() if verdict.startswith("killed"))
    survived = sorted(name for name, verdict in results.items() if verdict == "survived")
    other = sorted(name for name, verdict in results.items() if not verdict.startswith(("killed", "survived")))
    print(f"\nkilled {killed} of {len(live)} ({killed / max(1, len(live)):.0%}); stale {len(mutants) - len(live)}")
    if survived:
        print("survived: " + ", ".join(survived))
    if other:
        print("no verdict (check their test lists): " + ", ".join(other))
    return 0 if not survived and not other else 1


def _baseline(mutants: Sequence[Mutant], copies: list[Path], timeout: float) -> list[str]:
    """The mutants whose tests fail on the unmutated tree (each distinct test list run once, in parallel)."""
    sets = {mutant.tests: mutant.name for mutant in mutants}
    free = list(copies)

    def passes(tests: tuple[str, ...]) -> bool:
        copy = free.pop()
        try:
            return _pytest(copy, tests, timeout)[0] == "passed"
        finally:
            free.append(copy)

    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        verdicts = list(pool.map(passes, list(sets)))
    return [name for (tests, name), ok in zip(sets.items(), verdicts, strict=True) if not ok]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every mutant, its file and its tests")
    commands.add_parser("stale", help="the mutants whose snippet is no longer found")
    running = commands.add_parser("run", help="apply each mutant in a copy of the tree and run its tests")
    running.add_argument("names", nargs="*", metavar="NAME", help="only these mutants (default: all)")
    running.add_argument("--jobs", type=int, default=2, help="mutants run at once, each in its own copy")
    running.add_argument("--timeout", type=float, default=300.0, help="seconds before a test run counts as hung")
    running.add_argument("--no-baseline", action="store_true", help="skip the unmutated run of the tests")
    args = parser.parse_args(argv)
    if args.command == "list":
        for mutant in MUTANTS:
            state = " (stale)" if is_stale(mutant) else ""
            print(f"{mutant.name}{state}\n    {mutant.file}: {mutant.slip}\n    pytest {' '.join(mutant.tests)}")
        return 0
    if args.command == "stale":
        stale = [m.name for m in MUTANTS if is_stale(m)]
        print("\n".join(stale) if stale else "no stale mutant")
        return 1 if stale else 0
    by_name = {mutant.name: mutant for mutant in MUTANTS}
    unknown = [name for name in args.names if name not in by_name]
    if unknown:
        print(f"no mutant named {', '.join(unknown)}; `python scripts/mutants.py list` shows them", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("--jobs takes 1 or more", file=sys.stderr)
        return 2
    chosen = [by_name[name] for name in args.names] or list(MUTANTS)
    return run(chosen, args.jobs, args.timeout, baseline=not args.no_baseline)


if __name__ == "__main__":
    sys.exit(main())
