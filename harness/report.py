"""Reports of violations: a table for people (rich), JSON for tools, JUnit XML for CI systems."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from .rules import REGISTRY, Rule, Violation
from .traffic import Exchange


def _involved(violation: Violation, traffic: Sequence[Exchange]) -> list[str]:
    by_position = {e.position: e for e in traffic}
    return [by_position[p].describe() for p in violation.exchanges if p in by_position]


def as_dicts(violations: Sequence[Violation], traffic: Sequence[Exchange]) -> list[dict[str, object]]:
    return [{"rule": v.rule, "statement": REGISTRY[v.rule].statement, "source": REGISTRY[v.rule].source,
             "message": v.message, "exchanges": list(v.exchanges), "involved": _involved(v, traffic),
             "details": v.details} for v in violations]


def text(violations: Sequence[Violation], traffic: Sequence[Exchange], rules: Sequence[Rule],
         console: Console) -> None:
    if not violations:
        console.print(f"[green]no violations[/] in {len(traffic)} exchanges ({len(rules)} rules)")
        return
    table = Table(title=f"{len(violations)} contract violation{'s' if len(violations) != 1 else ''} "
                        f"in {len(traffic)} exchanges", show_lines=True)
    for column in ("rule", "what happened", "exchanges", "source"):
        table.add_column(column, overflow="fold")
    for violation in violations:
        table.add_row(f"[bold red]{violation.rule}[/]", violation.message,
                      "\n".join(_involved(violation, traffic)), REGISTRY[violation.rule].source)
    console.print(table)


def junit(violations: Sequence[Violation], traffic: Sequence[Exchange], rules: Sequence[Rule]) -> str:
    """One test case per rule: failed with every violation's message, or passed."""
    suite = ElementTree.Element("testsuite", name="autotask-contract", tests=str(len(rules)),
                                failures=str(len({v.rule for v in violations})))
    for contract_rule in rules:
        case = ElementTree.SubElement(suite, "testcase", classname=f"autotask.{contract_rule.pack}",
                                      name=contract_rule.id)
        mine = [v for v in violations if v.rule == contract_rule.id]
        if mine:
            message = f"{contract_rule.statement} ({contract_rule.source})"
            failure = ElementTree.SubElement(case, "failure", message=message)
            failure.text = "\n".join(f"{v.message}: " + ", ".join(_involved(v, traffic)) for v in mine)
    return str(ElementTree.tostring(suite, encoding="unicode"))


def as_json(violations: Sequence[Violation], traffic: Sequence[Exchange]) -> str:
    return json.dumps({"exchanges": len(traffic), "violations": as_dicts(violations, traffic)}, indent=2)
