"""Every option of every command, given a bad value, is a usage error: exit 2, at most two lines on stderr
saying what was wrong, never a traceback. The list of options comes from the command line itself, so an
option added without a bad value here fails ``test_every_option_has_a_bad_value``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from harness.cli.app import app
from harness.cli.errors import run_command

COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]
MISSING = "no-such-dir/report.file"  # under tmp_path: a file in a folder that does not exist

# What each command needs beside the option under test, with the valid values the bad one replaces.
VALID: dict[str, list[str]] = {
    "serve": ["--port", "0"],
    "record": ["--upstream", "http://127.0.0.1:9", "--out", "out", "--port", "0"],
    "webhooks": [],
    "check": ["journal.jsonl"],
    "contract": [],
    "verify": ["cassette.json"],
    "probe": ["--target", "http://127.0.0.1:9"],
}
# A bad value for every option that takes one (flags get ``--flag=value``, which no flag takes).
BAD: dict[tuple[str, str], str] = {
    ("serve", "--host"): "not a host",
    ("serve", "--port"): "99999",
    ("serve", "--profile"): "nonexistent",
    ("serve", "--seed"): "no-such-seed.json",
    ("serve", "--journal"): MISSING,
    ("serve", "--tenants"): "three",
    ("serve", "--state"): ".",
    ("serve", "--state-interval"): "-1",
    ("serve", "--journal-keep"): "-1",
    ("serve", "--webhook-allow-host"): "http://example.com/hook",
    ("serve", "--webhook-time-scale"): "0",
    ("record", "--upstream"): "ftp://example.com",
    ("record", "--out"): "journal.jsonl",
    ("record", "--name"): "a/b",
    ("record", "--host"): "not a host",
    ("record", "--port"): "99999",
    ("record", "--profile"): "nonexistent",
    ("record", "--seed"): "no-such-seed.json",
    ("webhooks", "--receiver"): "no_such_module:make",
    ("webhooks", "--command"): "node receiver.js {nope}",
    ("webhooks", "--path"): "no-slash",
    ("webhooks", "--timeout"): "0",
    ("webhooks", "--profile"): "nonexistent",
    ("webhooks", "--junit-xml"): MISSING,
    ("webhooks", "--html"): MISSING,
    ("check", "--format"): "xml",
    ("check", "--pack"): "nopack",
    ("check", "--disable"): "no-such-rule=x",
    ("check", "--profile"): "nonexistent",
    ("check", "--html"): MISSING,
    ("contract", "--client"): "no_such_module:make",
    ("contract", "--command"): "pwsh ./resolve.ps1 {nope}",
    ("contract", "--workers"): "-1",
    ("contract", "--junit-xml"): MISSING,
    ("contract", "--html"): MISSING,
    ("contract", "--profile"): "nonexistent",
    ("contract", "--allow-missing"): "resolve_tickets",
    ("verify", "--target"): "nowhere",
    ("verify", "--html"): MISSING,
    ("probe", "--target"): "nowhere",
    ("probe", "--out"): "journal.jsonl",
    ("probe", "--company"): "acme",
    ("probe", "--queue"): "first",
    ("probe", "--set"): "novalue",
    ("probe", "--closing-status"): "done",
    ("probe", "--html"): MISSING,
}


def _options(command: str) -> list[Any]:
    return [p for p in COMMANDS[command].params if p.param_type_name == "option" and p.name != "help"]


CASES = [(command, option.opts[0], bool(option.is_flag)) for command in COMMANDS for option in _options(command)]


def test_every_option_has_a_bad_value() -> None:
    taking_values = {(command, name) for command, name, flag in CASES if not flag}
    assert taking_values - set(BAD) == set(), "give these options a bad value in BAD"
    assert set(BAD) - taking_values == set(), "these options are gone"
    assert len(CASES) > len(taking_values)  # the flags are tested too, with a value no flag takes


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a journal and a cassette; nothing here may serve, probe or run the suite for real."""
    import pytest as pytest_module
    import uvicorn

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a bad value got as far as running the command")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(uvicorn.Server, "run", refuse)
    monkeypatch.setattr(pytest_module, "main", refuse)
    monkeypatch.setattr("harness.webhooks.contract.run_contract", refuse)
    monkeypatch.setattr("harness.probe.run_probe", refuse)
    for name in ("AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE"):
        monkeypatch.setenv(name, "bad-values-test")
    (tmp_path / "journal.jsonl").write_text(
        '{"method": "GET", "url": "http://127.0.0.1/ATServicesRest/V1.0/Tickets/1", "status": 200}\n',
        encoding="utf-8",
    )
    (tmp_path / "cassette.json").write_text('{"interactions": []}', encoding="utf-8")
    return tmp_path


def _arguments(command: str, option: str, value: str | None) -> list[str]:
    given = [f"{option}=maybe"] if value is None else [option, value]  # no flag takes a value
    base = list(VALID[command])
    if option in base:  # the option under test replaces its valid value
        at = base.index(option)
        del base[at : at + 2]
    return [command, *base, *given]


@pytest.mark.parametrize(("command", "option", "flag"), CASES, ids=[f"{c} {o}" for c, o, _ in CASES])
def test_a_bad_value_is_a_short_usage_error(
    command: str, option: str, flag: bool, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = None if flag else BAD[(command, option)]
    code = run_command(app, _arguments(command, option, value))
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert err.startswith("error: "), err
    assert len(err.strip().splitlines()) <= 2, err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("option", ["--debug", "--version"])
def test_the_global_flags_take_no_value(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(app, [f"{option}=yes", "check"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) <= 2
