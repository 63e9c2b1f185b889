"""Property tests: generated tickets, tenants, time entries and texts; the workflow keeps the contract."""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_server import FakeAutotask, TenantProfile
from harness.contract.scenarios import ResolveWithoutTimeEntries
from harness.contract.suite import WORKFLOW_FIELDS, TenantView, unchanged_fields
from harness.contract.tenant_values import TenantValues
from harness.reports.contract import LAST_OUTCOMES
from harness.rules import Violation


@st.composite
def tenants(draw: st.DrawFn, base: TenantProfile) -> tuple[TenantProfile, int, int]:
    """The tenant under test with any status picklist, some of whose values complete; plus a start and a
    completing status."""
    values = draw(st.lists(st.integers(1, 99), min_size=2, max_size=8, unique=True))
    labels = draw(st.lists(st.text(min_size=1, max_size=20), min_size=len(values), max_size=len(values)))
    completing = draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values) - 1, unique=True))
    start = draw(st.sampled_from([v for v in values if v not in completing]))
    statuses = [
        {
            "value": str(v),
            "label": label,
            "isDefaultValue": False,
            "sortOrder": n,
            "parentValue": "",
            "isActive": True,
            "isSystem": True,
        }
        for n, (v, label) in enumerate(zip(values, labels, strict=True))
    ]
    picklists = {**base.picklists, "Tickets": {**base.picklists.get("Tickets", {}), "status": statuses}}
    completion = dataclasses.replace(base.completion, completing_values=frozenset(completing))
    profile = dataclasses.replace(base, picklists=picklists, completion=completion)
    return profile, start, draw(st.sampled_from(completing))


@st.composite
def tickets(draw: st.DrawFn, values: TenantValues, start_status: int) -> dict[str, Any]:
    """Stabilising fields with any of the tenant's values, nulls included where the field is not required."""

    def any_of(field: str) -> Any:
        return st.sampled_from([*values.picklist("Tickets", field), None])

    issue = draw(any_of("issueType"))
    sub_issues = values.sub_issues(issue)
    return values.ticket(
        title=draw(st.text(min_size=1, max_size=255).filter(str.strip)),
        status=start_status,
        priority=draw(st.sampled_from(values.picklist("Tickets", "priority"))),
        queueID=draw(any_of("queueID")),
        issueType=issue,
        subIssueType=draw(st.sampled_from(sub_issues)) if bool(sub_issues) and draw(st.booleans()) else None,
        source=draw(any_of("source")),
        ticketCategory=draw(any_of("ticketCategory")),
        dueDateTime=draw(st.sampled_from([None, "2026-12-01T17:00:00Z", "2027-01-31T08:30:00.5Z"])),
        description=draw(st.none() | st.text(max_size=200)),
    )


class GeneratedResolution(ResolveWithoutTimeEntries):
    """The resolution workflow on a generated tenant, ticket, time-entry count and texts."""

    def __init__(
        self,
        profile: TenantProfile,
        completing: int,
        ticket: dict[str, Any],
        time_entries: int,
        note: str,
        resolution: str,
    ) -> None:
        super().__init__(profile, completing)
        self.ticket, self.time_entries, self.note, self.resolution = ticket, time_entries, note, resolution

    def setup(self, fake: FakeAutotask) -> dict[str, Any]:
        ticket = fake.seed("Tickets", self.ticket)
        for _ in range(self.time_entries):
            fake.seed("TimeEntries", TenantValues(fake).time_entry(ticket, hours=0.5))
        stored = fake.get("Tickets", ticket)
        assert stored is not None
        return {"ticket": ticket, "number": stored["ticketNumber"], "before": stored}

    def act(self, adapter: Any, given: dict[str, Any]) -> None:
        adapter.resolve_ticket(given["number"], self.note, self.resolution)

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        findings = [] if error is None else [Violation("client-error", f"the client failed: {error}")]
        after = view.ticket(given["ticket"])
        findings += unchanged_fields(given["before"], after, WORKFLOW_FIELDS)
        if after is None:
            return findings
        should_complete = self.time_entries == 0
        if after["resolution"] != self.resolution:
            findings.append(Violation("resolution-set", "the resolution text did not arrive whole"))
        if not any(n["description"] == self.note for n in view.notes(given["ticket"])):
            findings.append(Violation("note-added", "the note text did not arrive whole"))
        expected_status = self.completing_status if should_complete else given["before"]["status"]
        if after["status"] != expected_status:
            findings.append(
                Violation(
                    "status-only-when-it-should",
                    f"status {after['status']}, expected {expected_status} with {self.time_entries} time entries",
                )
            )
        if (after["completedDate"] is not None) != should_complete:
            findings.append(Violation("stamps-only-by-completing-status", f"completedDate {after['completedDate']!r}"))
        return findings


# Any text but lone surrogates and NUL, which no HTTP client can send and no command line can carry.
surrogates: tuple[Literal["Cs"]] = ("Cs",)  # typed: mypy infers a bare tuple literal here as tuple[str]
characters = st.characters(exclude_categories=surrogates, exclude_characters="\x00")
texts = st.text(alphabet=characters, min_size=1, max_size=300).filter(str.strip)
resolutions = st.one_of(texts, st.just("Ω✓ résolu " * 3200))  # 32000 characters, the field's length


@settings(settings.get_profile("contract"))
@given(data=st.data(), time_entries=st.integers(0, 3), note=texts, resolution=resolutions)
def test_workflow_keeps_the_contract_on_any_tenant_and_ticket(
    client_factory: Any,
    tenant_profile: TenantProfile,
    tenant_values: TenantValues,
    in_process: bool,
    allow_missing: frozenset[str],
    data: Any,
    time_entries: int,
    note: str,
    resolution: str,
) -> None:
    profile, start, completing = data.draw(tenants(tenant_profile))
    ticket = data.draw(tickets(tenant_values, start))
    outcome = GeneratedResolution(profile, completing, ticket, time_entries, note, resolution).run(
        client_factory, in_process=in_process, allow_missing=allow_missing
    )
    # The report shows the last example's traffic and the rules that judged it (conftest attaches it).
    node = os.environ["PYTEST_CURRENT_TEST"].rsplit(" ", 1)[0]
    LAST_OUTCOMES[node] = (f"{node.rsplit('::', 1)[-1]} (last example)", outcome)
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert outcome.passed, "\n".join(f.line() for f in outcome.findings)
