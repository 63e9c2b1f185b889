"""The contract suite as users run it: pytest --pyargs contract_tests, with their client plugged in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_CLIENT = ROOT / "tests" / "clients" / "node_contract_client.mjs"


def _run(pytester: pytest.Pytester, *options: str) -> pytest.RunResult:
    pytester.chdir()
    return pytester.runpytest_subprocess("--pyargs", "contract_tests", "-p", "no:cacheprovider", "-rs", *options)


def test_reference_client_passes_the_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "5")
    _run(pytester).assert_outcomes(passed=9)


def test_a_broken_client_fails_the_suite_naming_the_rule(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = _run(pytester, "--autotask-client", "tests.broken_clients:make_status8")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*[[]resolve-with-completing-status[]]*"])


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_a_node_client_runs_through_the_command_adapter(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    command = f"node {NODE_CLIENT} {{root_url}} {{ticket_number}} {{note}} {{resolution}} {{completing_status}}"
    result = _run(pytester, "--autotask-command", command)
    # The reference-only workflow test is deselected; the operations a command cannot carry are reported.
    result.assert_outcomes(passed=3, skipped=5, deselected=1)


def test_the_suite_spreads_over_xdist_workers(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "5")
    result = _run(pytester, "-n", "2")
    result.assert_outcomes(passed=9)
    result.stdout.fnmatch_lines(["*2 workers*"])


def test_autotask_live_switch_records_against_a_sandbox_stand_in(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_server import FakeAutotask, Limits
    from harness.cassettes.vcr import read_cassette
    from harness.serving.server import ServedFake

    sandbox = FakeAutotask(limits=Limits.off())
    with ServedFake(sandbox) as served:
        monkeypatch.setenv("AUTOTASK_ZONE_URL", f"{served.root_url}/ATServicesRest")
        monkeypatch.setenv("AUTOTASK_USERNAME", "sandbox-user-zq81@example.invalid")
        monkeypatch.setenv("AUTOTASK_SECRET", "sandbox-secret-zq82")
        monkeypatch.setenv("AUTOTASK_INTEGRATION_CODE", "SANDBOX-CODE-ZQ83")
        monkeypatch.setenv("AUTOTASK_RESOURCE_ID", "4")
        offline = _run(pytester, "-k", "live_workflow or scenario")
        offline.assert_outcomes(passed=7)
        assert len(sandbox.journal) == 0  # without the flag nothing reaches the "sandbox"
        live = _run(
            pytester, "-k", "live_workflow or scenario", "--autotask-live", "--autotask-cassette-dir", "recorded"
        )
        live.assert_outcomes(passed=5, skipped=2)  # two scenarios need the fake: fault injection, bulk seeding
    assert len(sandbox.journal) > 20
    recorded = sorted((pytester.path / "recorded").glob("*.json"))
    assert [p.stem for p in recorded] == [
        "add-note",
        "resolve-with-time-entries",
        "resolve-without-time-entries",
        "set-resolution-only",
        "test_reference_workflow_resolves_a_ticket_it_created",
    ]
    for cassette in recorded:
        provenance = read_cassette(cassette)["metadata"]["provenance"]
        assert (provenance["kind"], provenance["zone"]) == ("sandbox", "127.0.0.1")
        text = cassette.read_text("utf-8")
        for secret in ("sandbox-user-zq81", "sandbox-secret-zq82", "SANDBOX-CODE-ZQ83"):
            assert secret not in text


def test_autotask_live_without_credentials_fails_clearly(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AUTOTASK_ZONE_URL", "AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE"):
        monkeypatch.delenv(name, raising=False)
    result = _run(pytester, "-k", "live_workflow", "--autotask-live")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*--autotask-live needs AUTOTASK_ZONE_URL*"])


def _profile_sharing_no_picklist_value_with_the_default(folder: Path) -> Path:
    """The default tenant with every picklist the suite touches renumbered (+1000), statuses included."""
    import dataclasses

    from fake_server import FakeAutotask, TenantProfile
    from fake_server.profile_toml import write_profile

    default = TenantProfile.load("default")
    catalog = FakeAutotask(default).catalog
    picklists: dict[str, dict[str, list[dict[str, object]]]] = {}
    for entity in ("Tickets", "TicketNotes", "TimeEntries"):
        info = catalog.get(entity)
        assert info is not None
        for described in info.fields:
            if described.is_pick_list and described.picklist_values and described.data_type in ("integer", "short"):
                picklists.setdefault(entity, {})[described.name] = [
                    {
                        **v,
                        "value": str(int(v["value"]) + 1000),
                        "parentValue": str(int(v["parentValue"]) + 1000) if v.get("parentValue") else "",
                    }
                    for v in described.picklist_values
                ]
    completing = frozenset(v + 1000 for v in default.completion.completing_values)
    completion = dataclasses.replace(default.completion, completing_values=completing)
    probed = dataclasses.replace(default, name="renumbered", picklists=picklists, completion=completion)
    return write_profile(probed, folder / "profile.toml")


def test_the_suite_runs_on_a_tenant_profile_with_other_picklist_values(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from fake_server import FakeAutotask
    from harness.contract.suite import standard_ticket

    from .conftest import BASE, CREDENTIALS

    path = _profile_sharing_no_picklist_value_with_the_default(pytester.path)
    fake = FakeAutotask(path)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:  # the Postman contract's values are not this tenant's
        refused = http.post(f"{BASE}/Tickets", json=standard_ticket())
    assert refused.status_code == 500 and "does not exist" in refused.json()["errors"][0]
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    _run(pytester, "--autotask-profile", str(path)).assert_outcomes(passed=9)


def test_contract_command_takes_the_tenant_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    path = _profile_sharing_no_picklist_value_with_the_default(tmp_path)
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli.app", "contract", "--profile", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 passed" in done.stdout and f"on the {path} tenant" in done.stdout.replace("\n", "")


def test_a_requests_client_passes_the_suite_in_process(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "3")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = _run(pytester, "--autotask-in-process", "--autotask-client", "tests.clients.requests_adapter:make_adapter")
    result.assert_outcomes(passed=8, deselected=1)  # the reference client's own workflow test is not run


def test_in_process_refuses_a_command_client(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--autotask-in-process", "--autotask-command", "true")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*--autotask-in-process needs a Python client*"])


def test_the_report_names_the_client_each_workflow_its_rules_and_a_failures_exchanges(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "2")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    page = pytester.path / "contract.html"
    result = _run(pytester, "--autotask-client", "tests.broken_clients:make_patching", "--autotask-html", str(page))
    assert result.ret == 1
    out = result.stdout.str()
    assert "Contract report: adapter: tests.broken_clients:make_patching, default tenant" in out
    # A row per workflow with its verdict and the rules that judged it.
    result.stdout.re_match_lines([r"\s+scenario \S+\s+(passed|failed|skipped)\s+\d+\.\d\ds\s+contract \(\d+\).*"])
    result.stdout.re_match_lines([r"\s+contract rules: .*no-ticket-patch.*"])
    # A failure shows the exchange behind it: method, path, status and the fields that matter.
    result.stdout.re_match_lines(
        [r"\s+\[no-ticket-patch\] PATCH sent to .*", r"\s+#\d+ PATCH /ATServicesRest/V1.0/Tickets -> \d+.*id=\d+.*"]
    )
    assert "Traceback" not in out
    html = page.read_text(encoding="utf-8")
    assert "adapter: tests.broken_clients:make_patching" in html
    assert html.count('class="workflow"') >= 8 and "no-ticket-patch" in html
    from harness.contract.suite import CREDENTIALS

    assert not [value for value in CREDENTIALS.values() if value in html + out]  # never in a report


def test_verbose_lists_every_exchange(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "1")
    result = _run(pytester, "-v", "-k", "resolve")
    out = result.stdout.str()
    assert "Contract report: the reference client" in out
    result.stdout.re_match_lines([r"\s+#1 (GET|POST) /ATServicesRest/.* -> 200.*"])
