"""The contract suite's report: which client, which workflows, which rules judged each, what happened.

A pytest plugin the suite's conftest registers in the process that reports (the xdist controller, or the
only process). Each scenario attaches its record (rules, findings, exchanges) to its test's
``user_properties``, which reach the controller with the test report; the plugin prints a table at the
end (a failure with the exchanges behind it, ``-v`` every exchange) and, with ``--autotask-html FILE``,
writes the same as one HTML file.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fake_server import Exchange
from harness.contract.suite import Outcome
from harness.rules import REGISTRY

from .html import Report, Workflow, render

SCENARIO_PROPERTY = "autotask_scenario"
# A test that runs a workflow leaves (row label, outcome) here by node id, and the suite's conftest attaches
# it to the test's report. A dict rather than the ``request`` fixture, because property tests cannot take
# ``request``; a property test leaves its last example.
LAST_OUTCOMES: dict[str, tuple[str, Outcome]] = {}
# Request fields worth a glance when an exchange is shown under a failure.
TELLING_FIELDS = ("id", "status", "resolution", "title", "ticketNumber", "filter", "MaxRecords")


def scenario_record(label: str, outcome: Outcome) -> str:
    """What a workflow hands the report, as JSON text (user properties cross xdist's process boundary);
    ``label`` names its row."""
    return json.dumps(
        {
            "label": label,
            "rules": outcome.rules,
            "skipped": outcome.skipped,
            "findings": [[f.rule, f.message, list(f.exchanges)] for f in outcome.findings],
            "exchanges": [e.to_dict() for e in outcome.traffic],
        },
        ensure_ascii=False,
    )


@dataclass
class Row:
    name: str
    verdict: str
    seconds: float
    rules: list[str] = field(default_factory=list)
    findings: list[tuple[str, str, tuple[int, ...]]] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    message: str = ""


def _row(report: pytest.TestReport) -> Row:
    verdict = "passed" if report.passed else "skipped" if report.skipped else "failed"
    name = report.nodeid.split("::", 1)[-1]
    row = Row(name, verdict, report.duration)
    for key, value in report.user_properties:
        if key != SCENARIO_PROPERTY:
            continue
        record = json.loads(str(value))
        row.name = record["label"]
        row.rules = list(record["rules"])
        row.findings = [(rule, message, tuple(at)) for rule, message, at in record["findings"]]
        row.exchanges = [Exchange.from_dict(e, n) for n, e in enumerate(record["exchanges"], 1)]
    if report.skipped and isinstance(report.longrepr, tuple):
        row.message = str(report.longrepr[2]).removeprefix("Skipped: ")
    elif report.failed and not row.findings:  # not a contract finding: the test's own failure, in one line
        crash = getattr(report.longrepr, "reprcrash", None)
        row.message = str(getattr(crash, "message", "") or report.longrepr)[:500]
    return row


def _telling(exchange: Exchange) -> str:
    body = exchange.request_json
    if not isinstance(body, dict):
        return ""
    shown = [f"{k}={json.dumps(body[k], ensure_ascii=False)[:60]}" for k in TELLING_FIELDS if k in body]
    return "  " + " ".join(shown) if shown else ""


def _rules_by_pack(rows: list[Row]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        for rule in row.rules:
            pack = REGISTRY[rule].pack if rule in REGISTRY else "other"
            if rule not in found.setdefault(pack, []):
                found[pack].append(rule)
    return found


def _packs(rules: list[str]) -> str:
    """``contract (14) + resolution-workflow (3)``: which packs judged a row, and how many rules of each."""
    if not rules:
        return "- (judged by the tenant's state)"
    counts: dict[str, int] = {}
    for rule in rules:
        pack = REGISTRY[rule].pack if rule in REGISTRY else "other"
        counts[pack] = counts.get(pack, 0) + 1
    return " + ".join(f"{pack} ({n})" for pack, n in counts.items())


class ContractReport:
    """Collects each test's verdict as it is reported, then prints and writes the report."""

    def __init__(self, config: pytest.Config, client: str) -> None:
        self.config = config
        self.client = client
        self.rows: list[Row] = []
        self.started = time.time()

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # A test's verdict is its call phase; a skip or an error can come in setup instead.
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.rows.append(_row(report))

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        write = terminalreporter.write_line
        verbose = self.config.option.verbose > 0
        write("")
        write(f"Contract report: {self.client}, {self.config.getoption('--autotask-profile')} tenant")
        width = max([len(r.name) for r in self.rows] + [8])
        write(f"  {'workflow':{width}}  {'verdict':8} {'time':>7}  rules that judged it")
        for row in self.rows:
            write(f"  {row.name:{width}}  {row.verdict:8} {row.seconds:6.2f}s  {_packs(row.rules)}")
        for pack, rules in _rules_by_pack(self.rows).items():
            write(f"  {pack} rules: {', '.join(rules)}")
        for row in self.rows:
            if row.verdict == "passed" and not verbose:
                continue
            if row.verdict == "skipped":
                write(f"{row.name}: skipped, {row.message}")
                continue
            if row.verdict == "failed":
                write(f"{row.name}: FAILED")
            elif row.exchanges:
                write(f"{row.name}:")
            by_position = {e.position: e for e in row.exchanges}
            for rule, message, positions in row.findings:
                write(f"  [{rule}] {message}")
                for position in positions:
                    if position in by_position:
                        exchange = by_position[position]
                        write(f"      {exchange.describe()}{_telling(exchange)}")
            if row.message:
                write(f"  {row.message}")
            if verbose:
                for exchange in row.exchanges:
                    write(f"    {exchange.describe()}{_telling(exchange)}")
        target = self.config.getoption("--autotask-html")
        if target:
            Path(target).write_text(self.html(), encoding="utf-8")
            write(f"HTML report: {target}")

    def html(self) -> str:
        failed = sum(r.verdict == "failed" for r in self.rows)
        summary = [
            ("client under test", self.client),
            ("tenant profile", str(self.config.getoption("--autotask-profile"))),
            ("workflows", f"{len(self.rows)}: {len(self.rows) - failed} did not fail, {failed} failed"),
            ("rules", ", ".join(sorted({rule for r in self.rows for rule in r.rules})) or "-"),
            ("run", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))),
        ]
        workflows = [
            Workflow(r.name, r.verdict, r.rules, r.exchanges, r.findings, r.seconds, r.message) for r in self.rows
        ]
        return render(Report("Autotask contract suite", summary, workflows))
