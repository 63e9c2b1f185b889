"""The harness package's face: its public names, and what the pytest plugin costs everyone who installs it."""

from __future__ import annotations

import json
import subprocess
import sys

import harness

# What loading the plugin must not pull in: the CLI and everything it serves or prints with.
HEAVY = ("typer", "uvicorn", "rich", "vcr", "harness.cli.app", "harness.serving.server", "hypothesis")


def _modules_after(code: str) -> dict[str, object]:
    script = (
        "import json, sys\n" + code + "\n"
        "import importlib.util\n"
        "profiles = []\n"
        "if 'hypothesis' in sys.modules:\n"
        "    from hypothesis import settings\n"
        "    profiles = [p for p in ('contract',) if p in settings._profiles]\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'profiles': profiles}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    result: dict[str, object] = json.loads(out)
    return result


def test_importing_the_pytest_plugin_loads_no_cli_server_or_hypothesis() -> None:
    seen = _modules_after("import harness.pytest_plugin")
    modules = set(seen["modules"])  # type: ignore[call-overload]
    assert "harness.pytest_plugin" in modules
    assert sorted(name for name in HEAVY if name in modules) == []


def test_the_plugin_registers_no_hypothesis_profile_a_user_did_not_ask_for() -> None:
    seen = _modules_after("import hypothesis\nimport harness.pytest_plugin")
    assert seen["profiles"] == []


def test_importing_harness_is_cheap_and_its_names_load_on_use() -> None:
    seen = _modules_after("import harness")
    assert sorted(name for name in HEAVY if name in set(seen["modules"])) == []  # type: ignore[call-overload]
    seen = _modules_after("from harness import check, load_traffic")
    assert "harness.rules" in set(seen["modules"])  # type: ignore[call-overload]


def test_every_public_name_of_harness_resolves_to_what_its_module_defines() -> None:
    from harness.cassettes.vcr import autotask_vcr
    from harness.contract.client import AutotaskClient
    from harness.rules import check

    names: list[str] = vars(harness)["__all__"]  # read from __init__.pyi, where each name is written once
    assert len(names) >= 30 and "Exchange" not in names  # traffic is fake_server.Exchange, under that name only
    for name in names:
        assert getattr(harness, name) is not None, name
    assert harness.check is check and harness.AutotaskClient is AutotaskClient
    assert harness.autotask_vcr is autotask_vcr
    try:
        harness.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
