"""The receiver contract passes the reference receiver and names the rule each broken receiver breaks."""

from __future__ import annotations

from typing import Any

import pytest

from harness.rules import RECEIVER, rules_in
from harness.webhooks.contract import run_contract
from harness.webhooks.receiver import make_receiver

from .broken_receivers import CATALOGUE, SLOW_ANSWER

QUIET = 0.3  # the reference works in a background thread: how long the journal must stay quiet (a loaded CI too)


def _run(factory: Any, timeout: float = 3.0) -> Any:
    return run_contract(factory, timeout=timeout, quiet=QUIET)


def test_reference_receiver_passes_every_case_judged_by_every_rule() -> None:
    run = _run(make_receiver)
    receiver_rules = {r.id for r in rules_in((RECEIVER,))}
    assert len(receiver_rules) == 9
    assert all(receiver_rules <= set(c.outcome.rules) for c in run.cases)
    assert {c.name: c.outcome.findings for c in run.cases if not c.outcome.passed} == {}
    assert len(run.cases) == 9
    # It did its job where it should: a note and a PUT after each genuine new event, nothing after the rest.
    writes = {
        c.name: sum(e.method in ("POST", "PUT") and "/ATServicesRest/" in e.url for e in c.outcome.traffic)
        for c in run.cases
    }
    assert writes == {
        "valid callout": 2,
        "bad signature": 0,
        "missing signature": 0,
        "re-ordered body": 0,
        "escaped characters": 2,
        "duplicate delivery": 2,
        "out-of-order sequence": 2,
        "fresh read": 4,
        "deactivation notice": 0,
    }


@pytest.mark.parametrize("name", [n for n in CATALOGUE if n != "answers after the timeout"])
def test_broken_receiver_is_caught_with_its_rule(name: str) -> None:
    factory, expected = CATALOGUE[name]
    broken = _run(factory).rules_broken()
    assert expected in broken, f"{name}: expected {expected}, the contract reported {sorted(broken)}"


def test_slow_receiver_fails_the_timeout_rule_with_a_scaled_timeout() -> None:
    factory, expected = CATALOGUE["answers after the timeout"]
    run = _run(factory, timeout=SLOW_ANSWER / 2)
    assert expected in run.rules_broken()
    # The same receiver inside a timeout it can meet is not blamed for its speed.
    assert expected not in _run(factory, timeout=SLOW_ANSWER * 3).rules_broken()
