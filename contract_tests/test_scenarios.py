"""One test per documented workflow: the client under test must leave the tenant as the contract says."""

from __future__ import annotations

from typing import Any

import pytest

from harness.scenarios import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_contract_scenario(scenario: Any, client_factory: Any) -> None:
    outcome = scenario().run(client_factory)
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert outcome.passed, "\n".join(f"[{f.rule}] {f.message}" for f in outcome.findings)
