"""Every command and code block of README.md and docs/**/*.md runs as shown, so the docs cannot drift.

How a block runs is set by the marker above it (tests/doc_blocks.py). Shell blocks run under bash with the
venv's bin on PATH, in a temporary folder that links the repository's ``.venv``, ``cassettes`` and ``tests``;
servers run on free ports of 127.0.0.1 (``8765`` in a block becomes the port). A failure names the file and
line of the block that broke.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from .doc_blocks import ROOT, Block, every_block
from .serve_process import serve_process

BLOCKS = every_block()
RUN_KINDS = {"served", "serve", "pytest"}
EXCERPT = "excerpt-of "
# What an unmarked block may be: run (python, sh), parsed (toml, json, yaml), or shown (text: output, layouts).
UNMARKED_LANGUAGES = {"python", "sh", "toml", "json", "yaml", "text"}
# Blocks that cannot run as shown: each says why. Kept few; raise this only with a reason in the docs.
MOST_NOT_RUN = 19
SERVE_LINE = re.compile(r"^(\S*autotask-harness serve\b.*?)\s*&\s*$", re.M)


def _by(kind: str) -> list[Block]:
    return [b for b in BLOCKS if b.marker == kind]


def _ids(blocks: list[Block]) -> list[str]:
    return [b.where for b in blocks]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_port(port: int) -> str:
    """A shell line that waits until something listens on ``port`` (at most 30 s)."""
    return (
        f'{sys.executable} -c "import socket, time\n'
        f"for _ in range(300):\n"
        f"    try: socket.create_connection(('127.0.0.1', {port}), 0.1).close(); break\n"
        f'    except OSError: time.sleep(0.1)"'
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name in (".venv", "benchmarks", "cassettes", "scripts", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def _environment() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "PYTHONPATH": str(ROOT)}


def _run_shell(block: Block, code: str, cwd: Path) -> None:
    # Servers a block starts in the background are stopped when it ends, whatever its exit code.
    script = "set -euo pipefail\ntrap 'for job in $(jobs -p); do kill $job 2>/dev/null || true; done; wait' EXIT\n"
    script += code
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=_environment(), capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"{block.where}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def _with_background_servers(code: str) -> str:
    """Each ``serve ... &`` line gets a free port, and the block waits until it listens."""
    ports: list[int] = []

    def started(match: re.Match[str]) -> str:
        ports.append(_free_port())
        line = match.group(1)
        port = f"--port {ports[-1]}"
        line = re.sub(r"--port \d+", port, line) if "--port" in line else f"{line} {port}"
        return f"{line} >/dev/null &\n{_wait_for_port(ports[-1])}"

    lines = SERVE_LINE.sub(started, code)
    if ports:  # the block's other lines talk to the server it started
        lines = lines.replace("127.0.0.1:8765", f"127.0.0.1:{ports[0]}")
    return lines


def test_every_block_has_a_language_and_a_known_marker() -> None:
    assert len(BLOCKS) >= 30
    for block in BLOCKS:
        assert block.language, f"{block.where}: a block needs a language (text for output and layouts)"
        if block.marker == "run":
            assert block.value in RUN_KINDS or block.value.startswith(EXCERPT), f"{block.where}: run: {block.value}"


def test_blocks_that_do_not_run_are_few_and_each_says_why() -> None:
    not_run = _by("not-run")
    for block in not_run:
        assert len(block.value.split()) >= 3, f"{block.where}: say why it cannot run"
    unmarked = [b for b in BLOCKS if not b.marker and b.language not in UNMARKED_LANGUAGES]
    assert not unmarked, f"{_ids(unmarked)}: mark how these run, or why they cannot"
    print(f"{len(not_run)} of {len(BLOCKS)} blocks do not run:", *(f"{b.where}: {b.value}" for b in not_run), sep="\n")
    assert len(not_run) <= MOST_NOT_RUN


@pytest.mark.parametrize("block", _by("run-by"), ids=_ids(_by("run-by")))
def test_each_block_run_by_another_test_is_named_in_it(block: Block) -> None:
    test_file, name = block.value.split()
    assert name in (ROOT / test_file).read_text(encoding="utf-8"), f"{block.where}: {test_file} never runs {name}"


PYTHON = [b for b in BLOCKS if b.language == "python" and not b.marker]


@pytest.mark.parametrize("block", PYTHON, ids=_ids(PYTHON))
def test_python_block_runs(block: Block, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    try:
        exec(compile(block.code, block.where, "exec"), {"__name__": "doc_block"})
    except Exception as error:
        raise AssertionError(f"{block.where}: {type(error).__name__}: {error}") from error


SHELL = [b for b in BLOCKS if b.language == "sh" and not b.marker]


@pytest.mark.parametrize("block", SHELL, ids=_ids(SHELL))
def test_shell_block_runs(block: Block, workdir: Path) -> None:
    _run_shell(block, _with_background_servers(block.code), workdir)


DATA = [b for b in BLOCKS if b.language in ("toml", "json", "yaml") and not b.marker]


@pytest.mark.parametrize("block", DATA, ids=_ids(DATA))
def test_data_block_parses(block: Block) -> None:
    try:
        if block.language == "toml":
            tomllib.loads(block.code)
        elif block.language == "yaml":  # a CI configuration: shown, and at least well-formed
            yaml = pytest.importorskip("yaml", reason="PyYAML comes with mkdocs in the dev extra")
            yaml.safe_load(block.code)
        else:
            json.loads(block.code)
    except Exception as error:  # each parser has its own error class; any of them is a broken block
        raise AssertionError(f"{block.where}: {error}") from error


@pytest.fixture(scope="module")
def served() -> Iterator[int]:
    """One served fake (the sample tenant, with the state API) for every ``run: served`` block."""
    process, base, _ = serve_process("--seed", "sample", "--state-api")
    try:
        yield int(re.search(r":(\d+)/", base).group(1))  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(timeout=30)


SERVED = [b for b in BLOCKS if b.marker == "run" and b.value == "served"]


@pytest.mark.parametrize("block", SERVED, ids=_ids(SERVED))
def test_served_block_runs(block: Block, served: int, workdir: Path) -> None:
    _run_shell(block, block.code.replace("127.0.0.1:8765", f"127.0.0.1:{served}"), workdir)


SERVE = [b for b in BLOCKS if b.marker == "run" and b.value == "serve"]


@pytest.mark.parametrize("block", SERVE, ids=_ids(SERVE))
def test_serve_block_serves_and_prints_what_it_shows(block: Block, workdir: Path) -> None:
    command, *shown = block.code.strip().splitlines()
    port = _free_port()
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command} --port {port}"],
        cwd=workdir,
        env={**_environment(), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    printed: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("zone discovery" in line for line in printed):
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            printed.append(line.rstrip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
    for line in shown:
        expected = line.removeprefix("#").strip().replace("8765", str(port))
        assert any(p.strip() == expected for p in printed), f"{block.where}: not printed: {expected}\n" + "\n".join(
            printed
        )


PYTEST = [b for b in BLOCKS if b.marker == "run" and b.value == "pytest"]


def test_pytest_blocks_pass(tmp_path: Path) -> None:
    assert PYTEST, "the docs show at least one test that uses the plugin"
    for number, block in enumerate(PYTEST):
        (tmp_path / f"test_doc_block_{number}.py").write_text(f"# {block.where}\n{block.code}", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-q", "-p", "no:cacheprovider", "-n", "0", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=180,
    )
    assert done.returncode == 0, f"{_ids(PYTEST)}:\n{done.stdout}\n{done.stderr}"


EXCERPTS = [b for b in BLOCKS if b.marker == "run" and b.value.startswith(EXCERPT)]


@pytest.mark.parametrize("block", EXCERPTS, ids=_ids(EXCERPTS))
def test_excerpt_block_is_in_its_file(block: Block) -> None:
    source = {line.strip() for line in (ROOT / block.value.removeprefix(EXCERPT)).read_text("utf-8").splitlines()}
    for line in block.code.splitlines():
        if line.strip() and not line.strip().startswith("..."):
            assert line.strip() in source, f"{block.where}: not in {block.value}: {line.strip()}"
