"""``autotask-harness serve`` as a child process on a free port of 127.0.0.1, for tests that stop it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve_process(*args: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``serve --port 0 --no-limits ARGS``; its base URL and the lines it printed up to it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", "--port", "0", "--no-limits", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    assert process.stdout is not None
    printed: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        printed.append(line)
        match = re.search(r"base URL:\s+(\S+)", line)
        if match:
            return process, match.group(1), printed
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("serve printed no base URL:\n" + "".join(printed))
