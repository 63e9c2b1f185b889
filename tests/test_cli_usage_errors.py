"""A file that is not traffic, given to a command that reads traffic, is a usage error: a short message naming
the file and what is wrong with it, exit 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .serve_process import run_harness

FILES: dict[str, Callable[[Path], Path]] = {
    "missing": lambda tmp: tmp / "nothing-here.jsonl",
    "a directory": lambda tmp: tmp,
    "not JSON": lambda tmp: _write(tmp / "notes.jsonl", b"not json\n"),
    "not UTF-8": lambda tmp: _write(tmp / "binary.json", b"\xff\xfe\x00\x81garbage"),
    "JSON that is not a cassette": lambda tmp: _write(tmp / "other.json", b'{"a": 1}\n'),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("command", ["check", "verify"])
@pytest.mark.parametrize("kind", list(FILES))
def test_a_file_that_is_not_traffic_is_a_short_usage_error(command: str, kind: str, tmp_path: Path) -> None:
    path = FILES[kind](tmp_path)
    done = run_harness(command, str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 4
    assert path.name in done.stderr


def test_the_demo_runs_as_the_readme_shows_it() -> None:
    """The README's ``.venv/bin/python -m harness.contract.demo`` shows the workflow and the traps, and exits 0."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "harness.contract.demo"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "405" in done.stdout and "PATCH" in done.stdout
    assert "completedDate stamped: True" in done.stdout
