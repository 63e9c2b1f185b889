"""Every command and code block of the receiver contract in docs/guides/webhooks.md, run as written."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from .doc_blocks import ROOT, named
from .serve_process import run_harness

GUIDE = "docs/guides/webhooks.md"


def _block(name: str) -> str:
    """The block of the guide marked ``<!-- run-by: tests/test_readme_webhook_receivers.py NAME -->``."""
    return named(GUIDE, name).code


def test_wire_block_runs() -> None:
    code = _block("wire")
    namespace: dict[str, object] = {}
    exec(compile(code, GUIDE, "exec"), namespace)
    body = namespace["body"]
    assert isinstance(body, bytes) and body.startswith(b'{"Action":"Update","Guid":"0e4c1f5a"')
    assert b"Caf\\u00E9 \\u0026 \\u003COps\\u003E" in body


def test_command_lines_run_as_documented(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")  # the lines name .venv/bin/... from the project folder
    for line in _block("commands").strip().splitlines():
        command, _, comment = line.partition("  # ")
        words = shlex.split(command)
        assert words[0] == ".venv/bin/autotask-harness"
        done = run_harness(*words[1:], cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
        expected = 1 if "exit 1" in comment else 0
        assert done.returncode == expected, line + "\n" + done.stdout + done.stderr
        assert "cases passed" in done.stdout
        for rule in re.findall(r"\[([a-z0-9-]+)\]", comment):
            assert f"[{rule}]" in done.stdout
    assert (tmp_path / "webhooks.xml").read_text().startswith("<testsuite")
    assert "Autotask webhook receiver contract" in (tmp_path / "webhooks.html").read_text()


def test_fixture_block_passes_under_pytest(tmp_path: Path) -> None:
    test_file = tmp_path / "test_receiver.py"
    test_file.write_text(_block("fixture"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider", "-n", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
