"""The command line's error convention as a user meets it: a mistake is one or two lines on stderr naming
what was wrong (and the valid choices), exit 2; a fault of the harness is one line, exit 3, and its traceback
only with --debug; --version answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from harness.cli.app import app
from harness.cli.errors import run_command

from .serve_process import run_harness

JOURNAL_LINE = '{"method": "GET", "url": "http://127.0.0.1/ATServicesRest/V1.0/Tickets/1", "status": 200}\n'


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.jsonl"
    path.write_text(JOURNAL_LINE, encoding="utf-8")
    return path


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else already listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


def _short_error(done: object, *names: str) -> str:
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert done.returncode == 2, done.stdout + stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) <= 2, stderr
    for name in names:
        assert name in stderr, (name, stderr)
    return stderr


def test_an_unknown_pack_is_refused_with_the_packs(journal: Path) -> None:
    """It used to run no rules at all and pass: "no violations (0 rules)", exit 0."""
    _short_error(run_harness("check", "--pack", "nopack", str(journal)), "'nopack'", "contract", "resolution-workflow")


def test_an_unknown_rule_is_refused_with_the_rules(journal: Path) -> None:
    _short_error(run_harness("check", "--disable", "no-such-rule=x", str(journal)), "no-such-rule", "exact-base-path")


@pytest.mark.parametrize(
    "command",
    [
        ["check", "JOURNAL"],
        ["serve", "--port", "0"],
        ["record", "--upstream", "http://127.0.0.1:9", "--out", "OUT", "--port", "0"],
        ["contract"],
        ["webhooks"],
    ],
)
def test_an_unknown_profile_is_refused_with_the_bundled_ones(command: list[str], journal: Path) -> None:
    arguments = [str(journal) if a == "JOURNAL" else str(journal.parent / "out") if a == "OUT" else a for a in command]
    _short_error(run_harness(*arguments, "--profile", "nonexistent"), "nonexistent", "default", "documented")


def test_a_missing_file_is_one_line_and_a_pointer_to_help() -> None:
    stderr = _short_error(run_harness("check", "missing.jsonl"), "missing.jsonl")
    assert stderr.splitlines()[-1] == "Try 'autotask-harness check --help'."


def test_a_port_out_of_range_is_a_usage_error() -> None:
    _short_error(run_harness("serve", "--port", "99999"), "--port", "65535")


def test_serve_on_a_busy_port_says_so_before_serving(busy_port: int) -> None:
    done = run_harness("serve", "--port", str(busy_port))
    _short_error(done, f"port {busy_port}", "--port 0")
    assert "stopped after" not in done.stdout


def test_record_on_a_busy_port_leaves_nothing_behind(busy_port: int, tmp_path: Path) -> None:
    out = tmp_path / "rec"
    done = run_harness("record", "--upstream", "http://127.0.0.1:9", "--out", str(out), "--port", str(busy_port))
    _short_error(done, f"port {busy_port}")
    assert not out.exists()  # no folder, no empty journal


def test_record_takes_the_seed_serve_takes(tmp_path: Path, busy_port: int) -> None:
    """``record --seed sample`` was refused (it took only a file); now the seed is read, then the port refused."""
    done = run_harness(
        "record",
        "--upstream",
        "http://127.0.0.1:9",
        "--out",
        str(tmp_path),
        "--seed",
        "sample",
        "--port",
        str(busy_port),
    )
    stderr = _short_error(done, f"port {busy_port}")
    assert "--seed" not in stderr


def test_a_seed_that_is_not_there_is_named() -> None:
    _short_error(run_harness("serve", "--port", "0", "--seed", "no-such.json"), "no-such.json", "sample")


def test_version_names_the_installed_version() -> None:
    done = run_harness("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"autotask-harness {version('autotask-contract-harness')}"


def test_a_usage_error_from_click_is_two_lines() -> None:
    """Typer printed a boxed, four-line usage error here."""
    done = run_harness("check", "--no-such-option")
    assert _short_error(done, "--no-such-option").splitlines()[-1] == "Try 'autotask-harness check --help'."


def test_a_fault_is_one_line_and_its_traceback_only_with_debug(
    journal: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a rule fell over")

    monkeypatch.setattr("harness.rules.check", broken)
    assert run_command(app, ["check", str(journal)]) == 3
    err = capsys.readouterr().err
    assert err.strip() == "error: RuntimeError: a rule fell over; run 'autotask-harness --debug ...' for the traceback"
    with pytest.raises(RuntimeError, match="a rule fell over"):
        run_command(app, ["--debug", "check", str(journal)])


def test_findings_keep_their_exit_code(tmp_path: Path) -> None:
    """A journal that breaks a rule is a finding (exit 1), not a usage error."""
    path = tmp_path / "patch.jsonl"
    path.write_text(
        '{"method": "PATCH", "url": "http://127.0.0.1/ATServicesRest/V1.0/Tickets", "status": 200}\n', encoding="utf-8"
    )
    done = run_harness("check", str(path))
    assert done.returncode == 1 and done.stderr == "", done.stdout + done.stderr
