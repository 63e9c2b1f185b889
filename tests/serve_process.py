"""``autotask-harness`` commands that serve (``serve``, ``record``) as child processes on loopback, for tests
that talk to them and stop them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def harness_process(
    command: str, *args: str, columns: str = "200", timeout: float = 30
) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``autotask-harness COMMAND ARGS``; its printed base URL and the lines it printed up to it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.app", command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": columns},
    )
    assert process.stdout is not None
    printed: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        printed.append(line)
        match = re.search(r"base URL:\s+(\S+)", line)
        if match:
            return process, match.group(1), printed
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"{command} printed no base URL:\n" + "".join(printed))


def serve_process(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``serve --port 0 --no-limits ARGS``."""
    return harness_process("serve", "--port", "0", "--no-limits", *args)


def run_harness(
    *args: str, cwd: Path = ROOT, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``autotask-harness ARGS`` run to its end; ``env`` adds to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )
