"""Fixtures of the contract suite: the client under test, from --autotask-client or --autotask-command."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from fake_server import FakeAutotask, TenantProfile
from harness.contract.adapter import OPERATIONS, ClientConfig, CommandAdapter, load_factory, reference_adapter
from harness.contract.tenant_values import TenantValues
from harness.reports.contract import LAST_OUTCOMES, SCENARIO_PROPERTY, ContractReport, scenario_record
from harness.rules.settings import find_pyproject

# The contract suite's examples per property: 20 keeps the suite under a minute on 2 cores. Shrinking a
# failure costs a served fake per attempt (minutes for a broken client), so it is opt-in. Registered here,
# for the suite that uses it, not by the plugin for every pytest run.
settings.register_profile(
    "contract",
    max_examples=int(os.environ.get("AUTOTASK_CONTRACT_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=tuple(Phase)
    if os.environ.get("AUTOTASK_CONTRACT_SHRINK")
    else (Phase.explicit, Phase.reuse, Phase.generate),
)


REFERENCE = "harness.contract.adapter:reference_adapter"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    made = yield
    report = made.get_result()
    left = LAST_OUTCOMES.pop(item.nodeid, None) if report.when == "call" else None
    if left is not None:
        report.user_properties.append((SCENARIO_PROPERTY, scenario_record(*left)))


def pytest_configure(config: pytest.Config) -> None:
    # The report is made where the test reports arrive: the xdist controller, or the only process.
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(ContractReport(config, client_under_test(config)), "autotask-contract-report")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that drive the reference client itself (``DRIVES_THE_REFERENCE_CLIENT`` in their module) run only
    when it is the client under test: their pass says nothing about another client."""
    if _is_reference(config):
        return
    kept = [item for item in items if not getattr(getattr(item, "module", None), "DRIVES_THE_REFERENCE_CLIENT", False)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def _is_reference(config: pytest.Config) -> bool:
    if config.getoption("--autotask-command"):
        return False
    return (config.getoption("--autotask-client") or _client_from_pyproject() or REFERENCE) == REFERENCE


def client_under_test(config: pytest.Config) -> str:
    """The client the suite drives, as the report names it."""
    command = config.getoption("--autotask-command")
    if command:
        return f"command: {command}"
    spec = config.getoption("--autotask-client") or _client_from_pyproject() or REFERENCE
    return f"the reference client ({REFERENCE})" if spec == REFERENCE else f"adapter: {spec}"


@pytest.fixture(scope="session")
def client_factory(pytestconfig: pytest.Config) -> Any:
    """The factory that builds the client under test for each scenario; the reference client by default."""
    command = pytestconfig.getoption("--autotask-command")
    if command:
        return lambda config: CommandAdapter(command, config)
    spec = pytestconfig.getoption("--autotask-client") or _client_from_pyproject()
    return load_factory(spec) if spec else reference_adapter


@pytest.fixture(scope="session")
def allow_missing(pytestconfig: pytest.Config) -> frozenset[str]:
    """Operations the user declared unsupported (``--allow-missing``); a command client offers only
    resolve_ticket (the command interface carries nothing else), so the rest are allowed for it."""
    named = frozenset(pytestconfig.getoption("--autotask-allow-missing") or ())
    unknown = sorted(named - set(OPERATIONS))
    if unknown:
        raise pytest.UsageError(
            f"--allow-missing: no operation {', '.join(unknown)}; choose from {', '.join(OPERATIONS)}"
        )
    if pytestconfig.getoption("--autotask-command"):
        named |= frozenset(OPERATIONS) - CommandAdapter.supported_operations
    return named


@pytest.fixture(scope="session")
def tenant_profile(pytestconfig: pytest.Config) -> TenantProfile:
    """The tenant the suite runs on: ``--autotask-profile`` (a name or a TOML path ``probe`` wrote)."""
    return TenantProfile.load(pytestconfig.getoption("--autotask-profile"))


@pytest.fixture(scope="session")
def tenant_values(tenant_profile: TenantProfile) -> TenantValues:
    """That tenant's picklists, statuses and people, read from a fake built on it."""
    return TenantValues(FakeAutotask(tenant_profile))


@pytest.fixture(scope="session")
def in_process(pytestconfig: pytest.Config) -> bool:
    """``--autotask-in-process``: the client reaches the fake through fake.mock(), not over loopback."""
    in_process = bool(pytestconfig.getoption("--autotask-in-process"))
    if in_process and pytestconfig.getoption("--autotask-command"):
        raise pytest.UsageError("--autotask-in-process needs a Python client; a command runs in its own process")
    return in_process


def _client_from_pyproject() -> str | None:
    import tomllib
    from pathlib import Path

    path = find_pyproject(Path.cwd())
    if path is None:
        return None
    table = tomllib.loads(path.read_text("utf-8")).get("tool", {}).get("autotask-harness", {})
    client = table.get("client")
    return str(client) if client else None


__all__ = ["ClientConfig"]
