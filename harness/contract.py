"""The contract scenarios: seed a served fake, drive a client through one workflow, judge state and journal.

Each finding carries a rule id, so a failing client is told which part of the contract it broke.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fake_server import FakeAutotask, Limits, TenantProfile

from .adapter import ClientAdapter, ClientConfig, NotSupported, supports
from .rules import CONTRACT, RuleContext, check
from .serving import ServedFake
from .traffic import load_traffic

CREDENTIALS = {"username": "contract-suite@example.invalid", "secret": "contract-suite-secret",
               "integration_code": "CONTRACT-SUITE"}
# Fields a resolution workflow may change; everything else must read back as it was seeded.
WORKFLOW_FIELDS = frozenset({"resolution", "status", "completedDate", "resolvedDateTime", "completedByResourceID",
                             "lastTrackedModificationDateTime", "lastActivityDate"})
AdapterFactory = Callable[[ClientConfig], ClientAdapter]


@dataclass(frozen=True)
class Finding:
    """Something the client did against the contract: the rule it broke and what was seen."""

    rule: str
    message: str


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return self.skipped is None and not self.findings


def standard_ticket(company: int = 0, **changes: Any) -> dict[str, Any]:
    """A ticket with every stabilising field and a few more filled, as a real one would be."""
    ticket: dict[str, Any] = {
        "companyID": company, "title": "Printer offline on floor 2", "status": 1, "priority": 2,
        "queueID": 29683354, "issueType": 4, "subIssueType": 201, "source": 2, "ticketCategory": 1,
        "ticketType": 2, "dueDateTime": "2026-12-01T17:00:00Z", "description": "Reported by phone.",
        "assignedResourceID": 29682899, "organizationalLevelAssociationID": None}
    ticket.update(changes)
    return ticket


class Scenario:
    """One workflow the suite drives. Subclasses set ``name`` and ``operation`` and fill the steps."""

    name = ""
    operation = ""
    packs: tuple[str, ...] = (CONTRACT,)

    def __init__(self, profile: TenantProfile | str = "default", completing_status: int = 5) -> None:
        self.profile = profile
        self.completing_status = completing_status

    def setup(self, fake: FakeAutotask) -> dict[str, Any]:
        """Seed the tenant; returns what ``act`` and ``judge`` need."""
        ticket = fake.seed("Tickets", standard_ticket())
        return {"ticket": ticket, "number": fake.get("Tickets", ticket)["ticketNumber"],  # type: ignore[index]
                "before": fake.get("Tickets", ticket)}

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        raise NotImplementedError

    def judge(self, fake: FakeAutotask, given: dict[str, Any], error: Exception | None) -> list[Finding]:
        return [] if error is None else [Finding("client-error", f"the client failed: {error}")]

    def run(self, factory: AdapterFactory) -> Outcome:
        fake = FakeAutotask(self.profile, limits=Limits.off())
        given = self.setup(fake)
        fake.journal.clear()
        with ServedFake(fake) as served:
            config = ClientConfig(served.base_url, f"{served.root_url}/ATServicesRest", CREDENTIALS["username"],
                                  CREDENTIALS["secret"], CREDENTIALS["integration_code"], self.completing_status)
            adapter = factory(config)
            if not supports(adapter, self.operation):
                return Outcome(skipped=f"the client offers no {self.operation}")
            error: Exception | None = None
            try:
                self.act(adapter, given)
            except NotSupported:
                return Outcome(skipped=f"the client offers no {self.operation}")
            except Exception as caught:  # a client's own failure is a finding, not a crash of the suite
                error = caught
        findings = self.judge(fake, given, error)
        traffic = load_traffic(fake.journal)
        context = RuleContext(frozenset({self.completing_status}))
        findings += [Finding(v.rule, f"{v.message} (exchanges {', '.join(map(str, v.exchanges))})")
                     for v in check(traffic, self.packs, context=context)]
        return Outcome(findings)


def unchanged_fields(before: dict[str, Any], after: dict[str, Any] | None, allowed: frozenset[str]) -> list[Finding]:
    if after is None:
        return [Finding("unintended-change", "the ticket is gone")]
    changed = sorted(k for k in before if k not in allowed and before[k] != after.get(k))
    return [Finding("unintended-change", f"{name}: {before[name]!r} became {after.get(name)!r}")
            for name in changed]


def notes_of(fake: FakeAutotask, ticket: int) -> list[dict[str, Any]]:
    return [n for n in fake.records("TicketNotes") if n["ticketID"] == ticket]
