"""Reports of violations: a table for people (rich), JSON for tools, JUnit XML for CI systems.

Nothing a report prints repeats a credential: every message, exchange description and detail goes through
the journal's scrubber (``Secret=...``, ``UserName=...`` and the like in a path or query, also
percent-encoded), and the credentials this process holds in its environment are redacted wherever they
appear, so a client that put its secret in a bare path segment is not quoted either.

An exchange that could not be judged (``Violation.unjudgeable``) is shown in every format: its message
starts ``unjudgeable:``, the JSON marks it, and JUnit reports it as an error (the case could not run), not
a failure."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from fake_server import Exchange
from harness.rules import REGISTRY, UNJUDGEABLE, Rule, Violation
from harness.scrub import credentials_in_environment, redact

# What a report says of the exchanges no rule could read, which no registered rule owns.
_UNREADABLE = (
    "Every exchange in the traffic can be read: a JSON object with a method, a URL, and values of their types.",
    "harness",
)


def statement(rule_id: str) -> tuple[str, str]:
    """A rule's statement and source (those of the unreadable-exchange finding for ``unjudgeable``)."""
    found = REGISTRY.get(rule_id)
    return (found.statement, found.source) if found is not None else _UNREADABLE


def _clean(value: Any) -> Any:
    """Strings, nested or not, with every credential redacted; a NaN or infinity written as text, so the
    JSON report is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
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
            "statement": statement(v.rule)[0],
            "source": statement(v.rule)[1],
            "message": _message(v),
            "exchanges": list(v.exchanges),
            "involved": _involved(v, traffic),
            "details": _clean(v.details),
            **({"unjudgeable": _clean(v.unjudgeable)} if v.unjudgeable else {}),
        }
        for v in violations
    ]


def text(violations: Sequence[Violation], traffic: Sequence[Exchange], rules: Sequence[Rule], console: Console) -> None:
    """A table on a terminal; piped or redirected, plain lines that no width can wrap mid-word."""
    if not violations:
        console.print(f"[green]no violations[/] in {len(traffic)} exchanges ({len(rules)} rules)")
        return
    breaches = sum(1 for v in violations if not v.unjudgeable)
    title = f"{breaches} contract violation{'s' if breaches != 1 else ''} in {len(traffic)} exchanges"
    if breaches != len(violations):
        title += f", {len(violations) - breaches} finding{'s' if len(violations) - breaches != 1 else ''} unjudgeable"
    if not console.is_terminal:
        lines = [title]
        for violation in violations:
            lines.append(f"[{violation.rule}] {_message(violation)} ({statement(violation.rule)[1]})")
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
            statement(violation.rule)[1],
        )
    console.print(table)


def junit(violations: Sequence[Violation], traffic: Sequence[Exchange], rules: Sequence[Rule], source: str = "") -> str:
    """One test case per rule: failed with every violation's message and exchanges, or passed. The suite
    names the journal or cassette it judged, and its system-out lists every exchange."""
    suite = ElementTree.Element(
        "testsuite",
        name=_xml(f"autotask-contract: {_clean(source)}") if source else "autotask-contract",
        tests=str(len(rules) + any(v.rule == UNJUDGEABLE for v in violations)),
        failures=str(len({v.rule for v in violations if not v.unjudgeable})),
        errors=str(len({v.rule for v in violations} - {v.rule for v in violations if not v.unjudgeable})),
    )
    properties = ElementTree.SubElement(suite, "properties")
    ElementTree.SubElement(properties, "property", name="source", value=_xml(_clean(source)))
    ElementTree.SubElement(properties, "property", name="exchanges", value=str(len(traffic)))
    cases = [(r.id, r.pack, r.statement, r.source) for r in rules]
    if any(v.rule == UNJUDGEABLE for v in violations):
        cases.insert(0, (UNJUDGEABLE, "traffic", *_UNREADABLE))
    for rule_id, pack, said, origin in cases:
        case = ElementTree.SubElement(suite, "testcase", classname=f"autotask.{pack}", name=rule_id)
        mine = [v for v in violations if v.rule == rule_id]
        if mine:
            # One element a case, as JUnit's schema has it: a failure when the rule found a breach, an error
            # (the case could not run) when all it has to say is that it could not judge.
            kind = "error" if all(v.unjudgeable for v in mine) else "failure"
            element = ElementTree.SubElement(case, kind, message=f"{said} ({origin})")
            element.text = _xml("\n".join(f"{_message(v)}: " + ", ".join(_involved(v, traffic)) for v in mine))
    out = ElementTree.SubElement(suite, "system-out")
    out.text = _xml("\n".join(_clean(e.describe()) for e in traffic))
    return str(ElementTree.tostring(suite, encoding="unicode"))


# Characters XML 1.0 cannot hold even escaped; ElementTree would write them and leave the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def as_json(violations: Sequence[Violation], traffic: Sequence[Exchange]) -> str:
    return json.dumps({"exchanges": len(traffic), "violations": as_dicts(violations, traffic)}, indent=2)
