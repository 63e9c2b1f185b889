"""The benchmarks refuse a count below 1 and a baseline that is not a checkout in one line and exit code 2, as
the CLI refuses its mistakes, rather than dividing by zero rounds or measuring this checkout twice."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Loaded from its file: the benchmarks folder is not a package, and on the path its http.py would hide the
# standard library's.
_SPEC = importlib.util.spec_from_file_location("bench_cli", ROOT / "benchmarks" / "bench_cli.py")
assert _SPEC is not None and _SPEC.loader is not None
bench_cli = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_cli)
positive, checkout = bench_cli.positive, bench_cli.checkout

MISTAKES = [
    ("app_cost.py", ["--rounds", "0"], "argument --rounds: 0 is too small"),
    ("app_cost.py", ["--mixed", "--calls", "many"], "argument --calls: 'many' is not a whole number"),
    ("compiled.py", ["--rounds", "-2"], "argument --rounds: -2 is too small"),
    ("http.py", ["--seconds", "0"], "argument --seconds: 0 is too small"),
    ("http.py", ["--baseline", "no-such-tree"], "no-such-tree holds no fake_server/"),
    ("instructions.py", ["--baseline", "benchmarks"], "benchmarks holds no fake_server/"),
    ("instructions.py", ["--cases", "asgi:mixd"], "no case asgi:mixd; the cases are"),
    ("journal_memory.py", ["--keep", "0"], "argument --keep: 0 is too small"),
    ("json_libs.py", ["--rounds", "1.5"], "argument --rounds: '1.5' is not a whole number"),
]


@pytest.mark.parametrize(("script", "arguments", "said"), MISTAKES, ids=[f"{s} {' '.join(a)}" for s, a, _ in MISTAKES])
def test_a_mistake_is_refused_in_a_line_with_exit_2(script: str, arguments: list[str], said: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # refused before anything was measured


def test_positive_takes_whole_numbers_from_one() -> None:
    assert positive("1") == 1
    assert positive("20000") == 20_000
    for text in ("0", "-1", "2.0", "", "ten"):
        with pytest.raises(argparse.ArgumentTypeError):
            positive(text)


def test_checkout_wants_the_fake_sources(tmp_path: Path) -> None:
    assert checkout(str(ROOT)) == ROOT
    with pytest.raises(argparse.ArgumentTypeError, match="git worktree add"):
        checkout(str(tmp_path))
    (tmp_path / "fake_server").mkdir()  # a folder of that name is not enough: it must be the package
    with pytest.raises(argparse.ArgumentTypeError):
        checkout(str(tmp_path))
