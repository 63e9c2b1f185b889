"""The contract suite catches every broken client with the expected rule, and passes the reference client."""

from __future__ import annotations

from typing import Any

import pytest

from harness.contract.adapter import reference_adapter
from harness.contract.scenarios import SCENARIOS

from .broken_clients import CATALOGUE


def _rules_reported(factory: Any) -> set[str]:
    found: set[str] = set()
    for scenario in SCENARIOS:
        found.update(f.rule for f in scenario().run(factory).findings)
    return found


def test_reference_client_passes_every_scenario() -> None:
    outcomes = {scenario.name: scenario().run(reference_adapter) for scenario in SCENARIOS}
    assert {name: o.findings for name, o in outcomes.items() if not o.passed} == {}


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_broken_client_is_caught_with_its_rule(name: str) -> None:
    factory, expected = CATALOGUE[name]
    reported = _rules_reported(factory)
    assert expected in reported, f"{name}: expected {expected}, the suite reported {sorted(reported)}"
