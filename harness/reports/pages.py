"""The HTML reports of ``check``, ``verify`` and ``probe`` (``--html FILE``), built on ``html_report``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fake_server import Exchange
from harness.cassettes.replay import Difference
from harness.rules import Rule, Violation

from .html import Report, Section, Workflow, render, side_by_side, table_html


def check_page(
    source: Path, traffic: Sequence[Exchange], violations: Sequence[Violation], rules: Sequence[Rule], profile: str
) -> str:
    """The traffic ``check`` judged, each violation linked to the exchanges it names."""
    workflow = Workflow(
        name=source.name,
        verdict="failed" if violations else "passed",
        rules=[r.id for r in rules],
        exchanges=traffic,
        findings=[(v.rule, v.message, v.exchanges) for v in violations],
    )
    summary = [
        ("judged", str(source)),
        ("tenant profile", profile),
        ("exchanges", str(len(traffic))),
        ("rules", f"{len(rules)}: " + ", ".join(r.id for r in rules)),
        ("violations", str(len(violations))),
    ]
    return render(Report("autotask-harness check", summary, [workflow]))


def _text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def verify_page(
    cassettes: Sequence[Path], target: str, differences: Sequence[Difference], traffic: dict[str, list[Exchange]]
) -> str:
    """Each cassette's recorded exchanges with its drift: recorded and replayed side by side."""
    workflows = []
    for path in cassettes:
        mine = [d for d in differences if d.cassette == path.name]  # replay names a cassette by its file name
        workflows.append(
            Workflow(
                name=path.name,
                verdict="failed" if mine else "passed",
                exchanges=traffic.get(str(path), []),
                findings=[("drift", f"{d.path}: {d.what}", (d.exchange,)) for d in mine],
                note=f"replayed against {target}",
            )
        )
    drift = "".join(
        f"<h3>{d.cassette} #{d.exchange} <code>{d.path}</code>: {d.what}</h3>"
        + side_by_side("recorded", _text(d.recorded), "replayed", _text(d.replayed))
        for d in differences
    )
    summary = [
        ("cassettes", ", ".join(str(p) for p in cassettes)),
        ("target", target),
        ("differences", str(len(differences))),
    ]
    sections = [Section("Drift: recorded against replayed", drift or "<p>none: every answer matched.</p>")]
    return render(Report("autotask-harness verify", summary, workflows, sections))


def probe_page(target: str, points: Sequence[Any], created: Sequence[str], problems: Sequence[str]) -> str:
    """The tenant against the Postman contract, point by point, and what the probe created."""
    rows = [(p.point, p.seed_section, p.seed_004, p.tenant, p.verdict) for p in points]
    classes = [p.verdict.replace("not in the contract", "unknown").replace("not probed", "unknown") for p in points]
    sections = [
        Section(
            "This tenant against the Postman contract",
            table_html(("point", "contract §", "the contract says", "this tenant", "verdict"), rows, classes),
        ),
        Section("What the probe created", table_html(("record, and what became of it",), [(c,) for c in created])),
    ]
    if problems:
        sections.append(Section("Problems", table_html(("problem",), [(p,) for p in problems])))
    differing = sum(1 for p in points if p.verdict == "differs")
    summary = [("target", target), ("points", str(len(points))), ("differ from the contract", str(differing))]
    return render(Report("autotask-harness probe", summary, sections=sections))
