"""Rule precision by construction: generated legal workflows break no rule; each injected breach breaks its own.

Workflows are drawn by hypothesis (``tests/workflows.py``, ``tests/breaches.py``; a webhook receiver's callouts
and requests in ``tests/callout_steps.py``), run against the fake, and
the fake's journal is judged by every rule in ``REGISTRY``. Per rule: the cases generated, the false alarms
(the rule fired on a legal workflow, or on another rule's breach) and the misses (its own breach went
unflagged). The table is printed (``pytest -s``) and written to the test's temporary directory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_server import Exchange, FakeAutotask
from harness.rules import REGISTRY, Rule, check
from harness.rules.model import CONTRACT, Finding, RuleContext

from .breaches import BREACHES
from .callout_steps import RECEIVER_BREACHES, receiver_workflows
from .workflow_session import CONTEXT, Step, session
from .workflows import LEGAL_KINDS, legal_workflows

LEGAL_EXAMPLES = 200
RECEIVER_EXAMPLES = 60
BREACH_EXAMPLES = 15  # per rule
SETTINGS = settings(
    max_examples=LEGAL_EXAMPLES,
    derandomize=True,  # the same workflows on every run, so CI cannot go red by luck
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Tally:
    """Per rule: cases it judged, false alarms, misses, and the first workflow of each kind of mistake."""

    rules: list[Rule]
    cases: dict[str, int] = field(default_factory=dict)
    breaches: dict[str, int] = field(default_factory=dict)
    false_alarms: dict[str, int] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    steps: Counter[str] = field(default_factory=Counter)

    def judge(self, traffic: list[Exchange], steps: Iterable[Step], breach: str | None = None) -> None:
        if breach is None:
            self.steps.update(step.kind for step in steps)
        for contract_rule in self.rules:
            fired = contract_rule.run(traffic, CONTEXT)
            self.cases[contract_rule.id] = self.cases.get(contract_rule.id, 0) + 1
            if contract_rule.id == breach:
                self.breaches[breach] = self.breaches.get(breach, 0) + 1
                if not fired:
                    self.misses[breach] = self.misses.get(breach, 0) + 1
                    self.examples.setdefault(f"{breach} missed", repr(list(steps)))
            elif fired:
                self.false_alarms[contract_rule.id] = self.false_alarms.get(contract_rule.id, 0) + 1
                self.examples.setdefault(
                    f"{contract_rule.id} false alarm", f"{list(steps)!r}: {fired[0].message} {fired[0].exchanges}"
                )

    def table(self) -> str:
        width = max(len(r.id) for r in self.rules)
        lines = [f"{'rule':<{width}}  cases  breaches  false alarms  misses"]
        for contract_rule in self.rules:
            rid = contract_rule.id
            lines.append(
                f"{rid:<{width}}  {self.cases.get(rid, 0):>5}  {self.breaches.get(rid, 0):>8}  "
                f"{self.false_alarms.get(rid, 0):>12}  {self.misses.get(rid, 0):>6}"
            )
        lines.append("legal steps drawn: " + ", ".join(f"{kind} {n}" for kind, n in sorted(self.steps.items())))
        lines.extend(f"first {kind}: {example}" for kind, example in sorted(self.examples.items()))
        return "\n".join(lines)


def run_workflow(fake: FakeAutotask, steps: list[Step]) -> list[Exchange]:
    with session(fake) as live:
        for step in steps:
            step.run(live)
        return live.traffic()


Workflows = st.SearchStrategy[list[Step]]
# Each rule's breaches, and the legal workflows they are inserted into: client workflows for the contract and
# resolution-workflow rules, a receiver's callouts and requests for the webhook-receiver rules.
ALL_BREACHES: dict[str, tuple[st.SearchStrategy[Step], Workflows]] = {
    **{rule_id: (breach, legal_workflows()) for rule_id, breach in BREACHES.items()},
    **{rule_id: (breach, receiver_workflows()) for rule_id, breach in RECEIVER_BREACHES.items()},
}


def generate(tally: Tally, breaches: dict[str, tuple[st.SearchStrategy[Step], Workflows]]) -> None:
    """Run the legal workflows, then each rule's breaches, into ``tally`` (recorded, not asserted, so one
    mistake does not stop the count)."""
    fake = FakeAutotask()
    _legal(fake, tally, legal_workflows(), LEGAL_EXAMPLES)()
    _legal(fake, tally, receiver_workflows(), RECEIVER_EXAMPLES)()
    for rule_id, (breach, workflows) in breaches.items():
        _breached(fake, tally, rule_id, breach, workflows)()


def _legal(fake: FakeAutotask, tally: Tally, workflows: Workflows, examples: int) -> Callable[[], None]:
    @settings(SETTINGS, max_examples=examples)
    @given(workflows)
    def legal(steps: list[Step]) -> None:
        tally.judge(run_workflow(fake, steps), steps)

    return legal


def _breached(
    fake: FakeAutotask, tally: Tally, rule_id: str, breach: st.SearchStrategy[Step], workflows: Workflows
) -> Callable[[], None]:
    """Legal workflows with one of ``rule_id``'s breaches inserted anywhere."""

    @settings(SETTINGS, max_examples=BREACH_EXAMPLES)
    @given(workflows, breach, st.integers(0, 6))
    def breached(steps: list[Step], wrong: Step, at: int) -> None:
        workflow = [*steps[:at], wrong, *steps[at:]]
        tally.judge(run_workflow(fake, workflow), workflow, breach=rule_id)

    return breached


def test_every_rule_in_the_registry_has_breaches_to_catch() -> None:
    assert set(ALL_BREACHES) == set(REGISTRY)


def test_generated_workflows_give_no_rule_a_false_alarm_or_a_miss(tmp_path: Path) -> None:
    tally = Tally(list(REGISTRY.values()))
    generate(tally, ALL_BREACHES)
    table = tally.table()
    print("\n" + table)
    (tmp_path / "rule-precision.txt").write_text(table + "\n", encoding="utf-8")
    assert all(tally.breaches.get(rule_id, 0) >= BREACH_EXAMPLES for rule_id in REGISTRY), table
    # Every kind of legal step was drawn often enough to matter.
    assert set(tally.steps) == LEGAL_KINDS | {"callout:"} and min(tally.steps.values()) >= 10, table
    assert (sum(tally.false_alarms.values()), sum(tally.misses.values())) == (0, 0), table


def _flags_any_change_of_a_stabilising_field(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    """The old put-carries-stabilising-fields: a stabilising field whose value differs from the GET's."""
    from harness.rules.state import STABILISING_FIELDS, same_value, sent, ticket_puts

    return [
        Finding("changed", (put.position,))
        for put, _, read in ticket_puts(traffic)
        if read is not None
        and read.item is not None
        and any(
            sent(put, name)[0] and not same_value(read.item.get(name), sent(put, name)[1])
            for name in STABILISING_FIELDS
            if name != "status"
        )
    ]


def test_the_generator_finds_a_rule_that_flags_a_legal_update() -> None:
    # The rule as it stood before: PUTs changing priority or title on purpose after a fresh GET were flagged.
    old = Rule("old-stabilising", "x.", "x", CONTRACT, _flags_any_change_of_a_stabilising_field)
    tally = Tally([old])
    fake = FakeAutotask()

    @settings(SETTINGS, max_examples=15)
    @given(legal_workflows())
    def legal(steps: list[Step]) -> None:
        tally.judge(run_workflow(fake, steps), steps)

    legal()
    assert tally.false_alarms.get("old-stabilising", 0) > 0
    assert check(run_workflow(fake, []), ()) == []  # an empty workflow: nothing judged, nothing found
