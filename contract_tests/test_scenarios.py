"""One test per documented workflow: the client under test must leave the tenant as the contract says.

With --autotask-live the scenarios that need no fake run against the sandbox from the environment,
creating their own throw-away tickets and recording the client's traffic to --autotask-cassette-dir.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fake_server import TenantProfile
from harness.contract.scenarios import SCENARIOS
from harness.reports.contract import LAST_OUTCOMES


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_contract_scenario(
    scenario: Any,
    client_factory: Any,
    tenant_profile: TenantProfile,
    in_process: bool,
    allow_missing: frozenset[str],
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
) -> None:
    if pytestconfig.getoption("--autotask-live"):
        from harness.sandbox import live_target

        folder = Path(pytestconfig.getoption("--autotask-cassette-dir"))
        outcome = scenario(tenant_profile).run_live(client_factory, live_target(), folder, allow_missing)
    else:
        outcome = scenario(tenant_profile).run(client_factory, in_process=in_process, allow_missing=allow_missing)
    # For the contract report (harness.reports.contract): it travels with the test's report, xdist or not.
    LAST_OUTCOMES[request.node.nodeid] = (f"scenario {scenario.name}", outcome)
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert outcome.passed, "\n".join(f.line() for f in outcome.findings)
