"""The probe's report: the tenant against the Postman contract's validated contract, point by point."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .experiments import (
    PATCH_TICKETS,
    POST_CHILD_NOTES,
    POST_TICKET_NOTES,
    RESOURCE_STAMP,
    STAMP_FIELDS,
    Observations,
    StatusObservation,
)

SAME, DIFFERS, EXTRA, UNKNOWN = "same", "differs", "not in the contract", "not probed"


@dataclass(frozen=True)
class Point:
    """One comparison: what the Postman contract found (and where it says so), what this tenant did, and the verdict."""

    point: str
    seed_section: str
    seed_004: str
    tenant: str
    verdict: str


def _compare(point: str, section: str, expected: str, observed: str | None) -> Point:
    if observed is None:
        return Point(point, section, expected, "-", UNKNOWN)
    return Point(point, section, expected, observed, SAME if observed == expected else DIFFERS)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _stamps(fields: tuple[str, ...]) -> str:
    shown = [name for name in (*STAMP_FIELDS, RESOURCE_STAMP) if name in fields]
    return "stamps " + ", ".join(shown) if shown else "stamps nothing"


def _status_point(value: int, label: str, stamps: tuple[str, ...], observed: StatusObservation) -> Point:
    """The Postman contract §5 names a label and two stamped fields; the verdict looks at exactly those."""
    expected = f'"{label}", {_stamps(stamps)}'
    same = not observed.error and observed.label == label and {*observed.stamped} & {*STAMP_FIELDS} == {*stamps}
    return Point(f"status {value}", "§5", expected, _observed_text(observed), SAME if same else DIFFERS)


def _observed_text(observed: StatusObservation) -> str:
    """What setting a status did on this tenant, and whether moving back from it was refused."""
    if observed.error:
        return f"refused: {observed.error}"
    text = f'"{observed.label}", {_stamps(observed.stamped)}'
    return f"{text}; {observed.reopen_error}" if observed.reopen_error else text


# The Postman contract §5: the statuses it names, their labels, and the fields each stamps.
SEED_004_STATUSES: tuple[tuple[int, str, tuple[str, ...]], ...] = ((5, "Complete", STAMP_FIELDS), (8, "Completed", ()))


def compare_with_seed_004(seen: Observations) -> list[Point]:
    points = [
        _compare("ATServicesRest is case-sensitive", "§0", "yes", _yes_no(seen.base_path_case_sensitive)),
        _compare("PATCH /Tickets", "§0.1, §4", "refused", seen.endpoints.get(PATCH_TICKETS)),
        _compare("POST /TicketNotes", "§7", "absent", seen.endpoints.get(POST_TICKET_NOTES)),
        _compare("POST /Tickets/{id}/Notes", "§7", "accepted", seen.endpoints.get(POST_CHILD_NOTES)),
        _compare("PUT without a required field", "§4", "refused", seen.put_without_required),
        _compare("PUT nulls the fields it leaves out", "§0.1, §4", "yes", _yes_no(seen.put_nulls_omitted)),
    ]
    by_value = {s.value: s for s in seen.statuses}
    baseline = f'"{seen.baseline_label}", the status new tickets start in'
    for value, label, stamps in SEED_004_STATUSES:
        observed = by_value.get(value)
        if observed is not None:
            points.append(_status_point(value, label, stamps, observed))
            continue
        tenant = baseline if seen.baseline_status == value else None if not seen.statuses else "no such status"
        points.append(_compare(f"status {value}", "§5", f'"{label}", {_stamps(stamps)}', tenant))
    in_seed = {value for value, _, _ in SEED_004_STATUSES}
    if seen.baseline_status is not None and seen.baseline_status not in in_seed:
        points.append(Point(f"status {seen.baseline_status}", "-", "-", baseline, EXTRA))
    for observed in seen.statuses:
        if observed.value not in in_seed:
            points.append(Point(f"status {observed.value}", "-", "-", _observed_text(observed), EXTRA))
    reopened = [s for s in seen.statuses if s.cleared_on_reopen is not None]
    if reopened:
        clears = sorted({name for s in reopened for name in s.cleared_on_reopen or ()})
        points.append(
            Point(
                "moving back from a completing status",
                "-",
                "-",
                "clears " + ", ".join(clears) if clears else "keeps the stamps",
                EXTRA,
            )
        )
    if seen.missing_item_status is not None:
        shown = '200 {"item": null}' if seen.missing_item_status == 200 else str(seen.missing_item_status)
        points.append(Point("GET of a missing id", "-", "-", shown, EXTRA))
    return points


def markdown(
    points: list[Point],
    created: list[str],
    problems: list[str],
    summary: dict[str, Any],
    title: str = "Tenant probe report",
) -> str:
    lines = [f"# {title}", ""]
    lines += [f"- {key}: {value}" for key, value in summary.items()]
    if points:
        lines += ["", "| point | contract § | the contract says | this tenant | verdict |", "|---|---|---|---|---|"]
    lines += [
        "| " + " | ".join(_cell(c) for c in (p.point, p.seed_section, p.seed_004, p.tenant, p.verdict)) + " |"
        for p in points
    ]
    lines += ["", "## What the probe created", ""] + [f"- {line}" for line in created or ["nothing"]]
    if problems:
        lines += ["", "## Problems", ""] + [f"- {line}" for line in problems]
    return "\n".join(lines) + "\n"


def write_reports(
    out: Path, name: str, points: list[Point], created: list[str], problems: list[str], summary: dict[str, Any]
) -> None:
    """``{name}.md`` and ``{name}.json`` in ``out``."""
    title = "Tenant probe report" if points else "Probe clean-up report"
    (out / f"{name}.md").write_text(markdown(points, created, problems, summary, title), encoding="utf-8")
    document = {"summary": summary, "points": [asdict(p) for p in points], "created": created, "problems": problems}
    (out / f"{name}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_points(points: list[Point], console: Console) -> None:
    """A table on a terminal; piped or redirected, one plain line per point, which no width wraps."""
    if not console.is_terminal:
        lines = ["This tenant against the Postman contract"]
        lines += [
            f"{p.verdict:>16}  {p.point} ({p.seed_section}): contract {p.seed_004}; tenant {p.tenant}" for p in points
        ]
        console.print("\n".join(lines), markup=False, highlight=False)
        return
    table = Table(title="This tenant against the Postman contract")
    for column in ("point", "contract §", "the contract says", "this tenant", "verdict"):
        table.add_column(column)
    colours = {SAME: "green", DIFFERS: "red", EXTRA: "cyan", UNKNOWN: "yellow"}
    for p in points:
        table.add_row(
            *(escape(c) for c in (p.point, p.seed_section, p.seed_004, p.tenant)),
            f"[{colours[p.verdict]}]{p.verdict}[/]",
        )
    console.print(table)


def _cell(text: str) -> str:
    """Tenant labels are free text: keep them inside their markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")
