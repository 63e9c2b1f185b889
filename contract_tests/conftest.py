"""Fixtures of the contract suite: the client under test, from --autotask-client or --autotask-command."""

from __future__ import annotations

from typing import Any

import pytest

from harness.adapter import ClientConfig, CommandAdapter, load_factory, reference_adapter
from harness.settings import find_pyproject


@pytest.fixture(scope="session")
def client_factory(pytestconfig: pytest.Config) -> Any:
    """The factory that builds the client under test for each scenario; the reference client by default."""
    command = pytestconfig.getoption("--autotask-command")
    if command:
        return lambda config: CommandAdapter(command, config)
    spec = pytestconfig.getoption("--autotask-client") or _client_from_pyproject()
    return load_factory(spec) if spec else reference_adapter


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
