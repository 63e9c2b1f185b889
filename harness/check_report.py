"""Reports of violations: a table for people (rich), JSON for tools, JUnit XML for CI systems.

Nothing a report prints repeats a credential: every message, exchange description and detail goes through
the journal's scrubber (``Secret=...``, ``UserName=...`` and the like in a path or query, also
percent-encoded), and the credentials this process holds in its environment are redacted wherever they
appear, so a client that put its secret in a bare path segment is not quoted either."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from .rules import REGISTRY, Rule, Violation
from .scrub import credentials_in_environment, redact
from .traffic import Exchange


def _clean(value: Any) -> Any:
    """Strings, nested or not, with every credential redacted."""
    if isinstance(value, str):
        return redact(value, credentials_in_environment())
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _message(violation: Violation) -> str:
    return str(_clean(violation.message))


def _involved(violation: Violation, traffic: Sequence[Exchange]) -> list[str]:
    by_position = {e.position: e for e in traffic}
    return [_clean(by_position[p].describe()) for p in violation.exchanges if p in by_position]


def as_dicts(violations: Sequence[Violation], traffic: Sequence[Exchange]) -> list[dict[str, object]]:
    return [
        {
            "rule": v.rule,
            "statement": REGISTRY[v.rule].statement,
            "source": REGISTRY[v.rule].source,
            "message": _message(v),
            "exchanges": list(v.exchanges),
            "involved": _involved(v, traffic),
            "details": _clean(v.details),
        }
        for v in violations
    ]


def text(violations: Sequence[Violation], traffic: Sequence[Exchange], rules: Sequence[Rule], console: Console) -> None:
    """A table on a terminal; piped or redirected, plain lines that no width can wrap mid-word."""
    if not violations:
        console.print(f"[green]no violations[/] in {len(traffic)} exchanges ({len(rules)} rules)")
        return
    title = f"{len(violations)} contract violation{'s' if len(violations) != 1 else ''} in {len(traffic)} exchanges"
    if not console.is_terminal:
        lines = [title]
        for violation in violations:
            lines.append(f"[{violation.rule}] {_message(violation)} ({REGISTRY[violation.rule].source})")
            lines += [f"    {involved}" for involved in _involved(violation, traffic)]
        console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=title, show_lines=True)
    for column in ("rule", "what happened", "exchanges", "source"):
        table.add_column(column, overflow="fold")
    for violation in violations:
        table.add_row(
            f"[bold red]{violation.rule}[/]",
            _message(violation),
            "\n".join(_involved(violation, traffic)),
            REGISTRY[violation.rule].source,
        )
    console.print(table)


def junit(violations: Sequence[Violation], traffic: Sequence[Exchange], rules: Sequence[Rule], source: str = "") -> str:
    """One test case per rule: failed with every violation's message and exchanges, or passed. The suite
    names the journal or cassette it judged, and its system-out lists every exchange."""
    suite = ElementTree.Element(
        "testsuite",
        name=f"autotask-contract: {_clean(source)}" if source else "autotask-contract",
        tests=str(len(rules)),
        failures=str(len({v.rule for v in violations})),
    )
    properties = ElementTree.SubElement(suite, "properties")
    ElementTree.SubElement(properties, "property", name="source", value=_clean(source))
    ElementTree.SubElement(properties, "property", name="exchanges", value=str(len(traffic)))
    for contract_rule in rules:
        case = ElementTree.SubElement(
            suite, "testcase", classname=f"autotask.{contract_rule.pack}", name=contract_rule.id
        )
        mine = [v for v in violations if v.rule == contract_rule.id]
        if mine:
            message = f"{contract_rule.statement} ({contract_rule.source})"
            failure = ElementTree.SubElement(case, "failure", message=message)
            failure.text = "\n".join(f"{_message(v)}: " + ", ".join(_involved(v, traffic)) for v in mine)
    out = ElementTree.SubElement(suite, "system-out")
    out.text = "\n".join(_clean(e.describe()) for e in traffic)
    return str(ElementTree.tostring(suite, encoding="unicode"))


def as_json(violations: Sequence[Violation], traffic: Sequence[Exchange]) -> str:
    return json.dumps({"exchanges": len(traffic), "violations": as_dicts(violations, traffic)}, indent=2)
