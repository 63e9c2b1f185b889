"""The contract suite as users run it: pytest --pyargs contract_tests, with their client plugged in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_CLIENT = ROOT / "tests" / "clients" / "node_contract_client.mjs"


def _run(pytester: pytest.Pytester, *options: str) -> pytest.RunResult:
    pytester.chdir()
    return pytester.runpytest_subprocess("--pyargs", "contract_tests", "-p", "no:cacheprovider",
                                         "--hypothesis-profile=contract", "-rs", *options)


def test_reference_client_passes_the_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "5")
    _run(pytester).assert_outcomes(passed=8)


def test_a_broken_client_fails_the_suite_naming_the_rule(pytester: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = _run(pytester, "--autotask-client", "tests.broken_clients:make_status8")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*[[]resolve-with-completing-status[]]*"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_node_client_runs_through_the_command_adapter(pytester: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    command = f"node {NODE_CLIENT} {{root_url}} {{ticket_number}} {{note}} {{resolution}} {{completing_status}}"
    result = _run(pytester, "--autotask-command", command)
    result.assert_outcomes(passed=3, skipped=5)


def test_the_suite_spreads_over_xdist_workers(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "5")
    result = _run(pytester, "-n", "2")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["*2 workers*"])
