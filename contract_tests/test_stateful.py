"""A stateful test: notes, resolutions, time entries and resolutions interleave; the tenant follows a model."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from typing import Any, Literal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_server import FakeAutotask, Limits, TenantProfile
from harness.contract.adapter import ClientConfig, supports
from harness.contract.suite import CREDENTIALS, WORKFLOW_FIELDS, reaching
from harness.contract.tenant_values import TenantValues
from harness.rules import CONTRACT, WORKFLOW, RuleContext, check
from harness.traffic import load_traffic

# Any text but lone surrogates and NUL, which no HTTP client can send and no command line can carry.
surrogates: tuple[Literal["Cs"]] = ("Cs",)  # typed: mypy infers a bare tuple literal here as tuple[str]
characters = st.characters(exclude_categories=surrogates, exclude_characters="\x00")
texts = st.text(alphabet=characters, min_size=1, max_size=80).filter(str.strip)


class ClientMachine(RuleBasedStateMachine):
    """A state machine that drives a client: the test asks it which operations the client offers."""

    adapter: Any


def machine_for(factory: Any, profile: TenantProfile, in_process: bool = False) -> type[ClientMachine]:
    class TicketLifecycle(ClientMachine):
        def __init__(self) -> None:
            super().__init__()
            self.fake = FakeAutotask(profile, limits=Limits.off())
            self.values = TenantValues(self.fake)
            self.completing = self.values.completing_status
            self.ticket = self.fake.seed("Tickets", self.values.ticket())
            before = self.fake.get("Tickets", self.ticket)
            assert before is not None
            self.before = before
            self.number = self.before["ticketNumber"]
            self.fake.journal.clear()
            self.reached = ExitStack()
            base_url, zone_lookup_root = self.reached.enter_context(reaching(self.fake, in_process=in_process))
            config = ClientConfig(
                base_url,
                zone_lookup_root,
                CREDENTIALS["username"],
                CREDENTIALS["secret"],
                CREDENTIALS["integration_code"],
                self.completing,
            )
            self.adapter = factory(config)
            # the model
            self.notes: list[str] = []
            self.resolution: str | None = None
            self.time_entries = 0
            self.status = self.before["status"]

        def teardown(self) -> None:
            self.reached.close()

        @rule(text=texts)
        def add_note(self, text: str) -> None:
            self.adapter.add_note(self.number, "Update", text)
            self.notes.append(text)

        @rule(text=texts)
        def set_resolution(self, text: str) -> None:
            self.adapter.set_resolution(self.number, text)
            self.resolution = text

        @rule()
        def log_time(self) -> None:
            self.fake.seed("TimeEntries", self.values.time_entry(self.ticket, hours=0.25))
            self.time_entries += 1

        @precondition(lambda self: self.status != self.completing)
        @rule(note=texts, text=texts)
        def resolve(self, note: str, text: str) -> None:
            self.adapter.resolve_ticket(self.number, note, text)
            self.notes.append(note)
            self.resolution = text
            if self.time_entries == 0:
                self.status = self.completing

        @invariant()
        def tenant_matches_the_model(self) -> None:
            after = self.fake.get("Tickets", self.ticket)
            assert after is not None
            assert after["status"] == self.status
            assert after["resolution"] == self.resolution
            assert (after["completedDate"] is not None) == (self.status == self.completing)
            assert [n["description"] for n in self.fake.records("TicketNotes")] == self.notes
            changed = {k for k in self.before if k not in WORKFLOW_FIELDS and self.before[k] != after[k]}
            assert changed == set()

        @invariant()
        def journal_keeps_every_rule(self) -> None:
            context = replace(RuleContext.for_fake(self.fake), completing_statuses=frozenset({self.completing}))
            violations = check(load_traffic(self.fake.journal), (CONTRACT, WORKFLOW), context=context)
            assert violations == [], [f"[{v.rule}] {v.message}" for v in violations]

    return TicketLifecycle


def test_ticket_lifecycle_follows_the_model(
    client_factory: Any, tenant_profile: TenantProfile, in_process: bool, allow_missing: frozenset[str]
) -> None:
    machine = machine_for(client_factory, tenant_profile, in_process)
    probe = machine()
    try:
        missing = [op for op in ("add_note", "set_resolution", "resolve_ticket") if not supports(probe.adapter, op)]
    finally:
        probe.teardown()
    # Missing operations fail the test by name, unless every one of them was declared unsupported.
    if missing and set(missing) <= allow_missing:
        pytest.skip(f"not supported: the client offers no {', '.join(missing)} (allowed by --allow-missing)")
    assert not missing, (
        f"[missing-operation] the client offers no {', '.join(missing)}, which the contract suite needs: "
        f"implement {'it' if len(missing) == 1 else 'them'}, or pass --allow-missing NAME for each"
    )
    from hypothesis.stateful import run_state_machine_as_test

    profile = settings.get_profile("contract")
    run_state_machine_as_test(
        machine, settings=settings(profile, max_examples=min(10, profile.max_examples), stateful_step_count=8)
    )
