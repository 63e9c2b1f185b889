"""Reports people read: plain lines when piped, help without placeholders, JUnit naming what it judged,
and one self-contained HTML file per command (``--html``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli.app import app

from .conftest import CREDENTIALS

COMMANDS = ("serve", "check", "verify", "probe", "contract", "record", "webhooks")


def test_check_piped_prints_plain_lines_that_no_width_wraps(breach_journal: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(breach_journal)], env={"COLUMNS": "40"})
    assert result.exit_code == 1
    assert "│" not in result.output and "┃" not in result.output  # no table when not a terminal
    assert "    #2 PATCH /ATServicesRest/V1.0/Tickets -> " in result.output  # whole, on one line
    assert re.search(r"^\[no-ticket-patch\] ", result.output, re.M)
    assert "\x1b[" not in result.output  # no colour codes


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_placeholders_and_cuts_no_option_off(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert not re.search(r"<(str|bool|int|float|path|list\[[a-z]+\])>", result.output), result.output
    assert "…" not in result.output
    options = re.findall(r"--[a-z][a-z-]+", result.output)
    assert "--help" in options and all(not o.endswith("-") for o in options)


def test_contract_help_lists_the_command_placeholders_the_guide_uses() -> None:
    output = " ".join(CliRunner().invoke(app, ["contract", "--help"], env={"COLUMNS": "200"}).output.split())
    guide = (Path(__file__).parent.parent / "docs" / "guides" / "contract-suite.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\{(root_url|base_url|ticket_number|note|resolution|completing_status)\}", guide))
    assert used >= {"root_url", "ticket_number", "note", "resolution", "completing_status"}
    for name in used:
        assert "{" + name + "}" in output, name


def test_junit_names_the_journal_and_each_exchange(breach_journal: Path) -> None:
    junit = CliRunner().invoke(app, ["check", str(breach_journal), "--format", "junit"]).output
    suite = ElementTree.fromstring(junit)
    assert suite.get("name") == f"autotask-contract: {breach_journal}"
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["source"] == str(breach_journal)
    listed = (suite.findtext("system-out") or "").splitlines()
    assert len(listed) == 3 and listed[1].startswith("#2 PATCH /ATServicesRest/V1.0/Tickets -> ")


def test_check_html_is_one_self_contained_file_linking_findings_to_exchanges(
    breach_journal: Path, tmp_path: Path
) -> None:
    page = tmp_path / "check.html"
    result = CliRunner().invoke(app, ["check", str(breach_journal), "--html", str(page)])
    assert result.exit_code == 1 and page.exists()
    text = page.read_text(encoding="utf-8")
    assert not re.search(r'<(link|script|img)[^>]+(href|src)="?https?:', text)  # nothing fetched from a network
    assert "<style>" in text and "<script>" in text
    assert 'href="#w0-e2"' in text and 'id="w0-e2"' in text  # the finding links to the PATCH
    assert text.count('class="exchange"') == 3
    assert "no-ticket-patch" in text and "judged by:" in text
    assert not [value for value in CREDENTIALS.values() if value in text]


def test_verify_html_shows_drift_side_by_side(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "cassettes" / "documented" / "seed004-s2-get-envelope.json"
    page = tmp_path / "verify.html"
    clean = CliRunner().invoke(app, ["verify", str(source), "--target", "fake:documented", "--html", str(page)])
    assert clean.exit_code == 0 and "none: every answer matched" in page.read_text(encoding="utf-8")
    # The same cassette with its recorded title changed: one difference, shown both ways.
    drifted = tmp_path / "drifted.json"
    text = source.read_text(encoding="utf-8")
    drifted.write_text(text.replace('"title": "ICT Coaching"', '"title": "Recorded elsewhere"', 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(drifted), "--target", "fake:documented", "--html", str(page)])
    assert result.exit_code == 1
    shown = page.read_text(encoding="utf-8")
    assert 'class="side"' in shown and "<b>recorded</b>" in shown and "<b>replayed</b>" in shown
    assert "Recorded elsewhere" in shown and "ICT Coaching" in shown
    assert 'class="finding"><b>drift</b>' in shown
