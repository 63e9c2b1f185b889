"""A client that does not do the work fails the contract suite: each operation it lacks is a failure naming
it, unless the user declares it unsupported with --allow-missing, which the report then says; and no test
drives the reference client when another client is under test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .serve_process import ROOT, run_harness

MISSING_HALF = ("set_resolution", "query_all")


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *options: str) -> pytest.RunResult:
    monkeypatch.setenv("AUTOTASK_CONTRACT_EXAMPLES", "2")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.chdir()
    return pytester.runpytest_subprocess("--pyargs", "contract_tests", "-p", "no:cacheprovider", "-rs", *options)


def test_an_adapter_with_no_operations_fails_naming_each(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, "--autotask-client", "tests.partial_clients:make_empty")
    assert result.ret == 1
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) == 0 and outcomes.get("skipped", 0) == 0, outcomes
    assert outcomes["deselected"] == 1  # the reference client's own workflow test
    for operation in ("resolve_ticket", "set_resolution", "add_note", "query_all"):
        result.stdout.fnmatch_lines([f"*[[]missing-operation[]] the client offers no {operation}*"])


def test_a_half_adapter_fails_naming_the_rest(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(pytester, monkeypatch, "--autotask-client", "tests.partial_clients:make_half")
    assert result.ret == 1
    named = set(re.findall(r"\[missing-operation\] the client offers no (\w+)", result.stdout.str()))
    assert named == set(MISSING_HALF)
    assert result.parseoutcomes()["passed"] >= 3  # what it does, it does right


def test_allow_missing_passes_the_half_adapter_and_reports_the_omissions(tmp_path: Path) -> None:
    """Through the command line, from a folder holding the adapter module, as a user runs it."""
    (tmp_path / "myadapter.py").write_text(
        (ROOT / "tests" / "partial_clients.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    allow = [arg for op in MISSING_HALF for arg in ("--allow-missing", op)]
    done = run_harness(
        "contract", "--client", "myadapter:make_half", *allow, cwd=tmp_path, env={"AUTOTASK_CONTRACT_EXAMPLES": "2"}
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "ModuleNotFoundError" not in done.stdout + done.stderr
    assert "not supported: the client offers no set_resolution (allowed by --allow-missing)" in done.stdout
    assert "not supported: the client offers no query_all (allowed by --allow-missing)" in done.stdout
    assert "1 deselected" in done.stdout


def test_a_client_that_does_not_load_is_one_line_before_the_suite_runs(tmp_path: Path) -> None:
    done = run_harness("contract", "--client", "myadapter:make_adapter", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) <= 2 and "myadapter" in done.stderr
    assert "passed" not in done.stdout


@pytest.mark.parametrize(
    ("source", "raised"),
    [("x = (\n", "SyntaxError"), ("raise RuntimeError('no config')\n", "RuntimeError"), ("import nope_nope\n", "")],
)
def test_a_client_module_that_fails_to_load_is_the_users_mistake_exit_2(
    tmp_path: Path, source: str, raised: str
) -> None:
    (tmp_path / "broken.py").write_text(source, encoding="utf-8")
    done = run_harness("contract", "--client", "broken:make_adapter", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2 and "Traceback" not in done.stderr, done.stderr
    assert "broken:make_adapter" in done.stderr and raised in done.stderr


def test_allowing_every_operation_missing_is_refused_since_nothing_would_be_tested(tmp_path: Path) -> None:
    allow = [
        arg for op in ("resolve_ticket", "set_resolution", "add_note", "query_all") for arg in ("--allow-missing", op)
    ]
    done = run_harness("contract", "--client", "tests.partial_clients:make_empty", *allow, cwd=ROOT)
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr
    assert "would test nothing" in done.stderr and "passed" not in done.stdout


def test_the_reference_client_passes_the_command_ci_runs(tmp_path: Path) -> None:
    done = run_harness("contract", cwd=tmp_path, env={"AUTOTASK_CONTRACT_EXAMPLES": "3"})
    assert done.returncode == 0, done.stdout[-3000:]
    assert "9 passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]
