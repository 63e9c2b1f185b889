"""The contract scenarios: seed a served fake, drive a client through one workflow, judge state and journal.

Each finding carries a rule id, so a failing client is told which part of the contract it broke.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from fake_server import Exchange, FakeAutotask, Limits, TenantProfile
from harness.rules import CONTRACT, RuleContext, Violation, check, rules_in
from harness.sandbox import Target
from harness.serving.server import ServedFake
from harness.traffic import load_traffic

from .adapter import ClientAdapter, ClientConfig, NotSupported, supports
from .client import AutotaskClient
from .picklists import ticket_from_fields
from .tenant_values import TenantValues

CREDENTIALS = {
    "username": "contract-suite@example.invalid",
    "secret": "contract-suite-secret",
    "integration_code": "CONTRACT-SUITE",
}
# Fields a resolution workflow may change; everything else must read back as it was seeded.
WORKFLOW_FIELDS = frozenset(
    {
        "resolution",
        "status",
        "completedDate",
        "resolvedDateTime",
        "completedByResourceID",
        "lastTrackedModificationDateTime",
        "lastActivityDate",
    }
)
AdapterFactory = Callable[[ClientConfig], ClientAdapter]


@dataclass
class Outcome:
    """A scenario's verdict, with what the report shows: the rules that judged it and its traffic."""

    findings: list[Violation] = field(default_factory=list)
    skipped: str | None = None
    rules: list[str] = field(default_factory=list)
    traffic: list[Exchange] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.skipped is None and not self.findings


class TenantView(Protocol):
    """How a scenario reads the tenant back when it judges: the fake's state, or the live API."""

    def ticket(self, ticket_id: int) -> dict[str, Any] | None: ...

    def notes(self, ticket_id: int) -> list[dict[str, Any]]: ...


class FakeView:
    def __init__(self, fake: FakeAutotask) -> None:
        self.fake = fake

    def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        return self.fake.get("Tickets", ticket_id)

    def notes(self, ticket_id: int) -> list[dict[str, Any]]:
        return [n for n in self.fake.records("TicketNotes") if n["ticketID"] == ticket_id]


class ApiView:
    """Reads through the reference client, outside the client-under-test's recorded traffic."""

    def __init__(self, client: AutotaskClient) -> None:
        self.client = client

    def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        return self.client.get("Tickets", ticket_id)

    def notes(self, ticket_id: int) -> list[dict[str, Any]]:
        return list(self.client.query("TicketNotes", [{"op": "eq", "field": "ticketID", "value": ticket_id}]))


def standard_ticket(company: int = 0, **changes: Any) -> dict[str, Any]:
    """A ticket with every stabilising field and a few more filled, as a real one would be."""
    ticket: dict[str, Any] = {
        "companyID": company,
        "title": "Printer offline on floor 2",
        "status": 1,
        "priority": 2,
        "queueID": 29683354,
        "issueType": 4,
        "subIssueType": 201,
        "source": 2,
        "ticketCategory": 1,
        "ticketType": 2,
        "dueDateTime": "2026-12-01T17:00:00Z",
        "description": "Reported by phone.",
        "assignedResourceID": 29682899,
        "organizationalLevelAssociationID": None,
    }
    ticket.update(changes)
    return ticket


