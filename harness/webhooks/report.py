"""The receiver contract's report, as the contract suite reports: a terminal table with each finding and the
exchanges behind it, JUnit XML (one test case per battery case), and one self-contained HTML file
(``html_report``, the same page the contract suite writes).

Nothing here can carry the webhook's secret key or a signature: callouts are recorded with the signature
replaced by its kind, answers are redacted as they arrive (``webhook_contract``), and every text written is
redacted once more against ``secrets`` and the credentials in the environment.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable

from harness.reports.html import Report, Workflow, render
from harness.rules import REGISTRY
from harness.scrub import credentials_in_environment, redact

from .contract import CaseResult, ReceiverRun


def _clean(text: str, secrets: Iterable[str]) -> str:
    return redact(text, {*secrets, *credentials_in_environment()})


def _secrets(run: ReceiverRun, secrets: Iterable[str]) -> set[str]:
    return {*run.redactions, *secrets}


def _packs(rules: list[str]) -> str:
    counts: dict[str, int] = {}
    for rule_id in rules:
        pack = REGISTRY[rule_id].pack if rule_id in REGISTRY else "other"
        counts[pack] = counts.get(pack, 0) + 1
    return " + ".join(f"{pack} ({n})" for pack, n in counts.items())


def _verdict(case: CaseResult) -> str:
    return "passed" if case.outcome.passed else "failed"


def text(run: ReceiverRun, *, verbose: bool = False, secrets: Iterable[str] = ()) -> str:
    """The terminal report: one line per case, then each failure's findings with the exchanges they name."""
    width = max([len(c.name) for c in run.cases] + [8])
    lines = [f"Webhook receiver contract: {run.receiver}", f"  {'case':{width}}  {'verdict':8} {'time':>7}  rules"]
    for case in run.cases:
        rules = _packs(case.outcome.rules)
        lines.append(f"  {case.name:{width}}  {_verdict(case):8} {case.seconds:6.2f}s  {rules}")
    for case in run.cases:
        if case.outcome.passed and not verbose:
            continue
        lines.append(f"{case.name}: {'FAILED' if not case.outcome.passed else 'passed'} ({case.summary})")
        by_position = {e.position: e for e in case.outcome.traffic}
        for finding in case.outcome.findings:
            lines.append(f"  [{finding.rule}] {finding.message}")
            lines += [f"      {by_position[p].describe()}" for p in finding.exchanges if p in by_position]
        if verbose:
            lines += [f"    {e.describe()}" for e in case.outcome.traffic]
    failed = sum(not c.outcome.passed for c in run.cases)
    lines.append(f"{len(run.cases) - failed} of {len(run.cases)} cases passed")
    return _clean("\n".join(lines), _secrets(run, secrets))


def junit(run: ReceiverRun, *, secrets: Iterable[str] = ()) -> str:
    """JUnit XML: a test case per battery case, failed with its findings; its exchanges in system-out."""
    failed = [c for c in run.cases if not c.outcome.passed]
    suite = ElementTree.Element(
        "testsuite",
        name=f"autotask-webhook-receiver: {run.receiver}",
        tests=str(len(run.cases)),
        failures=str(len(failed)),
        time=f"{sum(c.seconds for c in run.cases):.3f}",
    )
    for case in run.cases:
        element = ElementTree.SubElement(
            suite, "testcase", classname="autotask.webhook-receiver", name=case.name, time=f"{case.seconds:.3f}"
        )
        if not case.outcome.passed:
            rules = sorted({f.rule for f in case.outcome.findings})
            failure = ElementTree.SubElement(element, "failure", message=", ".join(rules))
            failure.text = "\n".join(f"[{f.rule}] {f.message}" for f in case.outcome.findings)
        out = ElementTree.SubElement(element, "system-out")
        out.text = "\n".join(e.describe() for e in case.outcome.traffic)
    return _clean(str(ElementTree.tostring(suite, encoding="unicode")), _secrets(run, secrets))


def html(run: ReceiverRun, *, secrets: Iterable[str] = ()) -> str:
    """One self-contained HTML file: each case with the rules that judged it, its findings and exchanges."""
    failed = sum(not c.outcome.passed for c in run.cases)
    summary = [
        ("receiver under test", run.receiver),
        ("cases", f"{len(run.cases)}: {len(run.cases) - failed} passed, {failed} failed"),
        ("run", time.strftime("%Y-%m-%d %H:%M:%S")),
    ]
    workflows = [
        Workflow(
            c.name,
            _verdict(c),
            c.outcome.rules,
            c.outcome.traffic,
            [(f.rule, f.message, f.exchanges) for f in c.outcome.findings],
            c.seconds,
            c.summary,
        )
        for c in run.cases
    ]
    return _clean(render(Report("Autotask webhook receiver contract", summary, workflows)), _secrets(run, secrets))