class Scenario:
    """One workflow the suite drives. Subclasses set ``name`` and ``operation`` and fill the steps."""

    name = ""
    operation = ""
    packs: tuple[str, ...] = (CONTRACT,)
    live = True  # False for scenarios that need the fake (fault injection, bulk seeding)

    def __init__(self, profile: TenantProfile | str | Path = "default", completing_status: int | None = None) -> None:
        self.profile = profile if isinstance(profile, TenantProfile) else TenantProfile.load(profile)
        # The tenant's own completing status unless the caller names one (the Postman contract §5: 5 on the default).
        self.completing_status = (
            completing_status if completing_status is not None else min(self.profile.completion.completing_values)
        )

    def setup(self, fake: FakeAutotask) -> dict[str, Any]:
        """Seed the tenant on its own picklist values; returns what ``act`` and ``judge`` need."""
        ticket = fake.seed("Tickets", TenantValues(fake).ticket())
        return {
            "ticket": ticket,
            "number": fake.get("Tickets", ticket)["ticketNumber"],  # type: ignore[index]
            "before": fake.get("Tickets", ticket),
        }

    def act(self, adapter: ClientAdapter, given: dict[str, Any]) -> None:
        raise NotImplementedError

    def setup_live(self, client: AutotaskClient) -> dict[str, Any]:
        """Create what the scenario needs through the API, on a real tenant's own picklist values."""
        ticket_id = client.create("Tickets", live_ticket(client))
        before = client.get("Tickets", ticket_id)
        assert before is not None
        return {"ticket": ticket_id, "number": before["ticketNumber"], "before": before}

    def judge(self, view: TenantView, given: dict[str, Any], error: Exception | None) -> list[Violation]:
        return [] if error is None else [Violation("client-error", f"the client failed: {error}")]

    def _drive(
        self,
        factory: AdapterFactory,
        config: ClientConfig,
        given: dict[str, Any],
        recorder: Any = None,
        allow_missing: frozenset[str] = frozenset(),
    ) -> tuple[Outcome | None, Exception | None]:
        adapter = factory(config)
        if not supports(adapter, self.operation):
            return missing_operation(self.operation, allow_missing), None
        try:
            with recorder or contextlib.nullcontext():
                self.act(adapter, given)
        except NotSupported:
            return missing_operation(self.operation, allow_missing), None
        except Exception as caught:  # a client's own failure is a finding, not a crash of the suite
            return None, caught
        return None, None

    def _verdict(self, view: TenantView, given: dict[str, Any], error: Exception | None, traffic: list[Any]) -> Outcome:
        findings = self.judge(view, given, error)
        # The fake's own catalog where there is a fake; building one from the profile costs ~15 ms a scenario.
        tenant = (
            RuleContext.for_fake(view.fake) if isinstance(view, FakeView) else RuleContext.for_profile(self.profile)
        )
        context = replace(tenant, completing_statuses=frozenset({self.completing_status}))
        findings += check(traffic, self.packs, context=context)
        return Outcome(findings, rules=[r.id for r in rules_in(self.packs)], traffic=list(traffic))

    def run(
        self, factory: AdapterFactory, *, in_process: bool = False, allow_missing: frozenset[str] = frozenset()
    ) -> Outcome:
        """Against a fake seeded by ``setup``, served on loopback or (``in_process``) mounted into every
        Python HTTP stack at the production hosts; judged by its state and journal. An operation the client
        lacks fails the scenario unless it is in ``allow_missing``."""
        fake = FakeAutotask(self.profile, limits=Limits.off())
        given = self.setup(fake)
        fake.journal.clear()
        with reaching(fake, in_process=in_process) as (base_url, zone_lookup_root):
            config = ClientConfig(
                base_url,
                zone_lookup_root,
                CREDENTIALS["username"],
                CREDENTIALS["secret"],
                CREDENTIALS["integration_code"],
                self.completing_status,
            )
            skipped, error = self._drive(factory, config, given, allow_missing=allow_missing)
        return skipped or self._verdict(FakeView(fake), given, error, load_traffic(fake.journal))

    def run_live(
        self,
        factory: AdapterFactory,
        target: Target,
        cassette_dir: Path,
        allow_missing: frozenset[str] = frozenset(),
    ) -> Outcome:
        """Against a live sandbox: set up through the API, record the client's traffic, judge through the API."""
        if not self.live:
            return Outcome(skipped=f"{self.name} needs the fake (it injects faults or seeds in bulk)")
        from harness.cassettes.vcr import Provenance, autotask_vcr, recording

        helper = AutotaskClient.discover(
            target.zone_lookup_root, target.username, target.secret, target.integration_code
        )
        given = self.setup_live(helper)
        config = ClientConfig(
            helper.base_url,
            target.zone_lookup_root,
            target.username,
            target.secret,
            target.integration_code,
            self.completing_status,
        )
        cassette_dir.mkdir(parents=True, exist_ok=True)
        path = cassette_dir / f"{self.name}.json"
        path.unlink(missing_ok=True)
        recorder = recording(
            path,
            Provenance("sandbox", description=f"contract scenario {self.name}", zone=target.zone),
            autotask_vcr(record_mode="all"),
        )
        skipped, error = self._drive(factory, config, given, recorder, allow_missing)
        traffic = load_traffic(path) if path.exists() else []
        return skipped or self._verdict(ApiView(helper), given, error, traffic)


MISSING_OPERATION = "missing-operation"


def missing_operation(operation: str, allow_missing: frozenset[str]) -> Outcome:
    """A client without an operation the suite needs fails, naming it; the user may instead declare it
    unsupported (``--allow-missing``), which the report shows as a skip saying so."""
    if operation in allow_missing:
        return Outcome(skipped=f"not supported: the client offers no {operation} (allowed by --allow-missing)")
    return Outcome(
        [
            Violation(
                MISSING_OPERATION,
                f"the client offers no {operation}, which the contract suite needs: implement it, or pass "
                f"--allow-missing {operation} to report it as not supported",
            )
        ]
    )


@contextlib.contextmanager
def reaching(fake: FakeAutotask, *, in_process: bool) -> Iterator[tuple[str, str]]:
    """Where a client reaches the fake: its base URL and zone-lookup root. Served on a loopback port, or
    in-process at the tenant's zone host with zone lookups at the production host, as a client that
    hard-codes them expects (``fake.mock()`` intercepts httpx, requests and aiohttp)."""
    if in_process:
        host = fake.profile.zone.get("host", "webservices19.autotask.net")
        with fake.mock():
            yield f"https://{host}/ATServicesRest/V1.0", "https://webservices.autotask.net/ATServicesRest"
        return
    with ServedFake(fake) as served:
        yield served.base_url, f"{served.root_url}/ATServicesRest"


def unchanged_fields(before: dict[str, Any], after: dict[str, Any] | None, allowed: frozenset[str]) -> list[Violation]:
    if after is None:
        return [Violation("unintended-change", "the ticket is gone")]
    changed = sorted(k for k in before if k not in allowed and before[k] != after.get(k))
    return [Violation("unintended-change", f"{name}: {before[name]!r} became {after.get(name)!r}") for name in changed]


def live_ticket(client: AutotaskClient) -> dict[str, Any]:
    """A throw-away ticket a real tenant accepts: its own default (or first) value for each required picklist."""
    fields = client.request("GET", "/Tickets/entityInformation/fields")["fields"]
    ticket = ticket_from_fields(fields, int(os.environ.get("AUTOTASK_COMPANY_ID", "0")), required_only=True)
    ticket.update({"title": "[contract-suite] throw-away ticket", "description": "Created by a test."})
    return ticket
